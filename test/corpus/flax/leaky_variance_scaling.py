from typing import Callable

import flax.linen as nn
import jax.numpy as jnp

leaky_init = nn.initializers.variance_scaling(2.0 / (1 + 0.2 ** 2), "fan_in", "truncated_normal")


class Critic(nn.Module):
    """WGAN critic on flat features; leaky ReLU with the matching He variant."""

    hidden: int = 512

    @nn.compact
    def __call__(self, x):
        x = nn.Dense(self.hidden, kernel_init=leaky_init)(x)
        x = nn.leaky_relu(x, negative_slope=0.2)
        x = nn.Dense(self.hidden, kernel_init=nn.initializers.zeros)(x)
        x = nn.leaky_relu(x, negative_slope=0.2)
        x = nn.Dense(self.hidden, kernel_init=nn.initializers.variance_scaling(2.0 / (1 + 0.2 ** 2), "fan_in", "truncated_normal"))(x)
        x = nn.leaky_relu(x, negative_slope=0.2)
        return nn.Dense(1)(x)
