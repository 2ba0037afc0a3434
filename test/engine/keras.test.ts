import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, fixAndCheck } from './helpers.js';

test('Keras Sequential list: inline activations, fans from Input, softmax head is not flagged', () => {
  const src = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(256, activation="relu"),
    layers.Dropout(0.2),
    layers.Dense(10, activation="softmax"),
])
`;
  check(src, {
    layers: [
      { line: 6, layer: 'Dense', act: 'relu', init: 'glorot_uniform', fanIn: 784, fanOut: 256 },
      { line: 8, layer: 'Dense', act: 'softmax', init: 'glorot_uniform', fanIn: 256, fanOut: 10 },
    ],
    findings: ['IL001@6'],
  });
});

test('Keras: activation from the next layer across Dropout and BatchNormalization', () => {
  const src = `from tensorflow.keras import layers, models
m = models.Sequential()
m.add(layers.Conv2D(32, (3, 3), input_shape=(28, 28, 1)))
m.add(layers.BatchNormalization())
m.add(layers.Activation("relu"))
m.add(layers.Flatten())
m.add(layers.Dense(64))
m.add(layers.Dropout(0.5))
m.add(layers.LeakyReLU(negative_slope=0.1))
m.add(layers.Dense(10, activation="softmax"))
`;
  const res = check(src, {
    layers: [
      { line: 3, layer: 'Conv2D', act: 'relu', norm: 'batchnorm', fanIn: 9, fanOut: 288 },
      { line: 7, layer: 'Dense', act: 'leaky_relu', norm: null, fanOut: 64 },
      { line: 10, layer: 'Dense', act: 'softmax' },
    ],
    findings: ['IL001@3', 'IL001@7'],
  });
  assert.equal(res.findings[0].severity, 'info', 'a normalized layer gets a milder severity');
  assert.match(res.findings[0].message, /BatchNorm follows/);
  assert.equal(res.layers[1].activation.param, 0.1);
});

test('Keras functional API and subclassed call()', () => {
  const src = `import tensorflow as tf
from tensorflow import keras

inputs = keras.Input(shape=(32,))
x = keras.layers.Dense(64)(inputs)
x = keras.layers.Activation("tanh")(x)
h = keras.layers.Dense(64, kernel_initializer="he_normal")(x)
h = tf.nn.relu(h)
outputs = keras.layers.Dense(1)(h)
model = keras.Model(inputs, outputs)

