from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(64, 3, activation="relu", kernel_initializer="he_normal"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(128, activation="relu", kernel_initializer=keras.initializers.RandomNormal(stddev=0.05)),
    layers.Dense(10, activation="softmax"),
])
