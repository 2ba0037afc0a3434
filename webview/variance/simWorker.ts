/**
 * The panel's simulator thread: a dedicated Web Worker started by the page
 * (./simClient.ts) from this bundle (dist/webview/simWorker.js). It owns
 * TensorFlow.js, so the page (charts, table, buttons) never blocks while seeds
 * run. Backend as in ./sim.ts (WASM first; WebGL through OffscreenCanvas where a
 * worker has one). It runs one seed per `seed` message (the page pools the seeds
 * of a run over one or two such workers) and posts its per-layer statistics, the
 * preview of a first seed before them; a `cancel` that lands before a seed
 * starts skips it (a seed runs to its end: the page terminates a worker that
 * does not come back within its grace period).
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { SimBackend } from '../../src/core/sim/types.js';
import type { SeedRun } from '../../src/core/sim/pool.js';
import { PREVIEW_BATCH, runSeed, scoped } from '../../src/sim/runner.js';
import { initBackend } from './sim.js';
import type { FromWorker, ToWorker } from './workerProtocol.js';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

let ready: Promise<SimBackend | null> | null = null;
const running = new Map<number, AbortController>();

function start(wasm: ToWorker & { kind: 'init' }): Promise<SimBackend | null> {
  // The page hands over blob: URLs of the binaries (the worker's fetch is not routed to the
  // webview's resource loader): tfjs takes a map of every binary name.
  if (wasm.wasm) setWasmPaths(wasm.wasm);
  const offscreen = typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas !== 'undefined';
  return initBackend('').then(
    (backend) => {
      scope.postMessage({ kind: 'backend', backend, offscreen });
      return backend;
    },
    (e: unknown) => {
      scope.postMessage({ kind: 'backend', backend: null, offscreen, error: e instanceof Error ? e.message : String(e) });
      return null;
    },
  );
}

/** One seed of a run the page pools over its workers (simClient.ts). */
async function seed(msg: ToWorker & { kind: 'seed' }): Promise<void> {
  const controller = new AbortController();
  running.set(msg.id, controller);
  try {
    if (!ready) throw new Error('the simulator worker was not initialised');
    if ((await ready) === null) throw new Error('no TensorFlow.js backend could start');
    if (controller.signal.aborted) throw new Error('cancelled');
    const previewBatch = Math.min(PREVIEW_BATCH, msg.options.batch);
    const preview = msg.preview && previewBatch < msg.options.batch ? { batch: previewBatch, onPreview: (run: SeedRun) => scope.postMessage({ kind: 'seedPreview', id: msg.id, run }) } : undefined;
    const run = scoped(() => runSeed(msg.spec, msg.options, { init: msg.init, seed: msg.seed, batch: msg.options.batch, signal: controller.signal, preview }));
    scope.postMessage({ kind: 'seedDone', id: msg.id, run });
  } catch (e) {
    if (controller.signal.aborted || (e instanceof Error && e.name === 'AbortError')) scope.postMessage({ kind: 'cancelled', id: msg.id });
    else scope.postMessage({ kind: 'error', id: msg.id, message: e instanceof Error ? e.message : String(e) });
  } finally {
    running.delete(msg.id);
  }
}

scope.addEventListener('message', (event) => {
  const msg = event.data;
  if (msg.kind === 'init') ready ??= start(msg);
  else if (msg.kind === 'seed') void seed(msg);
  else if (msg.kind === 'cancel') running.get(msg.id)?.abort();
});
