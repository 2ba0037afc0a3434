from tensorflow.keras import layers, models

model = models.Sequential([
    layers.Input(shape=(None, 16)),
    layers.Bidirectional(layers.LSTM(64, return_sequences=True)),
    layers.TimeDistributed(layers.Dense(32, activation="relu", kernel_initializer="he_normal")),
    layers.TimeDistributed(layers.Dense(5, activation="softmax")),
])
