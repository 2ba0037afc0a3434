/**
 * The statistics of the convergence rule (src/core/sim/pool.ts) against theory
 * (src/core/sim/spread.ts): in a He + ReLU MLP the seed-to-seed standard deviation of
 * a layer's log second moment is Hanin & Nica's √(5L/n) for one input and less for a
 * batch (the batch averages over inputs the weights correlate), the mean of log m is
 * −Var/2 below log E[m] (log-normal), and the pool's 95% interval is Student's on the
 * mean of log m over seeds.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { reluLogMomentSd, seedsFor } from '../../src/core/sim/spread.js';
import { logHalfWidths, type SeedRun } from '../../src/core/sim/pool.js';
import { runSeed, scoped } from '../../src/sim/runner.js';
import { initNodeBackend } from '../../src/sim/node.js';
import { normal, opts, stack } from './helpers.js';

before(async () => {
  await initNodeBackend();
});

test('theory: one input gives √(5L/n) exactly; a batch of independent inputs less, most in the first layers', () => {
  const one = reluLogMomentSd(50, 512, 1);
  assert.ok(Math.abs(one[49]! - Math.sqrt((5 * 50) / 512)) < 1e-12);
  const batch = reluLogMomentSd(50, 512, 64);
  // First layer: inputs independent, so only the 1/B part: (4/n)·(5/4)/B.
  assert.ok(Math.abs(batch[0]! - Math.sqrt(5 / 512 / 64)) < 1e-12);
  assert.ok(batch[49]! < one[49]! && batch[49]! > 0.9 * one[49]!, `${batch[49]} vs ${one[49]}`);
  // Fully correlated inputs: the batch does not help.
  assert.ok(Math.abs(reluLogMomentSd(10, 256, 64, 1)[9]! - Math.sqrt(50 / 256)) < 1e-9);
  assert.equal(seedsFor(0.65), Math.ceil(((1.96 * 0.65) / Math.log(1.05)) ** 2));
});

test('Monte Carlo: 300 seeds of a 20×128 ReLU net at batch 64 have the spread theory says, not the one-input √(5L/n)', () => {
  const [L, n, B, N] = [20, 128, 64, 300];
  const spec = stack(L, n, 'relu', normal(2 / n));
  const o = opts({ batch: B, seeds: 1, which: ['current'] });
  const runs: SeedRun[] = [];
  for (let s = 0; s < N; s++) runs.push(scoped(() => runSeed(spec, o, { init: 'current', seed: 1 + s, batch: B })));
  const theory = reluLogMomentSd(L, n, B);
  const sdOf = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return { mean: m, sd: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) };
  };
  for (const l of [4, 9, 19]) {
    const { mean, sd } = sdOf(runs.map((r) => r.layers[l]!.logForwardSecondMoment));
    // The sd of an sd estimate from N seeds: sd/√(2(N − 1)) ≈ 4%; 3 of them.
    assert.ok(Math.abs(sd / theory[l]! - 1) < 0.13, `layer ${l + 1}: sd ${sd.toFixed(3)}, theory ${theory[l]!.toFixed(3)}`);
    // E[m_l] = 1 (He), so the mean of log m_l is about −Var/2; its standard error is sd/√N.
    assert.ok(Math.abs(mean + theory[l]! ** 2 / 2) < 3 * (sd / Math.sqrt(N)) + 0.02, `layer ${l + 1}: mean log m ${mean.toFixed(3)}, −Var/2 = ${(-(theory[l]! ** 2) / 2).toFixed(3)}`);
    if (l === 19) assert.ok(sd < 0.92 * Math.sqrt((5 * L) / n), `deep layer: the batch lowers the spread below √(5L/n) = ${Math.sqrt((5 * L) / n).toFixed(3)}: ${sd.toFixed(3)}`);
  }
  // The pool's interval: Student's t on the mean of log m over the seeds.
  const h = logHalfWidths(runs)[19]!;
  const { sd } = sdOf(runs.map((r) => r.layers[19]!.logForwardSecondMoment));
  assert.ok(Math.abs(h / ((1.968 * sd) / Math.sqrt(N)) - 1) < 0.01, `half-width ${h}`);
});
