/**
 * Every initializer the engine names, drawn the way its framework draws it: the
 * sampler's exact variance is the number src/core/math states (weightVariance), and
 * real draws of the runner have that variance, truncated laws included.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Framework, InitName, InitSpec } from '../../src/core/types.js';
import { weightVariance, TRUNC2_VARIANCE } from '../../src/core/math/index.js';
import { samplerFor, samplerVariance, samplerMean } from '../../src/core/sim/samplers.js';
import type { Sampler } from '../../src/core/sim/types.js';
import { draw, orthogonalMatrix, scoped } from '../../src/sim/runner.js';
import { initNodeBackend } from '../../src/sim/node.js';

before(async () => {
  await initNodeBackend();
});

const spec = (name: InitName, extra: Partial<InitSpec> = {}): InitSpec => ({ name, explicit: true, source: 'argument', ...extra });

const FRAMEWORKS: Framework[] = ['pytorch', 'keras', 'tfjs', 'flax'];
const CASES: [string, InitSpec][] = [
  ['default', spec('pytorch_default')],
  ['he_normal', spec('he_normal')],
  ['he_uniform', spec('he_uniform')],
  ['glorot_normal', spec('glorot_normal')],
  ['glorot_uniform', spec('glorot_uniform')],
  ['lecun_normal', spec('lecun_normal')],
  ['lecun_uniform', spec('lecun_uniform')],
  ['kaiming fan_out relu', spec('he_normal', { mode: 'fan_out', nonlinearity: 'relu' })],
  ['kaiming a=0.2', spec('he_uniform', { a: 0.2 })],
  ['xavier gain 5/3', spec('glorot_uniform', { gain: 5 / 3 })],
  ['vs 3 fan_avg normal', spec('variance_scaling', { scale: 3, mode: 'fan_avg', distribution: 'normal' })],
  ['vs 2 truncated', spec('variance_scaling', { scale: 2, distribution: 'truncated_normal' })],
  ['vs 0.5 untruncated', spec('variance_scaling', { scale: 0.5, distribution: 'untruncated_normal' })],
  ['vs uniform fan_out', spec('variance_scaling', { scale: 1.5, mode: 'fan_out', distribution: 'uniform' })],
  ['normal std 0.02', spec('random_normal', { std: 0.02 })],
  ['normal default', spec('random_normal')],
  ['uniform -0.1..0.3', spec('random_uniform', { minval: -0.1, maxval: 0.3 })],
  ['uniform default', spec('random_uniform')],
  ['trunc std 0.02', spec('truncated_normal', { std: 0.02 })],
  ['trunc std 1 [-1, 3]', spec('truncated_normal', { std: 1, minval: -1, maxval: 3 })],
  ['trunc default', spec('truncated_normal')],
  ['he uncorrected', spec('he_normal', { uncorrectedTruncation: true })],
  ['orthogonal gain 2', spec('orthogonal', { gain: 2 })],
  ['zeros', spec('zeros')],
  ['constant 0.3', spec('constant', { value: 0.3 })],
];

test('every sampler has exactly the variance src/core/math states, for every framework', () => {
  let checked = 0;
  for (const fw of FRAMEWORKS) {
    for (const [fi, fo] of [[300, 200], [64, 576]] as const) {
      for (const [what, init] of CASES) {
        const expected = weightVariance(fw, init, fi, fo);
        const s = samplerFor(fw, init, fi, fo);
        if (expected === null) {
          assert.equal(s, null, `${fw} ${what}: the math has no variance, the sampler must not exist`);
          continue;
        }
        assert.ok(s, `${fw} ${what}: no sampler`);
        const v = samplerVariance(s, fi, fo)!;
        assert.ok(Math.abs(v - expected) <= 1e-12 * Math.max(1, expected) + 1e-15, `${fw} ${what} ${fi}x${fo}: sampler ${v} vs math ${expected}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 150, `${checked} cases`);
  // Recurrent and embedding defaults.
  assert.ok(Math.abs(samplerVariance(samplerFor('pytorch', spec('pytorch_default'), 64, 128, { recurrent: true })!)! - 1 / (3 * 128)) < 1e-15);
  assert.equal(samplerVariance(samplerFor('pytorch', spec('pytorch_default'), 1000, 64, { embedding: true })!), 1);
});

test('the laws themselves: TF.js heNormal is truncated without correction (Var·fan_in ≈ 1.55), Keras/Flax corrected (2), PyTorch default U(±1/√fan_in)', () => {
  const tfjs = samplerFor('tfjs', spec('he_normal'), 1000, 1000)!;
  const keras = samplerFor('keras', spec('he_normal'), 1000, 1000)!;
  const flax = samplerFor('flax', spec('he_normal'), 1000, 1000)!;
  assert.deepEqual(tfjs, { kind: 'truncated_normal', mean: 0, std: Math.sqrt(2 / 1000), cut: 2 });
  assert.equal(keras.kind, 'truncated_normal');
  assert.ok(Math.abs(samplerVariance(tfjs)! * 1000 - 2 * TRUNC2_VARIANCE) < 1e-12);
  assert.ok(Math.abs(samplerVariance(keras)! * 1000 - 2) < 1e-12);
  assert.ok(Math.abs(samplerVariance(flax)! * 1000 - 2) < 1e-12);
  assert.deepEqual(samplerFor('pytorch', spec('pytorch_default'), 400, 10), { kind: 'uniform', low: -1 / 20, high: 1 / 20 });
  // kaiming_normal_ is an untruncated normal.
  assert.equal(samplerFor('pytorch', spec('he_normal'), 400, 10)!.kind, 'normal');
});

function empirical(t: { dataSync(): ArrayLike<number> }): { mean: number; variance: number } {
  const d = t.dataSync();
  let m = 0;
  for (let i = 0; i < d.length; i++) m += d[i]!;
  m /= d.length;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += (d[i]! - m) ** 2;
  return { mean: m, variance: s / (d.length - 1) };
}

test('real draws have the stated variance and mean (400×400 entries: within 2%, ≈ 6 standard errors)', () => {
  const shapes: [number, number] = [400, 400];
  const seen = new Set<string>();
  for (const fw of FRAMEWORKS) {
    for (const [what, init] of CASES) {
      const s = samplerFor(fw, init, 400, 400);
      if (!s) continue;
      const key = JSON.stringify(s);
      if (seen.has(key)) continue;
      seen.add(key);
      scoped(() => {
        const t = draw(s, shapes, 17, 400, 400);
        const e = empirical(t);
        const v = samplerVariance(s, 400, 400)!;
        if (v === 0) assert.ok(e.variance < 1e-12, `${fw} ${what}`);
        else assert.ok(Math.abs(e.variance / v - 1) < 0.02, `${fw} ${what}: drew ${e.variance}, law ${v}`);
        const sd = Math.sqrt(v / 160000);
        assert.ok(Math.abs(e.mean - samplerMean(s)) < 6 * sd + 1e-6 * Math.abs(samplerMean(s)) + 1e-9, `${fw} ${what}: mean ${e.mean} vs ${samplerMean(s)}`);
      });
    }
  }
  assert.ok(seen.size >= 30, `${seen.size} distinct laws drawn`);
});

test('truncated draws stay inside their bounds', () => {
  const s: Sampler = { kind: 'truncated_normal', mean: 0.5, std: 1, cut: 2.5, low: -0.5, high: 3 };
  scoped(() => {
    const d = draw(s, [200, 100], 3, 200, 100).dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of d) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    assert.ok(lo >= -0.5 - 1e-6 && hi <= 3 + 1e-6, `${lo}..${hi}`);
    assert.ok(lo < -0.45 && hi > 2.9);
  });
});

test('orthogonal: orthonormal columns (tall) or rows (wide), sign-corrected, times the gain; variance gain²/max(rows, cols)', () => {
  for (const [r, c] of [[96, 64], [64, 96], [80, 80]] as const) {
    const g = 1.7;
    const w = orthogonalMatrix(r, c, g, 5);
    const small = Math.min(r, c);
    for (let a = 0; a < small; a++) {
      for (let b = a; b < small; b++) {
        let dot = 0;
        if (r >= c) for (let i = 0; i < r; i++) dot += w[i * c + a]! * w[i * c + b]!;
        else for (let j = 0; j < c; j++) dot += w[a * c + j]! * w[b * c + j]!;
        assert.ok(Math.abs(dot - (a === b ? g * g : 0)) < 1e-4, `${r}x${c} (${a},${b}): ${dot}`);
      }
    }
    let ss = 0;
    for (const x of w) ss += x * x;
    assert.ok(Math.abs(ss / (r * c) - samplerVariance({ kind: 'orthogonal', gain: g }, r, c)!) < 1e-6);
  }
  // Different seeds, different matrices; the same seed, the same matrix.
  assert.notDeepEqual(orthogonalMatrix(8, 8, 1, 1), orthogonalMatrix(8, 8, 1, 2));
  assert.deepEqual(orthogonalMatrix(8, 8, 1, 1), orthogonalMatrix(8, 8, 1, 1));
});
