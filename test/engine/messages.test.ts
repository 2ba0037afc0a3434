/**
 * What users read in IL001/IL003 messages: the recommended named init's real
 * per-layer factor, the exact variance-preserving scale in the framework's
 * spelling when the named init is only the closest one, and numbers with
 * significant digits (never "×0.00").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/core/index.js';
import { r2 } from '../../src/core/analysis/rules/common.js';
import { check, fixAndCheck } from './helpers.js';

const KERAS = `from tensorflow import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(256,)),
    layers.Dense(256, activation="gelu"),
    layers.Dense(256, activation="elu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(256, activation=layers.LeakyReLU(negative_slope=0.3)),
    layers.Dense(10),
])
`;

test('IL001 message: GELU/ELU state what He really gives and the exact variance_scaling; ReLU and leaky ReLU keep ≈1.00', () => {
  const res = check(KERAS, { findings: ['IL001@5', 'IL001@6', 'IL001@7', 'IL001@8'] });
  const [gelu, elu, relu, leaky] = res.findings.map((f) => f.message);
  assert.match(gelu!, /^GELU after glorot_uniform \(the Keras default\): each layer scales the signal's second moment by ≈0\.43 \(fan_in=256, fan_out=256\)/);
  assert.match(gelu!, /He normal init, the closest named initializer, gives ≈0\.85 per layer\. Exact for GELU \(E\[φ\(z\)²\] = 0\.4252\): Var\(W\) = 2\.35\/fan_in, `VarianceScaling\(scale=2\.35, mode="fan_in"\)`\.$/);
  assert.doesNotMatch(gelu!, /keeps it/, 'He does not keep GELU at 1');
  assert.match(elu!, /He normal init, the closest named initializer, gives ≈1\.29 per layer\. Exact for ELU \(E\[φ\(z\)²\] = 0\.6449\): Var\(W\) = 1\.55\/fan_in/);
  assert.match(relu!, /; He normal init keeps it ≈1\.00\.$/);
  assert.doesNotMatch(relu!, /Exact for/);
  assert.match(leaky!, /; He init with the leaky slope \(Var\(W\) = 1\.83\/fan_in\) keeps it ≈1\.00\.$/);
  // The fixes still write the named init (He) and leave nothing to fix.
  assert.deepEqual(res.findings.map((f) => f.fixes[0]?.description), [
    'Use He normal init (GELU)', 'Use He normal init (ELU)', 'Use He normal init (ReLU)', 'Use He init with the leaky slope (Leaky ReLU)',
  ]);
  const fixed = fixAndCheck(KERAS);
  assert.match(fixed, /layers\.Dense\(256, activation="gelu", kernel_initializer="he_normal"\)/);
  assert.deepEqual(analyze(fixed, 'python').findings, []);
});

test('IL001 message: the exact scale is spelled per framework (Flax variance_scaling, PyTorch normal_ std with the real fan_in)', () => {
  const flax = `import flax.linen as nn
class MLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.silu(nn.Dense(256)(x))
        x = nn.silu(nn.Dense(256)(x))
        return nn.Dense(10)(x)
`;
  const f = analyze(flax, 'python').findings;
  assert.match(f[1]!.message, /He normal init, the closest named initializer, gives ≈0\.71 per layer\. Exact for SiLU \(E\[φ\(z\)²\] = 0\.3558\): Var\(W\) = 2\.81\/fan_in, `variance_scaling\(2\.81, "fan_in", "truncated_normal"\)`\.$/);
  const torch = `import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(100, 256)
        self.b = nn.Linear(256, 10)
    def forward(self, x):
        return self.b(F.mish(self.a(x)))
`;
  const p = analyze(torch, 'python').findings;
  assert.equal(p.length, 1);
  // Mish: Var(W) = 2.21/fan_in, std = √(2.21/100) ≈ 0.149.
  assert.match(p[0]!.message, /Exact for Mish \(E\[φ\(z\)²\] = 0\.4523\): Var\(W\) = 2\.21\/fan_in, `nn\.init\.normal_\(w, std=0\.149\)` \(std = 1\.49\/√fan_in\)\.$/);
});

test('Softplus: LeCun is the closest named init (He gives ×1.84 per layer); he_normal is reported and fixed to lecun_normal once', () => {
  const src = `from tensorflow import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(128,)),
    layers.Dense(128, activation="softplus", kernel_initializer="he_normal"),
    layers.Dense(128, activation="softplus"),
    layers.Dense(1),
])
`;
  const res = check(src, { findings: ['IL001@5'] });
  assert.match(res.findings[0]!.message, /by ≈1\.84 .*; LeCun normal init, the closest named initializer, gives ≈0\.92 per layer\. Exact for Softplus \(E\[φ\(z\)²\] = 0\.9212\): Var\(W\) = 1\.09\/fan_in/);
  assert.equal(res.findings[0]!.fixes[0]!.description, 'Use LeCun normal init (Softplus)');
  const fixed = fixAndCheck(src);
  assert.match(fixed, /activation="softplus", kernel_initializer="lecun_normal"\)/);
  assert.deepEqual(analyze(fixed, 'python').findings, []);
  const torch = `import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(64, 64)
        self.b = nn.Linear(64, 1)
    def forward(self, x):
        return self.b(nn.functional.softplus(self.a(x)))
`;
  const t = fixAndCheck(torch);
  assert.match(t, /nn\.init\.kaiming_normal_\(self\.a\.weight, nonlinearity="linear"\)/);
  assert.deepEqual(analyze(t, 'python').findings, []);
});

test('TensorFlow.js: the truncation note follows the exact-scale sentence and says what heNormal really draws', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({units: 256, inputShape: [256], activation: 'elu'}));
model.add(tf.layers.dense({units: 256, activation: 'relu'}));
model.add(tf.layers.dense({units: 10}));
`;
  const [elu, relu] = analyze(src, 'javascript').findings.map((f) => f.message);
  // The current init is stated as TF.js really draws it (glorotNormal truncated: 0.6449·0.774 = 0.50).
  assert.match(elu!, /^ELU after glorotNormal \(the TensorFlow\.js default\): each layer scales the signal's second moment by ≈0\.50 /);
  assert.match(elu!, /'heUniform', the closest named initializer, gives ≈1\.29 per layer\. Exact for ELU \(E\[φ\(z\)²\] = 0\.6449\): Var\(W\) = 1\.55\/fan_in, `varianceScaling\(\{scale: 1\.55, mode: 'fanIn', distribution: 'uniform'\}\)`\. \('heNormal' would really give ≈1\.00: TensorFlow\.js truncates it at 2σ without correcting the variance; 'heUniform' draws the full variance\.\)$/);
  // The recommendation is one whose REAL variance keeps the signal: heUniform, not heNormal (≈0.77).
  assert.match(relu!, /'heUniform' keeps it ≈1\.00\. \('heNormal' would really give ≈0\.77: TensorFlow\.js truncates it at 2σ without correcting the variance; 'heUniform' draws the full variance\.\)$/);
  const fixes = analyze(src, 'javascript').findings.map((f) => f.fixes.map((x) => x.description));
  assert.deepEqual(fixes, [["Use 'heUniform' init (ELU)"], ["Use 'heUniform' init (ReLU)"]], 'no heNormal alternative in TF.js');
});

test('numbers: two significant digits below 1, never 0.00', () => {
  assert.equal(r2(0.0049), '4.9e-3');
  assert.equal(r2(0.064), '0.064');
  assert.equal(r2(0.43), '0.43');
  assert.equal(r2(0.9996), '1.00');
  assert.equal(r2(1.29), '1.29');
  assert.equal(r2(21.2), '21.2');
  assert.equal(r2(0), '0.00');
  // A deep PyTorch-default ReLU stack: the compounded factor is written with significant digits.
  const layers = Array.from({ length: 6 }, (_, i) => `        self.l${i} = nn.Linear(64, 64)`).join('\n');
  const calls = Array.from({ length: 6 }, (_, i) => `        x = F.relu(self.l${i}(x))`).join('\n');
  const src = `import torch.nn as nn\nimport torch.nn.functional as F\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n${layers}\n        self.out = nn.Linear(64, 1)\n    def forward(self, x):\n${calls}\n        return self.out(x)\n`;
  const res = analyze(src, 'python');
  assert.ok(res.findings.length > 0);
  // The compound is the model's real second moment: six ReLU layers at 1/6 and the linear head at
  // 1/3, each with PyTorch's default bias U(±1/8) adding 1/192 to the pre-activation variance.
  let q = 0;
  let m = 1;
  for (let i = 0; i < 6; i++) {
    q = m / 3 + 1 / 192;
    m = q / 2;
  }
  m = m / 3 + 1 / 192;
  assert.equal(r2(m), '6.3e-3');
  assert.match(res.findings[0]!.message, /over the 7 weight layers of this model, the signal's second moment compounds to ×6\.3e-3;/);
  // Without the biases, the product of the gains.
  const noBias = analyze(src.replaceAll('nn.Linear(64, 64)', 'nn.Linear(64, 64, bias=False)').replace('nn.Linear(64, 1)', 'nn.Linear(64, 1, bias=False)'), 'python');
  assert.match(noBias.findings[0]!.message, /compounds to ×7\.1e-6;/);
  assert.equal(r2(Math.pow(1 / 6, 6) / 3), '7.1e-6');
  // Over the whole corpus, no message prints a zero that is not one.
  for (const fw of ['keras', 'pytorch', 'flax', 'tfjs']) {
    const dir = join('test/corpus', fw);
    for (const name of readdirSync(dir)) {
      const lang = name.endsWith('.py') ? 'python' : /\.(js|ts|mjs)$/.test(name) ? 'javascript' : null;
      if (!lang) continue;
      const r = analyze(readFileSync(join(dir, name), 'utf8'), lang);
      for (const f of r.findings) assert.doesNotMatch(f.message, /[×≈]0\.00\b|[×≈]-?0\.0\b/, `${name}: ${f.message}`);
    }
  }
});

test('the normalization note reads "An InstanceNorm" / "A BatchNorm"', () => {
  const src = (norm: string) =>
    ['import torch.nn as nn', '', 'class Net(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.conv = nn.Conv2d(3, 16, 3)', `        self.norm = nn.${norm}(16)`, '', '    def forward(self, x):', '        return self.norm(self.conv(x)).relu()', ''].join('\n');
  const note = (norm: string) => analyze(src(norm), 'python').findings.find((f) => f.code === 'IL001')?.message ?? '';
  assert.match(note('InstanceNorm2d'), / An InstanceNorm follows this layer/);
  assert.match(note('BatchNorm2d'), / A BatchNorm follows this layer/);
});

test('a zero-initialized output layer does not make the compound clause say the signal falls to 0', () => {
  const src = [
    'from tensorflow import keras',
    'from tensorflow.keras import layers',
    '',
    'inputs = keras.Input(shape=(32, 32, 3))',
    'x = layers.Conv2D(32, 3, padding="same", activation="swish")(inputs)',
    'x = layers.Conv2D(32, 3, padding="same", activation="swish")(x)',
    'x = layers.Conv2D(32, 3, padding="same", activation="swish")(x)',
    'outputs = layers.Conv2D(3, 1, kernel_initializer="zeros")(x)',
    'model = keras.Model(inputs, outputs)',
    '',
  ].join('\n');
  const msgs = analyze(src, 'python').findings.map((f) => `${f.code} ${f.message}`);
  assert.equal(msgs.length, 3, msgs.join('\n'));
  for (const m of msgs) {
    assert.match(m, /^IL001 SiLU after glorot_uniform/);
    assert.doesNotMatch(m, /falls to 0/);
  }
  // A constant hidden layer still says so.
  const hidden = src.replace('x = layers.Conv2D(32, 3, padding="same", activation="swish")(x)\n', 'x = layers.Conv2D(32, 3, padding="same", activation="swish", kernel_initializer="zeros")(x)\n');
  assert.ok(analyze(hidden, 'python').findings.some((f) => /falls to 0/.test(f.message)));
});