class Block(keras.layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.d1 = keras.layers.Dense(units)
        self.d2 = keras.layers.Dense(units, activation="selu")

    def call(self, x):
        x = tf.nn.gelu(self.d1(x))
        return self.d2(x)
`;
  check(src, {
    layers: [
      { line: 5, act: 'tanh', init: 'glorot_uniform', fanIn: 32, fanOut: 64 },
      { line: 7, act: 'relu', init: 'he_normal', fanIn: 64 },
      { line: 9, act: 'linear', fanIn: 64, fanOut: 1 },
      { line: 15, name: 'd1', act: 'gelu' },
      { line: 16, name: 'd2', act: 'selu' },
    ],
    findings: ['IL001@15', 'IL006@16'],
  });
});

test('Keras recurrent layers: default orthogonal recurrent kernel is fine, explicit glorot is IL005', () => {
  const src = `from keras import layers, Sequential
model = Sequential([
    layers.Embedding(10000, 128),
    layers.LSTM(64, return_sequences=True),
    layers.GRU(32, recurrent_initializer="glorot_uniform"),
    layers.Dense(1, activation="sigmoid"),
])
`;
  check(src, {
    layers: [
      { line: 3, layer: 'Embedding', init: 'random_uniform' },
      { line: 4, layer: 'LSTM', recInit: 'orthogonal' },
      { line: 5, layer: 'GRU', recInit: 'glorot_uniform' },
      { line: 6, layer: 'Dense', act: 'sigmoid' },
    ],
    findings: ['IL005@5'],
  });
});

test('Keras explicit scale: RandomNormal(stddev=1.0) explodes (IL003, unsafe fix), zeros is IL002', () => {
  const src = `import keras
from keras import initializers, layers
model = keras.Sequential()
model.add(keras.Input(shape=(784,)))
model.add(layers.Dense(256, activation="relu", kernel_initializer=initializers.RandomNormal(stddev=1.0)))
model.add(layers.Dense(256, activation="relu", kernel_initializer="zeros"))
model.add(layers.Dense(10, activation="softmax"))
`;
  const res = check(src, { findings: ['IL003@5', 'IL002@6'] });
  assert.match(res.findings[0].message, /explodes/);
  assert.match(res.findings[0].message, /392/, 'factor 784·1·½ = 392 stated');
  assert.equal(res.findings[0].fixes[0].safety, 'unsafe');
  assert.equal(res.findings[1].severity, 'error');
});

test('Keras fix: inserts kernel_initializer keeping a multi-line layout and the call\'s quote style, replaces an existing one, idempotent', () => {
  const src = `from tensorflow import keras

model = keras.Sequential([
    keras.layers.Dense(
        128,
        activation="relu",
    ),
    keras.layers.Dense(64, activation='relu', kernel_initializer='glorot_normal'),
    keras.layers.Dense(1),
])
`;
  const out = fixAndCheck(src);
  assert.equal(
    out,
    `from tensorflow import keras

model = keras.Sequential([
    keras.layers.Dense(
        128,
        activation="relu",
        kernel_initializer="he_normal",
    ),
    keras.layers.Dense(64, activation='relu', kernel_initializer='he_normal'),
    keras.layers.Dense(1),
])
`,
  );
});

test('Keras: uniform preference writes he_uniform', () => {
  const src = 'from keras import layers\nd = layers.Dense(8, activation="relu")\n';
  const out = fixAndCheck(src, 'python', { distribution: 'uniform' });
  assert.match(out, /kernel_initializer="he_uniform"/);
});

test('no framework import: nothing is detected (no false positives on look-alike names)', () => {
  check('class Dense:\n    pass\nx = Dense(64, activation="relu")\n', { layers: [], findings: [] });
});

test('Keras Bidirectional: merge_mode concat (default) doubles the next fan_in, sum/mul/ave keep it, None splits', () => {
  const src = `import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Input(shape=(None, 16)),
    layers.Bidirectional(layers.LSTM(64, return_sequences=True)),
    layers.TimeDistributed(layers.Dense(32, activation="relu", kernel_initializer="he_normal")),
    layers.Bidirectional(layers.GRU(32, return_sequences=True), merge_mode="concat"),
    layers.GRU(16),
])

inp = keras.Input(shape=(None, 32))
x = layers.Bidirectional(layers.SimpleRNN(64, return_sequences=True), merge_mode="sum")(inp)
x = layers.Bidirectional(layers.LSTM(32, return_sequences=True), merge_mode="mul")(x)
x = layers.Bidirectional(layers.LSTM(24, return_sequences=True), merge_mode="ave")(x)
f, b = layers.Bidirectional(layers.LSTM(8, return_sequences=True), merge_mode=None)(x)
g = layers.Dense(4, activation="relu", kernel_initializer="he_normal")(f)
z = tf.keras.layers.Bidirectional(layers.LSTM(10), backward_layer=layers.LSTM(6, go_backwards=True))(x)
out = layers.Dense(1, activation="sigmoid")(layers.concatenate([g, z]))
m2 = keras.Model(inp, out)
`;
  check(src, {
    layers: [
      { line: 7, layer: 'LSTM', act: 'tanh', fanIn: 16, fanOut: 256, recInit: 'orthogonal' },
      { line: 8, layer: 'Dense', act: 'relu', fanIn: 128 },
      { line: 9, layer: 'GRU', fanIn: 32 },
      { line: 10, layer: 'GRU', fanIn: 64 },
      { line: 14, layer: 'SimpleRNN', fanIn: 32 },
      { line: 15, layer: 'LSTM', fanIn: 64 },
      { line: 16, layer: 'LSTM', fanIn: 32 },
      { line: 17, layer: 'LSTM', fanIn: 24 },
      { line: 18, layer: 'Dense', fanIn: 8 },
      { line: 19, layer: 'LSTM', fanIn: 24, fanOut: 40 },
      { line: 19, layer: 'LSTM', fanIn: 24, fanOut: 24 },
      { line: 20, layer: 'Dense', act: 'sigmoid', fanIn: 4 + 10 + 6 },
    ],
    findings: [],
  });
});

test('Keras Bidirectional: the doubled width reaches IL003 (RandomNormal judged with fan_in 128)', () => {
  const src = `from tensorflow.keras import layers, models, initializers

