/**
 * `npm run bench:server`: what a keystroke costs the editor with the analysis
 * on the extension host's thread (AnalysisService + IncrementalAnalyzer, what the
 * extension does today) versus the language server in a worker thread (LSP over
 * a MessagePort, like vscode-languageclient's web worker) and in a child process
 * over stdio (vscode-languageclient's desktop default), on the same files and
 * the same edits, in one run.
 *
 * Per keystroke: one single-character edit (insert a space, then delete it, at
 * sites spread over the file) and the diagnostics for the new version. For the
 * server modes the round trip is didChange + textDocument/diagnostic until the
 * answer arrives; "host thread" is the time the client's own thread was busy
 * (event-loop utilization) during those round trips — what the extension host
 * would still spend. Every server answer is checked against the in-host result
 * (same number of diagnostics).
 *
 * Environment: BENCH_SERVER_KEYS (keystrokes per file, default 40),
 * BENCH_SERVER_WARMUP (default 10).
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { createMessageConnection, PortMessageReader, PortMessageWriter, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { IncrementalAnalyzer } from '../src/core/analysis/incremental.js';
import { AnalysisService } from '../src/vscode/service.js';
import { defaultSettings } from '../src/vscode/logic/settings.js';
import { toDiagnostics } from '../src/vscode/logic/present.js';
import { generatePython } from './generate.js';
import { summarize } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEYS = Number(process.env.BENCH_SERVER_KEYS ?? 40);
const WARMUP = Number(process.env.BENCH_SERVER_WARMUP ?? 10);
const settings = { ...defaultSettings, debounceMs: 0 };

interface Sample {
  name: string;
  text: string;
}

const samples: Sample[] = [
  ...['pytorch/nanogpt_block.py', 'pytorch/torchvision_resnet.py', 'pytorch/vit_block.py', 'keras/subclassed_resnet_block.py'].map((f) => ({
    name: f,
    text: readFileSync(join(root, 'test/corpus', f), 'utf8'),
  })),
  { name: 'generated 2,000 lines', text: generatePython({ lines: 2000 }).text },
  { name: 'generated 10,000 lines', text: generatePython({ lines: 10_000 }).text },
];

/** Keystrokes: a space inserted at the end of a line with a call, then deleted; sites spread over the file. */
function keystrokes(text: string, n: number): { from: number; to: number; insert: string }[] {
  const lines = text.split('\n');
  const starts: number[] = [];
  let o = 0;
  for (const l of lines) {
    starts.push(o);
    o += l.length + 1;
  }
  const candidates = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.includes('(') && l.trim() !== '');
  const out: { from: number; to: number; insert: string }[] = [];
  for (let k = 0; out.length < n; k++) {
    const c = candidates[Math.floor(((k % Math.ceil(n / 2)) * candidates.length) / Math.ceil(n / 2))]!;
    const at = starts[c.i]! + c.l.length;
    out.push({ from: at, to: at, insert: ' ' }, { from: at, to: at + 1, insert: '' });
  }
  return out.slice(0, n);
}

function apply(text: string, e: { from: number; to: number; insert: string }): string {
  return text.slice(0, e.from) + e.insert + text.slice(e.to);
}

/** In-host: what the extension runs on its thread for each keystroke. */
function hostRun(sample: Sample, edits: ReturnType<typeof keystrokes>): { ms: number[]; counts: number[] } {
  const service = new AnalysisService();
  let text = sample.text;
  let version = 1;
  const engine = { IncrementalAnalyzer };
  service.analyze(engine, { key: 'k', language: 'python', text, version: String(version) }, settings);
  const ms: number[] = [];
  const counts: number[] = [];
  for (const e of edits) {
    const t0 = performance.now();
    service.noteChanges('k', [{ rangeOffset: e.from, rangeLength: e.to - e.from, text: e.insert }]);
    text = apply(text, e);
    version++;
    const a = service.analyze(engine, { key: 'k', language: 'python', text, version: String(version) }, settings);
    const diags = toDiagnostics(a.findings, settings);
    ms.push(performance.now() - t0);
    counts.push(diags.length);
  }
  return { ms, counts };
}

