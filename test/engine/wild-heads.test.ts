/**
 * Issue 12, idioms 5 and 7: heads and projections whose activation the code determines
 * (linear outputs read by a distribution or a loss, projections feeding an einsum, outputs
 * moved by layout-only ops), each on a snippet written for the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './helpers.js';
import { analyze } from '../../src/core/index.js';

test('a head whose output parameterizes a distribution is linear (Categorical(logits=...), Normal(mu, std))', () => {
  check(
    [
      'import torch',
      'import torch.nn as nn',
      'from torch.distributions import Categorical, Normal',
      '',
      'class Policy(nn.Module):',
      '    def __init__(self, obs, act):',
      '        super().__init__()',
      '        self.body = nn.Sequential(nn.Linear(obs, 32), nn.Tanh())',
      '        self.logits = nn.Linear(32, act)',
      '        self.mu = nn.Linear(32, act)',
      '',
      '    def forward(self, x):',
      '        h = self.body(x)',
      '        pi = Categorical(logits=self.logits(h))',
      '        mean = self.mu(h)',
      '        return pi, Normal(mean, torch.ones_like(mean))',
      '',
    ].join('\n'),
    {
      layers: [
        { line: 8, layer: 'Linear', act: 'tanh' },
        { line: 9, layer: 'Linear', act: 'linear' },
        { line: 10, layer: 'Linear', act: 'linear' },
      ],
    },
  );
});

test('a loss or a metric reads the output without deciding its activation (criterion(out, y), self.loss_fn, accuracy_fn)', () => {
  // PyTorch training code: the last Linear stays linear
  check(
    [
      'import torch.nn as nn',
      '',
      'model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))',
      'criterion = nn.CrossEntropyLoss()',
      '',
      'def step(x, y):',
      '    out = model(x)',
      '    return criterion(out, y)',
      '',
    ].join('\n'),
    {
      layers: [
        { line: 3, layer: 'Linear', act: 'relu' },
        { line: 3, layer: 'Linear', act: 'linear' },
      ],
    },
  );
  // Keras endpoint layer: a loss and a metric on the logits in one branch, softmax returned
  check(
    [
      'import tensorflow as tf',
      'from tensorflow import keras',
      '',
      'class Endpoint(keras.layers.Layer):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)',
      '        self.accuracy_fn = keras.metrics.BinaryAccuracy()',
      '',
      '    def call(self, logits, targets=None):',
      '        if targets is not None:',
      '            self.add_loss(self.loss_fn(targets, logits))',
      '            self.add_metric(self.accuracy_fn(targets, logits))',
      '        return tf.nn.softmax(logits)',
      '',
      'inputs = keras.Input((12,))',
      'targets = keras.Input((1,))',
      'logits = keras.layers.Dense(2)(inputs)',
      'model = keras.Model([inputs, targets], Endpoint()(logits, targets))',
      '',
    ].join('\n'),
    { layers: [{ line: 18, layer: 'Dense', act: 'softmax' }] },
  );
});

test('layout-only ops (swapaxes, einops.rearrange) pass a projection on to what follows', () => {
  check(
    [
      'import einops',
      'import flax.linen as nn',
      'import jax.numpy as jnp',
      '',
      'class TokenMix(nn.Module):',
      '  @nn.compact',
      '  def __call__(self, x):',
      '    y = nn.Dense(16)(jnp.swapaxes(x, 1, 2))',
      '    y = jnp.swapaxes(y, 1, 2)',
      '    return nn.LayerNorm()(x + y)',
      '',
      'class Net(nn.Module):',
      '  @nn.compact',
      '  def __call__(self, img):',
      '    x = nn.Conv(32, (4, 4), strides=(4, 4))(img)',
      '    x = einops.rearrange(x, "n h w c -> n (h w) c")',
      '    x = TokenMix()(x)',
      '    return nn.Dense(10)(jnp.mean(x, axis=1))',
      '',
    ].join('\n'),
    {
      layers: [
        { line: 8, layer: 'Dense', act: 'linear' },
        { line: 15, layer: 'Conv', act: 'linear' },
        { line: 18, layer: 'Dense', act: 'linear' },
      ],
    },
  );
});

test('projections feeding einsum are linear; set_attributes(self, locals()) stores the constructor arguments', () => {
  check(
    [
      'import torch',
      'import torch.nn as nn',
      'from mylib.utils import set_attributes',
      '',
      'class Attn(nn.Module):',
      '    def __init__(self, *, q, k, out):',
      '        super().__init__()',
      '        set_attributes(self, locals())',
      '',
      '    def forward(self, x):',
      '        a = torch.einsum("nci,ncj->nij", (self.q(x), self.k(x)))',
      '        y = torch.einsum("nij,ncj->nci", a.softmax(-1), x)',
      '        return x + self.out(y)',
      '',
      'def make(dim):',
      '    return Attn(q=nn.Conv1d(dim, dim, 1), k=nn.Conv1d(dim, dim, 1), out=nn.Conv1d(dim, dim, 1))',
      '',
    ].join('\n'),
    {
      layers: [
        { line: 16, layer: 'Conv1d', act: 'linear' },
        { line: 16, layer: 'Conv1d', act: 'linear' },
        { line: 16, layer: 'Conv1d', act: 'linear' },
      ],
    },
  );
});

test('x * mask (a tensor no layer produced) scales the output: the activation after it still acts on the layer', () => {
  check(
    [
      'import flax.linen as nn',
      '',
      'class Block(nn.Module):',
      '  width: int',
      '  act: object = nn.gelu',
      '',
      '  @nn.compact',
      '  def __call__(self, inputs, *, mask=None):',
      '    x = nn.Dense(self.width)(inputs)',
      '    if mask is not None:',
      '      x = self.act(x * mask)',
      '    else:',
      '      x = self.act(x)',
      '    return nn.Dense(4)(x)',
      '',
    ].join('\n'),
    {
      layers: [
        { line: 9, layer: 'Dense', act: 'gelu' },
        { line: 14, layer: 'Dense', act: 'linear' },
      ],
    },
  );
});

test('matmul is a product of its operands; keras.ops.shape reads a shape, not the values; keras.ops.nn.gelu is GELU', () => {
  check(
    [
      'import keras',
      'from keras import layers, ops',
      '',
      'def block(x, dim):',
      '    q = layers.Dense(dim)(x)',
      '    k = layers.Dense(dim)(x)',
      '    n = ops.shape(q)[1]',
      '    scores = ops.matmul(q, ops.transpose(k, (0, 2, 1))) / n',
      '    h = layers.Dense(4 * dim)(ops.softmax(scores))',
      '    return ops.nn.gelu(h)',
      '',
    ].join('\n'),
    {
      layers: [
        { line: 5, layer: 'Dense', act: 'linear' },
        { line: 6, layer: 'Dense', act: 'linear' },
        { line: 9, layer: 'Dense', act: 'gelu' },
      ],
    },
  );
});

test('F.normalize (L2 over a dimension) is a normalization between a conv and its activation', () => {
  check(
    [
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      '',
      'class Block(nn.Module):',
      '    def __init__(self, c):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(c, c, 3, padding=1)',
      '',
      '    def forward(self, x):',
      '        return F.silu(F.normalize(self.conv(x), dim=1))',
      '',
    ].join('\n'),
    { layers: [{ line: 7, layer: 'Conv2d', act: 'silu', norm: 'rmsnorm' }] },
  );
});

test('idiom 3: a normalization after the activation (Conv → GELU → BatchNorm, Conv → LeakyReLU → BatchNorm) makes IL001 info', () => {
  const res = check(
    [
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      '',
      'inputs = keras.Input((32, 32, 3))',
      'x = layers.Conv2D(64, 3, activation="gelu")(inputs)',
      'x = layers.BatchNormalization()(x)',
      'x = layers.Conv2D(64, 3)(x)',
      'x = layers.LeakyReLU()(x)',
      'x = layers.BatchNormalization()(x)',
      'x = layers.Conv2D(64, 3, activation="relu")(x)',
      'outputs = layers.Dense(10)(layers.GlobalAveragePooling2D()(x))',
      'model = keras.Model(inputs, outputs)',
      '',
    ].join('\n'),
    {
      layers: [
        { line: 5, layer: 'Conv2D', act: 'gelu', norm: 'batchnorm' },
        { line: 7, layer: 'Conv2D', act: 'leaky_relu', norm: 'batchnorm' },
        { line: 10, layer: 'Conv2D', act: 'relu', norm: null },
        { line: 11, layer: 'Dense', act: 'linear' },
      ],
      findings: ['IL001@5', 'IL001@7', 'IL001@10'],
    },
  );
  assert.deepEqual(res.findings.map((f) => f.severity), ['info', 'info', 'warning']);
});

test('idiom 3: x = block(x) + x through a wrapper the file does not define (an imported PreNorm) is a residual connection', () => {
  const res = check(
    [
      'import torch.nn as nn',
      'from mylib.blocks import PreNorm',
      '',
      'class Net(nn.Module):',
      '    def __init__(self, dim, depth):',
      '        super().__init__()',
      '        self.blocks = nn.ModuleList([PreNorm(dim, nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))) for _ in range(depth)])',
      '        self.head = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, 10))',
      '',
      '    def forward(self, x):',
      '        for block in self.blocks:',
      '            x = block(x) + x',
      '        return self.head(x)',
      '',
    ].join('\n'),
    { findings: ['IL001@7'] },
  );
  assert.equal(res.findings[0]!.severity, 'info', res.findings[0]!.message);
});

test('idiom 2: two keras.Model graphs built one after the other at module level are two models', () => {
  const res = check(
    [
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      '',
      'enc_in = keras.Input((64,))',
      'x = layers.Dense(32, activation="relu")(enc_in)',
      'x = layers.Dense(32, activation="relu")(x)',
      'code = layers.Dense(8)(x)',
      'encoder = keras.Model(enc_in, code)',
      '',
      'dec_in = keras.Input((8,))',
      'x = layers.Dense(32, activation="relu")(dec_in)',
      'x = layers.Dense(32, activation="relu")(x)',
      'x = layers.Dense(32, activation="relu")(x)',
      'out = layers.Dense(64, activation="sigmoid")(x)',
      'decoder = keras.Model(dec_in, out)',
      '',
    ].join('\n'),
    { findings: ['IL001@5', 'IL001@6', 'IL001@11', 'IL001@12', 'IL001@13'] },
  );
  assert.equal(res.models.length, 2);
  assert.deepEqual(res.models.map((m) => m.layers.length), [3, 4]);
  assert.match(res.findings[0]!.message, /over the 3 weight layers/);
  assert.match(res.findings[2]!.message, /over the 4 weight layers/);
});

test('imported DropPath / StochasticDepth / LayerScale pass the projection on to the residual add', () => {
  check(
    [
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      'from mylib.layers import LayerScale, StochasticDepth',
      '',
      'def mlp_block(x, dim):',
      '    h = layers.Dense(4 * dim, activation="gelu")(x)',
      '    h = layers.Dense(dim)(h)',
      '    h = LayerScale(1e-6)(h)',
      '    h = StochasticDepth(0.1)(h)',
      '    return layers.Add()([x, h])',
      '',
    ].join('\n'),
    { layers: [{ line: 6, layer: 'Dense', act: 'gelu' }, { line: 7, layer: 'Dense', act: 'linear', residual: true }] },
  );
  check(
    [
      'import torch.nn as nn',
      'from timm.layers import DropPath',
      '',
      'class Block(nn.Module):',
      '    def __init__(self, dim):',
      '        super().__init__()',
      '        self.fc1 = nn.Linear(dim, 4 * dim)',
      '        self.fc2 = nn.Linear(4 * dim, dim)',
      '        self.drop_path = DropPath(0.1)',
      '',
      '    def forward(self, x):',
      '        return x + self.drop_path(self.fc2(self.fc1(x).relu()))',
      '',
    ].join('\n'),
    { layers: [{ line: 7, layer: 'Linear', act: 'relu' }, { line: 8, layer: 'Linear', act: 'linear', residual: true }] },
  );
});

// A training script composes its models: `D(G(z))`, `E(G(z))`. The generator's last layer is
// still its head (the image it outputs), and feeding another model does not change that.
test('a model composed with another at module level keeps its head; a small tanh readout is not IL003', () => {
  const src = [
    'import torch',
    'import torch.nn as nn',
    '',
    'def init_normal(m):',
    '    if isinstance(m, nn.Linear):',
    '        m.weight.data.normal_(0, 0.02)',
    '',
    'class Generator(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.model = nn.Sequential(nn.Linear(100, 256), nn.BatchNorm1d(256), nn.LeakyReLU(0.2), nn.Linear(256, 784), nn.Tanh())',
    '',
    '    def forward(self, z):',
    '        img = self.model(z)',
    '        return img.view(img.size(0), 1, 28, 28)',
    '',
    'class Discriminator(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.model = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1), nn.Sigmoid())',
    '',
    '    def forward(self, img):',
    '        return self.model(img.view(img.size(0), -1))',
    '',
    'generator = Generator()',
    'discriminator = Discriminator()',
    'generator.apply(init_normal)',
    'discriminator.apply(init_normal)',
    'z = torch.randn(64, 100)',
    'validity = discriminator(generator(z))',
    '',
  ].join('\n');
  const r = analyze(src, 'python');
  const heads = r.layers.filter((l) => l.head).map((l) => `${l.layer}(${l.fanIn}→${l.fanOut}) ${l.activation.name}`);
  assert.deepEqual(heads, ['Linear(256→784) tanh', 'Linear(256→1) sigmoid']);
  // N(0, 0.02) on the 256-wide readouts: fan_in·Var(W) = 0.10, deliberate on an output layer.
  const lines = r.findings.filter((f) => f.code === 'IL003').map((f) => src.slice(0, f.span.from).split('\n').length);
  assert.deepEqual(lines, [11, 20], 'the two hidden layers are reported, the readouts are not');
});

test('module-level Sequentials composed in a script (D(G(z)), decoder(encoder(x))) each keep their head', () => {
  const torchSrc = [
    'import torch',
    'import torch.nn as nn',
    '',
    'G = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Tanh())',
    'D = nn.Sequential(nn.Linear(784, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1), nn.Sigmoid())',
    'out = D(G(torch.randn(8, 64)))',
    '',
  ].join('\n');
  const t = analyze(torchSrc, 'python');
  assert.deepEqual(t.layers.filter((l) => l.head).map((l) => `${l.fanIn}→${l.fanOut} ${l.activation.name}`), ['256→784 tanh', '256→1 sigmoid']);
  // The tanh readout of G is not judged as a hidden tanh layer.
  assert.deepEqual(t.findings.filter((f) => f.code === 'IL001' && /tanh/.test(f.message)), []);
  const kerasSrc = [
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    'encoder = keras.Sequential([layers.Dense(256, activation="relu"), layers.Dense(32)])',
    'decoder = keras.Sequential([layers.Dense(256, activation="relu"), layers.Dense(784, activation="sigmoid")])',
    'inputs = keras.Input(shape=(784,))',
    'model = keras.Model(inputs, decoder(encoder(inputs)))',
    '',
  ].join('\n');
  const k = analyze(kerasSrc, 'python');
  assert.deepEqual(k.layers.map((l) => `${l.activation.name}${l.head ? ' head' : ''}`), ['relu', 'linear head', 'relu', 'sigmoid head']);
});