model = models.Sequential([
    layers.Input(shape=(None, 16)),
    layers.Bidirectional(layers.LSTM(64, return_sequences=True)),
    layers.TimeDistributed(layers.Dense(32, activation="relu", kernel_initializer=initializers.RandomNormal(stddev=0.125))),
    layers.TimeDistributed(layers.Dense(5, activation="softmax")),
])
`;
  // 128·0.125² = 2: He scale for the real fan_in (with 64 it would read as "vanishes").
  check(src, { layers: [{ line: 5 }, { line: 6, fanIn: 128, act: 'relu' }, { line: 7, fanIn: 32 }], findings: [] });
});

test('Keras GLU (activation="glu", Activation("glu")): not judged, and the next layer sees half the width', () => {
  const src = `from tensorflow import keras
from tensorflow.keras import layers

inp = keras.Input(shape=(128,))
h = layers.Dense(256, activation="glu", kernel_initializer="he_normal")(inp)
h = layers.Dense(64)(h)
h = layers.Activation("glu")(h)
out = layers.Dense(1)(h)
model = keras.Model(inp, out)
`;
  check(src, {
    layers: [
      { line: 5, act: 'unknown', fanIn: 128 },
      { line: 6, act: 'unknown', fanIn: 128 },
      { line: 8, act: 'linear', fanIn: 32 },
    ],
    findings: [],
  });
});

test('Keras builders with if/else: a default no caller overrides decides, an activation some callers skip is unknown', () => {
  const src = `from tensorflow import keras
from tensorflow.keras import layers


def conv_block(x, filters, use_bn=True, act="relu"):
    x = layers.Conv2D(filters, 3, padding="same", kernel_initializer="he_normal")(x)
    if use_bn:
        x = layers.BatchNormalization()(x)
    if act:
        x = layers.Activation(act)(x)
    return x


def head(x, act="relu"):
    x = layers.Dense(64)(x)
    if act == "relu":
        x = layers.ReLU()(x)
    else:
        x = layers.Activation("tanh")(x)
    return x


inp = keras.Input(shape=(32, 32, 3))
h = conv_block(inp, 32)
h = conv_block(h, 64, act=None)
h = layers.GlobalAveragePooling2D()(h)
h = head(h)
out = layers.Dense(10, activation="softmax")(h)
model = keras.Model(inp, out)
`;
  check(src, {
    layers: [
      { line: 6, act: 'unknown', norm: 'batchnorm' },
      { line: 15, act: 'relu' },
      { line: 28, act: 'softmax' },
    ],
    findings: ['IL001@15'],
  });
});

test('Keras kernel_initializer=None is the glorot_uniform default (add_weight falls back to it); tf.initializers.* and class-name strings are read; fixes replace them', () => {
  const src = `import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu", kernel_initializer=None),
    layers.Dense(64, activation="relu", kernel_initializer=tf.initializers.GlorotUniform()),
    layers.Dense(64, activation="relu", kernel_initializer=tf.keras.initializers.GlorotUniform(seed=1)),
    layers.Dense(64, activation="relu", kernel_initializer="GlorotUniform"),
    layers.Dense(64, activation="relu", kernel_initializer=tf.initializers.glorot_uniform()),
    layers.Dense(64, activation="relu", kernel_initializer=tf.initializers.HeNormal()),
    layers.LSTM(32, recurrent_initializer=None),
    layers.Dense(10),
])
`;
  const res = check(src, {
    layers: [
      { line: 6, init: 'glorot_uniform' },
      { line: 7, init: 'glorot_uniform' },
      { line: 8, init: 'glorot_uniform' },
      { line: 9, init: 'glorot_uniform' },
      { line: 10, init: 'glorot_uniform' },
      { line: 11, init: 'he_normal' },
      { line: 12, layer: 'LSTM', recInit: 'glorot_uniform' },
      { line: 13, init: 'glorot_uniform' },
    ],
    findings: ['IL001@6', 'IL001@7', 'IL001@8', 'IL001@9', 'IL001@10', 'IL005@12'],
  });
  const none = res.layers[0]!;
  assert.equal(none.init.explicit, false, 'None is the default, not a choice');
  assert.match(res.findings[0]!.message, /^ReLU after glorot_uniform \(None: the Keras default\): each layer scales/);
  assert.match(res.findings[1]!.message, /^ReLU after glorot_uniform: /, 'tf.initializers.GlorotUniform() is explicit');
  const fixed = fixAndCheck(src);
  assert.match(fixed, /layers\.Dense\(64, activation="relu", kernel_initializer="he_normal"\),\n {4}layers\.Dense\(64, activation="relu", kernel_initializer="he_normal"\),/);
  assert.doesNotMatch(fixed, /kernel_initializer=None|GlorotUniform|glorot_uniform\(\)/);
  assert.match(fixed, /layers\.LSTM\(32, recurrent_initializer="orthogonal"\)/);
  assert.match(fixed, /tf\.initializers\.HeNormal\(\)/, 'a fitting initializer is left alone');
});

test('Keras layers built in a loop over known widths: the template Dense has no single fan, the layer after the loop gets the last width', () => {
  const src = `from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(784,))
