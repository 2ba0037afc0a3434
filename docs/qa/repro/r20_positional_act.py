from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([keras.Input(shape=(32,)), layers.Dense(64, "relu"), layers.Dense(1)])
