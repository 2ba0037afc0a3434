/**
 * Issue 12, idiom 1: init code in a parent model that reaches the layers of other classes of the
 * file, on snippets written for the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { check, lineOf } from './helpers.js';

const RESNET_STYLE = (scale: string, kernel: string) =>
  [
    'import math',
    'import torch.nn as nn',
    '',
    'def _init(m):',
    '    if isinstance(m, nn.Conv2d):',
    `        n = ${kernel} * m.out_channels`,
    `        m.weight.data.normal_(0, math.sqrt(${scale} / n))`,
    '    elif isinstance(m, nn.BatchNorm2d):',
    '        m.weight.data.fill_(1)',
    '        m.bias.data.zero_()',
    '',
    'class Block(nn.Module):',
    '    def __init__(self, c):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)',
    '        self.bn = nn.BatchNorm2d(c)',
    '',
    '    def forward(self, x):',
    '        return self.bn(self.conv(x)).relu()',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.blocks = nn.Sequential(Block(16), Block(16))',
    '        for m in self.modules():',
    '            _init(m)',
    '',
    '    def forward(self, x):',
    '        return self.blocks(x)',
    '',
  ].join('\n');

test('normal_(0, sqrt(2. / n)) with n = kernel_size[0] * kernel_size[1] * out_channels, from a parent loop calling a helper: He fan_out', () => {
  const res = check(RESNET_STYLE('2.', 'm.kernel_size[0] * m.kernel_size[1]'), { layers: [{ line: 15, layer: 'Conv2d', act: 'relu', init: 'variance_scaling' }], findings: [] });
  const init = res.layers[0]!.init;
  assert.equal(init.mode, 'fan_out');
  assert.equal(init.scale, 2);
  assert.equal(lineOf(RESNET_STYLE('2.', 'm.kernel_size[0] * m.kernel_size[1]'), init.span!.from), 7);
});

test('the same loop with half the He variance is reported on the conv of the other class', () => {
  const res = check(RESNET_STYLE('0.5', 'm.kernel_size[0] * m.kernel_size[1]'), { findings: ['IL001@15'] });
  assert.match(res.findings[0]!.message, /ReLU after variance_scaling/);
});

test('a fan that misses a kernel dimension (kernel_size[0] only, for a Conv2d) leaves the scale unknown: no finding', () => {
  const res = analyze(RESNET_STYLE('2.', 'm.kernel_size[0]'), 'python');
  assert.equal(res.layers[0]!.init.unknownArgs, true);
  assert.deepEqual(res.findings, []);
});

test('self.apply(self._init_weights) with a @staticmethod (and a @classmethod) runs the init', () => {
  for (const deco of ['@staticmethod', '@classmethod']) {
    const params = deco === '@staticmethod' ? 'm' : 'cls, m';
    check(
      [
        'import torch.nn as nn',
        '',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.fc1 = nn.Linear(10, 10)',
        '        self.fc2 = nn.Linear(10, 2)',
        '        self.apply(self._init_weights)',
        '',
        `    ${deco}`,
        `    def _init_weights(${params}):`,
        '        if isinstance(m, nn.Linear):',
        '            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")',
        '',
        '    def forward(self, x):',
        '        return self.fc2(self.fc1(x).relu())',
        '',
      ].join('\n'),
      {
        layers: [
          { line: 6, layer: 'Linear', act: 'relu', init: 'he_normal' },
          { line: 7, layer: 'Linear', act: 'linear', init: 'he_normal' },
        ],
        findings: [],
      },
    );
  }
});

const DCGAN_MODELS = (applyHere: boolean) =>
  [
    'import torch.nn as nn',
    '',
    'def weights_init(m):',
    '    classname = m.__class__.__name__',
    "    if classname.find('Conv') != -1:",
    "        nn.init.kaiming_normal_(m.weight.data, nonlinearity='relu')",
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.main = nn.Sequential(nn.Conv2d(3, 64, 3), nn.ReLU(True), nn.Conv2d(64, 64, 3), nn.ReLU(True), nn.Conv2d(64, 1, 3))',
    '',
    '    def forward(self, x):',
    '        return self.main(x)',
    '',
    ...(applyHere ? ['net = Net()', 'net.apply(weights_init)', ''] : []),
  ].join('\n');

test('idiom 9: weights_init defined but applied nowhere in the file: the default-init finding says it may be applied elsewhere, as info', () => {
  const res = check(DCGAN_MODELS(false), { findings: ['IL001@11', 'IL001@11'] });
  for (const f of res.findings) {
    assert.equal(f.severity, 'info');
    assert.match(f.message, /This file defines `weights_init` but applies it nowhere: if another file does \(`model\.apply\(weights_init\)`\), the init may be set there\./);
  }
  assert.equal(res.layers[0]!.initElsewhere?.name, 'weights_init');
});

test('idiom 9: the same weights_init applied in the file sets the init (no finding, no note)', () => {
  const res = check(DCGAN_MODELS(true), { findings: [] });
  assert.equal(res.layers[0]!.init.name, 'he_normal');
  assert.equal(res.layers[0]!.initElsewhere, undefined);
});

test('Constant(matrix) loads given weights (pretrained embeddings): no IL002; Constant(0.5) still is one', () => {
  const src = [
    'import numpy as np',
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    'embedding_matrix = np.load("glove.npy")',
    'inputs = keras.Input(shape=(None,), dtype="int64")',
    'x = layers.Embedding(20000, 100, embeddings_initializer=keras.initializers.Constant(embedding_matrix), trainable=False)(inputs)',
    'x = layers.Dense(16, activation="tanh", kernel_initializer=keras.initializers.Constant(0.5))(x)',
    'outputs = layers.Dense(1, activation="sigmoid")(x)',
    'model = keras.Model(inputs, outputs)',
    '',
  ].join('\n');
  const r = analyze(src, 'python');
  assert.equal(r.layers[0]!.init.name, 'unknown');
  assert.deepEqual(r.findings.map((f) => `${f.code}:${lineOf(src, f.span.from)}`), ['IL002:8']);
});

test('a zero-initialized head whose output the code normalizes (activation left open) is deliberate; one under ReLU is dead', () => {
  const src = [
    'import jax.numpy as jnp',
    'import flax.linen as nn',
    '',
    'class Enc(nn.Module):',
    '  @nn.compact',
    '  def __call__(self, x):',
    '    x = nn.gelu(nn.Dense(128, kernel_init=nn.initializers.he_normal())(x))',
    '    x = nn.gelu(nn.Dense(64, kernel_init=nn.initializers.he_normal())(x))',
    '    z = nn.Dense(32, kernel_init=nn.initializers.zeros)(x)',
    '    return z / jnp.linalg.norm(z, axis=-1, keepdims=True)',
    '',
    'class Bad(nn.Module):',
    '  @nn.compact',
    '  def __call__(self, x):',
    '    x = nn.gelu(nn.Dense(128, kernel_init=nn.initializers.he_normal())(x))',
    '    return nn.relu(nn.Dense(64, kernel_init=nn.initializers.zeros)(x))',
    '',
  ].join('\n');
  const r = analyze(src, 'python');
  assert.equal(r.layers[2]!.activation.name, 'unknown');
  assert.deepEqual(r.findings.filter((f) => f.code === 'IL002').map((f) => lineOf(src, f.span.from)), [16]);
});

test('spectral_norm(layer) and register_parametrization(layer, "weight", ...) recompute the weight: the layer is followed, its init not judged; weight_norm keeps it', () => {
  const src = [
    'import torch',
    'import torch.nn as nn',
    'from torch.nn.utils import parametrize, spectral_norm, weight_norm',
    '',
    'class L2Norm(nn.Module):',
    '    def forward(self, w):',
    '        return w / w.norm(dim=-1, keepdim=True)',
    '',
    'class D(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.conv1 = spectral_norm(nn.Conv2d(3, 64, 3))',
    '        self.conv2 = nn.utils.parametrizations.spectral_norm(nn.Conv2d(64, 64, 3))',
    '        self.fc = nn.Linear(64, 64)',
    '        parametrize.register_parametrization(self.fc, "weight", L2Norm())',
    '        self.fc2 = weight_norm(nn.Linear(64, 64))',
    '        self.out = nn.Linear(64, 1)',
    '',
    '    def forward(self, x):',
    '        x = torch.relu(self.conv1(x))',
    '        x = torch.relu(self.conv2(x))',
    '        x = torch.relu(self.fc(x.mean((2, 3))))',
    '        return self.out(torch.relu(self.fc2(x)))',
    '',
  ].join('\n');
  const r = analyze(src, 'python');
  assert.deepEqual(r.layers.map((l) => `${l.layer} ${l.activation.name} ${l.init.name}`), ['Conv2d relu unknown', 'Conv2d relu unknown', 'Linear relu unknown', 'Linear relu pytorch_default', 'Linear linear pytorch_default']);
  assert.deepEqual(r.findings.map((f) => `${f.code}:${lineOf(src, f.span.from)}`), ['IL001:16']);
});
