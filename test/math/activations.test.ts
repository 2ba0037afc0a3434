import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  activationFn,
  activationDeriv,
  secondMoment,
  derivSecondMoment,
  varianceGain,
  torchCalculateGain,
  normalExpectation,
  normalCdf,
  SELU_ALPHA,
  SELU_LAMBDA,
} from '../../src/core/math/index.js';
import type { KnownActivation } from '../../src/core/math/index.js';
import { momentCacheStats } from '../../src/core/math/activations.js';

function rel(actual: number | null, expected: number, tol: number, what = ''): void {
  assert.ok(actual !== null, `${what}: got null`);
  const err = expected === 0 ? Math.abs(actual) : Math.abs(actual / expected - 1);
  assert.ok(err <= tol, `${what}: ${actual} vs ${expected} (rel tol ${tol})`);
}

const ALL: KnownActivation[] = [
  'relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'gelu_tanh', 'silu', 'mish', 'softplus', 'tanh', 'sigmoid', 'softmax', 'linear',
];

test('ReLU: E[relu²] = q/2, E[relu′²] = 1/2, gain √2 exactly', () => {
  for (const q of [0.1, 1, 7]) {
    rel(secondMoment('relu', undefined, q), q / 2, 1e-15, `q=${q}`);
    rel(derivSecondMoment('relu', undefined, q), 0.5, 1e-15);
  }
  assert.equal(varianceGain('relu'), Math.SQRT2);
  assert.equal(varianceGain('linear'), 1);
  assert.equal(varianceGain('softmax'), 1);
});

test('leaky ReLU: E[φ²] = (1+a²)q/2 and gain √(2/(1+a²)); default slope 0.01', () => {
  for (const a of [0.01, 0.2, 0.3, 1]) {
    rel(secondMoment('leaky_relu', a, 2), (1 + a * a), 1e-15, `a=${a}`);
    assert.equal(varianceGain('leaky_relu', a), Math.sqrt(2 / (1 + a * a)));
  }
  assert.equal(varianceGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 * 0.01)));
  // slope 1 is the identity
  rel(varianceGain('leaky_relu', 1), 1, 1e-15);
});

test('closed forms agree with the quadrature of φ itself', () => {
  for (const [act, p] of [['relu', undefined], ['leaky_relu', 0.3], ['linear', undefined]] as const) {
    for (const q of [0.2, 1, 5]) {
      const f = activationFn(act, p);
      const g = activationDeriv(act, p);
      rel(secondMoment(act, p, q), normalExpectation((x) => f(x) ** 2, q), 1e-10, `${act} q=${q}`);
      rel(derivSecondMoment(act, p, q), normalExpectation((x) => g(x) ** 2, q), 1e-10, `${act}' q=${q}`);
    }
  }
});

test('SELU is self-normalizing: mean 0 and E[selu(z)²] = 1 at unit variance', () => {
  rel(secondMoment('selu'), 1, 1e-6, 'second moment');
  const f = activationFn('selu');
  assert.ok(Math.abs(normalExpectation(f, 1)) < 1e-6, 'mean');
  rel(varianceGain('selu'), 1, 1e-6, 'gain');
  // constants as in torch.nn.SELU
  assert.equal(SELU_LAMBDA, 1.0507009873554805);
  assert.equal(SELU_ALPHA, 1.6732632423543772);
});

test('ELU matches its closed form (E[e^{kz}1{z<0}] = e^{k²q/2}Φ(-k√q))', () => {
  for (const alpha of [1, 0.5]) {
    for (const q of [0.3, 1, 4]) {
      const s = Math.sqrt(q);
      const m2 =
        q / 2 + alpha * alpha * (Math.exp(2 * q) * normalCdf(-2 * s) - 2 * Math.exp(q / 2) * normalCdf(-s) + 0.5);
      const d2 = 0.5 + alpha * alpha * Math.exp(2 * q) * normalCdf(-2 * s);
      rel(secondMoment('elu', alpha, q), m2, 1e-9, `E[elu²] α=${alpha} q=${q}`);
      rel(derivSecondMoment('elu', alpha, q), d2, 1e-9, `E[elu′²] α=${alpha} q=${q}`);
    }
  }
});

test('GELU second moment matches the closed form q[1/4 + asin(q/(1+q))/2π + q/(π(1+q)√(1+2q))]', () => {
  for (const q of [0.1, 1, 3, 10]) {
    const exact = q * (0.25 + Math.asin(q / (1 + q)) / (2 * Math.PI) + q / (Math.PI * (1 + q) * Math.sqrt(1 + 2 * q)));
    rel(secondMoment('gelu', undefined, q), exact, 1e-9, `q=${q}`);
  }
  // at q = 1: 1/3 + 1/(2π√3), gain ≈ 1.5335
  const g = varianceGain('gelu');
  rel(g, 1 / Math.sqrt(1 / 3 + 1 / (2 * Math.PI * Math.sqrt(3))), 1e-9, 'gain');
  assert.ok(g > 1.53 && g < 1.54);
  // the tanh approximation is within 1e-3
  assert.ok(Math.abs(secondMoment('gelu_tanh') - secondMoment('gelu')) < 1e-3);
});

