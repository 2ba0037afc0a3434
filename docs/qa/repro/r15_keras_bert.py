import keras
from keras import layers


def ffn(x, d=768):
    init = keras.initializers.TruncatedNormal(stddev=0.02)
    h = layers.Dense(4 * d, activation="gelu", kernel_initializer=init)(x)
    h = layers.Dense(d, kernel_initializer=init)(h)
    return layers.LayerNormalization(epsilon=1e-12)(x + h)


inp = keras.Input(shape=(128, 768))
out = ffn(inp)
model = keras.Model(inp, out)
