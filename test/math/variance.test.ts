import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  weightVariance,
  isConstantInit,
  embeddingDefaultVariance,
  pytorchDefaultBiasVariance,
  forwardFactor,
  backwardFactor,
  recommendedVariance,
  recommendInit,
  secondMoment,
  TRUNC2_VARIANCE,
} from '../../src/core/math/index.js';
import type { KnownActivation } from '../../src/core/math/index.js';
import type { InitSpec, InitName } from '../../src/core/types.js';

function init(name: InitName, extra: Partial<InitSpec> = {}): InitSpec {
  return { name, explicit: true, source: 'argument', ...extra };
}

function rel(actual: number | null, expected: number, tol: number, what = ''): void {
  assert.ok(actual !== null, `${what}: got null`);
  const err = expected === 0 ? Math.abs(actual) : Math.abs(actual / expected - 1);
  assert.ok(err <= tol, `${what}: ${actual} vs ${expected} (rel tol ${tol})`);
}

test('Keras: he_normal is exactly 2/fan_in (corrected truncation), Glorot 2/(fi+fo)', () => {
  rel(weightVariance('keras', init('he_normal'), 300, 100), 2 / 300, 1e-15, 'he_normal');
  rel(weightVariance('keras', init('he_uniform'), 300, 100), 2 / 300, 1e-15, 'he_uniform');
  rel(weightVariance('keras', init('glorot_uniform'), 300, 100), 2 / 400, 1e-15, 'glorot_uniform');
  rel(weightVariance('keras', init('glorot_normal'), 300, 100), 2 / 400, 1e-15, 'glorot_normal');
  rel(weightVariance('keras', init('lecun_normal'), 300, 100), 1 / 300, 1e-15, 'lecun_normal');
  rel(weightVariance('keras', init('lecun_uniform'), 300, 100), 1 / 300, 1e-15, 'lecun_uniform');
});

test('Keras: variance_scaling, random_*, truncated_normal (uncorrected), fan clamp', () => {
  const vs = init('variance_scaling', { scale: 3, mode: 'fan_out', distribution: 'normal' });
  rel(weightVariance('keras', vs, 10, 60), 3 / 60, 1e-15, '"normal" = corrected truncated');
  rel(weightVariance('keras', init('variance_scaling', { scale: 3, mode: 'fan_avg', distribution: 'untruncated_normal' }), 10, 60), 3 / 35, 1e-15);
  rel(weightVariance('keras', init('variance_scaling'), 50, 60), 1 / 50, 1e-15, 'defaults 1, fan_in');
  rel(weightVariance('keras', init('random_normal'), 5, 5), 0.05 ** 2, 1e-15, 'random_normal default');
  rel(weightVariance('keras', init('random_normal', { std: 0.2 }), 5, 5), 0.04, 1e-15);
  rel(weightVariance('keras', init('random_uniform'), 5, 5), 0.1 ** 2 / 12, 1e-15, 'random_uniform ±0.05');
  rel(weightVariance('keras', init('truncated_normal'), 5, 5), 0.05 ** 2 * 0.7737413035, 1e-9, 'truncated_normal 0.05');
  // Keras: scale /= max(1, fan)
  rel(weightVariance('keras', init('he_normal'), 0, 4), 2, 1e-15, 'fan clamp');
});

