from tensorflow.keras.layers import Conv2D, BatchNormalization, ReLU, Dense, Flatten, Input, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose
from tensorflow.keras.models import Model

inp = Input(shape=(64, 64, 3))
x = Conv2D(32, (3, 3), strides=2, padding="same", use_bias=False)(inp)
x = BatchNormalization()(x)
x = ReLU()(x)
x = DepthwiseConv2D(3, padding="same")(x)
x = BatchNormalization()(x)
x = ReLU(6.)(x)
x = SeparableConv2D(64, 3, activation="relu")(x)
x = Conv2DTranspose(16, 3, strides=2, activation="relu", kernel_initializer="he_uniform")(x)
x = Flatten()(x)
out = Dense(10, activation="softmax")(x)
model = Model(inp, out)
