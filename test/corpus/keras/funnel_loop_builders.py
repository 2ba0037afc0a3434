"""Two tabular classifiers whose hidden layers come from a loop over their widths."""
import keras
from keras import layers

HIDDEN_UNITS = (256, 128, 64)


def build_funnel(n_features=40, n_classes=5):
    inputs = keras.Input(shape=(n_features,))
    x = inputs
    for units in HIDDEN_UNITS:
        x = layers.Dense(units, activation="relu")(x)
        x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="funnel")


def build_tanh_stack(n_features=40, widths=(128, 128)):
    model = keras.Sequential(name="tanh_stack")
    model.add(keras.Input(shape=(n_features,)))
    for w in widths:
        model.add(layers.Dense(w, activation="tanh"))
    model.add(layers.Dense(1))
    return model


funnel = build_funnel()
tanh_stack = build_tanh_stack()
