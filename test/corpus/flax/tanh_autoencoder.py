import flax.linen as nn


class Encoder(nn.Module):
    latents: int = 20

    @nn.compact
    def __call__(self, x):
        x = nn.Dense(500, kernel_init=nn.initializers.xavier_uniform())(x)
        x = nn.tanh(x)
        x = nn.Dense(self.latents, kernel_init=nn.initializers.xavier_uniform())(x)
        return x


class Decoder(nn.Module):
    @nn.compact
    def __call__(self, z):
        z = nn.Dense(500, kernel_init=nn.initializers.glorot_normal())(z)
        z = nn.tanh(z)
        z = nn.Dense(784, kernel_init=nn.initializers.glorot_normal())(z)
        return nn.sigmoid(z)
