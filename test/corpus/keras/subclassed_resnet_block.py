import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


class ResidualBlock(layers.Layer):
    """Two 3x3 convolutions with batch norm and an identity shortcut."""

    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = layers.Conv2D(filters, 3, padding="same", use_bias=False,
                                   kernel_initializer="he_normal")
        self.bn1 = layers.BatchNormalization()
        self.conv2 = layers.Conv2D(filters, 3, padding="same", use_bias=False,
                                   kernel_initializer="he_normal")
        self.bn2 = layers.BatchNormalization()

    def call(self, inputs, training=False):
        x = self.conv1(inputs)
        x = self.bn1(x, training=training)
        x = tf.nn.relu(x)
        x = self.conv2(x)
        x = self.bn2(x, training=training)
        x = layers.add([x, inputs])
        return tf.nn.relu(x)


class TinyResNet(keras.Model):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = layers.Conv2D(64, 3, padding="same", use_bias=False,
                                  kernel_initializer="he_normal")
        self.stem_bn = layers.BatchNormalization()
        self.block1 = ResidualBlock(64)
        self.block2 = ResidualBlock(64)
        self.pool = layers.GlobalAveragePooling2D()
        self.classifier = layers.Dense(num_classes)

    def call(self, inputs, training=False):
        x = self.stem(inputs)
        x = self.stem_bn(x, training=training)
        x = tf.nn.relu(x)
        x = self.block1(x, training=training)
        x = self.block2(x, training=training)
        x = self.pool(x)
        return self.classifier(x)


model = TinyResNet()
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