test('tfjs: the *Normal initializers are truncated without correction (≈0.7737×)', () => {
  // initializers.md measured heNormal Var·fan_in = 1.547 in TF.js 4.22
  const he = weightVariance('tfjs', init('he_normal'), 1000, 1000)! * 1000;
  assert.ok(Math.abs(he - 1.547) < 0.001, `heNormal·fan_in = ${he}`);
  // tf.layers.dense default (glorotNormal): measured 0.77 with fan_in = fan_out = 1000
  const gn = weightVariance('tfjs', init('glorot_normal'), 1000, 1000)! * 1000;
  assert.ok(Math.abs(gn - 0.77) < 0.005, `glorotNormal·fan_in = ${gn}`);
  rel(weightVariance('tfjs', init('he_uniform'), 1000, 1000)! * 1000, 2, 1e-15, 'heUniform exact');
  rel(weightVariance('tfjs', init('glorot_uniform'), 1000, 1000)! * 1000, 1, 1e-15, 'glorotUniform exact');
  rel(weightVariance('tfjs', init('lecun_normal'), 64, 8), TRUNC2_VARIANCE / 64, 1e-15, 'leCunNormal');
  // varianceScaling: 'normal' is uncorrected, 'truncatedNormal' falls into the uniform branch
  rel(weightVariance('tfjs', init('variance_scaling', { scale: 2, distribution: 'normal' }), 64, 8), (2 / 64) * TRUNC2_VARIANCE, 1e-15);
  rel(weightVariance('tfjs', init('variance_scaling', { scale: 2, distribution: 'truncated_normal' }), 64, 8), 2 / 64, 1e-15);
  rel(weightVariance('tfjs', init('variance_scaling', { scale: 2 }), 64, 8), (2 / 64) * TRUNC2_VARIANCE, 1e-15, 'default normal');
  // `args.minval || DEFAULT`: an explicit 0 means -0.05
  rel(weightVariance('tfjs', init('random_uniform', { minval: 0, maxval: 0.1 }), 3, 3), 0.15 ** 2 / 12, 1e-15, 'minval 0 quirk');
  rel(weightVariance('tfjs', init('truncated_normal', { std: 0.1 }), 3, 3), 0.01 * TRUNC2_VARIANCE, 1e-15);
});

test('PyTorch: default Linear/Conv init is 1/(3·fan_in), RNN 1/(3·hidden), Embedding 1', () => {
  const def = init('pytorch_default', { explicit: false, source: 'default' });
  rel(weightVariance('pytorch', def, 512, 256), 1 / (3 * 512), 1e-15, 'Linear');
  // the same thing spelled as kaiming_uniform_(a=√5)
  rel(weightVariance('pytorch', init('he_uniform', { a: Math.sqrt(5) }), 512, 256), 1 / (3 * 512), 1e-14, 'a=√5');
  rel(weightVariance('pytorch', def, 20, 128, { recurrent: true }), 1 / (3 * 128), 1e-15, 'RNN hidden=fanOut');
  assert.equal(weightVariance('pytorch', def, 1000, 64, { embedding: true }), 1);
  rel(pytorchDefaultBiasVariance(512), 1 / 1536, 1e-15);
});

test('PyTorch: kaiming_*_ follow calculate_gain, mode and the leaky_relu default', () => {
  rel(weightVariance('pytorch', init('he_normal'), 256, 64), 2 / 256, 1e-15, 'default nonlinearity leaky_relu a=0');
  rel(weightVariance('pytorch', init('he_normal', { mode: 'fan_out', nonlinearity: 'relu' }), 256, 64), 2 / 64, 1e-15);
  rel(weightVariance('pytorch', init('he_uniform', { a: 0.2, nonlinearity: 'leaky_relu' }), 256, 64), 2 / 1.04 / 256, 1e-15);
  rel(weightVariance('pytorch', init('he_normal', { nonlinearity: 'tanh' }), 90, 64), 25 / 9 / 90, 1e-15);
  rel(weightVariance('pytorch', init('he_normal', { nonlinearity: 'linear' }), 90, 64), 1 / 90, 1e-15, 'LeCun for SELU');
  rel(weightVariance('pytorch', init('lecun_normal'), 90, 64), 1 / 90, 1e-15);
  assert.equal(weightVariance('pytorch', init('he_normal', { nonlinearity: 'gelu' }), 90, 64), null, 'PyTorch raises');
  assert.equal(weightVariance('pytorch', init('he_normal', { mode: 'fan_avg' }), 90, 64), null, 'no fan_avg in torch');
});

