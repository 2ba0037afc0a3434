/**
 * `npm run bench`: InitLens's speed on real model code first, then on the
 * generated file and at scale, reported as ratios to reference tools measured
 * in the same process and run (never as timed unit tests).
 *
 * 1. Real code (bench/real.ts): every Python file of the real-code corpus
 *    (test/wild; stand-ins until it exists; BENCH_CORPUS=dir[:dir] to choose),
 *    analysed after warm-up against Lezer's parse of the same file, Ruff wasm
 *    and CPython's ast.parse, one sample of each per file per round in a
 *    rotating order: per-framework totals and the five slowest files by
 *    InitLens ÷ Lezer. Then on-type latency of IncrementalAnalyzer at ≥ 40
 *    places per file (forward/call/__call__, __init__, layer call arguments,
 *    module level), each result checked against a fresh analyze().
 * 2. The generated file (bench/generate.ts, 10,000 lines of which half is
 *    ordinary Python): Ruff wasm (default and CLI rule sets), Lezer, the Lezer
 *    parse of what InitLens parses, analyze(), ast.parse; then 400 one-character
 *    edits in a function body and 100 in a layer call, with correctness checks.
 * 3. Scale (bench/scale.ts): the generated file at 10k and 100k lines, and a
 *    pathological file.
 *
 * The engine measured is src/core bundled by esbuild, as it ships
 * (bench/engine.ts; BENCH_ENGINE=source for the tsx-transformed sources).
 *
 * Output: tables on stdout, bench/results.json, bench/RESULTS.md, and the
 * short table between `<!-- bench:start -->` and `<!-- bench:end -->` in README.md.
 * Exit code is non-zero only on errors (an engine exception, a wrong
 * incremental result, a failed reference); missed goals print MISS.
 *
 * Environment: BENCH_ROUNDS (default 15), BENCH_WARMUP (default 3),
 * BENCH_REAL_ROUNDS (default 7), BENCH_PLACES (default 40), BENCH_EDITS
 * (default 400), BENCH_LINES (default 10000), BENCH_CORPUS, BENCH_ENGINE,
 * BENCH_PYTHON, BENCH_GC (1: full GC before every sample; needs node
 * --expose-gc), BENCH_ONLY (comma-separated parts: real,synthetic,scale).
 */
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import ruff from '@astral-sh/ruff-wasm-nodejs';
import { parser as pythonParser } from '@lezer/python';
import { generatePython, middleSite, type EditSite, type GeneratedFile } from './generate.js';
import type { AnalysisResult } from '../src/core/types.js';
import { PythonParser } from '../src/core/parse/python.js';
import { pythonRelevance } from '../src/core/frameworks/python/relevance.js';
import { compareResults, summarize, type Summary } from './stats.js';
import { loadEngine, type AnalyzeFn, type Engine, type IncrementalCtor } from './engine.js';
import { CPythonTimer, codePoints, pythonExecutable } from './cpython.js';
import { loadCorpus, runOnType, runRealFull, startCPython, type OnTypeFile, type RealReport, type FileTiming, type FrameworkTotal } from './real.js';
import { runPathological, runScale, type PathologicalReport, type ScaleReport } from './scale.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const ROUNDS = intEnv('BENCH_ROUNDS', 15);
const WARMUP = intEnv('BENCH_WARMUP', 3);
const REAL_ROUNDS = intEnv('BENCH_REAL_ROUNDS', 7);
const PLACES = Math.max(40, intEnv('BENCH_PLACES', 40));
const EDITS = Math.max(200, intEnv('BENCH_EDITS', 400));
const LINES = intEnv('BENCH_LINES', 10_000);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'real,synthetic,scale').split(',').map((s) => s.trim()));

// Goals of issue 13 (the old "≤ 1.0× Ruff on the synthetic file" is retired).
const GOAL = {
  realTotal: 1.5, // InitLens ÷ Lezer, whole real corpus
  realFile: 3.0, // InitLens ÷ Lezer, worst file
  onTypeMedian: 1.0,
  onTypeP95: 2.0,
  onTypeMax: 10.0,
  scale: 11.0, // 100k-line time ÷ 10k-line time
  pathological: 1000, // ms, full analysis
  pathologicalBlock: 50, // ms, longest on-type update
  syntheticIncremental: 2.0,
};

function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}

/**
 * Forcing a full GC before each sample is opt-in (BENCH_GC=1 with --expose-gc):
 * it lowers the spread but shrinks the heap, so allocation-heavy contenders
 * (Lezer, InitLens) then pay for growing it again — about 1.7–2.5× slower
 * than in an editor's steady state, while Ruff's wasm memory is unaffected.
 */
