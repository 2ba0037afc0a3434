# IMDB sentiment classifier: Embedding -> LSTM -> Dense(sigmoid).
# InitLens: nothing to report. The LSTM keeps Keras' defaults
# (glorot_uniform kernel, orthogonal recurrent kernel, tanh), which suit it,
# and the sigmoid output head is a readout.
import keras
from keras import layers

VOCAB_SIZE = 20000
MAXLEN = 200

model = keras.Sequential()
model.add(keras.Input(shape=(MAXLEN,), dtype="int32"))
model.add(layers.Embedding(VOCAB_SIZE, 128))
model.add(layers.LSTM(64, dropout=0.2))
model.add(layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
