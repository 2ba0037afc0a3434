/**
 * The Monte Carlo runner (src/sim/runner.ts, wasm backend) against the facts of
 * /work/shared/docs/simulation.md. Tolerances come from the measured seed spread:
 * on 20×512 stacks the pooled per-layer gain over 8 seeds has a standard error of
 * about 0.6% (He + ReLU), so ±3% is about 5 standard errors; tanh nets need a
 * larger batch (CV 0.8% at batch 128) and are checked per layer within 5%.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation } from '../../src/sim/runner.js';
import { initNodeBackend } from '../../src/sim/node.js';
import { analyticResult } from '../../src/core/sim/analytic.js';
import { normal, opts, stack, uniform } from './helpers.js';

before(async () => {
  assert.equal(await initNodeBackend(), 'wasm');
});

const W = 512;

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Number.isFinite(actual) && Math.abs(actual / expected - 1) <= tol, `${what}: ${actual} vs ${expected} (±${tol * 100}%)`);
}

test('He + ReLU, 20×512: pooled per-layer gain 1 ± 3% forward and backward; layer 1 half inactive per unit-sample, no unit dead', async () => {
  const r = await runSimulation(stack(20, W, 'relu', normal(2 / W)), opts({ batch: 16, seeds: 8, which: ['current'] }));
  const s = r.series[0]!;
  assert.equal(r.backend, 'wasm');
  assert.equal(s.seeds, 8);
  near(s.gain!.forward, 1, 0.03, 'forward gain');
  near(s.gain!.backward!, 1, 0.03, 'backward gain');
  near(s.layers[0]!.inactiveFraction!, 0.5, 0.03, 'layer 1 inactive fraction');
  assert.ok(s.layers[0]!.deadFraction < 0.01, `dead over the batch at layer 1: ${s.layers[0]!.deadFraction}`);
  // Analytic and Monte Carlo agree on the pooled gain within 5%.
  const a = analyticResult(stack(20, W, 'relu', normal(2 / W)), opts({ which: ['current'] })).series[0]!;
  near(s.gain!.forward, a.gain?.forward ?? Math.pow(a.layers[19]!.forwardSecondMoment, 1 / 20), 0.05, 'MC vs analytic');
});

test('glorot_uniform + ReLU (fan_in = fan_out): gain 0.5 ± 3%, the backward gain mirrors it', async () => {
  const r = await runSimulation(stack(20, W, 'relu', uniform(Math.sqrt(6 / (2 * W)))), opts({ batch: 16, seeds: 8, which: ['current'] }));
  const s = r.series[0]!;
  near(s.gain!.forward, 0.5, 0.03, 'forward gain');
  near(s.gain!.backward!, 0.5, 0.03, 'backward gain');
});

test("PyTorch's default + ReLU without bias, 50×512: gain 1/6 ± 3% both ways, and no underflow at (1/6)^50 ≈ 1e-39", async () => {
  const r = await runSimulation(stack(50, W, 'relu', uniform(1 / Math.sqrt(W))), opts({ batch: 16, seeds: 4, which: ['current'] }));
  const s = r.series[0]!;
  near(s.gain!.forward, 1 / 6, 0.03, 'forward gain');
  near(s.gain!.backward!, 1 / 6, 0.03, 'backward gain');
  const last = s.layers[49]!;
  assert.ok(last.forwardSecondMoment > 1e-41 && last.forwardSecondMoment < 1e-37, `layer 50: ${last.forwardSecondMoment}`);
  near(last.forwardSecondMoment, last.analyticForwardSecondMoment!, 0.5, 'layer 50 vs analytic (a 50-layer product: wide spread)');
  assert.ok(s.layers[0]!.backwardVar > 1e-40 && Number.isFinite(s.layers[0]!.weightGradVar) && s.layers[0]!.weightGradVar > 0);
});

test('tanh + Glorot, 20×512: Monte Carlo follows the analytic curve within 5% at every layer, forward and backward', async () => {
  const spec = stack(20, W, 'tanh', normal(2 / (2 * W)));
  const r = await runSimulation(spec, opts({ batch: 128, seeds: 3, which: ['current'] }));
  for (const l of r.series[0]!.layers) {
    near(l.forwardSecondMoment, l.analyticForwardSecondMoment!, 0.05, `forward layer ${l.index}`);
    near(l.backwardVar, l.analyticBackwardVar!, 0.05, `backward layer ${l.index}`);
  }
});

test('SELU + LeCun normal keeps mean ≈ 0 and variance ≈ 1 through the stack', async () => {
  const r = await runSimulation(stack(12, W, 'selu', { kind: 'truncated_normal', mean: 0, std: Math.sqrt(1 / W) / 0.87962566103423978, cut: 2 }), opts({ batch: 128, seeds: 3, which: ['current'] }));
  for (const l of r.series[0]!.layers) {
    assert.ok(Math.abs(l.forwardMean) < 0.05, `layer ${l.index} mean ${l.forwardMean}`);
    near(l.forwardVar, 1, 0.06, `layer ${l.index} variance`);
  }
});

test('LSUV: unit pre-activation variance within 1e-3 on its calibration batch, within 10% on a fresh batch; iterations and scales reported', async () => {
  const r = await runSimulation(stack(10, 256, 'relu', normal(1 / 256)), opts({ batch: 128, seeds: 3, which: ['lsuv'] }));
  const s = r.series[0]!;
  assert.ok(s.lsuv);
  assert.equal(s.lsuv.iterations.length, 10);
  for (const v of s.lsuv.variances!) assert.ok(Math.abs(v - 1) <= 1e-3, `calibration variance ${v}`);
  for (const l of s.layers) near(l.preVar, 1, 0.1, `fresh batch pre-activation variance, layer ${l.index}`);
  // ReLU after an orthogonal (gain 1) start: every layer after the first needs √2.
  near(s.lsuv.scales[5]!, Math.SQRT2, 0.1, 'scale of layer 6');
  assert.ok(s.lsuv.iterations.every((n) => n >= 1 && n <= 10));
});

test('orthogonal keeps the norm of a linear stack exactly (square maps are isometries)', async () => {
  const spec = stack(16, 128, 'linear', { kind: 'orthogonal', gain: 1 });
  const r = await runSimulation(spec, opts({ batch: 32, seeds: 2, which: ['current'] }));
  const l = r.series[0]!.layers;
  for (const x of l) near(x.forwardSecondMoment, l[0]!.forwardSecondMoment, 1e-4, `layer ${x.index}`);
  for (const x of l) near(x.backwardVar, l[15]!.backwardVar, 1e-3, `backward layer ${x.index}`);
});

test('the same seed gives the same numbers; progress arrives per seed; cancel rejects at once', async () => {
  const spec = stack(6, 128, 'relu', normal(2 / 128));
  const a = await runSimulation(spec, opts({ batch: 16, seeds: 3, seed: 11, which: ['current', 'recommended'] }));
  const seen: number[] = [];
  const b = await runSimulation(spec, opts({ batch: 16, seeds: 3, seed: 11, which: ['current', 'recommended'] }), { onProgress: (p) => seen.push(p.done) });
  assert.deepEqual(a.series.map((s) => s.layers), b.series.map((s) => s.layers));
  // One report per pooled seed of each init (batch 16: no smaller preview batch first).
  assert.deepEqual(seen, [1, 1, 2, 2, 3, 3]);
  const c = await runSimulation(spec, opts({ batch: 16, seeds: 3, seed: 12, which: ['current'] }));
  assert.notDeepEqual(c.series[0]!.layers[5]!.forwardSecondMoment, a.series[0]!.layers[5]!.forwardSecondMoment);
  const ctl = new AbortController();
  const p = runSimulation(spec, opts({ batch: 16, seeds: 50, which: ['current'] }), { signal: ctl.signal, onProgress: () => ctl.abort() });
  await assert.rejects(p, (e: Error) => e.name === 'AbortError');
});

test('seeds = 0 runs until every layer\'s log second moment is known within ±5% (or the cap), and says which', async () => {
  const r = await runSimulation(stack(4, 256, 'tanh', normal(1 / 256)), opts({ batch: 64, seeds: 0, maxSeeds: 12, which: ['current'] }));
  const s = r.series[0]!;
  assert.ok(s.converged, `not converged after ${s.seeds} seeds`);
  assert.ok(s.seeds >= 3 && s.seeds <= 12);
  for (const l of s.layers) assert.ok(l.spread.forwardSecondMoment.hi95 / l.spread.forwardSecondMoment.lo95 <= 1.05 ** 2 + 1e-9);
  assert.ok(r.timings.firstCurveMs !== null && r.timings.firstCurveMs <= r.timings.totalMs);
});

test('Monte Carlo leaving the analytic curve is reported with the broken assumption (non-zero-mean weights)', async () => {
  // torch.nn.init.uniform_ defaults to U(0, 1): the recursion assumes zero-mean weights.
  const r = await runSimulation(stack(3, 64, 'relu', { kind: 'uniform', low: 0, high: 0.02 }), opts({ batch: 64, seeds: 3, which: ['current'] }));
  const d = r.series[0]!.disagreements;
  assert.ok(d.length > 0);
  assert.match(d[0]!.reason, /non-zero-mean weights/);
});
