import keras
from keras import layers


class FeedForward(keras.Model):
    """A small subclassed MLP mixing GELU and LeakyReLU, He-initialized."""

    def __init__(self, hidden=256, out_dim=3, **kwargs):
        super().__init__(**kwargs)
        self.fc1 = layers.Dense(hidden, activation="gelu", kernel_initializer="he_uniform")
        self.fc2 = layers.Dense(hidden, kernel_initializer="he_normal")
        self.act2 = layers.LeakyReLU(negative_slope=0.1)
        self.fc3 = layers.Dense(hidden, activation="swish", kernel_initializer="he_normal")
        self.out = layers.Dense(out_dim, kernel_initializer="glorot_uniform")

    def call(self, x):
        x = self.fc1(x)
        x = self.act2(self.fc2(x))
        x = self.fc3(x)
        return self.out(x)


model = FeedForward()
model.build((None, 32))
