/**
 * The "Analyze workspace" loop: progress per file, cancellation between files, the event loop given
 * back; several files in flight, and the analysis on worker threads (scanThreads.ts) with the same results.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyze } from '../../src/core/index.js';
import { parseNotebook, toFileOffset } from '../../src/core/notebook.js';
import { closedFileDiagnostics } from '../../src/vscode/logic/closedFile.js';
import { defaultSettings, toAnalysisOptions } from '../../src/vscode/logic/settings.js';
import { startScanThreads, type ScanJob, type ScanThreads } from '../../src/vscode/scanThreads.js';
import type { DiagnosticData } from '../../src/vscode/logic/present.js';
import { scanWorkspaceFiles, type WorkspaceScanHost } from '../../src/vscode/logic/workspaceScan.js';

const engine = { analyze, parseNotebook, toFileOffset };
const RELU = 'from tensorflow import keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="relu")])\n';
const FINE = 'from tensorflow import keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="relu", kernel_initializer="he_normal")])\n';

/** A workspace in memory and a host that records what the scan did, on a fake clock. */
function workspace(files: Record<string, string | null>, opts: { open?: string[]; msPerFile?: number; cancelAt?: (h: Recorder) => boolean } = {}) {
  const rec: Recorder = { read: [], analysed: [], published: new Map(), progress: [], yields: 0, clock: 0, cancelled: false };
  const host: WorkspaceScanHost<string> = {
    isOpen: (f) => (opts.open ?? []).includes(f),
    read: async (f) => {
      rec.read.push(f);
      return files[f] ?? null;
    },
    analyze: (f, text) => {
      rec.analysed.push(f);
      rec.clock += opts.msPerFile ?? 1;
      return closedFileDiagnostics(engine, '/w/' + f, text, defaultSettings, false);
    },
    publish: (f, _text, found) => rec.published.set(f, found),
    progress: (f, inc) => rec.progress.push([f, inc]),
    isCancelled: () => {
      if (!rec.cancelled && opts.cancelAt?.(rec)) rec.cancelled = true;
      return rec.cancelled;
    },
    now: () => rec.clock,
    yieldToHost: async () => {
      rec.yields++;
    },
  };
  return { host, rec, names: Object.keys(files) };
}

interface Recorder {
  read: string[];
  analysed: string[];
  published: Map<string, DiagnosticData[]>;
  progress: [string, number][];
  yields: number;
  clock: number;
  cancelled: boolean;
}

test('every file is reported as progress (100% in all), open files are not read, findings are published', async () => {
  const { host, rec, names } = workspace({ 'a.py': RELU, 'b.py': FINE, 'open.py': RELU, 'gone.py': null, 'notes.py': 'print(1)\n' }, { open: ['open.py'] });
  const s = await scanWorkspaceFiles(names, host);
  assert.deepEqual(rec.progress.map(([f]) => f), names);
  assert.equal(Math.round(rec.progress.reduce((t, [, inc]) => t + inc, 0)), 100);
  assert.ok(!rec.read.includes('open.py'), 'an open document is analysed live, not from disk');
  assert.deepEqual([...rec.published.keys()], ['a.py']);
  assert.deepEqual(rec.published.get('a.py')!.map((d) => d.code), ['IL001']);
  assert.deepEqual(s, { files: 3, withFindings: 1, findings: 1, cancelled: false });
});

test('Cancel stops the scan before the next file: nothing after it is read or analysed', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 10; i++) files[`m${i}.py`] = RELU;
  // The user presses Cancel while the third file is being analysed.
  const { host, rec, names } = workspace(files, { cancelAt: (r) => r.analysed.length === 3 });
  const s = await scanWorkspaceFiles(names, host);
  assert.deepEqual(rec.analysed, ['m0.py', 'm1.py', 'm2.py']);
  assert.deepEqual(rec.read, ['m0.py', 'm1.py', 'm2.py']);
  assert.equal(rec.progress.length, 3);
  assert.equal(s.cancelled, true);
  assert.equal(s.files, 3);
  assert.equal(rec.published.size, 3, 'what was found before Cancel stays in the Problems view');
});

test('the event loop is given back whenever 15 ms of analysis have passed, and a Cancel seen there stops the scan', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`m${i}.py`] = FINE;
  // 10 ms per file: a yield before every second file.
  const full = workspace(files, { msPerFile: 10 });
  await scanWorkspaceFiles(full.names, full.host);
  assert.equal(full.rec.analysed.length, 12);
  assert.equal(full.rec.yields, 5);
  // Cancel handled during the second yield (the click reaches the host only then).
  const cut = workspace(files, { msPerFile: 10, cancelAt: (r) => r.yields === 2 });
  const s = await scanWorkspaceFiles(cut.names, cut.host);
  assert.equal(cut.rec.analysed.length, 4);
  assert.equal(s.cancelled, true);
});