test('PyTorch: xavier, normal_, uniform_, trunc_normal_ with absolute cutoffs, orthogonal_', () => {
  rel(weightVariance('pytorch', init('glorot_uniform', { gain: 5 / 3 }), 300, 700), (25 / 9) * 2 / 1000, 1e-15);
  rel(weightVariance('pytorch', init('glorot_normal'), 300, 700), 2 / 1000, 1e-15);
  rel(weightVariance('pytorch', init('random_normal'), 3, 3), 1, 1e-15, 'normal_ default std 1');
  rel(weightVariance('pytorch', init('random_normal', { std: 0.02 }), 3, 3), 0.0004, 1e-15);
  rel(weightVariance('pytorch', init('random_uniform'), 3, 3), 1 / 12, 1e-15, 'uniform_ default (0,1)');
  rel(weightVariance('pytorch', init('random_uniform', { minval: -0.1, maxval: 0.3 }), 3, 3), 0.16 / 12, 1e-15);
  // a=-2, b=2 are absolute: with std 0.02 that is ±100σ, so no truncation in practice
  rel(weightVariance('pytorch', init('truncated_normal', { std: 0.02, minval: -2, maxval: 2 }), 3, 3), 0.0004, 1e-12, 'std 0.02');
  rel(weightVariance('pytorch', init('truncated_normal', { std: 0.02 }), 3, 3), 0.0004, 1e-12, 'defaults a=-2,b=2');
  rel(weightVariance('pytorch', init('truncated_normal'), 3, 3), TRUNC2_VARIANCE, 1e-15, 'std 1 → real truncation');
  rel(weightVariance('pytorch', init('truncated_normal', { std: 0.5, minval: -0.5, maxval: 0.5 }), 3, 3), 0.25 * (1 - 2 * 0.24197072451914337 / 0.6826894921370859), 1e-12, '±1σ');
  rel(weightVariance('pytorch', init('orthogonal', { gain: 2 }), 256, 512), 4 / 512, 1e-15);
  // A conv kernel flattens to out × (in·k): Conv2d(1, 64, 5) is 64 × 25, tall, Var = g²/64 (not g²/fanOut).
  rel(weightVariance('pytorch', init('orthogonal', { gain: 2 }), 25, 1600, { kernelSize: [5, 5] }), 4 / 64, 1e-15);
  rel(weightVariance('keras', init('orthogonal'), 9 * 64, 9 * 32, { kernelSize: [3, 3] }), 1 / 576, 1e-15);
});

test('Flax: lecun_normal default exact, normal untruncated 1e-2, variance_scaling "normal" untruncated, Embed 1/features', () => {
  rel(weightVariance('flax', init('lecun_normal', { explicit: false, source: 'default' }), 128, 64), 1 / 128, 1e-15);
  rel(weightVariance('flax', init('he_normal'), 128, 64), 2 / 128, 1e-15);
  rel(weightVariance('flax', init('random_normal'), 128, 64), 1e-4, 1e-15, 'normal() default');
  rel(weightVariance('flax', init('variance_scaling', { scale: 2, mode: 'fan_in', distribution: 'normal' }), 128, 64), 2 / 128, 1e-15);
  rel(weightVariance('flax', init('variance_scaling', { scale: 2, mode: 'fan_avg', distribution: 'truncated_normal' }), 128, 64), 2 / 96, 1e-15);
  rel(weightVariance('flax', init('truncated_normal'), 128, 64), 1e-4 * TRUNC2_VARIANCE, 1e-15, 'stddev·N(0,1) cut at ±2');
  rel(weightVariance('flax', init('random_uniform'), 1, 1), 1e-4 / 12, 1e-15, 'uniform(scale=1e-2) on [0, 0.01)');
  rel(weightVariance('flax', init('orthogonal', { scale: 3 }), 100, 50), 9 / 100, 1e-15);
  rel(embeddingDefaultVariance('flax', 256), 1 / 256, 1e-15);
  rel(embeddingDefaultVariance('keras', 256), 0.1 ** 2 / 12, 1e-15);
  assert.equal(embeddingDefaultVariance('pytorch', 256), 1);
});

test('constants are variance 0; unknowns are null', () => {
  for (const name of ['zeros', 'ones', 'constant'] as const) {
    assert.equal(weightVariance('keras', init(name), 10, 10), 0);
    assert.ok(isConstantInit(init(name)));
  }
  assert.ok(isConstantInit(init('unknown', { distribution: 'constant' })));
  assert.ok(!isConstantInit(init('he_normal')));
  assert.equal(weightVariance('keras', init('unknown'), 10, 10), null);
  assert.equal(weightVariance('keras', init('he_normal'), null, 10), null);
  assert.equal(weightVariance('keras', init('glorot_uniform'), 10, null), null);
  assert.equal(weightVariance('pytorch', init('orthogonal'), 10, null), null);
});

