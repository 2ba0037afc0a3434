/**
 * The panel's runner (webview/variance/simClient.ts: the page pools a run's seeds over
 * its simulator workers, webview/variance/simWorker.ts), here with the real worker on
 * Node worker threads: the numbers are those of the CLI's pool for the same options;
 * a costly seed gets two workers (both cores) and a cheap one one; the result says the
 * options as simulated (a model above the work budget runs at a smaller batch), with
 * every init of the run.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { SimClient } from '../../webview/variance/simClient.js';
import { initNodeBackend, runSimulationPooled } from '../../src/sim/node.js';
import type { NetworkSpec, SimOptions, SimProgress, SimulationResult } from '../../src/core/sim/types.js';
import { nodeWorkerHost, normal, opts, stack } from './helpers.js';

before(async () => {
  await initNodeBackend();
});

async function panel(spec: NetworkSpec, options: SimOptions, cores: number): Promise<{ r: SimulationResult; progress: SimProgress[]; started: number }> {
  const host = nodeWorkerHost(cores);
  const client = new SimClient('', host);
  const progress: SimProgress[] = [];
  try {
    const r = await client.run(spec, options, (p) => progress.push(p)).result;
    return { r, progress, started: host.started };
  } finally {
    // The workers are idle now; end them (a panel keeps them for its next run).
    client.dispose();
  }
}

test('panel runner: a model over the work budget reports the reduced batch and its assumption, for all inits', async () => {
  const spec = stack(4, 1024, 'relu', normal(2 / 1024));
  const asked = opts({ batch: 512, budget: 1e8, seeds: 1, which: ['current', 'recommended'] });
  const { r, progress } = await panel(spec, asked, 2);
  assert.ok(r.options.batch < 512, `batch as simulated: ${r.options.batch}`);
  assert.deepEqual(r.options.which, ['current', 'recommended']);
  assert.deepEqual(r.series.map((s) => s.init), ['current', 'recommended']);
  assert.ok(progress.length > 0 && progress.every((p) => p.partial.options.batch === r.options.batch), `progress batches ${progress.map((p) => p.partial.options.batch)}`);
  assert.ok(r.assumptions.some((a) => a.key === 'reduced:batch'), JSON.stringify(r.assumptions.map((a) => a.key)));
});

test('panel runner: two workers for a costly seed give the numbers of the CLI pool; the first curve is a preview; a cheap seed gets one worker', async () => {
  // 12×512 at batch 64: 2.0e8 multiply-adds forward per seed, over a worker's start-up.
  const spec = stack(12, 512, 'relu', normal(2 / 512));
  const o = opts({ batch: 64, seeds: 3, seed: 5, which: ['current', 'recommended'] });
  const two = await panel(spec, o, 2);
  assert.equal(two.started, 2, 'both cores');
  const cli = await runSimulationPooled(spec, o, { workers: 2 });
  assert.deepEqual(two.r.series.map((s) => s.layers), cli.series.map((s) => s.layers));
  assert.deepEqual(two.r.series.map((s) => s.seeds), [3, 3]);
  assert.equal(two.progress[0]!.preview, true, 'the first curve comes from a batch of 16 of the first seed');
  assert.equal(two.progress.filter((p) => !p.preview).at(-1)!.done, 6);
  const one = await panel(spec, o, 1);
  assert.equal(one.started, 1, 'one core: one worker');
  assert.deepEqual(one.r.series.map((s) => s.layers), cli.series.map((s) => s.layers));
  const cheap = await panel(stack(3, 32, 'relu', normal(2 / 32)), opts({ batch: 16, seeds: 2, which: ['current'] }), 2);
  assert.equal(cheap.started, 1, 'a cheap seed: one worker');
});
