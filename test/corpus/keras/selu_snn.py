"""Self-normalizing network (Klambauer et al.) for tabular classification."""
from tensorflow import keras

model = keras.Sequential([
    keras.layers.Input(shape=(100,)),
    keras.layers.Dense(256, activation="selu", kernel_initializer="lecun_normal"),
    keras.layers.AlphaDropout(0.05),
    keras.layers.Dense(256, activation="selu"),
    keras.layers.AlphaDropout(0.05),
    keras.layers.Dense(128, activation="selu", kernel_initializer="lecun_normal"),
    keras.layers.Dense(5, activation="softmax"),
])

model.compile(optimizer=keras.optimizers.Adam(1e-3),
              loss="categorical_crossentropy",
              metrics=["accuracy"])
