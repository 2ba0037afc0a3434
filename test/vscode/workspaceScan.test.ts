/** The "Analyze workspace" loop: progress per file, cancellation between files, the event loop given back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { parseNotebook, toFileOffset } from '../../src/core/notebook.js';
import { closedFileDiagnostics } from '../../src/vscode/logic/closedFile.js';
import { defaultSettings } from '../../src/vscode/logic/settings.js';
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
