import keras
from keras import layers

units = 64
units = units * 2
activation = "relu"
if units > 100:
    activation = "tanh"

inp = keras.Input((32,))
h = layers.Dense(units, activation=activation, kernel_initializer="he_normal")(inp)
out = layers.Dense(1)(h)
m = keras.Model(inp, out)
