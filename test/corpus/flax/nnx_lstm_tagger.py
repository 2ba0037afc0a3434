"""Part-of-speech tagger: embeddings, an LSTM over the sentence, a small MLP per token."""
import jax.numpy as jnp
from flax import nnx

VOCAB = 20000
TAGS = 17


class Tagger(nnx.Module):
    def __init__(self, embed_dim: int = 100, hidden: int = 128, *, rngs: nnx.Rngs):
        self.embed = nnx.Embed(VOCAB, embed_dim, rngs=rngs)
        # same initializer everywhere "for consistency"
        init = nnx.initializers.glorot_uniform()
        self.lstm = nnx.RNN(
            nnx.LSTMCell(embed_dim, hidden, kernel_init=init, recurrent_kernel_init=init, rngs=rngs)
        )
        self.hidden = nnx.Linear(hidden, hidden, kernel_init=nnx.initializers.zeros_init(), rngs=rngs)
        self.out = nnx.Linear(hidden, TAGS, rngs=rngs)

    def __call__(self, tokens):
        x = self.embed(tokens)
        x = self.lstm(x)
        x = nnx.tanh(self.hidden(x))
        return self.out(x)


tagger = Tagger(rngs=nnx.Rngs(42))
logits = tagger(jnp.zeros((8, 30), dtype=jnp.int32))
