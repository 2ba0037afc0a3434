/**
 * The Node side of the simulator: where the wasm binaries are (they ship in
 * @tensorflow/tfjs-backend-wasm's npm package), and a pool of worker threads
 * that runs independent seeds on both cores (no shared memory needed: each
 * worker draws its own seeds and returns plain per-layer statistics).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { NetworkSpec, SimBackend, SimInit, SimOptions, SimProgress, SimulationResult } from '../core/sim/types.js';
import { DEFAULT_MAX_SEEDS, SIM_INITS } from '../core/sim/types.js';
import { isConverged, type SeedRun } from '../core/sim/pool.js';
import { validateSimOptions } from '../core/sim/network.js';
import { fitBudget, seedCost } from '../core/sim/budget.js';
import { initBackend, pooledResult, runSimulation } from './runner.js';

/** Folder of the tfjs-backend-wasm .wasm files (with a trailing slash), for initBackend's wasmPath. */
export function wasmDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // Bundled CLI: dist/wasm/ next to the bundle (scripts/build.mjs copies the binaries).
  const bundled = join(here, 'wasm');
  if (existsSync(join(bundled, 'tfjs-backend-wasm-simd.wasm'))) return bundled + '/';
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

/** initBackend for Node: WASM by default (then CPU), with the binaries found locally. */
export function initNodeBackend(preferred?: SimBackend[]): Promise<SimBackend> {
  return initBackend(preferred, { wasmPath: wasmDir() });
}

export interface PoolOptions {
  /** Worker threads (default: the machine's parallelism, at most 4). 1 = run in this thread (unless `offThread`). */
  workers?: number;
  /** Run in worker threads even with one worker, so that this thread stays free (the language server). */
  offThread?: boolean;
  backend?: SimBackend;
  /** The worker entry (default: the sibling simWorker module); tests and bundles pass their own. */
  workerUrl?: URL;
  onProgress?: (p: SimProgress) => void;
  signal?: AbortSignal;
}

/** Worker threads worth starting: two when one seed costs more than their start-up (about 1 GFLOP per seed), else one. */
export function defaultWorkers(spec: NetworkSpec, options: SimOptions): number {
  return seedCost(spec, options) * 6 > 1e9 ? 2 : 1;
}

interface WorkerReply {
  ok: boolean;
  run?: SeedRun;
  error?: string;
  backend?: SimBackend;
}

function defaultWorkerUrl(): URL {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const name of ['simWorker.js', 'simWorker.mjs', 'simWorker.ts']) {
    const p = join(here, name);
    if (existsSync(p)) return pathToFileURL(p);
  }
  return pathToFileURL(join(here, 'simWorker.js'));
}

/**
 * runSimulation with seeds spread over worker threads. Seed k of init i is the
 * same computation wherever it runs, so the result equals the single-thread one
 * for the same options and backend.
 */
export async function runSimulationPooled(spec: NetworkSpec, options: SimOptions, pool: PoolOptions = {}): Promise<SimulationResult> {
  const n = Math.max(1, Math.min(pool.workers ?? Math.min(4, availableParallelism()), 16));
  if (n === 1 && !pool.offThread) {
    await initNodeBackend(pool.backend ? [pool.backend] : undefined);
    return runSimulation(spec, options, { onProgress: pool.onProgress, signal: pool.signal });
  }
  const bad = validateSimOptions(options);
  if (bad) throw new Error(bad);
  // The same reductions as runSimulation (the workers get the reduced spec and options).
  ({ spec, options } = fitBudget(spec, options));
  const t0 = Date.now();
  const which = options.which ?? [...SIM_INITS];
  const cap = options.seeds > 0 ? options.seeds : (options.maxSeeds ?? DEFAULT_MAX_SEEDS);
  const runs = new Map<SimInit, SeedRun[]>(which.map((w) => [w, []]));
  const pending = new Set<SimInit>(which);
  const queue: { init: SimInit; k: number }[] = [];
  let nextK = 0;
  const refill = () => {
    while (queue.length < n * 2 && nextK < cap && pending.size > 0) {
      for (const init of which) if (pending.has(init)) queue.push({ init, k: nextK });
      nextK++;
    }
  };
  refill();
  let backend: SimBackend = pool.backend ?? 'wasm';
  let firstCurveMs: number | null = null;
  let done = 0;
  const url = pool.workerUrl ?? defaultWorkerUrl();
  const workerData = { backend: pool.backend ?? null, wasmPath: wasmDir() };
  // From sources (tests, bench), the TypeScript entry is loaded through tsx's loader.
  const spawn = () =>
    url.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData })
      : new Worker(url, { workerData });
  const workers = Array.from({ length: n }, spawn);
  const kill = () => workers.forEach((w) => void w.terminate());
  try {
    await new Promise<void>((resolve, reject) => {
      let active = 0;
      let failed = false;
      const onAbort = () => {
        failed = true;
        const e = new Error('simulation cancelled');
        e.name = 'AbortError';
        reject(e);
      };
      if (pool.signal?.aborted) return onAbort();
      pool.signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (w: Worker) => {
        if (failed) return;
        refill();
        // Skip work for inits that converged meanwhile.
        let job = queue.shift();
        while (job && !pending.has(job.init)) job = queue.shift();
        if (!job) {
          if (active === 0) resolve();
          return;
        }
        active++;
        const j = job;
        w.once('message', (msg: WorkerReply) => {
          active--;
          if (!msg.ok || !msg.run) {
            failed = true;
            reject(new Error(msg.error ?? 'worker failed'));
            return;
          }
          if (msg.backend) backend = msg.backend;
          const list = runs.get(j.init)!;
          list.push(msg.run);
          list.sort((a, b) => a.seed - b.seed);
          done++;
          if (firstCurveMs === null) firstCurveMs = Date.now() - t0;
          if (options.seeds === 0 && isConverged(list)) pending.delete(j.init);
          if (options.seeds > 0 && list.length >= options.seeds) pending.delete(j.init);
          pool.onProgress?.({ done, total: cap * which.length, partial: pooledResult(spec, options, runs, backend, { firstCurveMs, totalMs: Date.now() - t0 }) });
          feed(w);
        });
        w.postMessage({ spec, options, init: j.init, seed: options.seed + j.k });
      };
      for (const w of workers) {
        w.once('error', (e) => {
          failed = true;
          reject(e);
        });
        feed(w);
      }
    });
  } finally {
    kill();
  }
  // Keep the first seeds in order (a converged init may have received extra seeds from busy workers).
  for (const [init, list] of runs) {
    list.sort((a, b) => a.seed - b.seed);
    if (options.seeds > 0) runs.set(init, list.slice(0, options.seeds));
  }
  return pooledResult(spec, options, runs, backend, { firstCurveMs, totalMs: Date.now() - t0 });
}
