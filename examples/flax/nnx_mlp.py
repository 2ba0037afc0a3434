# A Flax NNX MLP: layers built in __init__ with their sizes, used in __call__.
# InitLens: linear1 keeps NNX's default kernel_init (lecun_normal,
# Var(W) = 1/fan_in) before nnx.relu, which halves the signal's second moment
# -> IL001 (fix: kernel_init=nnx.initializers.he_normal(), written before rngs=).
# linear2 already uses he_normal() before jax.nn.gelu; linear3 is a readout.
import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, din: int, dmid: int, dout: int, *, rngs: nnx.Rngs):
        self.linear1 = nnx.Linear(din, dmid, rngs=rngs)
        self.dropout = nnx.Dropout(rate=0.1, rngs=rngs)
        self.linear2 = nnx.Linear(dmid, dmid, kernel_init=nnx.initializers.he_normal(), rngs=rngs)
        self.linear3 = nnx.Linear(dmid, dout, rngs=rngs)

    def __call__(self, x):
        x = self.dropout(nnx.relu(self.linear1(x)))
        x = jax.nn.gelu(self.linear2(x))
        return self.linear3(x)


if __name__ == "__main__":
    model = MLP(784, 512, 10, rngs=nnx.Rngs(0))
    print(model(jnp.ones((1, 784))).shape)