const gc: (() => void) | undefined = process.env.BENCH_GC === '1' ? (globalThis as { gc?: () => void }).gc : undefined;

function time(fn: () => unknown): number {
  gc?.();
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const fmt = (n: number | null | undefined, d = 2): string => (n === null || n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(d));
const pass = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? 'PASS' : 'MISS');
const div = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);

// ------------------------------------------------------------ incremental --

interface IncrementalReport {
  edits: number;
  median: number;
  p95: number;
  max: number;
  layerEdit: { median: number; p95: number; edits: number };
  checks: string[];
}

function applyChange(text: string, c: { from: number; to: number; insert: string }): string {
  return text.slice(0, c.from) + c.insert + text.slice(c.to);
}

function p(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

function layerAt(r: AnalysisResult, offset: number) {
  return r.layers.find((l) => l.span.from <= offset && offset < l.span.to);
}

/** The activation site nearest the middle on a Dense line without kernel_initializer (default glorot_uniform). */
function defaultInitActivationSite(file: GeneratedFile): EditSite {
  const mid = file.text.length / 2;
  let best: EditSite | null = null;
  for (const s of file.sites) {
    if (s.kind !== 'activation' || s.text !== 'relu') continue;
    const lineStart = file.text.lastIndexOf('\n', s.offset) + 1;
    const lineEnd = file.text.indexOf('\n', s.offset);
    if (file.text.slice(lineStart, lineEnd).includes('kernel_initializer')) continue;
    if (best === null || Math.abs(s.offset - mid) < Math.abs(best.offset - mid)) best = s;
  }
  if (best === null) throw new Error('generator produced no Dense(relu) without kernel_initializer');
  return best;
}

function runIncremental(file: GeneratedFile, analyze: AnalyzeFn, Incremental: IncrementalCtor): IncrementalReport {
  const checks: string[] = [];
  const inc = new Incremental('python');
  let text = file.text;
  let result = inc.update(text);
  const verify = (what: string): void => {
    const diff = compareResults(result, analyze(text, 'python'));
    if (diff) throw new Error(`incremental result differs from a fresh analyze() after ${what}: ${diff}`);
  };
  verify('the initial update');

  // 1. Typing in the middle of a function body: insert a character, delete it.
  const site = middleSite(file, 'body');
  const chars = ['x', '(', '1', ':', '"', ' ', '.', '['];
  const samples: number[] = [];
  const warm = 20;
  for (let i = 0; i < EDITS + warm; i++) {
    const insert = i % 2 === 0;
    const ch = chars[(i >> 1) % chars.length];
    const at = site.offset + 3;
    const change = insert ? { from: at, to: at, insert: ch } : { from: at, to: at + 1, insert: '' };
    text = applyChange(text, change);
    gc?.();
    const start = performance.now();
    result = inc.update(text, [change]);
    const ms = performance.now() - start;
    if (i >= warm) samples.push(ms);
    if (i % 50 === 0 || i === EDITS + warm - 1) verify(`edit #${i} (${insert ? `typed ${JSON.stringify(ch)}` : 'deleted it'}) at offset ${at}`);
  }
  if (text !== file.text) throw new Error('edit sequence did not return to the original text');
  checks.push(`${EDITS} body edits at line ${site.line + 1}: incremental result equals a fresh analyze() (checked every 50 edits)`);

  // 2. Inside a layer call: Dense(64 → 65 → 64 ...), the units must follow.
  const units = middleSite(file, 'dense-units');
  const before = layerAt(result, units.offset);
  if (!before) throw new Error(`no layer found at the Dense call on line ${units.line + 1}`);
  if (before.fanOut !== Number(units.text)) throw new Error(`Dense(${units.text}) on line ${units.line + 1}: fanOut is ${before.fanOut}, expected ${units.text}`);
  const last = units.offset + units.text.length - 1;
  const orig = text[last];
  const bumped = String((Number(orig) + 1) % 10);
  const layerSamples: number[] = [];
  for (let i = 0; i < 100; i++) {
    const change = { from: last, to: last + 1, insert: i % 2 === 0 ? bumped : orig };
    text = applyChange(text, change);
    gc?.();
    const start = performance.now();
    result = inc.update(text, [change]);
    layerSamples.push(performance.now() - start);
    const expected = Number(text.slice(units.offset, units.offset + units.text.length));
    const l = layerAt(result, units.offset);
    if (!l || l.fanOut !== expected) throw new Error(`after editing the units on line ${units.line + 1} to ${expected}, the layer's fanOut is ${l?.fanOut}`);
  }
  verify('the Dense units edits');
  checks.push(`Dense units ${units.text}↔${units.text.slice(0, -1)}${bumped} on line ${units.line + 1}: layer fanOut follows every edit`);

  // 3. relu → selu inside a Dense with the default (glorot_uniform) initializer:
  //    the activation and the recommendation must change with the edit.
  const act = defaultInitActivationSite(file);
  const reluLayer = layerAt(result, act.offset);
  if (!reluLayer || reluLayer.activation.name !== 'relu') throw new Error(`line ${act.line + 1}: expected a relu layer, got ${reluLayer?.activation.name}`);
  const recOf = (r: AnalysisResult) => {
    const l = layerAt(r, act.offset);
    return l ? r.findings.filter((f) => f.layer === l.id).map((f) => `${f.code}:${f.recommended}`) : [];
  };
  const reluFindings = recOf(result);
  if (!reluFindings.some((f) => f.endsWith(':he_normal') || f.endsWith(':he_uniform')))
    throw new Error(`line ${act.line + 1}: Dense(relu) with the default glorot_uniform should get a finding recommending he_*, got [${reluFindings.join(', ')}]`);
  const toSelu = { from: act.offset, to: act.offset + 1, insert: 's' };
  text = applyChange(text, toSelu);
  result = inc.update(text, [toSelu]);
  const seluLayer = layerAt(result, act.offset);
  if (!seluLayer || seluLayer.activation.name !== 'selu') throw new Error(`line ${act.line + 1}: after relu→selu, activation is ${seluLayer?.activation.name}`);
  const seluFindings = recOf(result);
  if (!seluFindings.some((f) => f.endsWith(':lecun_normal')))
    throw new Error(`line ${act.line + 1}: Dense(selu) with glorot_uniform should get a finding recommending lecun_normal, got [${seluFindings.join(', ')}]`);
  verify('relu → selu');
  const back = { from: act.offset, to: act.offset + 1, insert: 'r' };
  text = applyChange(text, back);
  result = inc.update(text, [back]);
  verify('selu → relu');
  checks.push(`relu→selu on line ${act.line + 1}: findings [${reluFindings.join(', ')}] → [${seluFindings.join(', ')}], and back`);

  return {
    edits: samples.length,
    median: p(samples, 0.5),
    p95: p(samples, 0.95),
    max: Math.max(...samples),
    layerEdit: { median: p(layerSamples, 0.5), p95: p(layerSamples, 0.95), edits: layerSamples.length },
    checks,
  };
}

// ------------------------------------------------------------------ main ---

interface Contender {
  key: string;
  label: string;
  run: () => number | Promise<number>;
  samples: number[];
}

interface SyntheticReport {
  lines: number;
  chars: number;
  stats: Record<string, Summary & { label: string }>;
  ratios: Record<string, number | null>;
  parsedShare: number;
  incremental: IncrementalReport | null;
  initlens: { layers: number; models: number; findings: number; parseErrors: number } | null;
  ruffDiagnostics: number;
}

type RuffWorkspace = InstanceType<typeof ruff.Workspace>;

async function runSynthetic(engine: Engine, ruffDefault: RuffWorkspace, python: string, errors: string[]): Promise<SyntheticReport> {
  const file = generatePython({ lines: LINES });
  const text = file.text;
  const dir = mkdtempSync(join(tmpdir(), 'initlens-bench-'));
  const path = join(dir, 'models.py');
  writeFileSync(path, text);
  console.log(`\nGenerated file: ${file.lines} lines, ${text.length} chars, ${ROUNDS} rounds after ${WARMUP} warm-up, forced GC between samples: ${gc ? 'yes' : 'no'}`);
  const ruffCli = new ruff.Workspace({ lint: { select: ['E4', 'E7', 'E9', 'F'] } }, ruff.PositionEncoding.Utf16);
  const ruffDiagnostics = (ruffDefault.check(text) as unknown[]).length;
  const first = engine.analyze(text, 'python');
  let cpython: CPythonTimer | null = null;
  try {
    cpython = await CPythonTimer.start(python, [path], [codePoints(text)]);
  } catch (err) {
    errors.push(`CPython reference failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const contenders: Contender[] = [
    { key: 'ruff', label: 'Ruff wasm lint (default settings)', run: () => time(() => ruffDefault.check(text)), samples: [] },
    { key: 'ruffCli', label: 'Ruff wasm lint (E4,E7,E9,F only)', run: () => time(() => ruffCli.check(text)), samples: [] },
    { key: 'lezer', label: 'Lezer parse alone', run: () => time(() => pythonParser.parse(text)), samples: [] },
  ];
  // The floor of a Lezer-based analysis: Lezer parsing only the statements InitLens parses
  // (the relevance filter's choice), each on its own as InitLens does.
  const parsedChunks = new PythonParser(pythonRelevance).parse(text).chunks.map((c) => c.text);
  const parsedShare = parsedChunks.reduce((n, c) => n + c.length, 0) / text.length;
  contenders.push({
    key: 'lezerParsed',
    label: `Lezer parse of what InitLens parses (${(100 * parsedShare).toFixed(0)}% of the file)`,
    run: () => time(() => { for (const c of parsedChunks) pythonParser.parse(c); }),
    samples: [],
  });
  contenders.push({ key: 'initlens', label: 'InitLens analyze()', run: () => time(() => engine.analyze(text, 'python')), samples: [] });
  if (cpython) {
    const c = cpython;
    contenders.push({ key: 'cpython', label: `CPython ${c.version} ast.parse`, run: () => c.parse(), samples: [] });
  }
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    // Rotate the order so no contender always runs right after the same one.
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + round) % contenders.length];
      try {
        const ms = await c.run();
        if (round >= WARMUP) c.samples.push(ms);
      } catch (err) {
        errors.push(`${c.label} failed: ${err instanceof Error ? err.message : String(err)}`);
        contenders.splice(contenders.indexOf(c), 1);
        k--;
      }
    }
    process.stdout.write(round < WARMUP ? 'w' : '.');
  }
  process.stdout.write('\n');
  cpython?.stop();
  rmSync(dir, { recursive: true, force: true });

  let incremental: IncrementalReport | null = null;
  try {
    incremental = runIncremental(file, engine.analyze, engine.Incremental);
  } catch (err) {
    errors.push(`incremental: ${err instanceof Error ? err.message : String(err)}`);
  }
  const stats: Record<string, Summary & { label: string }> = {};
  for (const c of contenders) if (c.samples.length) stats[c.key] = { label: c.label, ...summarize(c.samples) };
  const ratio = (a: string, b: string): number | null => (stats[a] && stats[b] ? stats[a].median / stats[b].median : null);
  return {
    lines: file.lines,
    chars: text.length,
    stats,
    parsedShare,
    incremental,
    initlens: { layers: first.layers.length, models: first.models.length, findings: first.findings.length, parseErrors: first.errors.length },
    ruffDiagnostics,
    ratios: {
      'InitLens/Lezer': ratio('initlens', 'lezer'),
      'InitLens/Lezer(parsed part)': ratio('initlens', 'lezerParsed'),
      'InitLens/Ruff': ratio('initlens', 'ruff'),
      'InitLens/ast.parse': ratio('initlens', 'cpython'),
      'Lezer/Ruff': ratio('lezer', 'ruff'),
      'ast.parse/Ruff': ratio('cpython', 'ruff'),
      'Lezer(parsed part)/Ruff': ratio('lezerParsed', 'ruff'),
      'Ruff(E4,E7,E9,F)/Ruff': ratio('ruffCli', 'ruff'),
    },
  };
}

function realTables(real: RealReport): { totals: string; slowest: string; worstRatio: number } {
  const row = (t: FrameworkTotal, label: string) =>
    `| ${label} | ${t.files} | ${fmt(t.chars / 1000, 0)} | ${fmt(t.lezer, 1)} | ${fmt(t.initlens, 1)} | ${fmt(div(t.initlens, t.lezer))}× | ${fmt(t.ruff, 1)} | ${fmt(div(t.initlens, t.ruff))}× | ${fmt(t.cpython, 1)} | ${fmt(div(t.initlens, t.cpython))}× |`;
  const totals = [
    '| Framework | files | KB | Lezer parse ms | InitLens analyze() ms | ÷ Lezer | Ruff wasm ms | ÷ Ruff | ast.parse ms | ÷ ast.parse |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...real.totals.map((t) => row(t, t.framework)),
    row(real.all, '**all**'),
  ].join('\n');
  const byRatio = [...real.files].sort((a, b) => b.initlens / b.lezer - a.initlens / a.lezer);
  const frow = (f: FileTiming) =>
    `| ${f.name} | ${f.framework} | ${fmt(f.chars / 1000, 1)} | ${fmt(f.lezer)} | ${fmt(f.initlens)} | ${fmt(f.initlens / f.lezer)}× | ${fmt(div(f.initlens, f.ruff))}× | ${fmt(div(f.initlens, f.cpython))}× |`;
  const slowest = [
    '| Slowest files (InitLens ÷ its own Lezer parse) | framework | KB | Lezer ms | InitLens ms | ÷ Lezer | ÷ Ruff | ÷ ast.parse |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...byRatio.slice(0, 5).map(frow),
  ].join('\n');
  return { totals, slowest, worstRatio: byRatio.length ? byRatio[0].initlens / byRatio[0].lezer : NaN };
}

function onTypeTables(rows: OnTypeFile[]): { summary: string; perFile: string; worst: string; medianOk: number; p95Ok: number; maxOk: number } {
  const medianOk = rows.filter((r) => r.median <= GOAL.onTypeMedian).length;
  const p95Ok = rows.filter((r) => r.p95 <= GOAL.onTypeP95).length;
  const maxOk = rows.filter((r) => r.max <= GOAL.onTypeMax).length;
  const worstOf = (k: 'median' | 'p95' | 'max') => rows.reduce((m, r) => Math.max(m, r[k]), 0);
  const updates = rows.reduce((n, r) => n + r.updates, 0);
  const checked = rows.reduce((n, r) => n + r.checked, 0);
  const summary = [
    `| On-type (${rows.length} files, ${updates} updates, ${checked} compared with a fresh analyze()) | worst file | files within goal |`,
    '|---|---:|---:|',
    `| median ms (goal ≤ ${GOAL.onTypeMedian}) | ${fmt(worstOf('median'))} | ${medianOk}/${rows.length} |`,
    `| p95 ms (goal ≤ ${GOAL.onTypeP95}) | ${fmt(worstOf('p95'))} | ${p95Ok}/${rows.length} |`,
    `| max ms (goal ≤ ${GOAL.onTypeMax}) | ${fmt(worstOf('max'))} | ${maxOk}/${rows.length} |`,
  ].join('\n');
  const line = (r: OnTypeFile) =>
    `| ${r.name} | ${fmt(r.chars / 1000, 1)} | ${r.places} (${r.distinctPlaces} distinct; fwd ${r.kinds.forward}, init ${r.kinds.init}, args ${r.kinds['layer-args']}, module ${r.kinds.module}) | ${fmt(r.median)} | ${fmt(r.p95)} | ${fmt(r.max)} |`;
  const head = ['| File | KB | places | median ms | p95 ms | max ms |', '|---|---:|---|---:|---:|---:|'];
  const perFile = [...head, ...rows.map(line)].join('\n');
  const worst = [...head, ...[...rows].sort((a, b) => b.p95 - a.p95).slice(0, 8).map(line)].join('\n');
  return { summary, perFile, worst, medianOk, p95Ok, maxOk };
}

async function main(): Promise<number> {
  // The machine is shared: its load average (1 min) at the start and the end goes with the numbers.
  const loadAtStart = loadavg()[0];
  const errors: string[] = [];
  const engine = await loadEngine();
  const python = pythonExecutable();
  const ruffDefault = new ruff.Workspace(ruff.Workspace.defaultSettings(), ruff.PositionEncoding.Utf16);
  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(`InitLens benchmark on ${cpu} (${cpus().length} cores), Node ${process.version}, engine: ${engine.kind === 'bundle' ? 'esbuild bundle of src/core (as shipped)' : 'tsx sources'}`);

  // 1. Real code.
  let real: RealReport | null = null;
  let onType: OnTypeFile[] = [];
  let corpusNote = '';
  if (ONLY.has('real')) {
    const corpus = loadCorpus(root, engine);
    const kb = corpus.files.reduce((n, f) => n + f.text.length, 0) / 1000;
    corpusNote = `${corpus.files.length} Python files (${kb.toFixed(0)} KB) from ${corpus.source}${corpus.standIn ? ' — stand-ins: the real-code corpus test/wild does not exist yet' : ''}`;
    console.log(`\nReal code: ${corpusNote}; ${REAL_ROUNDS} rounds after 2 warm-up`);
    let cpy: CPythonTimer | null = null;
    try {
      cpy = await startCPython(python, corpus);
    } catch (err) {
      errors.push(`CPython reference failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    real = await runRealFull(corpus, engine, ruffDefault, cpy, REAL_ROUNDS, 2, errors);
    cpy?.stop();
    console.log(`On-type: ${PLACES} places per file, two updates each (type, delete)`);
    // Warm-up, as the full analysis has its warm-up rounds: the same keystrokes over the
    // hand-written corpus (test/corpus, not measured), so that the on-type and broken-code paths
    // are compiled before the first measured keystroke, as in an editor that has been typed in.
    // Without it the first files pay the JIT (bench/ontype-floor.ts 'cold' vs 'warm').
    for (const f of loadCorpus(root, engine, [join(root, 'test', 'corpus')]).files) runOnType(f, engine, PLACES, 1_000_000, []);
    for (const f of corpus.files) {
      const r = runOnType(f, engine, PLACES, 5, errors);
      if (r) onType.push(r);
    }
  }

  // 2. The generated file.
  const synthetic = ONLY.has('synthetic') ? await runSynthetic(engine, ruffDefault, python, errors) : null;

  // 3. Scale.
  let scale: ScaleReport | null = null;
  let patho: PathologicalReport | null = null;
  if (ONLY.has('scale')) {
    console.log('\nScale: 10k vs 100k generated lines, then the pathological file');
    scale = runScale(engine, 3);
    try {
      patho = runPathological(engine, 5, errors);
    } catch (err) {
      errors.push(`pathological: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // ------------------------------------------------------------ report ---
  const sections: string[] = [];
  const goals: Record<string, string> = {};
  const goalLines: string[] = [];
  let realT: ReturnType<typeof realTables> | null = null;
  let onT: ReturnType<typeof onTypeTables> | null = null;
  if (real) {
    realT = realTables(real);
    const total = div(real.all.initlens, real.all.lezer);
    goals.realTotal = pass(total === null ? null : total <= GOAL.realTotal);
    goals.realFile = pass(Number.isNaN(realT.worstRatio) ? null : realT.worstRatio <= GOAL.realFile);
    goalLines.push(`- Real code, full analysis ≤ ${GOAL.realTotal}× Lezer's parse in total: **${goals.realTotal}** (${fmt(total)}×)`);
    goalLines.push(`- Real code, no file above ${GOAL.realFile}× its own parse: **${goals.realFile}** (worst ${fmt(realT.worstRatio)}×)`);
    sections.push(`## Real code\n\n${corpusNote}. Medians of ${real.rounds} interleaved rounds after ${real.warmup} warm-up rounds, summed per framework (a file's framework is the one most of its layers belong to).\n\n${realT.totals}\n\n${realT.slowest}`);
  }
  if (onType.length) {
    onT = onTypeTables(onType);
    goals.onType = pass(onT.medianOk === onType.length && onT.p95Ok === onType.length && onT.maxOk === onType.length);
    goalLines.push(`- On-type on every real file, median ≤ ${GOAL.onTypeMedian} ms, p95 ≤ ${GOAL.onTypeP95} ms, max ≤ ${GOAL.onTypeMax} ms: **${goals.onType}** (within: median ${onT.medianOk}/${onType.length}, p95 ${onT.p95Ok}/${onType.length}, max ${onT.maxOk}/${onType.length} files)`);
    sections.push(`## On-type latency on real code\n\nAt ${PLACES} places per file spread through it (the end of a statement line in forward/call/__call__ and in __init__/setup, just inside a layer call's bracket, the end of a top-level statement; a small file gets the same places again with other characters), one character typed and deleted again: two \`IncrementalAnalyzer.update()\` calls per place. Every fifth typed character and the final text are compared with a fresh \`analyze()\`.\n\n${onT.summary}\n\n${onT.perFile}`);
  }
  if (synthetic) {
    const rows = Object.values(synthetic.stats).map((s) => `| ${s.label} | ${fmt(s.median)} | ${fmt(s.p25)}–${fmt(s.p75)} | ${fmt(s.min)}–${fmt(s.max)} | ${fmt(div(s.median, synthetic.stats.ruff?.median ?? null))}× |`);
    const table = ['| Contender | median ms | p25–p75 ms | min–max ms | ÷ Ruff |', '|---|---:|---:|---:|---:|', ...rows].join('\n');
    const ratioTable = ['| Ratio (medians) | value |', '|---|---:|', ...Object.entries(synthetic.ratios).map(([k, v]) => `| ${k} | ${fmt(v)}× |`)].join('\n');
    const inc = synthetic.incremental;
    const incTable = inc
      ? [
          '| Incremental update (one-character edit) | median ms | p95 ms | max ms | edits |',
          '|---|---:|---:|---:|---:|',
          `| typing in a function body (insert/delete) | ${fmt(inc.median)} | ${fmt(inc.p95)} | ${fmt(inc.max)} | ${inc.edits} |`,
          `| inside a layer call (Dense units 64↔65) | ${fmt(inc.layerEdit.median)} | ${fmt(inc.layerEdit.p95)} | n/a | ${inc.layerEdit.edits} |`,
        ].join('\n')
      : 'Incremental: not measured.';
    goals.syntheticIncremental = pass(inc ? inc.median <= GOAL.syntheticIncremental : null);
    sections.push(
      `## Generated file\n\n\`bench/generate.ts\`, ${synthetic.lines} lines / ${synthetic.chars} characters of Python (half of it ordinary code the relevance filter skips); ${ROUNDS} interleaved rounds after ${WARMUP} warm-up rounds. InitLens found ${synthetic.initlens?.layers} layers in ${synthetic.initlens?.models} models and ${synthetic.initlens?.findings} findings; Ruff (default settings) reported ${synthetic.ruffDiagnostics} diagnostics.\n\n${table}\n\n${ratioTable}\n\n${incTable}${inc ? `\n\n${inc.checks.map((c) => `- ✓ ${c}`).join('\n')}` : ''}`,
    );
  }
  if (scale || patho) {
    const lines: string[] = ['| Scale | lines | KB | median ms | goal |', '|---|---:|---:|---:|---|'];
    if (scale) {
      goals.scale = pass(scale.ratio <= GOAL.scale);
      lines.push(`| generated, 10k lines | ${scale.small.lines} | ${fmt(scale.small.chars / 1000, 0)} | ${fmt(scale.small.median, 1)} | |`);
      lines.push(`| generated, 100k lines | ${scale.large.lines} | ${fmt(scale.large.chars / 1000, 0)} | ${fmt(scale.large.median, 1)} | ${fmt(scale.ratio)}× the 10k file (≤ ${GOAL.scale}×): **${goals.scale}** |`);
      goalLines.push(`- Scale, 100k lines ≤ ${GOAL.scale}× the 10k-line time: **${goals.scale}** (${fmt(scale.ratio)}×)`);
    }
    if (patho) {
      goals.pathological = pass(patho.full.max <= GOAL.pathological && patho.onType.max <= GOAL.pathologicalBlock);
      lines.push(`| pathological: 3,000 layers in one class, 40 nested ifs, 60 nested brackets, 50 construction sites (${patho.layersFound} layers found) | ${patho.lines} | ${fmt(patho.chars / 1000, 0)} | ${fmt(patho.full.median, 1)} (max ${fmt(patho.full.max, 1)}) | ≤ ${GOAL.pathological} ms |`);
      lines.push(`| pathological, on-type (${patho.onType.updates} updates) | | | ${fmt(patho.onType.median)} (p95 ${fmt(patho.onType.p95)}, max ${fmt(patho.onType.max)}) | longest update ≤ ${GOAL.pathologicalBlock} ms |`);
      goalLines.push(`- Pathological file ≤ ${GOAL.pathological} ms and no on-type update above ${GOAL.pathologicalBlock} ms: **${goals.pathological}** (full ${fmt(patho.full.max, 0)} ms at most, longest update ${fmt(patho.onType.max, 1)} ms)`);
    }
    sections.push(`## Scale\n\n${lines.join('\n')}`);
  }
  if (synthetic?.incremental) goalLines.push(`- Generated file, one-character edit ≤ ${GOAL.syntheticIncremental} ms (median): **${goals.syntheticIncremental}** (median ${fmt(synthetic.incremental.median)} ms, p95 ${fmt(synthetic.incremental.p95)} ms)`);

  const env = {
    date: new Date().toISOString(),
    node: process.version,
    cpu,
    cores: cpus().length,
    engine: engine.kind,
    python: real?.python ?? null,
    ruff: ruff.Workspace.version(),
    /** 1-minute load average at the start and at the end of the run. */
    load: [loadAtStart, loadavg()[0]].map((x) => Math.round(x * 10) / 10),
  };
  console.log('');
  if (realT) console.log(`${realT.totals}\n\n${realT.slowest}\n`);
  if (onT) console.log(`${onT.summary}\n\nWorst files by p95:\n${onT.worst}\n`);
  for (const s of sections.slice(real ? (onType.length ? 2 : 1) : 0)) console.log(s.replace(/^## .*\n\n/, '') + '\n');
  console.log(goalLines.join('\n').replace(/\*\*/g, ''));

  writeFileSync(join(here, 'results.json'), JSON.stringify({ env, real, onType, synthetic, scale, pathological: patho, goals, errors }, null, 2) + '\n');
  const resultsMd = join(here, 'RESULTS.md');
  const previous = existsSync(resultsMd) ? readFileSync(resultsMd, 'utf8') : '';
  // The profile account below the marker is written by hand and kept across runs.
  const marker = '<!-- profile-account -->';
  const account = previous.includes(marker) ? previous.slice(previous.indexOf(marker)) : '';
  writeFileSync(
    resultsMd,
    [
      '# Benchmark results',
      '',
      `Generated by \`npm run bench\` on ${env.date}: Node ${env.node}, ${env.cpu} (${env.cores} cores), CPython ${env.python ?? 'n/a'}, Ruff ${env.ruff}; engine: ${engine.kind === 'bundle' ? 'src/core bundled by esbuild, as shipped' : 'tsx sources'}; load average ${env.load[0]} at the start, ${env.load[1]} at the end (${env.cores} cores: above ${env.cores}, every time here is inflated). Ratios are of times measured in this one run.`,
      '',
      '## Goals',
      '',
      goalLines.join('\n'),
      '',
      ...sections.flatMap((s) => [s, '']),
      errors.length ? `## Errors\n\n${errors.map((e) => `- ${e}`).join('\n')}\n` : '',
      account,
    ].join('\n'),
  );

  // The README shows a short version between its bench markers.
  const readmeLines = [
    `Last run: ${env.date.slice(0, 10)}, ${env.cpu} (${env.cores} cores, load average ${env.load[0]}–${env.load[1]}), Node ${env.node}; ratios of times measured in the same run.`,
    '',
    '| Measurement | result | goal |',
    '| --- | ---: | --- |',
  ];
  if (real && realT) {
    readmeLines.push(`| Real code (${real.all.files} files, ${fmt(real.all.chars / 1000, 0)} KB): InitLens \`analyze()\` ÷ Lezer's parse, total | ${fmt(div(real.all.initlens, real.all.lezer))}× (${fmt(real.all.initlens, 0)} ms ÷ ${fmt(real.all.lezer, 0)} ms) | ≤ ${GOAL.realTotal}×: **${goals.realTotal}** |`);
    readmeLines.push(`| … worst single file ÷ its own parse | ${fmt(realT.worstRatio)}× | ≤ ${GOAL.realFile}×: **${goals.realFile}** |`);
    readmeLines.push(`| … InitLens ÷ Ruff wasm lint / ÷ CPython \`ast.parse\` | ${fmt(div(real.all.initlens, real.all.ruff))}× / ${fmt(div(real.all.initlens, real.all.cpython))}× | |`);
  }
  if (onT) {
    const worstOf = (k: 'median' | 'p95' | 'max') => onType.reduce((m, r) => Math.max(m, r[k]), 0);
    readmeLines.push(`| On-type, one-character edit, worst file: median / p95 / max | ${fmt(worstOf('median'))} / ${fmt(worstOf('p95'))} / ${fmt(worstOf('max'))} ms | ≤ 1 / 2 / 10 ms: **${goals.onType}** |`);
  }
  if (synthetic) readmeLines.push(`| Generated ${synthetic.lines}-line file: \`analyze()\` | ${fmt(synthetic.stats.initlens?.median, 0)} ms (${fmt(synthetic.ratios['InitLens/Lezer'])}× Lezer, ${fmt(synthetic.ratios['InitLens/Ruff'])}× Ruff) | |`);
  if (scale) readmeLines.push(`| 100k-line ÷ 10k-line generated file | ${fmt(scale.ratio)}× | ≤ ${GOAL.scale}×: **${goals.scale}** |`);
  if (patho) readmeLines.push(`| Pathological file (3,000 layers in a class, deep nesting, 50 construction sites) | ${fmt(patho.full.median, 0)} ms, longest edit ${fmt(patho.onType.max, 1)} ms | ≤ 1 s, ≤ 50 ms: **${goals.pathological}** |`);
  readmeLines.push('', 'Details, spread and method: [bench/RESULTS.md](bench/RESULTS.md), [bench/README.md](bench/README.md).');
  const readme = join(root, 'README.md');
  if (existsSync(readme) && ONLY.size === 3) {
    const textNow = readFileSync(readme, 'utf8');
    const start = '<!-- bench:start -->';
    const end = '<!-- bench:end -->';
    const i = textNow.indexOf(start);
    const j = textNow.indexOf(end);
    if (i >= 0 && j > i) writeFileSync(readme, `${textNow.slice(0, i + start.length)}\n${readmeLines.join('\n')}\n${textNow.slice(j)}`);
  }

  if (errors.length) {
    console.error(`\n${errors.length} error(s):`);
    for (const e of errors) console.error(`  ✗ ${e}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
