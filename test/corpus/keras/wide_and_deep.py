import tensorflow as tf

NUM_NUMERIC = 12
VOCAB = 1000


def build_wide_and_deep():
    numeric = tf.keras.Input(shape=(NUM_NUMERIC,), name="numeric")
    category = tf.keras.Input(shape=(1,), dtype="int32", name="category")

    emb = tf.keras.layers.Embedding(VOCAB, 16)(category)
    emb = tf.keras.layers.Flatten()(emb)

    deep = tf.keras.layers.Concatenate()([numeric, emb])
    deep = tf.keras.layers.Dense(
        256,
        activation=tf.nn.relu,
        kernel_initializer=tf.keras.initializers.GlorotUniform(seed=0),
    )(deep)
    deep = tf.keras.layers.Dense(128, activation="selu", kernel_initializer="lecun_normal")(deep)

    wide = tf.keras.layers.Dense(1, name="wide")(numeric)
    deep_out = tf.keras.layers.Dense(1, name="deep")(deep)
    logit = tf.keras.layers.Add()([wide, deep_out])
    prob = tf.keras.layers.Activation("sigmoid")(logit)
    return tf.keras.Model(inputs=[numeric, category], outputs=prob)
