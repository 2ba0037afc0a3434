/**
 * Worker threads for the desktop extension's "Analyze workspace": one per core,
 * each running dist/scanWorker.cjs (`scanWorker.ts`), so that the analysis of
 * the workspace's closed files never runs on the extension host's thread. The
 * host keeps reading files, reporting progress and publishing diagnostics.
 *
 * The web extension has no worker_threads: its bundle replaces this module by
 * src/web/scanThreads.ts (scripts/build.mjs), whose `startScanThreads` returns
 * null, and the scan analyses in the extension host's thread between yields.
 *
 * A request goes to the worker with the fewest in flight. When a worker stops
 * (crash, out of memory, cannot load), its requests and every later one are
 * answered by `fallback` in this thread, so no file is lost. `close()`
 * terminates the workers (Cancel: an analysis in flight is abandoned and its
 * request answers null, a skipped file).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisOptions } from '../core/types.js';
import type { DiagnosticData } from './logic/present.js';
import type { InitLensSettings } from './logic/settings.js';

export interface ScanRequest {
  id: number;
  path: string;
  text: string;
  settings: InitLensSettings;
  excluded: boolean;
  options: Partial<AnalysisOptions>;
}
export type ScanReply = { id: number; ok: true; value: DiagnosticData[] | null } | { id: number; ok: false; message: string };

export type ScanJob = Omit<ScanRequest, 'id'>;

export interface ScanThreads {
  readonly size: number;
  analyze(job: ScanJob): Promise<DiagnosticData[] | null>;
  /** Terminates the workers; requests still in flight answer null. */
  close(): Promise<void>;
}

export interface ScanThreadsOptions {
  /** The worker script: dist/scanWorker.cjs (tests: a script that loads the TypeScript sources). */
  script: string | URL;
  /** Threads to start (default: one per core, at most one per file when `files` is known). */
  size?: number;
  files?: number;
  /** The same analysis in this thread, for requests a stopped worker cannot answer. */
  fallback: (job: ScanJob) => DiagnosticData[] | null;
  warn?: (message: string) => void;
  /** Extra options for `new Worker` (tests: `eval: true`). */
  workerOptions?: ConstructorParameters<typeof Worker>[1];
}

class Stopped extends Error {}

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (v: DiagnosticData[] | null) => void; reject: (e: Error) => void }>;
  dead: boolean;
}

/** Worker threads for a scan, or null where none can start (then analyse in this thread). */
export function startScanThreads(opts: ScanThreadsOptions): ScanThreads | null {
  const size = Math.max(1, Math.min(opts.size ?? availableParallelism(), opts.files ?? Infinity));
  let closing = false;
  let warned = false;
  let nextId = 0;
  const threads: Thread[] = [];
  try {
    for (let i = 0; i < size; i++) {
      const t: Thread = { worker: new Worker(opts.script, opts.workerOptions), pending: new Map(), dead: false };
      const die = (e: Error) => {
        t.dead = true;
        for (const p of t.pending.values()) p.reject(new Stopped(e.message));
        t.pending.clear();
      };
      t.worker.on('message', (m: ScanReply) => {
        const p = t.pending.get(m.id);
        if (!p) return;
        t.pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.message));
      });
      t.worker.on('error', (e) => die(e instanceof Error ? e : new Error(String(e))));
      t.worker.on('exit', (code) => die(new Error(`scan worker exited with code ${code}`)));
      threads.push(t);
    }
  } catch (e) {
    opts.warn?.(`workspace scan: cannot start worker threads (${e instanceof Error ? e.message : String(e)}); analysing in the extension host`);
    for (const t of threads) void t.worker.terminate();
    return null;
  }
  return {
    size,
    async analyze(job) {
      if (closing) return null;
      const live = threads.filter((t) => !t.dead);
      if (live.length) {
        const t = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
        const id = nextId++;
        try {
          return await new Promise<DiagnosticData[] | null>((resolve, reject) => {
            t.pending.set(id, { resolve, reject });
            t.worker.postMessage({ ...job, id } satisfies ScanRequest);
          });
        } catch (e) {
          if (closing) return null;
          if (!(e instanceof Stopped)) throw e;
          if (!warned) opts.warn?.(`workspace scan: a worker thread stopped (${e.message}); its files are analysed in the extension host`);
          warned = true;
        }
      }
      return closing ? null : opts.fallback(job);
    },
    async close() {
      closing = true;
      await Promise.all(threads.map((t) => t.worker.terminate()));
    },
  };
}
