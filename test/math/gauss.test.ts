import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  normalExpectation,
  normalCdf,
  erf,
  TRUNC2_VARIANCE,
  truncatedStdNormalVariance,
} from '../../src/core/math/index.js';

function close(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected} (tol ${tol})`,
  );
}

function rel(actual: number, expected: number, tol: number, what = ''): void {
  assert.ok(Math.abs(actual / expected - 1) <= tol, `${what}: ${actual} vs ${expected} (rel tol ${tol})`);
}

test('E[z²] = σ² and E[z⁴] = 3σ⁴ to 1e-9', () => {
  for (const s2 of [1e-4, 0.3, 1, 2.5, 17]) {
    rel(normalExpectation((z) => z * z, s2), s2, 1e-9, `E[z²] σ²=${s2}`);
    rel(normalExpectation((z) => z ** 4, s2), 3 * s2 * s2, 1e-9, `E[z⁴] σ²=${s2}`);
  }
});

test('E[relu(z)²] = σ²/2 despite the kink at 0', () => {
  for (const s2 of [0.01, 1, 3, 50]) {
    rel(normalExpectation((z) => (z > 0 ? z * z : 0), s2), s2 / 2, 1e-9, `σ²=${s2}`);
  }
});

test('smooth integrands: E[cos z] = e^{-σ²/2}, E[e^z] = e^{σ²/2}, mean shift', () => {
  for (const s2 of [0.5, 1, 4]) {
    close(normalExpectation(Math.cos, s2), Math.exp(-s2 / 2), 1e-12, 'cos');
    close(normalExpectation(Math.exp, s2), Math.exp(s2 / 2), 1e-10, 'exp');
  }
  close(normalExpectation((z) => z, 2, 0.7), 0.7, 1e-12, 'mean');
  close(normalExpectation((z) => z * z, 2, 0.7), 2 + 0.49, 1e-12, 'E[z²] with mean');
});

test('degenerate variances', () => {
  close(normalExpectation((z) => z + 3, 0), 3, 1e-14, 'σ²=0 gives f(0)');
  assert.ok(Number.isNaN(normalExpectation((z) => z, -1)));
  assert.ok(Number.isNaN(normalExpectation((z) => z, NaN)));
});

test('Φ and erf agree with tabulated values, tails stay relatively accurate', () => {
  close(normalCdf(0), 0.5, 1e-16, 'Φ(0)');
  close(normalCdf(1.959963984540054), 0.975, 1e-15, 'Φ(1.96)');
  close(erf(1), 0.8427007929497149, 1e-15, 'erf(1)');
  close(erf(-0.5), -0.5204998778130465, 1e-15, 'erf(-0.5)');
  // Φ(-5) = 2.866515718791939e-7, Φ(-10) = 7.619853024160527e-24 (relative accuracy)
  assert.ok(Math.abs(normalCdf(-5) / 2.866515718791939e-7 - 1) < 1e-12);
  assert.ok(Math.abs(normalCdf(-10) / 7.619853024160527e-24 - 1) < 1e-12);
  close(normalCdf(-3) + normalCdf(3), 1, 1e-15, 'symmetry');
});

test('truncated standard normal variances', () => {
  // Keras and JAX divide by 0.87962566103423978, the std of N(0,1) cut to (-2, 2).
  close(Math.sqrt(TRUNC2_VARIANCE), 0.87962566103423978, 1e-15, 'Keras constant');
  close(truncatedStdNormalVariance(-Infinity, Infinity), 1, 1e-15, 'no truncation');
  close(truncatedStdNormalVariance(0, Infinity), 1 - 2 / Math.PI, 1e-14, 'half-normal');
  // Symmetric tiny window → uniform-like: variance ≈ w²/3 for (-w, w)
  rel(truncatedStdNormalVariance(-1e-2, 1e-2), 1e-4 / 3, 1e-4, 'tiny window');
  assert.ok(Number.isNaN(truncatedStdNormalVariance(1, 1)));
});
