/**
 * The page's side of the simulator worker (./simWorker.ts): Monte Carlo runs off
 * the page's thread, so the charts, the table and Stop stay responsive while
 * seeds run, and partial results stream in as seeds are pooled.
 *
 * The worker is started from a blob: URL of its bundle (a webview's resources are
 * served from another origin than the page, and `new Worker` only takes
 * same-origin URLs; the CSP allows `worker-src blob:`). The WASM binaries are
 * fetched by the page too and handed over as blob: URLs.
 *
 * Stop: the run is settled at once (its later messages are dropped, so nothing
 * is drawn after Stop) and the worker is asked to cancel; a worker that does not
 * confirm within CANCEL_GRACE_MS (a long seed) is terminated and a fresh one is
 * started for the next run.
 */
import type { NetworkSpec, SimBackend, SimOptions, SimProgress, SimulationResult } from '../../src/core/sim/types.js';
import type { FromWorker, ToWorker, WasmFiles } from './workerProtocol.js';

export const monteCarloAvailable = typeof Worker !== 'undefined' && typeof Blob !== 'undefined';

const CANCEL_GRACE_MS = 1500;
const WASM = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

export class AbortedRun extends Error {
  constructor() {
    super('stopped');
    this.name = 'AbortError';
  }
}

interface Pending {
  spec: NetworkSpec;
  options: SimOptions;
  onProgress: (p: SimProgress) => void;
  resolve: (r: SimulationResult) => void;
  reject: (e: unknown) => void;
}

export interface BackendInfo {
  backend: SimBackend | null;
  /** Whether the worker has an OffscreenCanvas (WebGL in a worker needs one). */
  offscreen: boolean;
}

export interface RunHandle {
  result: Promise<SimulationResult>;
  /** Settles `result` with an AbortError now and cancels the worker's run. */
  cancel(): void;
}

export class SimClient {
  private worker: Worker | null = null;
  private backendInfo: Promise<BackendInfo> | null = null;
  private resolveBackend: ((b: BackendInfo) => void) | null = null;
  private readonly pending = new Map<number, Pending>();
  /** Runs cancelled by the page whose confirmation from the worker is awaited. */
  private readonly cancelling = new Map<number, ReturnType<typeof setTimeout>>();
  private nextId = 1;
  private script: Promise<string> | null = null;
  private wasm: Promise<WasmFiles | null> | null = null;
  /** How many workers were started (a terminated worker is replaced; the e2e test reads it). */
  workersStarted = 0;

  constructor(private readonly assets: string) {}

  private url(name: string): string {
    return `${this.assets.replace(/\/$/, '')}/${name}`;
  }

  private async blobUrl(name: string, type: string): Promise<string> {
    const r = await fetch(this.url(name));
    if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
    return URL.createObjectURL(new Blob([await r.arrayBuffer()], { type }));
  }

  /** Starts the worker (once; again after a terminate) and resolves with the backend it chose. */
  backend(): Promise<BackendInfo> {
    if (this.backendInfo) return this.backendInfo;
    this.script ??= this.blobUrl('simWorker.js', 'text/javascript');
    // Without the binaries the worker still has WebGL or CPU.
    this.wasm ??= Promise.all(WASM.map((n) => this.blobUrl(n, 'application/wasm'))).then(
      ([plain, simd]) => ({ 'tfjs-backend-wasm.wasm': plain!, 'tfjs-backend-wasm-simd.wasm': simd!, 'tfjs-backend-wasm-threaded-simd.wasm': simd! }),
      () => null,
    );
    const info = new Promise<BackendInfo>((resolve, reject) => {
      this.resolveBackend = resolve;
      void Promise.all([this.script!, this.wasm!]).then(([script, wasm]) => {
        const worker = new Worker(script, { name: 'initlens-simulator' });
        this.workersStarted++;
        this.worker = worker;
        worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
          if (this.worker === worker) this.receive(e.data);
        });
        worker.addEventListener('error', (e) => {
          if (this.worker !== worker) return;
          const err = new Error(`the simulator worker failed: ${e.message || 'could not start'}`);
          this.terminate(err);
          reject(err);
        });
        this.post({ kind: 'init', wasm });
      }, reject);
    });
    this.backendInfo = info;
    info.catch(() => {
      // The next run tries again from the start (a failed fetch is not kept).
      if (this.backendInfo === info) this.backendInfo = null;
      this.script = null;
      this.wasm = null;
    });
    return info;
  }

  private post(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  private receive(m: FromWorker): void {
    if (m.kind === 'backend') {
      this.resolveBackend?.({ backend: m.backend, offscreen: m.offscreen });
      this.resolveBackend = null;
      return;
    }
    if (m.kind === 'cancelled' || m.kind === 'done' || m.kind === 'error') {
      const t = this.cancelling.get(m.id);
      if (t !== undefined) {
        clearTimeout(t);
        this.cancelling.delete(m.id);
      }
    }
    const p = this.pending.get(m.id);
    if (!p) return; // a run the page already stopped
    if (m.kind === 'progress') p.onProgress({ done: m.done, total: m.total, partial: m.partial });
    else {
      this.pending.delete(m.id);
      if (m.kind === 'done') p.resolve(m.result);
      else if (m.kind === 'cancelled') p.reject(new AbortedRun());
      else p.reject(new Error(m.message));
    }
  }

  run(spec: NetworkSpec, options: SimOptions, onProgress: (p: SimProgress) => void): RunHandle {
    const id = this.nextId++;
    const result = new Promise<SimulationResult>((resolve, reject) => {
      this.pending.set(id, { spec, options, onProgress, resolve, reject });
    });
    this.submit(id);
    return {
      result,
      cancel: () => {
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        p.reject(new AbortedRun());
        if (!this.worker) return;
        this.post({ kind: 'cancel', id });
        // A seed that takes long holds the worker: past the grace period it is replaced.
        this.cancelling.set(
          id,
          setTimeout(() => {
            if (this.cancelling.delete(id)) this.terminate(null);
          }, CANCEL_GRACE_MS),
        );
      },
    };
  }

  /** Sends a pending run to the worker, starting one if needed. */
  private submit(id: number): void {
    void this.backend().then(
      () => {
        const p = this.pending.get(id);
        if (p) this.post({ kind: 'run', id, spec: p.spec, options: p.options });
      },
      (e: unknown) => {
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.reject(e);
      },
    );
  }

  /**
   * Ends the worker. With an error, runs still pending fail with it; without (a
   * cancelled run held the worker too long), they start over on a fresh worker.
   */
  private terminate(error: Error | null): void {
    this.worker?.terminate();
    this.worker = null;
    this.backendInfo = null;
    this.resolveBackend = null;
    for (const t of this.cancelling.values()) clearTimeout(t);
    this.cancelling.clear();
    if (error) {
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    } else {
      for (const id of this.pending.keys()) this.submit(id);
    }
  }
}
