/** Shared helpers for the simulator tests: plain stacks as NetworkSpecs, and the Node backend. */
import type { ActivationName } from '../../src/core/types.js';
import type { NetworkSpec, Sampler, SimLayer, SimOptions } from '../../src/core/sim/types.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/core/sim/types.js';
import { Worker as NodeWorker } from 'node:worker_threads';
import type { WorkerHost, WorkerLike } from '../../webview/variance/simClient.js';
import type { FromWorker } from '../../webview/variance/workerProtocol.js';

export function stack(depth: number, width: number, act: ActivationName, weight: Sampler, extra: Partial<SimLayer> = {}): NetworkSpec {
  const layers: SimLayer[] = Array.from({ length: depth }, (_, i) => ({
    index: i,
    layerId: null,
    line: null,
    layer: 'Dense',
    name: null,
    kind: 'dense',
    fanIn: width,
    fanOut: width,
    inFeatures: width,
    outFeatures: width,
    activation: { name: act },
    normalization: null,
    residual: false,
    head: false,
    weight: { current: weight, recommended: weight, orthogonal: { kind: 'orthogonal', gain: 1 }, lsuv: { kind: 'orthogonal', gain: 1 } },
    bias: null,
    initName: { current: 'test', recommended: 'test', orthogonal: 'orthogonal', lsuv: 'lsuv' },
    ...extra,
  }));
  return { modelId: 0, title: 'stack', framework: 'pytorch', layers, assumptions: [] };
}

export const normal = (v: number): Sampler => ({ kind: 'normal', mean: 0, std: Math.sqrt(v) });
export const uniform = (limit: number): Sampler => ({ kind: 'uniform', low: -limit, high: limit });

export function opts(extra: Partial<SimOptions>): SimOptions {
  return { ...DEFAULT_SIM_OPTIONS, ...extra };
}

/**
 * The panel's simulator worker (webview/variance/simWorker.ts, the real one) on a Node worker
 * thread, as a WorkerHost for webview/variance/simClient.ts: the page's pool of workers, run
 * in Node (the worker's `self` is bridged to the thread's port; the WASM binaries come from
 * the npm package).
 */
export function nodeWorkerHost(cores: number): WorkerHost & { started: number } {
  const entry = new URL('./panelWorker.ts', import.meta.url).href;
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const host = {
    cores,
    started: 0,
    async spawn() {
      const w = new NodeWorker(code, { eval: true });
      host.started++;
      // The worker's message listener is installed once its module has loaded.
      await new Promise<void>((resolve, reject) => {
        const onMessage = (m: { kind?: string }) => {
          if (m.kind !== 'loaded') return;
          w.off('message', onMessage);
          resolve();
        };
        w.on('message', onMessage);
        w.once('error', reject);
      });
      const worker: WorkerLike = {
        postMessage: (m) => w.postMessage(m),
        addEventListener: ((type: 'message' | 'error', f: (e: never) => void) => {
          if (type === 'message') w.on('message', (data: FromWorker) => f({ data } as never));
          else w.on('error', (e: Error) => f({ message: e.message } as never));
        }) as WorkerLike['addEventListener'],
        terminate: () => void w.terminate(),
      };
      return { worker, wasm: null };
    },
  };
  return host;
}