test('forward/backward factors: He+ReLU = 1, Glorot+ReLU = 1/2, PyTorch default+ReLU = 1/6', () => {
  const n = 512;
  rel(forwardFactor(weightVariance('keras', init('he_normal'), n, n), n, 'relu'), 1, 1e-15);
  rel(forwardFactor(weightVariance('keras', init('glorot_uniform'), n, n), n, 'relu'), 0.5, 1e-15);
  rel(forwardFactor(weightVariance('pytorch', init('pytorch_default'), n, n), n, 'relu'), 1 / 6, 1e-15);
  rel(backwardFactor(weightVariance('pytorch', init('he_normal', { mode: 'fan_out', nonlinearity: 'relu' }), 100, 400), 400, 'relu'), 1, 1e-15);
  rel(forwardFactor(weightVariance('keras', init('lecun_normal'), n, n), n, 'selu'), 1, 1e-6);
  assert.equal(forwardFactor(null, n, 'relu'), null);
  assert.equal(forwardFactor(0.1, n, 'unknown'), null);
});

test('recommendedVariance makes forwardFactor exactly 1', () => {
  rel(recommendedVariance('relu', 100, 10), 2 / 100, 1e-15);
  rel(recommendedVariance('selu', 100, 10), 1 / 100, 1e-6);
  rel(recommendedVariance('linear', 100, 10), 1 / 100, 1e-15);
  rel(recommendedVariance('leaky_relu', 100, 10, 0.3), 2 / 1.09 / 100, 1e-15);
  const acts: KnownActivation[] = ['relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'silu', 'mish', 'softplus', 'tanh', 'sigmoid', 'linear'];
  for (const a of acts) rel(forwardFactor(recommendedVariance(a, 77), 77, a), 1, 1e-12, a);
  assert.equal(recommendedVariance('unknown', 10), null);
  assert.equal(recommendedVariance('relu', null), null);
});

test('recommendInit families', () => {
  for (const a of ['relu', 'elu', 'gelu', 'silu', 'mish'] as const) {
    assert.equal(recommendInit(a).init, 'he_normal', a);
    assert.equal(recommendInit(a, undefined, 'uniform').init, 'he_uniform', a);
  }
  // Softplus keeps E[φ(z)²] = 0.92: LeCun gives 0.92 per layer, He 1.84.
  assert.equal(recommendInit('softplus').init, 'lecun_normal');
  assert.equal(recommendInit('softplus', undefined, 'uniform').init, 'lecun_uniform');
  // The named init recommended for the rectifier family is the closest one (log distance of the per-layer factor).
  for (const a of ['relu', 'elu', 'gelu', 'silu', 'mish', 'softplus'] as const) {
    const m2 = secondMoment(a, undefined, 1);
    const dist = (coeff: number) => Math.abs(Math.log(coeff * m2));
    const best = dist(2) <= dist(1) ? 'he_normal' : 'lecun_normal';
    assert.equal(recommendInit(a).init, best, a);
  }
  for (const a of ['tanh', 'sigmoid', 'linear', 'softmax'] as const) {
    assert.equal(recommendInit(a).init, 'glorot_normal', a);
    assert.equal(recommendInit(a, undefined, 'uniform').init, 'glorot_uniform', a);
  }
  assert.equal(recommendInit('selu').init, 'lecun_normal');
  const lk = recommendInit('leaky_relu', 0.3);
  assert.equal(lk.init, 'variance_scaling');
  rel(lk.scale ?? null, 2 / 1.09, 1e-15);
  assert.equal(recommendInit('leaky_relu', 0.01).init, 'he_normal', 'PyTorch default slope ≈ ReLU');
  assert.equal(recommendInit('unknown').init, 'unknown');
  assert.ok(recommendInit('relu').reason.length > 0);
});
