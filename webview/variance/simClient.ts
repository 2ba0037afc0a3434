/**
 * The page's side of the simulator workers (./simWorker.ts): Monte Carlo runs off
 * the page's thread, so the charts, the table and Stop stay responsive while
 * seeds run, and partial results stream in as seeds are pooled.
 *
 * Both cores: a run is fitted to the work budget once (src/core/sim/budget.ts, as
 * the CLI and the server fit it), and its seeds are spread over as many workers as
 * `workersFor` says (two when a seed is costly, on a machine with two cores or
 * more), each seed one `seed` job; the page pools them (src/core/sim/schedule.ts,
 * the same scheduler as the CLI's worker threads), so the numbers are those of one
 * worker for the same options. The first seed of each init first posts a preview
 * (the same weights on a batch of 16), drawn until its full batch is pooled.
 *
 * A worker is started from a blob: URL of its bundle (a webview's resources are
 * served from another origin than the page, and `new Worker` only takes
 * same-origin URLs; the CSP allows `worker-src blob:`). The WASM binaries are
 * fetched by the page too and handed over as blob: URLs.
 *
 * Stop: the run is settled at once (its later messages are dropped, so nothing
 * is drawn after Stop) and its workers are asked to cancel; a worker that is not
 * free again within CANCEL_GRACE_MS (a long seed) is terminated, and a fresh one
 * is started for the next run.
 */
import type { NetworkSpec, SimBackend, SimOptions, SimProgress, SimulationResult } from '../../src/core/sim/types.js';
import { SIM_INITS } from '../../src/core/sim/types.js';
import type { SeedRun } from '../../src/core/sim/pool.js';
import { fitBudget, workersFor } from '../../src/core/sim/budget.js';
import { validateSimOptions } from '../../src/core/sim/network.js';
import { pooledResult, SeedSchedule, type SeedJob } from '../../src/core/sim/schedule.js';
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

export interface BackendInfo {
  backend: SimBackend | null;
  /** Whether the worker has an OffscreenCanvas (WebGL in a worker needs one). */
  offscreen: boolean;
}

export interface RunHandle {
  result: Promise<SimulationResult>;
  /** Settles `result` with an AbortError now and cancels the workers' seeds. */
  cancel(): void;
}

/** What the client needs of a worker (a Web Worker in the webview; tests bridge Node's worker threads). */
export interface WorkerLike {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', listener: (event: { data: FromWorker }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
  terminate(): void;
}

/** Where workers come from, and how many cores there are to use. */
export interface WorkerHost {
  spawn(): Promise<{ worker: WorkerLike; wasm: WasmFiles | null }>;
  cores: number;
}

/** The run as every worker runs it: fitted to the work budget once, and the workers worth starting for it. */
export function planRun(spec: NetworkSpec, options: SimOptions, cores: number): { spec: NetworkSpec; options: SimOptions; workers: number } {
  const bad = validateSimOptions(options);
  if (bad) throw new Error(bad);
  if (spec.layers.length === 0) throw new Error('the network has no layers');
  const fitted = fitBudget(spec, { ...options, which: options.which ?? [...SIM_INITS] });
  return { spec: fitted.spec, options: fitted.options, workers: workersFor(fitted.spec, fitted.options, cores) };
}

/** The webview's workers: the bundle and the WASM binaries fetched once, as blob: URLs. */
export function webviewHost(assets: string): WorkerHost {
  const url = (name: string) => `${assets.replace(/\/$/, '')}/${name}`;
  const blobUrl = async (name: string, type: string) => {
    const r = await fetch(url(name));
    if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
    return URL.createObjectURL(new Blob([await r.arrayBuffer()], { type }));
  };
  let script: Promise<string> | null = null;
  let wasm: Promise<WasmFiles | null> | null = null;
  return {
    cores: typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1,
    async spawn() {
      script ??= blobUrl('simWorker.js', 'text/javascript');
      // Without the binaries the worker still has WebGL or CPU.
      wasm ??= Promise.all(WASM.map((n) => blobUrl(n, 'application/wasm'))).then(
        ([plain, simd]) => ({ 'tfjs-backend-wasm.wasm': plain!, 'tfjs-backend-wasm-simd.wasm': simd!, 'tfjs-backend-wasm-threaded-simd.wasm': simd! }),
        () => null,
      );
      try {
        const [s, w] = await Promise.all([script, wasm]);
        return { worker: new Worker(s, { name: 'initlens-simulator' }) as unknown as WorkerLike, wasm: w };
      } catch (e) {
        // The next start tries again from the start (a failed fetch is not kept).
        script = null;
        wasm = null;
        throw e;
      }
    },
  };
}

