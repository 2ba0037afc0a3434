from tensorflow import keras
from tensorflow.keras import layers


def build(act="relu", width=64):
    init = "he_normal" if act in ("relu", "elu") else "glorot_uniform"
    inp = keras.Input((10,))
    x = layers.Dense(width, activation=act, kernel_initializer=init)(inp)
    x = layers.Dense(width, activation=act, kernel_initializer=init)(x)
    return keras.Model(inp, layers.Dense(1)(x))


relu_model = build()
tanh_model = build("tanh")
