import keras
from keras import layers

# A deep plain MLP: 11 Dense layers, He init, no normalization, no skips.
inputs = keras.Input(shape=(64,))
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(inputs)
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(x)
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(x)
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(x)
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(x)
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(x)
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(x)
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(x)
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(x)
x = layers.Dense(256, activation="relu", kernel_initializer="he_normal")(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs, name="deep_plain")
