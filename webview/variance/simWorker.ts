/**
 * The panel's simulator thread: a dedicated Web Worker started by the page
 * (./simClient.ts) from this bundle (dist/webview/simWorker.js). It owns
 * TensorFlow.js, so the page (charts, table, buttons) never blocks while seeds
 * run. Backend as in ./sim.ts (WASM first; WebGL through OffscreenCanvas where a
 * worker has one). Every pooled seed is streamed back as a partial result; a
 * `cancel` aborts the run at the next layer or seed boundary (runSimulation
 * yields to the event loop after every seed so the message can land).
 */
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { SimBackend } from '../../src/core/sim/types.js';
import { initBackend, runSimulation } from './sim.js';
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

async function run(msg: ToWorker & { kind: 'run' }): Promise<void> {
  const controller = new AbortController();
  running.set(msg.id, controller);
  try {
    if (!ready) throw new Error('the simulator worker was not initialised');
    if ((await ready) === null) throw new Error('no TensorFlow.js backend could start');
    const result = await runSimulation(msg.spec, msg.options, {
      signal: controller.signal,
      onProgress: (p) => {
        if (!controller.signal.aborted) scope.postMessage({ kind: 'progress', id: msg.id, done: p.done, total: p.total, partial: p.partial });
      },
    });
    if (controller.signal.aborted) scope.postMessage({ kind: 'cancelled', id: msg.id });
    else scope.postMessage({ kind: 'done', id: msg.id, result });
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
  else if (msg.kind === 'run') void run(msg);
  else if (msg.kind === 'cancel') running.get(msg.id)?.abort();
});
