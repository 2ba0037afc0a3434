/**
 * Issue 12, idioms 5 and 7: heads and projections whose activation the code determines
 * (linear outputs read by a distribution or a loss, projections feeding an einsum, outputs
 * moved by layout-only ops), each on a snippet written for the test.
 */
import { test } from 'node:test';
import { check } from './helpers.js';

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
