/** Seeds on worker threads (src/sim/node.ts): the same numbers as in one thread, for the same seeds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimulationPooled } from '../../src/sim/node.js';
import { normal, opts, stack } from './helpers.js';

test('two workers give exactly the single-thread result for the same seeds', async () => {
  const spec = stack(5, 96, 'relu', normal(2 / 96));
  const o = opts({ batch: 16, seeds: 4, seed: 3, which: ['current', 'lsuv'] });
  const one = await runSimulationPooled(spec, o, { workers: 1 });
  const two = await runSimulationPooled(spec, o, { workers: 2 });
  assert.equal(two.backend, 'wasm');
  assert.deepEqual(two.series.map((s) => s.layers), one.series.map((s) => s.layers));
  assert.deepEqual(two.series.map((s) => s.seeds), [4, 4]);
});
