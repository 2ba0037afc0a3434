"""Text classifier: embed tokens, run an LSTM over them, classify the last state."""
import flax.linen as nn
import jax
import jax.numpy as jnp


class TextClassifier(nn.Module):
    vocab_size: int = 10000
    embed_dim: int = 128
    hidden: int = 256
    num_classes: int = 2

    @nn.compact
    def __call__(self, tokens):
        x = nn.Embed(num_embeddings=self.vocab_size, features=self.embed_dim)(tokens)
        x = nn.RNN(nn.OptimizedLSTMCell(features=self.hidden))(x)
        x = x[:, -1, :]
        x = nn.Dense(self.num_classes)(x)
        return x


model = TextClassifier()
params = model.init(jax.random.PRNGKey(0), jnp.zeros((2, 40), dtype=jnp.int32))
