"""Part-of-speech tagger: embeddings, two bidirectional GRUs, a per-token MLP head."""
import tensorflow as tf
from tensorflow.keras import layers

VOCAB = 30000
EMBED = 128
TAGS = 17


def build_tagger(units=128):
    tokens = tf.keras.Input(shape=(None,), dtype="int32", name="tokens")
    x = layers.Embedding(VOCAB, EMBED, mask_zero=True)(tokens)
    x = layers.Bidirectional(layers.GRU(units, return_sequences=True, dropout=0.2))(x)
    # summing the two directions keeps the width at `units`
    x = layers.Bidirectional(layers.GRU(units, return_sequences=True), merge_mode="sum")(x)
    x = layers.TimeDistributed(layers.Dense(256, activation="relu"))(x)
    x = layers.Dropout(0.3)(x)
    tags = layers.TimeDistributed(layers.Dense(TAGS, activation="softmax"))(x)
    return tf.keras.Model(tokens, tags, name="bigru_tagger")


model = build_tagger()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
