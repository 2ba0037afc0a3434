/**
 * The panel's runner (webview/variance/sim.ts, run in the webview's worker) runs the
 * inits one after the other; the result it hands the page says the options as
 * simulated (a model above the work budget is run at a smaller batch), not the
 * options as asked, with every init of the run.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulation } from '../../webview/variance/sim.js';
import { initNodeBackend } from '../../src/sim/node.js';
import { normal, opts, stack } from './helpers.js';

before(async () => {
  await initNodeBackend();
});

test('panel runner: a model over the work budget reports the reduced batch and its assumption, for all inits', async () => {
  const spec = stack(4, 1024, 'relu', normal(2 / 1024));
  const asked = opts({ batch: 512, budget: 1e8, seeds: 1, which: ['current', 'recommended'] });
  const partials: number[] = [];
  const r = await runSimulation(spec, asked, { onProgress: (p) => partials.push(p.partial.options.batch) });
  assert.ok(r.options.batch < 512, `batch as simulated: ${r.options.batch}`);
  assert.deepEqual(r.options.which, ['current', 'recommended']);
  assert.deepEqual(r.series.map((s) => s.init), ['current', 'recommended']);
  assert.ok(partials.length > 0 && partials.every((b) => b === r.options.batch), `progress batches ${partials}`);
  assert.ok(r.assumptions.some((a) => a.key === 'reduced:batch'), JSON.stringify(r.assumptions.map((a) => a.key)));
});
