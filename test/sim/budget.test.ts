/**
 * Models too large for the work budget are sampled down (batch, spatial input,
 * steps, widths) and say so; the caller's budget overrides (0: never reduce); the
 * reduced network keeps the analytic curve (fan_in·Var(W) unchanged).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_BUDGET, fitBudget, forwardCost, reductionNote, seedCost } from '../../src/core/sim/budget.js';
import { analyticResult } from '../../src/core/sim/analytic.js';
import { runSimulation } from '../../src/sim/runner.js';
import { initNodeBackend } from '../../src/sim/node.js';
import { normal, opts, stack } from './helpers.js';

before(async () => {
  await initNodeBackend();
});

test('the reference model (50×512, batch 1,024: 1.3e10 multiply-adds) is run at a smaller batch, reported; budget 0 keeps it', () => {
  const spec = stack(50, 512, 'relu', normal(2 / 512));
  const o = opts({ batch: 1024 });
  assert.equal(forwardCost(spec, o), 50 * 512 * 512 * 1024);
  const fit = fitBudget(spec, o);
  assert.equal(fit.options.batch, Math.floor(1024 / ((50 * 512 * 512 * 1024) / DEFAULT_BUDGET)));
  assert.ok(forwardCost(fit.spec, fit.options) <= DEFAULT_BUDGET);
  assert.deepEqual(fit.assumptions.map((a) => a.key), ['reduced:batch']);
  assert.match(fit.assumptions[0]!.message, /batch 1024 reduced to 152/);
  assert.ok(fit.spec.assumptions.some((a) => a.key === 'reduced:batch'));
  assert.equal(fit.spec.layers[10]!.inFeatures, 512, 'widths kept: the batch sufficed');
  const keep = fitBudget(spec, { ...o, budget: 0 });
  assert.equal(keep.options.batch, 1024);
  assert.deepEqual(keep.assumptions, []);
  // Within the budget nothing changes.
  assert.deepEqual(fitBudget(spec, opts({ batch: 64 })).assumptions, []);
});

test('very wide layers are narrowed after the batch, with the weights rescaled: the analytic curve is unchanged', () => {
  const spec = stack(6, 4096, 'relu', normal(1 / 4096));
  const o = opts({ batch: 256, budget: 1e8 });
  const fit = fitBudget(spec, o);
  const keys = fit.assumptions.map((a) => a.key);
  assert.deepEqual(keys, ['reduced:batch', 'reduced:width']);
  assert.equal(fit.options.batch, 16);
  assert.ok(fit.spec.layers[3]!.inFeatures < 4096 && fit.spec.layers[3]!.outFeatures < 4096);
  assert.equal(fit.spec.layers[0]!.inFeatures, 4096, "the network's input width is the data's");
  assert.ok(forwardCost(fit.spec, fit.options) <= 1.05e8, `cost ${forwardCost(fit.spec, fit.options)}`);
  const a = analyticResult(spec, { ...o, which: ['current'] }).series[0]!.layers.map((l) => l.analyticForwardSecondMoment!);
  const b = analyticResult(fit.spec, { ...fit.options, which: ['current'] }).series[0]!.layers.map((l) => l.analyticForwardSecondMoment!);
  a.forEach((v, i) => assert.ok(Math.abs(b[i]! / v - 1) < 1e-9, `layer ${i}: ${b[i]} vs ${v}`));
});

test('convolutions: the spatial input shrinks before the channels; recurrent layers: fewer steps', () => {
  const conv = stack(10, 64, 'relu', normal(2 / 576), { kind: 'conv', kernel: [3, 3], fanIn: 576, fanOut: 576, layer: 'Conv2d' });
  const fit = fitBudget(conv, opts({ batch: 64, spatial: 64 }));
  assert.deepEqual(fit.assumptions.map((a) => a.key), ['reduced:batch', 'reduced:spatial']);
  assert.ok(fit.options.spatial < 64 && fit.options.spatial >= 4);
  const rnn = stack(4, 1024, 'tanh', normal(1 / 1024), { kind: 'recurrent', gates: 4, layer: 'LSTM' });
  const r = fitBudget(rnn, opts({ batch: 16, steps: 64, budget: 1e9 }));
  assert.equal(r.assumptions[0]!.key, 'reduced:steps');
  assert.ok(r.options.steps < 64);
});

test('the runner applies the budget: the result says what was reduced, uses the reduced batch, and still follows the analytic gain', async () => {
  const spec = stack(8, 1024, 'relu', normal(2 / 1024));
  const r = await runSimulation(spec, opts({ batch: 512, seeds: 2, which: ['current'], budget: 8 * 1024 * 1024 * 64 }));
  assert.equal(r.options.batch, 64);
  assert.ok(r.assumptions.some((a) => a.key === 'reduced:batch' && a.value === 64));
  const g = r.series[0]!.gain!.forward;
  assert.ok(Math.abs(g - 1) < 0.05, `gain ${g}`);
});

test('a run budget caps the seeds of a run until converged (counted with the fitted per-seed cost), never an explicit seed count', () => {
  const spec = stack(50, 512, 'relu', normal(2 / 512));
  // 50×512 at batch 1,024: 1.3e10 per seed, fitted to batch 152 (2.0e9); 4 inits × 8 seeds of that.
  const o = opts({ batch: 1024, seeds: 0, maxSeeds: 8, runBudget: 4e10 });
  assert.equal(seedCost(spec, o), 50 * 512 * 512 * 152);
  const fit = fitBudget(spec, o);
  assert.deepEqual(fit.assumptions.map((a) => a.key), ['reduced:batch', 'reduced:seeds']);
  assert.equal(fit.options.maxSeeds, Math.floor(4e10 / (4 * 50 * 512 * 512 * 152)));
  assert.match(fit.assumptions[1]!.message, /^at most 5 seeds per init \(not 8\) to stay within the run budget/);
  assert.equal(reductionNote(fit.assumptions), `Reduced to fit the work budget: ${fit.assumptions.map((a) => a.message).join('; ')}.`);
  // One init: 8 seeds fit.
  assert.deepEqual(fitBudget(spec, { ...o, which: ['current'] }).assumptions.map((a) => a.key), ['reduced:batch']);
  // An explicit seed count, or no run budget: no cap.
  assert.deepEqual(fitBudget(spec, { ...o, seeds: 8 }).assumptions.map((a) => a.key), ['reduced:batch']);
  assert.deepEqual(fitBudget(spec, { ...o, runBudget: undefined }).assumptions.map((a) => a.key), ['reduced:batch']);
  // Fitting what was fitted changes nothing more (a runner fits a run once; a second fit is harmless).
  const again = fitBudget(fit.spec, fit.options);
  assert.deepEqual(again.assumptions, []);
  assert.equal(reductionNote([]), null);
});
