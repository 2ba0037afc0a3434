import flax.linen as nn
import jax.numpy as jnp


class Decoder(nn.Module):
    """Upsamples a latent vector to a 28x28 image."""

    latent_dim: int = 16

    @nn.compact
    def __call__(self, z):
        x = nn.Dense(7 * 7 * 64, kernel_init=nn.initializers.he_normal())(z)
        x = nn.relu(x)
        x = x.reshape((z.shape[0], 7, 7, 64))
        x = nn.ConvTranspose(features=64, kernel_size=(3, 3), strides=(2, 2))(x)
        x = nn.relu(x)
        x = nn.ConvTranspose(features=32, kernel_size=(3, 3), strides=(2, 2))(x)
        x = nn.relu(x)
        x = nn.Conv(features=1, kernel_size=(3, 3), kernel_init=nn.initializers.xavier_uniform())(x)
        return nn.sigmoid(x)
