/**
 * Idioms of real code (issue 12) that the engine got wrong, each on a small
 * snippet written for the test.
 */
import { test } from 'node:test';
import { check } from './helpers.js';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';

test('keras re-exported by a project module (`from pkg.backend import keras`) is Keras', () => {
  const src = [
    'from mylib.backend import keras',
    '',
    '',
    'class Head(keras.layers.Layer):',
    '    def __init__(self, **kwargs):',
    '        super().__init__(**kwargs)',
    '        self.hidden = keras.layers.Conv2D(64, 3, padding="same", activation="relu")',
    '        self.out = keras.layers.Conv2D(4, 1)',
    '',
    '    def call(self, x):',
    '        return self.out(self.hidden(x))',
    '',
  ].join('\n');
  check(src, {
    layers: [
      { line: 7, layer: 'Conv2D', act: 'relu', init: 'glorot_uniform' },
      { line: 8, layer: 'Conv2D', act: 'linear', init: 'glorot_uniform' },
    ],
    findings: ['IL001@7'],
  });
});

test('a subclass of a framework layer that keeps its constructor is that layer (Flax, Keras, PyTorch)', () => {
  check(
    [
      'import flax.linen as nn',
      '',
      'class NamedConv(nn.Conv):',
      '  def describe(self):',
      '    return f"conv {self.features}"',
      '',
      'class Net(nn.Module):',
      '  @nn.compact',
      '  def __call__(self, x):',
      '    x = NamedConv(32, (3, 3))(x)',
      '    x = nn.GroupNorm()(x)',
      '    return nn.relu(x)',
      '',
    ].join('\n'),
    { layers: [{ line: 10, layer: 'Conv', act: 'relu', norm: 'groupnorm', init: 'lecun_normal' }] },
  );
  check(
    [
      'from tensorflow import keras',
      'from tensorflow.keras import layers',
      '',
      'class CenteredConv(layers.Conv2D):',
      '    def call(self, inputs):',
      '        return super().call(inputs - 0.5)',
      '',
      'model = keras.Sequential([keras.Input((28, 28, 1)), CenteredConv(8, 3, activation="relu"), layers.Flatten(), layers.Dense(10)])',
      '',
    ].join('\n'),
    { layers: [{ line: 8, layer: 'Conv2D', act: 'relu', init: 'glorot_uniform', fanIn: 9 }, { line: 8, layer: 'Dense', act: 'linear' }], findings: ['IL001@8'] },
  );
  check(
    [
      'import torch.nn as nn',
      '',
      'class Linear(nn.Linear):',
      '    def extra_repr(self):',
      '        return "custom"',
      '',
      'class MLP(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = Linear(16, 32)',
      '',
      '    def forward(self, x):',
      '        return nn.functional.relu(self.fc(x))',
      '',
    ].join('\n'),
    { layers: [{ line: 10, layer: 'Linear', act: 'relu', init: 'pytorch_default', fanIn: 16, fanOut: 32 }] },
  );
});

test('a layer subclass that standardizes its kernel is a layer whose initializer no longer sets its scale', () => {
  check(
    [
      'import flax.linen as nn',
      'import jax.numpy as jnp',
      '',
      'class WSConv(nn.Conv):',
      '  def param(self, name, *a, **kw):',
      '    p = super().param(name, *a, **kw)',
      '    return (p - jnp.mean(p)) / jnp.std(p) if name == "kernel" else p',
      '',
      'class Net(nn.Module):',
      '  @nn.compact',
      '  def __call__(self, x):',
      '    return nn.relu(WSConv(32, (3, 3))(x))',
      '',
    ].join('\n'),
    { layers: [{ line: 12, layer: 'Conv', act: 'relu', init: 'unknown' }], findings: [] },
  );
  check(
    [
      'import tensorflow as tf',
      'from tensorflow.keras import layers',
      '',
      'class WSConv2D(layers.Conv2D):',
      '    def call(self, inputs):',
      '        mean, var = tf.nn.moments(self.kernel, axes=[0, 1, 2], keepdims=True)',
      '        return self.convolution_op(inputs, (self.kernel - mean) / tf.sqrt(var + 1e-10))',
      '',
      'model = tf.keras.Sequential([WSConv2D(16, 3, activation="relu", input_shape=(28, 28, 1))])',
      '',
    ].join('\n'),
    { layers: [{ line: 9, layer: 'Conv2D', act: 'relu', init: 'unknown' }], findings: [] },
  );
});

