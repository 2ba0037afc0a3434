/**
 * The CPU part of `initlens check`/`layers` — analysing a text, computing its
 * `--fix` rounds — in-process or on a pool of worker threads (one per core).
 * Reading and writing files stays on the main thread, behind the CLI's I/O
 * seam; workers only ever get text and options and answer plain data.
 *
 * The worker is this same module: in the bundle (dist/cli.js) it is the whole
 * CLI file, whose entry point does nothing off the main thread; under tsx it is
 * src/cli/pool.ts. The message loop below starts when the module is loaded in a
 * worker created by `workerEngine()`.
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { analyze, indexableText, summarizeFile, type AnalysisOptions, type AnalysisResult, type CellStart, type FileSummary, type Language, type WorkspaceLanguage } from '../core/index.js';
import { fixText } from './fix.js';

export function safeAnalyze(text: string, language: Language, options: AnalysisOptions): AnalysisResult | string {
  try {
    return analyze(text, language, options);
  } catch (e) {
    return `internal error while analysing: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** A project file as the workspace index takes it (`WorkspaceIndex.update`'s arguments), or null when it is not indexed. */
export type IndexEntry = { text: string; language: WorkspaceLanguage; cells?: CellStart[]; summary: FileSummary } | null;

/** `indexableText` and `summarizeFile` of a file's text: the CPU part of indexing a project. */
export function indexEntry(path: string, fileText: string): IndexEntry {
  const it = indexableText(path, fileText);
  return it ? { ...it, summary: summarizeFile(it.text, it.language) } : null;
}

/** What the CLI asks of the engine for one file. Results are plain data in both implementations. */
export interface AnalysisEngine {
  /** The result, or a message when the engine failed on this text. */
  analyze(text: string, language: Language, options: AnalysisOptions): Promise<AnalysisResult | string>;
  fixText(text: string, language: Language, options: AnalysisOptions, unsafe: boolean): Promise<{ text: string; count: number }>;
  /** A project file's index entry (`path` relative to the project: it decides the language). */
  indexEntry(path: string, fileText: string): Promise<IndexEntry>;
  /** Number of threads doing the work (1: in-process). */
  readonly threads: number;
  close(): Promise<void>;
}

export const inProcessEngine: AnalysisEngine = {
  analyze: async (text, language, options) => safeAnalyze(text, language, options),
  fixText: async (text, language, options, unsafe) => fixText(text, language, options, unsafe),
  indexEntry: async (path, fileText) => indexEntry(path, fileText),
  threads: 1,
  close: async () => undefined,
};

type Job =
  | { op: 'analyze'; text: string; language: Language; options: AnalysisOptions }
  | { op: 'fixText'; text: string; language: Language; options: AnalysisOptions; unsafe: boolean }
  | { op: 'indexEntry'; path: string; fileText: string };
type Request = Job & { id: number };
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

const WORKER_TAG = 'initlens-analysis-pool';

/** Threads worth starting for `files` files of `bytes` bytes in total on this machine (1: stay in-process). */
export function poolSize(files: number, bytes: number, requested: number | null): number {
  if (requested !== null) return Math.max(1, Math.min(requested, files));
  const cores = availableParallelism();
  // Starting a worker costs about as much as analysing 100 KB of model code: small runs stay in-process.
  if (cores < 2 || files < 4 || bytes < 200_000) return 1;
  return Math.min(cores, files);
}

/** A worker stopped (crashed, ran out of memory, could not load): its jobs are redone in this thread. */
class WorkerStopped extends Error {}

function runHere(job: Job): unknown {
  if (job.op === 'analyze') return safeAnalyze(job.text, job.language, job.options);
  if (job.op === 'indexEntry') return indexEntry(job.path, job.fileText);
  return fixText(job.text, job.language, job.options, job.unsafe);
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

class PoolWorker {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  dead: Error | null = null;

  constructor(url: URL) {
    const workerData = { tag: WORKER_TAG };
    if (url.pathname.endsWith('.ts')) {
      // Running from the TypeScript sources (tests, `node --import tsx src/cli/main.ts`): on Node 20
      // a worker does not inherit `--import tsx`, so it registers tsx's loader before loading this module.
      const tsx = import.meta.resolve('tsx/esm/api');
      const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
      this.worker = new Worker(boot, { eval: true, workerData });
    } else this.worker = new Worker(url, { workerData });
    this.worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.message));
    });
    const die = (e: Error) => {
      this.dead ??= e;
      for (const p of this.pending.values()) p.reject(new WorkerStopped(e.message));
      this.pending.clear();
    };
    this.worker.on('error', (e) => die(e instanceof Error ? e : new Error(String(e))));
    this.worker.on('exit', (code) => die(new Error(`analysis worker exited with code ${code}`)));
  }
}

/**
 * A pool of `size` worker threads. Each request goes to the worker with the
 * fewest requests in flight. When a worker stops, `warn` says so once and its
 * requests (and, once none is left, every request) are done in this thread, so
 * no file is lost.
 */
export function workerEngine(size: number, warn: (message: string) => void = () => undefined): AnalysisEngine {
  const url = new URL(import.meta.url);
  const workers = Array.from({ length: size }, () => new PoolWorker(url));
  let nextId = 0;
  let warned = false;
  const call = async <T>(req: Job): Promise<T> => {
    const live = workers.filter((w) => !w.dead);
    if (live.length) {
      const w = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      try {
        return await new Promise<T>((resolve, reject) => {
          w.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
          w.worker.postMessage({ ...req, id });
        });
      } catch (e) {
        if (!(e instanceof WorkerStopped)) throw e;
        if (!warned) warn(`initlens: an analysis thread stopped (${e.message}); its files are analysed in the main thread\n`);
        warned = true;
      }
    }
    return runHere(req) as T;
  };
  return {
    threads: size,
    analyze: (text, language, options) =>
      call<AnalysisResult | string>({ op: 'analyze', text, language, options }).catch((e: unknown) => `internal error while analysing: ${e instanceof Error ? e.message : String(e)}`),
    fixText: (text, language, options, unsafe) => call<{ text: string; count: number }>({ op: 'fixText', text, language, options, unsafe }),
    indexEntry: (path, fileText) => call<IndexEntry>({ op: 'indexEntry', path, fileText }),
    close: async () => {
      await Promise.all(workers.map((w) => w.worker.terminate()));
    },
  };
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, onDone?: (done: number) => void): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}

function serve(): void {
  const port = parentPort;
  if (!port) return;
  port.on('message', (req: Request) => {
    let reply: Reply;
    try {
      const value = runHere(req);
      reply = { id: req.id, ok: true, value };
    } catch (e) {
      reply = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  });
}

if (!isMainThread && (workerData as { tag?: string } | null)?.tag === WORKER_TAG) serve();
