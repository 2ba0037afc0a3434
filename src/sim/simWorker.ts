/**
 * A simulator worker thread: receives { spec, options, init, seed }, runs that one
 * seed (src/sim/runner.ts runSeed) and replies with its per-layer statistics.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { NetworkSpec, SimBackend, SimInit, SimOptions } from '../core/sim/types.js';
import { initBackend, runSeed, scoped } from './runner.js';

const data = workerData as { backend: SimBackend | null; wasmPath: string };
const ready = initBackend(data.backend ? [data.backend] : undefined, { wasmPath: data.wasmPath });

parentPort?.on('message', (msg: { spec: NetworkSpec; options: SimOptions; init: SimInit; seed: number }) => {
  void ready.then(
    (backend) => {
      try {
        const run = scoped(() => runSeed(msg.spec, msg.options, { init: msg.init, seed: msg.seed, batch: msg.options.batch }));
        parentPort!.postMessage({ ok: true, run, backend });
      } catch (e) {
        parentPort!.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
      }
    },
    (e: unknown) => parentPort!.postMessage({ ok: false, error: `backend: ${String(e)}` }),
  );
});