test('a normalization written as a class of its own (LayerNorm over channels, RMSNorm) is a normalization', () => {
  const src = (norm: string) =>
    [
      'import torch',
      'import torch.nn as nn',
      '',
      'class ChanLayerNorm(nn.Module):',
      '    def __init__(self, dim, eps=1e-5):',
      '        super().__init__()',
      '        self.eps = eps',
      '        self.g = nn.Parameter(torch.ones(1, dim, 1, 1))',
      '',
      '    def forward(self, x):',
      norm,
      '',
      'class FeedForward(nn.Module):',
      '    def __init__(self, dim):',
      '        super().__init__()',
      '        self.net = nn.Sequential(ChanLayerNorm(dim), nn.Conv2d(dim, dim * 4, 1), nn.GELU(), nn.Conv2d(dim * 4, dim, 1))',
      '',
      '    def forward(self, x):',
      '        return self.net(x) + x',
      '',
    ].join('\n');
  const real = src('        var = torch.var(x, dim=1, unbiased=False, keepdim=True)\n        mean = torch.mean(x, dim=1, keepdim=True)\n        return (x - mean) / (var + self.eps).sqrt() * self.g');
  const r = analyze(real, 'python');
  const gelu = r.findings.find((f) => f.code === 'IL001')!;
  assert.equal(gelu.severity, 'info', gelu.message);
  assert.match(gelu.message, /normalizes \(LayerNorm\) and adds residual connections/);
  // Named like a norm but computing none: not one.
  const fake = analyze(src('        return x * self.g'), 'python');
  assert.equal(fake.findings.find((f) => f.code === 'IL001')!.severity, 'warning');
});

test('functools.partial of a layer, a norm or a block (Flax ResNet style) builds the target with the bound arguments', () => {
  const src = [
    'from functools import partial',
    'import jax.numpy as jnp',
    'import flax.linen as nn',
    '',
    'class Block(nn.Module):',
    '  @nn.compact',
    '  def __call__(self, x, train: bool = True):',
    '    norm = partial(nn.BatchNorm, use_running_average=not train, momentum=0.9)',
    '    conv = partial(nn.Conv, use_bias=False, kernel_init=nn.initializers.kaiming_normal())',
    '    y = nn.relu(norm()(conv(64, (3, 3))(x)))',
    '    y = conv(64, (3, 3), kernel_init=nn.initializers.zeros)(y)',
    '    y = norm()(y)',
    '    x = nn.relu(x + y)',
    '    return jnp.asarray(nn.Dense(10)(x), jnp.float32)',
    '',
  ].join('\n');
  const r = analyze(src, 'python');
  assert.deepEqual(
    r.layers.map((l) => `${l.layer} ${l.activation.name} ${l.normalization ?? '-'} ${l.init.name}`),
    ['Conv relu batchnorm he_normal', 'Conv relu batchnorm zeros', 'Dense linear - lecun_normal'],
  );
  // the call's own kernel_init overrides the bound one
  assert.equal(r.layers[1]!.init.explicit, true);
});

