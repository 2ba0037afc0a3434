from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(32,))
dense = layers.Dense(64, activation="relu", kernel_initializer="he_normal")
x = dense(inputs)
out = layers.Dense(1, activation="sigmoid", kernel_initializer="he_normal")(x)
model = keras.Model(inputs, out)
