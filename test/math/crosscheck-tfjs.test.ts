/**
 * Cross-check weightVariance('tfjs', …) against real TensorFlow.js initializers
 * (@tensorflow/tfjs 4.x, CPU backend in node) on [1000, 1000] kernels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { weightVariance } from '../../src/core/math/index.js';
import type { InitName, InitSpec } from '../../src/core/types.js';

function spec(name: InitName, extra: Partial<InitSpec> = {}): InitSpec {
  return { name, explicit: true, source: 'argument', ...extra };
}

function sampleVariance(init: { apply(shape: number[]): tf.Tensor }, shape: number[]): number {
  const t = init.apply(shape);
  const data = t.dataSync();
  t.dispose();
  let mean = 0;
  for (let i = 0; i < data.length; i++) mean += data[i]!;
  mean /= data.length;
  let ss = 0;
  for (let i = 0; i < data.length; i++) ss += (data[i]! - mean) ** 2;
  return ss / (data.length - 1);
}

interface Case {
  make: () => { apply(shape: number[]): tf.Tensor };
  init: InitSpec;
  shape: number[];
  fanIn: number;
  fanOut: number;
}

const SQ = [1000, 1000];
const CASES: Record<string, Case> = {
  heNormal: { make: () => tf.initializers.heNormal({ seed: 1 }), init: spec('he_normal'), shape: SQ, fanIn: 1000, fanOut: 1000 },
  heUniform: { make: () => tf.initializers.heUniform({ seed: 2 }), init: spec('he_uniform'), shape: SQ, fanIn: 1000, fanOut: 1000 },
  glorotNormal: { make: () => tf.initializers.glorotNormal({ seed: 3 }), init: spec('glorot_normal'), shape: [1000, 500], fanIn: 1000, fanOut: 500 },
  glorotUniform: { make: () => tf.initializers.glorotUniform({ seed: 4 }), init: spec('glorot_uniform'), shape: [1000, 500], fanIn: 1000, fanOut: 500 },
  leCunNormal: { make: () => tf.initializers.leCunNormal({ seed: 5 }), init: spec('lecun_normal'), shape: SQ, fanIn: 1000, fanOut: 1000 },
  leCunUniform: { make: () => tf.initializers.leCunUniform({ seed: 6 }), init: spec('lecun_uniform'), shape: SQ, fanIn: 1000, fanOut: 1000 },
  heNormalConv: { make: () => tf.initializers.heNormal({ seed: 7 }), init: spec('he_normal'), shape: [3, 3, 64, 128], fanIn: 9 * 64, fanOut: 9 * 128 },
  varianceScalingFanAvgNormal: {
    make: () => tf.initializers.varianceScaling({ scale: 3, mode: 'fanAvg', distribution: 'normal', seed: 8 }),
    init: spec('variance_scaling', { scale: 3, mode: 'fan_avg', distribution: 'normal' }), shape: [1000, 500], fanIn: 1000, fanOut: 500,
  },
  varianceScalingTruncatedNormalQuirk: {
    make: () => tf.initializers.varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed: 9 }),
    init: spec('variance_scaling', { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' }), shape: SQ, fanIn: 1000, fanOut: 1000,
  },
  randomNormalDefault: { make: () => tf.initializers.randomNormal({ seed: 10 }), init: spec('random_normal'), shape: SQ, fanIn: 1000, fanOut: 1000 },
  randomUniformMinvalZeroQuirk: {
    make: () => tf.initializers.randomUniform({ minval: 0, maxval: 0.1, seed: 11 }),
    init: spec('random_uniform', { minval: 0, maxval: 0.1 }), shape: SQ, fanIn: 1000, fanOut: 1000,
  },
  truncatedNormal: {
    make: () => tf.initializers.truncatedNormal({ stddev: 0.1, seed: 12 }),
    init: spec('truncated_normal', { std: 0.1 }), shape: SQ, fanIn: 1000, fanOut: 1000,
  },
  orthogonal: {
    make: () => tf.initializers.orthogonal({ gain: 1.5, seed: 13 }),
    init: spec('orthogonal', { gain: 1.5 }), shape: [100, 200], fanIn: 100, fanOut: 200,
  },
};

test('weightVariance("tfjs") matches TensorFlow.js draws within 3%', { timeout: 300_000 }, async () => {
  await tf.setBackend('cpu');
  const warn = console.warn;
  console.warn = () => {}; // orthogonal warns about > 2000 elements
  try {
    for (const [id, c] of Object.entries(CASES)) {
      const predicted = weightVariance('tfjs', c.init, c.fanIn, c.fanOut);
      assert.ok(predicted !== null, `${id}: predicted null`);
      const sampled = sampleVariance(c.make(), c.shape);
      assert.ok(Math.abs(sampled / predicted - 1) < 0.03, `${id}: tfjs ${sampled} vs predicted ${predicted}`);
    }
  } finally {
    console.warn = warn;
  }
});

test('tf.layers.dense default kernel: Var·fan_in ≈ 0.77 (glorotNormal, uncorrected)', async () => {
  await tf.setBackend('cpu');
  const layer = tf.layers.dense({ units: 1000, inputShape: [1000] });
  layer.build([null, 1000]);
  const k = layer.getWeights()[0]!;
  const data = k.dataSync();
  let ss = 0;
  for (let i = 0; i < data.length; i++) ss += data[i]! * data[i]!;
  const sampled = ss / data.length;
  const predicted = weightVariance('tfjs', spec('glorot_normal', { explicit: false, source: 'default' }), 1000, 1000)!;
  assert.ok(Math.abs(sampled / predicted - 1) < 0.03, `dense default ${sampled} vs ${predicted}`);
});
