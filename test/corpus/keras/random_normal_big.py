import keras
from keras import initializers, layers

# Someone copied an init from an old blog post: N(0, 1) weights.
model = keras.Sequential()
model.add(keras.Input(shape=(784,)))
model.add(layers.Dense(256, activation="relu",
                       kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0)))
model.add(layers.Dense(256, activation="relu", kernel_initializer="he_normal"))
model.add(layers.Dense(10, activation="softmax"))
model.compile(optimizer="sgd", loss="categorical_crossentropy")