async function serverRun(conn: MessageConnection, sample: Sample, edits: ReturnType<typeof keystrokes>, uri: string): Promise<{ ms: number[]; hostMs: number[]; counts: number[] }> {
  let doc = TextDocument.create(uri, 'python', 1, sample.text);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: sample.text } });
  await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
  const ms: number[] = [];
  const hostMs: number[] = [];
  const counts: number[] = [];
  for (const e of edits) {
    const range = { start: doc.positionAt(e.from), end: doc.positionAt(e.to) };
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    doc = TextDocument.update(doc, [{ range, text: e.insert }], doc.version + 1);
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [{ range, text: e.insert }] });
    const report = (await conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { items: unknown[] };
    ms.push(performance.now() - t0);
    hostMs.push(performance.eventLoopUtilization(elu0).active);
    counts.push(report.items.length);
  }
  await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  return { ms, hostMs, counts };
}

async function connect(conn: MessageConnection): Promise<void> {
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ debounceMs: 0 })));
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification('window/logMessage', () => undefined);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { textDocument: { diagnostic: {} } }, initializationOptions: { debounceMs: 0 } });
  await conn.sendNotification('initialized', {});
}

const fmt = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'initlens-bench-server-'));
  const workerJs = join(dir, 'server-worker.mjs');
  await build({
    entryPoints: [join(root, 'bench/server-worker.ts')],
    outfile: workerJs,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'error',
  });
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--only=cli'], { cwd: root, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(b.stderr);

  const worker = new Worker(workerJs);
  const wconn = createMessageConnection(new PortMessageReader(worker), new PortMessageWriter(worker));
  await connect(wconn);
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), 'server', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const cconn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  await connect(cconn);

  console.log(`Keystroke → diagnostics, ${KEYS} single-character edits per file (median ms; p75 in brackets)\n`);
  const header = ['file', 'lines', 'in-host', 'worker RTT', 'worker: host thread', 'stdio RTT', 'stdio: host thread', 'worker RTT ÷ in-host'];
  const rows: string[][] = [];
  let failures = 0;
  for (const [i, sample] of samples.entries()) {
    const edits = keystrokes(sample.text, KEYS);
    // Warm-up of every mode on this file, then the measured runs.
    hostRun(sample, keystrokes(sample.text, WARMUP));
    await serverRun(wconn, sample, keystrokes(sample.text, WARMUP), `file:///warm/w${i}.py`);
    await serverRun(cconn, sample, keystrokes(sample.text, WARMUP), `file:///warm/c${i}.py`);
    const host = hostRun(sample, edits);
    const w = await serverRun(wconn, sample, edits, `file:///bench/w${i}.py`);
    const c = await serverRun(cconn, sample, edits, `file:///bench/c${i}.py`);
    for (const [mode, r] of [['worker', w], ['stdio', c]] as const) {
      if (r.counts.join() !== host.counts.join()) {
        console.error(`MISMATCH ${sample.name} (${mode}): diagnostics counts differ from the in-host analysis`);
        failures++;
      }
    }
    const s = (xs: number[]) => summarize(xs);
    const cell = (xs: number[]) => `${fmt(s(xs).median)} [${fmt(s(xs).p75)}]`;
    rows.push([
      sample.name,
      String(sample.text.split('\n').length - 1),
      cell(host.ms),
      cell(w.ms),
      cell(w.hostMs),
      cell(c.ms),
      cell(c.hostMs),
      (s(w.ms).median / s(host.ms).median).toFixed(1) + '×',
    ]);
  }
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, k) => c.padEnd(widths[k]!)).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of rows) console.log(line(r));

  await wconn.sendRequest('shutdown');
  await cconn.sendRequest('shutdown');
  await cconn.sendNotification('exit');
  await worker.terminate();
  child.kill();
  rmSync(dir, { recursive: true, force: true });
  process.exit(failures === 0 ? 0 : 1);
}

await main();
