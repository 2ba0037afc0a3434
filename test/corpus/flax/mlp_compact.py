"""MNIST MLP in Flax linen, compact style."""
from typing import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp


class MLP(nn.Module):
    features: Sequence[int] = (512, 256)
    num_classes: int = 10

    @nn.compact
    def __call__(self, x):
        x = x.reshape((x.shape[0], -1))
        x = nn.Dense(features=self.features[0])(x)
        x = nn.relu(x)
        x = nn.Dense(features=self.features[1])(x)
        x = nn.relu(x)
        x = nn.Dense(features=self.num_classes)(x)
        return x


model = MLP()
params = model.init(jax.random.PRNGKey(0), jnp.ones((1, 28, 28, 1)))
