import flax.linen as nn
import jax.numpy as jnp


class ResNetBlock(nn.Module):
    """Basic residual block with batch norm, He-initialized convolutions."""

    filters: int
    strides: tuple = (1, 1)

    @nn.compact
    def __call__(self, x, train: bool = True):
        residual = x
        y = nn.Conv(self.filters, (3, 3), self.strides, use_bias=False,
                    kernel_init=nn.initializers.kaiming_normal())(x)
        y = nn.BatchNorm(use_running_average=not train)(y)
        y = nn.relu(y)
        y = nn.Conv(self.filters, (3, 3), use_bias=False,
                    kernel_init=nn.initializers.kaiming_normal())(y)
        y = nn.BatchNorm(use_running_average=not train, scale_init=nn.initializers.zeros_init())(y)
        if residual.shape != y.shape:
            residual = nn.Conv(self.filters, (1, 1), self.strides, use_bias=False,
                               kernel_init=nn.initializers.kaiming_normal(), name="conv_proj")(residual)
            residual = nn.BatchNorm(use_running_average=not train, name="norm_proj")(residual)
        return nn.relu(residual + y)


class SmallResNet(nn.Module):
    num_classes: int = 10

    @nn.compact
    def __call__(self, x, train: bool = True):
        x = nn.Conv(32, (3, 3), use_bias=False, kernel_init=nn.initializers.he_normal())(x)
        x = nn.BatchNorm(use_running_average=not train)(x)
        x = nn.relu(x)
        x = ResNetBlock(32)(x, train)
        x = ResNetBlock(64, strides=(2, 2))(x, train)
        x = jnp.mean(x, axis=(1, 2))
        x = nn.Dense(self.num_classes)(x)
        return x