/** Every model file of test/wild and test/corpus (Python, notebooks, TS/JS), as a workspace. */
function realFiles(): Record<string, string> {
  const root = join(import.meta.dirname, '..');
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(py|ipynb|ts|js)$/.test(e.name)) out[relative(root, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(join(root, 'wild'));
  walk(join(root, 'corpus'));
  return out;
}

/** scanWorker.ts from the TypeScript sources: a worker does not inherit `--import tsx`, so it registers tsx first. */
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('../../src/vscode/scanWorker.ts', import.meta.url).href)}); });`;

/** The same scan with the analysis on `threads`: the host as in commands.ts. */
function threadedHost(files: Record<string, string>, threads: ScanThreads, onAnalyse: (f: string) => void = () => undefined) {
  const w = workspace(files);
  w.host.analyze = (f, text) => {
    w.rec.analysed.push(f);
    onAnalyse(f);
    return threads.analyze({ path: '/w/' + f, text, settings: defaultSettings, excluded: false, options: toAnalysisOptions(defaultSettings) });
  };
  return w;
}

const inThread = (job: ScanJob) => closedFileDiagnostics(engine, job.path, job.text, job.settings, job.excluded, job.options);

test('several lanes: every file is analysed once and the findings are those of one lane', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 9; i++) files[`m${i}.py`] = i % 3 === 0 ? FINE : RELU;
  files['gone.py'] = null as unknown as string;
  const one = workspace(files);
  const four = workspace(files);
  const s1 = await scanWorkspaceFiles(one.names, one.host);
  const s4 = await scanWorkspaceFiles(four.names, four.host, { lanes: 4 });
  assert.deepEqual(s4, s1);
  assert.deepEqual([...four.rec.analysed].sort(), [...one.rec.analysed].sort());
  assert.equal(four.rec.analysed.length, 9);
  assert.deepEqual(new Map([...four.rec.published].sort()), new Map([...one.rec.published].sort()));
  assert.equal(four.rec.progress.length, 10);
});

test('worker threads: the diagnostics of test/wild and test/corpus are those of the in-thread scan, file by file', async () => {
  const files = realFiles();
  assert.ok(Object.keys(files).length > 50);
  const here = workspace(files);
  await scanWorkspaceFiles(here.names, here.host);
  const threads = startScanThreads({ script: WORKER_BOOT, workerOptions: { eval: true }, size: 2, files: here.names.length, fallback: () => assert.fail('no worker may stop') });
  assert.ok(threads);
  try {
    const off = threadedHost(files, threads);
    const s = await scanWorkspaceFiles(off.names, off.host, { lanes: 4 });
    assert.ok(here.rec.published.size > 20, 'the corpus has findings to compare');
    assert.deepEqual(new Map([...off.rec.published].sort()), new Map([...here.rec.published].sort()));
    assert.equal(s.files, Object.keys(files).filter((f) => closedFileDiagnostics(engine, '/w/' + f, files[f], defaultSettings, false) !== null).length);
  } finally {
    await threads.close();
  }
});

test('a worker that stops: its files and the later ones are analysed in this thread, with one warning', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 6; i++) files[`m${i}.py`] = RELU;
  const warnings: string[] = [];
  let fallbacks = 0;
  // A "worker" that exits at once, before answering anything.
  const threads = startScanThreads({ script: 'process.exit(3)', workerOptions: { eval: true }, size: 2, files: 6, fallback: (job) => (fallbacks++, inThread(job)), warn: (m) => warnings.push(m) });
  assert.ok(threads);
  try {
    const w = threadedHost(files, threads);
    const s = await scanWorkspaceFiles(w.names, w.host, { lanes: 4 });
    assert.equal(s.files, 6);
    assert.equal(fallbacks, 6);
    assert.equal(w.rec.published.size, 6);
    assert.equal(warnings.length, 1);
  } finally {
    await threads.close();
  }
});

test('Cancel with worker threads: the workers are terminated, nothing is dispatched after it, the answers in flight count as skipped', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`m${i}.py`] = RELU;
  const threads = startScanThreads({ script: WORKER_BOOT, workerOptions: { eval: true }, size: 2, files: 40, fallback: () => assert.fail('no fallback after Cancel') });
  assert.ok(threads);
  let cancelled = false;
  const w = threadedHost(files, threads, (f) => {
    // Cancel pressed while the fifth file is sent (what commands.ts does on the token's event).
    if (f === 'm4.py') {
      cancelled = true;
      void threads.close();
    }
  });
  w.host.isCancelled = () => cancelled;
  const s = await scanWorkspaceFiles(w.names, w.host, { lanes: 4 });
  assert.equal(s.cancelled, true);
  assert.ok(w.rec.analysed.length <= 8, `at most the files in flight were sent (${w.rec.analysed.length})`);
  assert.ok(!w.rec.analysed.includes('m9.py'));
  assert.equal(await threads.analyze({ path: '/w/x.py', text: RELU, settings: defaultSettings, excluded: false, options: {} }), null);
});
