# A subclassed Keras model: layers built in __init__, wired in call().
# InitLens: self.hidden1 feeds tf.nn.relu in call() but keeps the default
# glorot_uniform -> IL001 (fix: kernel_initializer="he_normal").
# self.hidden2 already uses he_uniform before its ReLU: fine.
# self.out is a linear regression head: fine.
import tensorflow as tf
from tensorflow import keras


class Regressor(keras.Model):
    def __init__(self, units=64, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(units)
        self.hidden2 = keras.layers.Dense(units, kernel_initializer="he_uniform")
        self.out = keras.layers.Dense(1)

    def call(self, inputs, training=False):
        x = tf.nn.relu(self.hidden1(inputs))
        x = tf.nn.relu(self.hidden2(x))
        return self.out(x)


model = Regressor()
model.compile(optimizer="adam", loss="mse")