test('map(lambda t: rearrange(t, ...), qkv) carries the projection to the attention product: linear', () => {
  const src = [
    'import torch',
    'from torch import nn, einsum',
    'from einops import rearrange',
    '',
    'class Attention(nn.Module):',
    '    def __init__(self, dim, heads=8):',
    '        super().__init__()',
    '        self.heads = heads',
    '        self.to_qkv = nn.Linear(dim, dim * 3, bias=False)',
    '        self.to_out = nn.Linear(dim, dim)',
    '',
    '    def forward(self, x):',
    '        qkv = self.to_qkv(x).chunk(3, dim=-1)',
    "        q, k, v = map(lambda t: rearrange(t, 'b n (h d) -> b h n d', h=self.heads), qkv)",
    "        attn = einsum('b h i d, b h j d -> b h i j', q, k).softmax(dim=-1)",
    "        out = rearrange(einsum('b h i j, b h j d -> b h i d', attn, v), 'b h n d -> b n (h d)')",
    '        return self.to_out(out)',
    '',
  ].join('\n');
  const qkv = analyze(src, 'python').layers.find((l) => l.name === 'to_qkv')!;
  assert.equal(qkv.activation.name, 'linear');
});

test('a fused attention call (F.scaled_dot_product_attention) is a product of the q/k/v projections: linear', () => {
  const src = [
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    'class SelfAttention(nn.Module):',
    '    def __init__(self, d, heads):',
    '        super().__init__()',
    '        self.heads = heads',
    '        self.qkv = nn.Linear(d, 3 * d)',
    '        self.proj = nn.Linear(d, d)',
    '',
    '    def forward(self, x):',
    '        B, T, C = x.size()',
    '        q, k, v = self.qkv(x).split(C, dim=2)',
    '        q = q.view(B, T, self.heads, C // self.heads).transpose(1, 2)',
    '        k = k.view(B, T, self.heads, C // self.heads).transpose(1, 2)',
    '        v = v.view(B, T, self.heads, C // self.heads).transpose(1, 2)',
    '        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)',
    '        return self.proj(y.transpose(1, 2).contiguous().view(B, T, C))',
    '',
  ].join('\n');
  assert.equal(analyze(src, 'python').layers.find((l) => l.name === 'qkv')!.activation.name, 'linear');
});

test('a layer moved with .to(device) / .cuda() / .double() is still the layer', () => {
  const src = [
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    '',
    'class Net(nn.Module):',
    '    def __init__(self, device):',
    '        super().__init__()',
    '        self.conv1 = nn.Conv2d(1, 32, 3, 1).to(device)',
    '        self.fc1 = nn.Linear(9216, 128).cuda()',
    '        self.fc2 = nn.Linear(128, 10).to(device).double()',
    '',
    '    def forward(self, x):',
    '        x = F.relu(self.conv1(x))',
    '        x = F.relu(self.fc1(torch.flatten(x, 1)))',
    '        return self.fc2(x)',
    '',
  ].join('\n');
  const r = analyze(src, 'python');
  assert.deepEqual(r.layers.map((l) => `${l.name} ${l.activation.name}`), ['conv1 relu', 'fc1 relu', 'fc2 linear']);
  assert.equal(r.findings.filter((f) => f.code === 'IL001').length, 2);
});

test('a lambda stored on the module and used in a Sequential, or called, runs its body', () => {
  const src = [
    'import jax.numpy as jnp',
    'from flax import nnx',
    '',
    'class Head(nnx.Module):',
    '    def __init__(self, rngs):',
    '        self.pool = lambda x: jnp.mean(x, axis=(1, 2))',
    '        self.act = lambda x: nnx.gelu(x)',
    '        self.classifier = nnx.Sequential(nnx.Conv(64, 64, (1, 1), rngs=rngs), self.pool, nnx.Linear(64, 10, rngs=rngs))',
    '        self.fc = nnx.Linear(64, 64, rngs=rngs)',
    '',
    '    def __call__(self, x):',
    '        return self.classifier(self.act(self.fc(x)))',
    '',
  ].join('\n');
  const r = analyze(src, 'python');
  assert.deepEqual(r.layers.map((l) => `${l.layer} ${l.activation.name}`), ['Conv linear', 'Linear linear', 'Linear gelu']);
});
