from tensorflow import keras
from tensorflow.keras import layers

inp = keras.Input(shape=(64,))
h = layers.Dense(128, activation="relu", kernel_initializer="he_normal")(inp)
cls = layers.Dense(1, activation="sigmoid", kernel_initializer="he_normal", name="cls")(h)
reg = layers.Dense(4, kernel_initializer="zeros", name="box")(h)
aux = layers.Dense(10, activation="softmax", kernel_initializer="zeros", name="aux")(h)
model = keras.Model(inp, [cls, reg, aux])
