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
import type { NetworkSpec, SimBackend, SimOptions, SimProgress, SimulationResult } from '../core/sim/types.js';
import type { SeedRun } from '../core/sim/pool.js';
import { validateSimOptions } from '../core/sim/network.js';
import { fitBudget, workersFor } from '../core/sim/budget.js';
import { pooledResult, SeedSchedule } from '../core/sim/schedule.js';
import { initBackend, runSimulation } from './runner.js';

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

/** Worker threads worth starting (src/core/sim/budget.ts workersFor, on this machine's cores). */
export function defaultWorkers(spec: NetworkSpec, options: SimOptions): number {
  return workersFor(spec, options, availableParallelism());
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
  const schedule = new SeedSchedule(options);
  let backend: SimBackend = pool.backend ?? 'wasm';
  let firstCurveMs: number | null = null;
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
        const job = schedule.next();
        if (!job) {
          if (active === 0) resolve();
          return;
        }
        active++;
        w.once('message', (msg: WorkerReply) => {
          active--;
          if (!msg.ok || !msg.run) {
            failed = true;
            reject(new Error(msg.error ?? 'worker failed'));
            return;
          }
          if (msg.backend) backend = msg.backend;
          schedule.record(job.init, msg.run);
          if (firstCurveMs === null) firstCurveMs = Date.now() - t0;
          pool.onProgress?.({ done: schedule.done, total: schedule.total, partial: pooledResult(spec, options, schedule.runs, backend, { firstCurveMs, totalMs: Date.now() - t0 }) });
          feed(w);
        });
        w.postMessage({ spec, options, init: job.init, seed: job.seed });
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
  return pooledResult(spec, options, schedule.final(), backend, { firstCurveMs, totalMs: Date.now() - t0 });
}
