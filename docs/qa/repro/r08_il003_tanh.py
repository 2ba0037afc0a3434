from tensorflow import keras
from tensorflow.keras import layers, initializers

model = keras.Sequential([
    keras.Input(shape=(256,)),
    layers.Dense(256, activation="tanh", kernel_initializer=initializers.RandomNormal(stddev=0.0625)),  # 1/sqrt(256): LeCun
    layers.Dense(10, activation="softmax"),
])
