# A Flax linen MLP in @nn.compact style.
# InitLens: the hidden nn.Dense layers keep Flax's default kernel_init
# (lecun_normal, Var(W) = 1/fan_in), which halves the signal under nn.relu
# -> IL001 on both (fix: kernel_init=nn.initializers.he_normal()).
# The output Dense is a linear readout: fine.
from typing import Sequence

import jax
import jax.numpy as jnp
import flax.linen as nn


class MLP(nn.Module):
    features: Sequence[int] = (512, 512)
    num_classes: int = 10

    @nn.compact
    def __call__(self, x):
        x = nn.Dense(self.features[0])(x)
        x = nn.relu(x)
        x = nn.Dense(self.features[1])(x)
        x = nn.relu(x)
        return nn.Dense(self.num_classes)(x)


if __name__ == "__main__":
    model = MLP()
    params = model.init(jax.random.PRNGKey(0), jnp.ones((1, 784)))
    print(jax.tree_util.tree_map(jnp.shape, params))
