import flax.linen as nn
import jax
import jax.numpy as jnp

he_init = nn.initializers.he_normal()


class GatedMLP(nn.Module):
    hidden: int = 256
    out: int = 1

    def setup(self):
        self.dense1 = nn.Dense(self.hidden, kernel_init=he_init)
        self.dense2 = nn.Dense(self.hidden, kernel_init=nn.initializers.he_normal)
        self.dense3 = nn.Dense(self.hidden)
        self.head = nn.Dense(self.out)

    def __call__(self, x):
        x = nn.gelu(self.dense1(x))
        x = nn.relu(self.dense2(x))
        x = nn.silu(self.dense3(x))
        return self.head(x)


model = GatedMLP()
params = model.init(jax.random.PRNGKey(1), jnp.zeros((4, 16)))
