# Fashion-MNIST classifier, Sequential list style.
# InitLens: the two hidden ReLU layers keep Keras' default kernel initializer
# (glorot_uniform), which halves the signal's second moment per layer under
# ReLU -> IL001 on both, quick fix kernel_initializer="he_normal".
# The softmax output layer is fine as it is.
import keras
from keras import layers

NUM_CLASSES = 10


def build_model(hidden=256, dropout=0.2):
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        layers.Dense(hidden, activation="relu"),
        layers.Dropout(dropout),
        layers.Dense(hidden // 2, activation="relu"),
        layers.Dense(NUM_CLASSES, activation="softmax"),
    ])
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


if __name__ == "__main__":
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255.0
    build_model().fit(x_train, y_train, epochs=5, batch_size=128)
