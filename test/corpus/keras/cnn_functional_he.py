import keras
from keras import layers


def build_model(input_shape=(32, 32, 3), num_classes=10):
    inputs = keras.Input(shape=input_shape, name="image")
    x = layers.Conv2D(32, 3, padding="same", activation="relu",
                      kernel_initializer="he_normal")(inputs)
    x = layers.Conv2D(32, 3, padding="same", activation="relu",
                      kernel_initializer="he_normal")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu",
                      kernel_initializer=keras.initializers.HeNormal(seed=42))(x)
    x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(128, activation="relu", kernel_initializer="he_uniform")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(inputs=inputs, outputs=outputs, name="small_cnn")


if __name__ == "__main__":
    model = build_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()
