/**
 * Issue 12, idiom 8: IL003 with an orthogonal init of gain g on a non-square kernel. An
 * orthogonal W of shape out×in has orthonormal rows when out ≤ in (each entry has variance 1/in)
 * and orthonormal columns when out > in (variance 1/out), times g²: fan_in·Var(W) =
 * g²·min(1, in/out). Checked on both rectangular shapes in PyTorch, Keras and TensorFlow.js.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';

const expectNumbers = (messages: string[]) => {
  assert.equal(messages.length, 2, messages.join('\n'));
  assert.match(messages[0]!, /fan_in=1000: fan_in·Var\(W\) = 9\.00\b/); // 1000 → 10: g² = 9
  assert.match(messages[1]!, /fan_in=10: fan_in·Var\(W\) = 0\.090\b/); // 10 → 1000: 9 · 10/1000
};

test('PyTorch orthogonal_(w, 3.0) on 1000→10 and 10→1000 Linear layers', () => {
  const src = [
    'import torch.nn as nn',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc1 = nn.Linear(1000, 10)',
    '        self.fc2 = nn.Linear(10, 1000)',
    '        self.out = nn.Linear(1000, 10)',
    '        nn.init.orthogonal_(self.fc1.weight, 3.0)',
    '        nn.init.orthogonal_(self.fc2.weight, gain=3.0)',
    '',
    '    def forward(self, x):',
    '        return self.out(self.fc2(self.fc1(x).tanh()).tanh())',
    '',
  ].join('\n');
  expectNumbers(analyze(src, 'python').findings.filter((f) => f.code === 'IL003').map((f) => f.message));
});

test('Keras Orthogonal(gain=3.0) on (1000, 10) and (10, 1000) kernels', () => {
  const src = [
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    'model = keras.Sequential([',
    '    keras.Input((1000,)),',
    '    layers.Dense(10, activation="tanh", kernel_initializer=keras.initializers.Orthogonal(gain=3.0)),',
    '    layers.Dense(1000, activation="tanh", kernel_initializer=keras.initializers.Orthogonal(gain=3.0)),',
    '    layers.Dense(10),',
    '])',
    '',
  ].join('\n');
  expectNumbers(analyze(src, 'python').findings.filter((f) => f.code === 'IL003').map((f) => f.message));
});

test('TensorFlow.js orthogonal({gain: 3}) on 1000→10 and 10→1000 dense layers', () => {
  const src = [
    "import * as tf from '@tensorflow/tfjs';",
    'const m = tf.sequential();',
    "m.add(tf.layers.dense({ units: 10, inputShape: [1000], activation: 'tanh', kernelInitializer: tf.initializers.orthogonal({ gain: 3 }) }));",
    "m.add(tf.layers.dense({ units: 1000, activation: 'tanh', kernelInitializer: tf.initializers.orthogonal({ gain: 3 }) }));",
    'm.add(tf.layers.dense({ units: 10 }));',
    '',
  ].join('\n');
  expectNumbers(analyze(src, 'javascript').findings.filter((f) => f.code === 'IL003').map((f) => f.message));
});

// A convolution's kernel flattens to out × (in·k) (PyTorch) or its transpose (Keras): with one
// input channel and 64 filters of 5×5 it is 64 × 25, tall, so Var(W) = g²/64 and
// fan_in·Var(W) = 25·g²/64 (0.78 at g² = 2), not 25·g²/(64·25) from the fans alone.
test('PyTorch orthogonal_(conv.weight, gain) on a tall and a wide conv kernel', () => {
  const src = [
    'import torch.nn as nn',
    'import torch.nn.init as init',
    '',
    'class SR(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.relu = nn.ReLU()',
    '        self.conv1 = nn.Conv2d(1, 64, (5, 5), (1, 1), (2, 2))',
    '        self.conv2 = nn.Conv2d(64, 64, (3, 3), (1, 1), (1, 1))',
    "        init.orthogonal_(self.conv1.weight, init.calculate_gain('relu'))",
    '        init.orthogonal_(self.conv2.weight, 3.0)',
    '',
    '    def forward(self, x):',
    '        return self.relu(self.conv2(self.relu(self.conv1(x))))',
    '',
  ].join('\n');
  const msgs = analyze(src, 'python').findings.filter((f) => f.code === 'IL003').map((f) => f.message);
  assert.equal(msgs.length, 2, msgs.join('\n'));
  assert.match(msgs[0]!, /fan_in=25: fan_in·Var\(W\) = 0\.78\b/); // 25 · 2/64
  assert.match(msgs[1]!, /fan_in=576: fan_in·Var\(W\) = 9\.00\b/); // 64 × 576, wide: g²
});

test('Keras Orthogonal(gain) on a Conv2D kernel with one input channel', () => {
  const src = [
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    'model = keras.Sequential([',
    '    keras.Input((28, 28, 1)),',
    '    layers.Conv2D(64, 5, activation="relu", kernel_initializer=keras.initializers.Orthogonal(gain=3.0)),',
    '    layers.Flatten(),',
    '    layers.Dense(10),',
    '])',
    '',
  ].join('\n');
  // 25 · 9/64 = 3.52, ×1/2 after ReLU: 1.76 per layer (it was 25 · 9/1600 · 1/2 = 0.070).
  const msgs = analyze(src, 'python').findings.map((f) => `${f.code} ${f.message}`);
  assert.equal(msgs.length, 1, msgs.join('\n'));
  assert.match(msgs[0]!, /^IL001 ReLU after orthogonal: each layer scales the signal's second moment by ≈1\.76 \(fan_in=25, fan_out=1600\)/);
});
