import jax
import flax.linen as nn
from jax.nn import initializers


class M(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(64, kernel_init=nn.initializers.orthogonal)(x)
        x = nn.Dense(64, kernel_init=jax.nn.initializers.glorot_uniform)(x)
        x = nn.Dense(64, kernel_init=nn.initializers.zeros_init)(x)
        x = nn.Dense(64, kernel_init=nn.initializers.zeros)(x)
        x = nn.Dense(64, kernel_init=initializers.normal)(x)
        x = nn.Dense(64, bias_init=nn.initializers.zeros_init)(x)
        x = nn.Dense(64, kernel_init=nn.initializers.variance_scaling)(x)
        x = nn.Embed(100, 64, embedding_init=nn.initializers.normal)(x)
        x = nn.Dense(64, kernel_init=nn.initializers.he_normal(), bias_init=nn.initializers.constant)(x)
        return x