interface Slot {
  worker: WorkerLike | null;
  info: Promise<BackendInfo>;
  /** Its backend is up: it takes seeds. */
  ready: boolean;
  /** The job it runs (a cancelled run's too, until the worker is free again). */
  job: number | null;
  grace: ReturnType<typeof setTimeout> | null;
}

interface Run {
  spec: NetworkSpec;
  options: SimOptions;
  workers: number;
  schedule: SeedSchedule;
  onProgress: (p: SimProgress) => void;
  resolve: (r: SimulationResult) => void;
  reject: (e: unknown) => void;
  active: Set<number>;
  /** First seeds' previews (batch 16 of their weights), per init, until their full batch is pooled. */
  previews: Map<SeedJob['init'], SeedRun>;
  backend: SimBackend;
  t0: number;
  firstCurveMs: number | null;
}

interface Job {
  run: number;
  job: SeedJob;
  slot: Slot;
}

export class SimClient {
  private readonly slots: Slot[] = [];
  private readonly runs = new Map<number, Run>();
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private readonly host: WorkerHost;
  /** How many workers were started (a terminated worker is replaced; the e2e test reads it). */
  workersStarted = 0;

  constructor(assets: string, host?: WorkerHost) {
    this.host = host ?? webviewHost(assets);
  }

  /** Starts the first worker (once; again after a terminate) and resolves with the backend it chose. */
  backend(): Promise<BackendInfo> {
    return this.slot(0).info;
  }

  /** Slot i, its worker started when it has none. */
  private slot(i: number): Slot {
    while (this.slots.length <= i) this.slots.push({ worker: null, info: Promise.resolve({ backend: null, offscreen: false }), ready: false, job: null, grace: null });
    const slot = this.slots[i]!;
    if (!slot.worker && slot.job === null) this.start(slot);
    return slot;
  }

  private start(slot: Slot): void {
    let settle: ((b: BackendInfo) => void) | null = null;
    let fail: ((e: unknown) => void) | null = null;
    slot.ready = false;
    slot.info = new Promise<BackendInfo>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    // A placeholder until the worker exists: the slot is taken.
    const starting = { postMessage() {}, addEventListener() {}, terminate() {} } as WorkerLike;
    slot.worker = starting;
    this.host.spawn().then(
      ({ worker, wasm }) => {
        if (slot.worker !== starting) return worker.terminate();
        slot.worker = worker;
        this.workersStarted++;
        worker.addEventListener('message', (e: { data: FromWorker }) => {
          if (slot.worker !== worker) return;
          const m = e.data;
          if (m.kind === 'backend') {
            settle?.({ backend: m.backend, offscreen: m.offscreen });
            if (m.backend !== null) {
              slot.ready = true;
              for (const run of this.runs.values()) run.backend = m.backend;
              this.pump();
            } else this.fail(slot, new Error(`no TensorFlow.js backend could start${m.error ? `: ${m.error}` : ''}`));
          } else this.receive(slot, m);
        });
        worker.addEventListener('error', (e: { message?: string }) => {
          if (slot.worker !== worker) return;
          const err = new Error(`the simulator worker failed: ${e.message || 'could not start'}`);
          fail?.(err);
          this.fail(slot, err);
        });
        worker.postMessage({ kind: 'init', wasm });
      },
      (e: unknown) => {
        if (slot.worker !== starting) return;
        slot.worker = null;
        fail?.(e);
        this.fail(slot, e);
      },
    );
    slot.info.catch(() => undefined);
  }

  /** A worker that cannot run (it failed to start or crashed): it is dropped and the runs fail with its error (the next run starts afresh). */
  private fail(slot: Slot, error: unknown): void {
    if (slot.job !== null) this.jobs.delete(slot.job);
    this.drop(slot);
    for (const id of [...this.runs.keys()]) this.settle(id, error);
  }

  private drop(slot: Slot): void {
    slot.worker?.terminate();
    slot.worker = null;
    slot.ready = false;
    slot.job = null;
    if (slot.grace) clearTimeout(slot.grace);
    slot.grace = null;
  }

