import keras
from keras import layers

vocab_size = 20000
embedding_dim = 128
sequence_length = 500

inputs = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(vocab_size, embedding_dim)(inputs)
x = layers.Dropout(0.5)(x)
x = layers.Conv1D(128, 7, padding="valid", activation="tanh", kernel_initializer="he_uniform", strides=3)(x)
x = layers.Conv1D(
    128,
    7,
    padding="valid",
    activation="relu",
    strides=3,
    kernel_initializer=keras.initializers.VarianceScaling(scale=2.0, mode="fan_in", distribution="truncated_normal"),
)(x)
x = layers.GlobalMaxPooling1D()(x)
x = layers.Dense(128, activation="elu", kernel_initializer="he_normal")(x)
x = layers.Dropout(0.5)(x)
predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)

model = keras.Model(inputs, predictions)
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
