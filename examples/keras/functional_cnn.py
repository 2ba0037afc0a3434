# Small CIFAR-10 CNN with the functional API: Conv2D -> BatchNormalization ->
# Activation("relu"), every convolution initialized with he_normal.
# InitLens: nothing to report (He init before ReLU is right; the softmax head
# keeps glorot_uniform, which is fine for a readout).
import keras
from keras import layers


def conv_block(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", use_bias=False,
                      kernel_initializer="he_normal")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    return x


def build_cnn(input_shape=(32, 32, 3), num_classes=10):
    inputs = keras.Input(shape=input_shape)
    x = conv_block(inputs, 32)
    x = conv_block(x, 32)
    x = layers.MaxPooling2D()(x)
    x = conv_block(x, 64)
    x = conv_block(x, 64)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(128, kernel_initializer="he_normal")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="small_cnn")


model = build_cnn()
model.summary()