test('derivatives are right: Stein’s lemma E[z·φ(z)] = q·E[φ′(z)] and finite differences', () => {
  for (const act of ALL) {
    const f = activationFn(act, act === 'elu' ? 0.7 : act === 'leaky_relu' ? 0.2 : undefined);
    const g = activationDeriv(act, act === 'elu' ? 0.7 : act === 'leaky_relu' ? 0.2 : undefined);
    for (const q of [0.5, 2]) {
      const lhs = normalExpectation((z) => z * f(z), q);
      const rhs = q * normalExpectation(g, q);
      assert.ok(Math.abs(lhs - rhs) < 1e-9, `${act} q=${q}: ${lhs} vs ${rhs}`);
    }
    for (const x of [-3.3, -0.7, 0.4, 2.1]) {
      const h = 1e-6;
      const fd = (f(x + h) - f(x - h)) / (2 * h);
      assert.ok(Math.abs(fd - g(x)) < 1e-7, `${act}′(${x}): ${g(x)} vs ${fd}`);
    }
  }
});

test('numeric gains of the smooth activations are in the expected ranges', () => {
  // silu ≈ 1.677, tanh ≈ 1.593, sigmoid ≈ 1.846 (second moment incl. the 1/2 mean), softplus ≈ 1.042
  const expected: Record<string, [number, number]> = {
    silu: [1.67, 1.68], tanh: [1.59, 1.60], sigmoid: [1.84, 1.85], softplus: [1.04, 1.045], mish: [1.48, 1.49], elu: [1.24, 1.25],
  };
  for (const [act, [lo, hi]] of Object.entries(expected)) {
    const g = varianceGain(act as KnownActivation);
    assert.ok(g > lo && g < hi, `${act}: ${g}`);
  }
  // sigmoid uses the second moment: E[σ²] = Var(σ) + 1/4
  const f = activationFn('sigmoid');
  const variance = normalExpectation((x) => (f(x) - 0.5) ** 2, 1);
  rel(secondMoment('sigmoid'), variance + 0.25, 1e-12, 'sigmoid second moment');
});

test('saturation: tanh’s factor falls with the input variance, softplus has φ(0)² = ln²2', () => {
  assert.ok(secondMoment('tanh', undefined, 4) < 4 * secondMoment('tanh', undefined, 1));
  rel(secondMoment('tanh', undefined, 1e-6), 1e-6, 1e-5, 'tanh is linear near 0');
  rel(secondMoment('softplus', undefined, 0), Math.LN2 ** 2, 1e-12, 'softplus at q=0');
});

test('unknown activation gives null, a bad variance NaN', () => {
  assert.equal(secondMoment('unknown'), null);
  assert.equal(derivSecondMoment('unknown'), null);
  assert.equal(varianceGain('unknown'), null);
  assert.ok(Number.isNaN(secondMoment('gelu', undefined, -1)));
  assert.ok(Number.isNaN(derivSecondMoment('relu', undefined, NaN)));
});

test('moments are cached: a repeated look-up is served without new quadrature', () => {
  const qs = Array.from({ length: 300 }, (_, i) => 0.01 + i * 0.0131);
  const first = qs.map((q) => secondMoment('mish', undefined, q));
  const before = momentCacheStats();
  for (let r = 0; r < 10; r++) {
    qs.forEach((q, i) => assert.equal(secondMoment('mish', undefined, q), first[i]));
  }
  const after = momentCacheStats();
  assert.equal(after.computed, before.computed, 'no quadrature on repeated look-ups');
  assert.equal(after.hits - before.hits, 3000);
});

test('torchCalculateGain reproduces torch.nn.init.calculate_gain', () => {
  for (const n of ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid']) {
    assert.equal(torchCalculateGain(n), 1, n);
  }
  assert.equal(torchCalculateGain('tanh'), 5 / 3);
  assert.equal(torchCalculateGain('relu'), Math.sqrt(2));
  assert.equal(torchCalculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(torchCalculateGain('leaky_relu', 0.2), Math.sqrt(2 / 1.04));
  // PyTorch's default Linear init: kaiming_uniform_(a=√5) → gain² = 1/3
  rel(torchCalculateGain('leaky_relu', Math.sqrt(5))! ** 2, 1 / 3, 1e-15, 'a=√5');
  assert.equal(torchCalculateGain('selu'), 0.75);
  for (const n of ['gelu', 'silu', 'elu', 'mish', 'softplus', 'ReLU', 'Tanh', '']) {
    assert.equal(torchCalculateGain(n), null, n);
  }
});
