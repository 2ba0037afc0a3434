import flax.linen as nn
import jax
import jax.numpy as jnp


class CNN(nn.Module):
    """A simple CNN model, He-initialized."""

    num_classes: int = 10

    @nn.compact
    def __call__(self, x):
        x = nn.Conv(features=32, kernel_size=(3, 3), kernel_init=nn.initializers.he_normal())(x)
        x = nn.relu(x)
        x = nn.avg_pool(x, window_shape=(2, 2), strides=(2, 2))
        x = nn.Conv(features=64, kernel_size=(3, 3), kernel_init=nn.initializers.he_normal())(x)
        x = nn.relu(x)
        x = nn.avg_pool(x, window_shape=(2, 2), strides=(2, 2))
        x = x.reshape((x.shape[0], -1))  # flatten
        x = nn.Dense(features=256, kernel_init=nn.initializers.kaiming_uniform())(x)
        x = nn.relu(x)
        x = nn.Dense(features=self.num_classes)(x)
        return x


cnn = CNN()
variables = cnn.init(jax.random.PRNGKey(0), jnp.ones([1, 28, 28, 1]))
