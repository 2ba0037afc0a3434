/**
 * The panel's simulator worker (webview/variance/simWorker.ts) on a Node worker thread, for
 * test/sim/helpers.ts nodeWorkerHost: the Web Worker's `self` (postMessage, the message
 * listener) is bridged to the thread's port, and the WASM binaries come from the npm package.
 */
import { parentPort } from 'node:worker_threads';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { wasmDir } from '../../src/sim/node.js';

const port = parentPort!;
const g = globalThis as unknown as { postMessage(m: unknown): void; addEventListener(type: string, f: (e: { data: unknown }) => void): void };
g.postMessage = (m) => port.postMessage(m);
g.addEventListener = (type, f) => {
  if (type === 'message') port.on('message', (data: unknown) => f({ data }));
};
setWasmPaths(wasmDir());
await import('../../webview/variance/simWorker.js');
port.postMessage({ kind: 'loaded' });
