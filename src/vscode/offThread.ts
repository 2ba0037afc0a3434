/**
 * Large open documents are analysed on a worker thread in the desktop extension (dist/scanWorker.cjs,
 * the `live` requests of `scanWorker.ts`), so that their analysis — hundreds of milliseconds for a
 * 240 KB file with thousands of layers — never blocks the extension host; the host only sends the
 * text and receives the result (`AnalysisService.analyzeRemote`). Below `OFF_THREAD_CHARS` (service.ts) the
 * analysis stays on the host: there it takes a few milliseconds, less than the round trip.
 *
 * One worker, started on the first large document and kept until the extension is deactivated;
 * requests are answered in order. When the worker stops, `analyze` answers null (the caller
 * analyses in its own thread) and no other worker is started.
 *
 * The web extension has no worker_threads: its bundle replaces this module by src/web/offThread.ts
 * (scripts/build.mjs), whose `startOffThread` returns null.
 */
import { Worker } from 'node:worker_threads';
import type { AnalysisOptions, AnalysisResult, Language } from '../core/types.js';
import type { ForgetRequest, LiveRequest } from './scanWorker.js';

export interface OffThread {
  analyze(key: string, text: string, language: Language, options: Partial<AnalysisOptions>): Promise<AnalysisResult | null>;
  /** The document was closed: its analyzer in the worker is dropped. */
  forget(key: string): void;
  dispose(): Promise<void>;
}

export interface OffThreadOptions {
  /** The worker script: dist/scanWorker.cjs (tests: a script that loads the TypeScript sources). */
  script: string | URL;
  workerOptions?: ConstructorParameters<typeof Worker>[1];
  warn?: (message: string) => void;
}

/** The off-thread analyzer, started lazily; null where no worker thread can exist. */
export function startOffThread(opts: OffThreadOptions): OffThread | null {
  let worker: Worker | null = null;
  let dead = false;
  let nextId = 0;
  const pending = new Map<number, (r: AnalysisResult | null) => void>();
  const stop = (why: string) => {
    if (dead) return;
    dead = true;
    opts.warn?.(`large documents: the analysis thread stopped (${why}); analysing in the extension host`);
    for (const p of pending.values()) p(null);
    pending.clear();
  };
  const ensure = (): Worker | null => {
    if (dead) return null;
    if (worker) return worker;
    try {
      worker = new Worker(opts.script, opts.workerOptions);
    } catch (e) {
      stop(e instanceof Error ? e.message : String(e));
      return null;
    }
    worker.on('message', (m: { id: number; ok: boolean; value?: AnalysisResult; message?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) worker?.unref();
      p(m.ok ? (m.value ?? null) : null);
    });
    worker.on('error', (e) => stop(e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => stop(`exit code ${code}`));
    return worker;
  };
  return {
    analyze(key, text, language, options) {
      const w = ensure();
      if (!w) return Promise.resolve(null);
      const id = nextId++;
      // Referenced while it works; idle, it does not keep the extension host's process alive.
      w.ref();
      return new Promise((resolve) => {
        pending.set(id, resolve);
        w.postMessage({ kind: 'live', id, key, text, language, options } satisfies LiveRequest);
      });
    },
    forget(key) {
      if (worker && !dead) worker.postMessage({ kind: 'forget', key } satisfies ForgetRequest);
    },
    async dispose() {
      const w = worker;
      dead = true;
      for (const p of pending.values()) p(null);
      pending.clear();
      worker = null;
      if (w) await w.terminate();
    },
  };
}
