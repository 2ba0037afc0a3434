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