x = inputs
for units in (256, 128, 64):
    x = layers.Dense(units, activation="relu")(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)

seq = keras.Sequential([keras.Input(shape=(32,))])
for units in [128, 128]:
    seq.add(layers.Dense(units, activation="relu"))
seq.add(layers.Dense(1))

WIDTH = 48
tower = keras.Sequential([keras.Input(shape=(WIDTH,))])
for _ in range(3):
    tower.add(layers.Dense(WIDTH, activation="tanh", kernel_initializer="glorot_uniform"))
tower.add(layers.Dense(2))
`;
  const r = check(src, {
    layers: [
      { line: 7, act: 'relu', fanIn: null, fanOut: null },
      { line: 8, act: 'linear', fanIn: 64, fanOut: 10 },
      // first iteration reads 32, the second 128: no single fan_in; fan_out is 128 in both
      { line: 13, act: 'relu', fanIn: null, fanOut: 128 },
      { line: 14, act: 'linear', fanIn: 128, fanOut: 1 },
      // every iteration is 48 → 48: the fans are known
      { line: 19, act: 'tanh', fanIn: 48, fanOut: 48 },
      { line: 20, act: 'linear', fanIn: 48, fanOut: 2 },
    ],
    findings: ['IL001@7', 'IL001@13'],
  });
  assert.match(r.findings[0].message, /assuming fan_in = fan_out/);
  const out = fixAndCheck(src);
  check(out, { findings: [] });
});

test('Keras subclassed layer built with sizes from its caller: Dense fan_out from the site, fan_in from the data flow', () => {
  const src = `import keras
from keras import layers

EMBED = 128


class MLPBlock(layers.Layer):
    def __init__(self, hidden, out_dim, **kwargs):
        super().__init__(**kwargs)
        self.fc1 = layers.Dense(hidden, activation="gelu")
        self.fc2 = layers.Dense(out_dim)

    def call(self, x):
        return self.fc2(self.fc1(x))


class Encoder(keras.Model):
    def __init__(self):
        super().__init__()
        self.block = MLPBlock(4 * EMBED, out_dim=EMBED)
        self.head = layers.Dense(10)

    def call(self, x):
        return self.head(self.block(x))
`;
  check(src, {
    layers: [
      { line: 10, name: 'fc1', act: 'gelu', fanIn: null, fanOut: 512 },
      { line: 11, name: 'fc2', act: 'linear', fanIn: 512, fanOut: 128 },
      { line: 21, name: 'head', act: 'linear', fanIn: 128, fanOut: 10 },
    ],
    findings: ['IL001@10'],
  });
});

test('a model-building helper called with different activations never pairs one call\'s activation with another call\'s init (QA 2026-11-28 #12)', () => {
  const src = (calls: string) => `from tensorflow import keras
from tensorflow.keras import layers


def build(act="relu", width=64):
    init = "he_normal" if act in ("relu", "elu") else "glorot_uniform"
    inp = keras.Input((10,))
    x = layers.Dense(width, activation=act, kernel_initializer=init)(inp)
    return keras.Model(inp, layers.Dense(1)(x))


${calls}
`;
  check(src('relu_model = build()\ntanh_model = build("tanh")'), { layers: [{ line: 8, act: 'tanh', init: 'glorot_uniform' }, { line: 9, act: 'linear' }], findings: [] });
  check(src('relu_model = build("relu")\ntanh_model = build("tanh")'), { layers: [{ line: 8, act: 'unknown' }, { line: 9, act: 'linear' }], findings: [] });
});

test('keras.Input(shape=input_shape) with a module constant tuple gives the first layer its channels', () => {
  const src = `from tensorflow import keras
from tensorflow.keras import layers

input_shape = (28, 28, 1)
num_classes = 10

model = keras.Sequential([
    keras.Input(shape=input_shape),
    layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Flatten(),
    layers.Dense(num_classes, activation="softmax"),
])
`;
  check(src, { layers: [{ line: 9, act: 'relu', fanIn: 9, fanOut: 288 }, { line: 12, act: 'softmax', fanOut: 10 }], findings: ['IL001@9'] });
});