  private receive(slot: Slot, m: FromWorker): void {
    if (m.kind === 'backend') return;
    const job = this.jobs.get(m.id);
    if (!job) return;
    const run = this.runs.get(job.run);
    if (m.kind === 'seedPreview') {
      if (run && run.schedule.runs.get(job.job.init)!.length === 0) {
        run.previews.set(job.job.init, m.run);
        this.report(run, true);
      }
      return;
    }
    // The job is over (done, failed or cancelled): the worker is free again.
    this.jobs.delete(m.id);
    slot.job = null;
    if (slot.grace) clearTimeout(slot.grace);
    slot.grace = null;
    if (run) {
      run.active.delete(m.id);
      if (m.kind === 'seedDone') {
        run.schedule.record(job.job.init, m.run);
        run.previews.delete(job.job.init);
        this.report(run, false);
      } else if (m.kind === 'error') this.settle(job.run, new Error(m.message));
      else this.settle(job.run, new AbortedRun());
    }
    this.pump();
  }

  private report(run: Run, preview: boolean): void {
    run.firstCurveMs ??= performance.now() - run.t0;
    const partial = pooledResult(run.spec, run.options, run.schedule.runs, run.backend, { firstCurveMs: run.firstCurveMs, totalMs: performance.now() - run.t0 }, { all: false, previews: run.previews });
    run.onProgress({ done: run.schedule.done, total: run.schedule.total, partial, ...(preview ? { preview: true } : {}) });
  }

  /** Ends a run with an error (or the AbortedRun of a cancel); its seeds still out are cancelled. */
  private settle(id: number, error: unknown): void {
    const run = this.runs.get(id);
    if (!run) return;
    this.runs.delete(id);
    run.reject(error);
    this.cancelJobs(run);
  }

  private cancelJobs(run: Run): void {
    for (const jobId of run.active) {
      const job = this.jobs.get(jobId);
      if (!job) continue;
      const slot = job.slot;
      slot.worker?.postMessage({ kind: 'cancel', id: jobId });
      // A seed that takes long holds the worker: past the grace period it is replaced.
      slot.grace ??= setTimeout(() => {
        slot.grace = null;
        if (slot.job !== jobId) return;
        this.jobs.delete(jobId);
        this.drop(slot);
        this.pump();
      }, CANCEL_GRACE_MS);
    }
    run.active.clear();
  }

  /** Gives every free worker a seed of a live run, and finishes runs with nothing left. */
  private pump(): void {
    for (const [id, run] of this.runs) {
      for (let i = 0; i < run.workers; i++) {
        const slot = this.slot(i);
        // Busy, or started but not up yet (it pumps again when its backend is).
        if (slot.job !== null || !slot.worker || !slot.ready) continue;
        const job = run.schedule.next();
        if (!job) break;
        const jobId = this.nextId++;
        this.jobs.set(jobId, { run: id, job, slot });
        slot.job = jobId;
        run.active.add(jobId);
        slot.worker.postMessage({ kind: 'seed', id: jobId, spec: run.spec, options: run.options, init: job.init, seed: job.seed, preview: job.k === 0 });
      }
      if (run.active.size === 0 && run.schedule.finished) {
        this.runs.delete(id);
        const totalMs = performance.now() - run.t0;
        run.resolve(pooledResult(run.spec, run.options, run.schedule.final(), run.backend, { firstCurveMs: run.firstCurveMs, totalMs }));
      }
    }
  }

  /** Stops every run and ends the workers (a panel keeps them between runs). */
  dispose(): void {
    for (const id of [...this.runs.keys()]) this.settle(id, new AbortedRun());
    for (const slot of this.slots) this.drop(slot);
    this.jobs.clear();
  }

  run(spec: NetworkSpec, options: SimOptions, onProgress: (p: SimProgress) => void): RunHandle {
    const id = this.nextId++;
    let plan: ReturnType<typeof planRun>;
    try {
      plan = planRun(spec, options, this.host.cores);
    } catch (e) {
      return { result: Promise.reject(e), cancel: () => undefined };
    }
    const result = new Promise<SimulationResult>((resolve, reject) => {
      const run: Run = {
        spec: plan.spec,
        options: plan.options,
        workers: plan.workers,
        schedule: new SeedSchedule(plan.options),
        onProgress,
        resolve,
        reject,
        active: new Set(),
        previews: new Map(),
        backend: 'wasm',
        t0: performance.now(),
        firstCurveMs: null,
      };
      this.runs.set(id, run);
      for (let i = 0; i < plan.workers; i++) {
        const slot = this.slot(i);
        if (slot.ready) void slot.info.then((info) => info.backend && (run.backend = info.backend));
      }
      this.pump();
    });
    return {
      result,
      cancel: () => {
        if (this.runs.has(id)) this.settle(id, new AbortedRun());
      },
    };
  }
}
