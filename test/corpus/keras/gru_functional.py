import keras
from keras import layers

timesteps, n_features = 48, 6

inputs = keras.Input(shape=(timesteps, n_features))
x = layers.GRU(128, return_sequences=True,
               recurrent_initializer="glorot_uniform")(inputs)
x = layers.GRU(64)(x)
x = layers.Dense(32, activation="relu", kernel_initializer="he_normal")(x)
forecast = layers.Dense(1, name="forecast")(x)

model = keras.Model(inputs=inputs, outputs=forecast)
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
