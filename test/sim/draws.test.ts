/**
 * The weight draws' normal generator (ziggurat over a seeded mulberry32 stream):
 * the law is the standard normal, strips and tail included; the same seed gives
 * the same draws. And the progressive first curve: a preview from a small batch of
 * the first seed's weights comes first, and the full result does not depend on it.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { gaussians } from '../../src/sim/draws.js';
import { normalCdf } from '../../src/core/math/gauss.js';
import { runSimulation } from '../../src/sim/runner.js';
import { initNodeBackend } from '../../src/sim/node.js';
import type { SimProgress } from '../../src/core/sim/types.js';
import { normal, opts, stack } from './helpers.js';

before(async () => {
  await initNodeBackend();
});

test('ziggurat draws: mean 0, variance 1, kurtosis 3 and the tail masses of N(0,1) beyond 0.5, 1, 2, 3, 3.44 (the base strip), 4 — within 5 standard errors', () => {
  const n = 2_000_000;
  const z = gaussians(n, 12345);
  let m = 0;
  let v = 0;
  let k = 0;
  const cuts = [0.5, 1, 2, 3, 3.442619855899, 4];
  const beyond = cuts.map(() => 0);
  for (let i = 0; i < n; i++) {
    const x = z[i]!;
    m += x;
    v += x * x;
    k += x ** 4;
    const a = Math.abs(x);
    cuts.forEach((c, j) => {
      if (a > c) beyond[j]!++;
    });
  }
  m /= n;
  v /= n;
  k /= n;
  assert.ok(Math.abs(m) < 5 / Math.sqrt(n), `mean ${m}`);
  assert.ok(Math.abs(v - 1) < 5 * Math.sqrt(2 / n), `variance ${v}`);
  assert.ok(Math.abs(k - 3) < 5 * Math.sqrt(96 / n), `kurtosis ${k}`);
  cuts.forEach((c, j) => {
    const p = 2 * (1 - normalCdf(c));
    const got = beyond[j]! / n;
    assert.ok(Math.abs(got - p) < 5 * Math.sqrt((p * (1 - p)) / n), `P(|z| > ${c}) = ${got}, N(0,1): ${p}`);
  });
  assert.deepEqual(gaussians(1000, 7), gaussians(1000, 7));
  assert.notDeepEqual(gaussians(1000, 7), gaussians(1000, 8));
});

test('progressive: the first report is a preview from a small batch of the first seed; the full result equals a run without reports', async () => {
  const spec = stack(6, 128, 'relu', normal(2 / 128));
  const o = opts({ batch: 64, seeds: 2, which: ['current', 'recommended'] });
  const seen: SimProgress[] = [];
  const a = await runSimulation(spec, o, { onProgress: (p) => seen.push(p) });
  const b = await runSimulation(spec, o);
  assert.equal(seen[0]!.preview, true);
  assert.deepEqual(seen[0]!.partial.series.map((s) => [s.init, s.seeds]), [['current', 1]]);
  // Every pooled seed of every init is reported: 2 previews + 2 × 2 seeds.
  assert.equal(seen.length, 6);
  assert.equal(seen.filter((p) => p.preview).length, 2);
  assert.deepEqual(a.series, b.series);
  assert.ok(a.timings.firstCurveMs !== null && b.timings.firstCurveMs !== null);
});
