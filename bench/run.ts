/**
 * `npm run bench`: analysis time of a generated 10,000-line Python file,
 * reported as ratios to reference tools measured in the same process and run.
 *
 * Contenders (one sample of each per round, in a rotating order):
 *   ruff      Ruff's WebAssembly build, `Workspace.check()` with the default
 *             settings the wasm build ships (the Ruff playground rule set);
 *             the reference every ratio is taken against.
 *   ruff-cli  the same with only Ruff's CLI default rules (E4, E7, E9, F);
 *             informational.
 *   lezer     `@lezer/python` parse alone.
 *   initlens  the full `analyze(text, 'python')` (parse + detection + rules).
 *   ast.parse CPython's `ast.parse`, timed inside one long-lived Python
 *             process with time.perf_counter (driven over a pipe, so the
 *             samples interleave with the others).
 * Then the incremental path: an IncrementalAnalyzer that has seen the file
 * gets one-character edits in the middle of a function body (alternately
 * typed and deleted, so the text goes invalid and back), timed per update.
 *
 * Output: a table on stdout, bench/results.json, bench/RESULTS.md, and the
 * short table between `<!-- bench:start -->` and `<!-- bench:end -->` in README.md.
 * Exit code is non-zero only on errors (an engine exception, a wrong
 * incremental result, a failed reference); missed goals print MISS.
 *
 * Environment: BENCH_ROUNDS (default 15), BENCH_WARMUP (default 3),
 * BENCH_EDITS (default 400), BENCH_LINES (default 10000), BENCH_PYTHON, BENCH_GC
 * (1: full GC before every sample; needs node --expose-gc).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import ruff from '@astral-sh/ruff-wasm-nodejs';
import { parser as pythonParser } from '@lezer/python';
import { generatePython, middleSite, type EditSite, type GeneratedFile } from './generate.js';
import type { AnalysisResult, Language } from '../src/core/types.js';
import { PythonParser } from '../src/core/parse/python.js';
import { compareResults, summarize, type Summary } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = intEnv('BENCH_ROUNDS', 15);
const WARMUP = intEnv('BENCH_WARMUP', 3);
const EDITS = Math.max(200, intEnv('BENCH_EDITS', 400));
const LINES = intEnv('BENCH_LINES', 10_000);
const GOAL_FULL_RATIO = 1.0;
const GOAL_INCREMENTAL_MS = 2.0;

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

// ---------------------------------------------------------------- engine ---

type AnalyzeFn = (text: string, language: Language) => AnalysisResult;
interface IncrementalLike {
  update(newText: string, changes?: { from: number; to: number; insert: string }[]): AnalysisResult;
}
type IncrementalCtor = new (language: Language) => IncrementalLike;

async function loadEngine(): Promise<{ analyze: AnalyzeFn; Incremental: IncrementalCtor | null; incrementalError: string | null }> {
  const core = (await import('../src/core/index.js')) as { analyze: AnalyzeFn };
  if (typeof core.analyze !== 'function') throw new Error('src/core/index.ts does not export analyze()');
  try {
    const inc = (await import('../src/core/analysis/incremental.js')) as { IncrementalAnalyzer?: IncrementalCtor };
    if (typeof inc.IncrementalAnalyzer !== 'function') return { analyze: core.analyze, Incremental: null, incrementalError: 'incremental.ts does not export IncrementalAnalyzer' };
    return { analyze: core.analyze, Incremental: inc.IncrementalAnalyzer, incrementalError: null };
  } catch (err) {
    return { analyze: core.analyze, Incremental: null, incrementalError: String(err) };
  }
}

// ---------------------------------------------------------------- CPython --

function pythonExecutable(): string {
  if (process.env.BENCH_PYTHON) return process.env.BENCH_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** One long-lived CPython process; `parse()` asks it for one timed ast.parse. */
class CPythonTimer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = '';
  private exited: string | null = null;
  version = '';

  private constructor(python: string, file: string) {
    this.child = spawn(python, [join(here, 'cpython_timer.py'), file], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.on('error', (err) => this.fail(`cannot start ${python}: ${err.message}`));
    this.child.on('exit', (code) => this.fail(`python exited with code ${code}: ${this.stderr.trim()}`));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.pending.shift()?.(line));
  }

  private fail(message: string): void {
    this.exited ??= message;
    for (const resolve of this.pending.splice(0)) resolve(JSON.stringify({ error: message }));
  }

  private next(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(this.exited));
      this.pending.push((line) => {
        try {
          const msg = JSON.parse(line) as Record<string, unknown>;
          if (typeof msg.error === 'string') reject(new Error(msg.error));
          else resolve(msg);
        } catch {
          reject(new Error(`unexpected output from python: ${line}`));
        }
      });
    });
  }

  static async start(python: string, file: string, expectedChars: number): Promise<CPythonTimer> {
    const t = new CPythonTimer(python, file);
    const hello = await t.next();
    if (hello.ready !== true || hello.chars !== expectedChars) throw new Error(`python read ${String(hello.chars)} chars, expected ${expectedChars}`);
    t.version = String(hello.python);
    return t;
  }

  async parse(): Promise<number> {
    const reply = this.next();
    this.child.stdin.write('parse\n');
    const msg = await reply;
    if (typeof msg.ms !== 'number') throw new Error(`bad reply from python: ${JSON.stringify(msg)}`);
    return msg.ms;
  }

  stop(): void {
    this.exited ??= 'stopped';
    this.child.stdin.end('quit\n');
  }
}

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

async function main(): Promise<number> {
  const errors: string[] = [];
  const file = generatePython({ lines: LINES });
  const text = file.text;
  const dir = mkdtempSync(join(tmpdir(), 'initlens-bench-'));
  const path = join(dir, 'models.py');
  writeFileSync(path, text);

  console.log(`InitLens benchmark: ${file.lines} lines, ${text.length} chars, ${ROUNDS} rounds after ${WARMUP} warm-up, forced GC between samples: ${gc ? 'yes' : 'no'}`);

  const ruffDefault = new ruff.Workspace(ruff.Workspace.defaultSettings(), ruff.PositionEncoding.Utf16);
  const ruffCli = new ruff.Workspace({ lint: { select: ['E4', 'E7', 'E9', 'F'] } }, ruff.PositionEncoding.Utf16);
  const ruffDiagnostics = (ruffDefault.check(text) as unknown[]).length;

  let engine: Awaited<ReturnType<typeof loadEngine>> | null = null;
  try {
    engine = await loadEngine();
  } catch (err) {
    errors.push(`cannot load the engine: ${err instanceof Error ? err.message : String(err)}`);
  }

  let first: AnalysisResult | null = null;
  if (engine) {
    try {
      first = engine.analyze(text, 'python');
      console.log(`InitLens finds ${first.layers.length} layers, ${first.models.length} models, ${first.findings.length} findings, ${first.errors.length} parse errors; Ruff reports ${ruffDiagnostics} diagnostics.`);
    } catch (err) {
      errors.push(`analyze() threw on the benchmark file: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      engine = null;
    }
  }

  const python = pythonExecutable();
  let cpython: CPythonTimer | null = null;
  try {
    cpython = await CPythonTimer.start(python, path, text.length);
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
  const parsedChunks = new PythonParser().parse(text).chunks.map((c) => c.text);
  const parsedChars = parsedChunks.reduce((n, c) => n + c.length, 0);
  const parsedShare = parsedChars / text.length;
  contenders.push({
    key: 'lezerParsed',
    label: `Lezer parse of what InitLens parses (${(100 * parsedShare).toFixed(0)}% of the file)`,
    run: () => time(() => { for (const c of parsedChunks) pythonParser.parse(c); }),
    samples: [],
  });
  if (engine) {
    const analyze = engine.analyze;
    contenders.push({ key: 'initlens', label: 'InitLens analyze()', run: () => time(() => analyze(text, 'python')), samples: [] });
  }
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

  let incremental: IncrementalReport | null = null;
  if (engine?.Incremental) {
    try {
      incremental = runIncremental(file, engine.analyze, engine.Incremental);
    } catch (err) {
      errors.push(`incremental: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else if (engine) {
    errors.push(`IncrementalAnalyzer unavailable: ${engine.incrementalError}`);
  }

  const stats: Record<string, Summary & { label: string }> = {};
  for (const c of contenders) if (c.samples.length) stats[c.key] = { label: c.label, ...summarize(c.samples) };
  const ratio = (a: string, b: string): number | null => (stats[a] && stats[b] ? stats[a].median / stats[b].median : null);
  const ratios = {
    'InitLens/Ruff': ratio('initlens', 'ruff'),
    'ast.parse/Ruff': ratio('cpython', 'ruff'),
    'Lezer/Ruff': ratio('lezer', 'ruff'),
    'InitLens/ast.parse': ratio('initlens', 'cpython'),
    'InitLens/Lezer': ratio('initlens', 'lezer'),
    'Lezer(parsed part)/Ruff': ratio('lezerParsed', 'ruff'),
    'InitLens/Lezer(parsed part)': ratio('initlens', 'lezerParsed'),
    'Ruff(E4,E7,E9,F)/Ruff': ratio('ruffCli', 'ruff'),
  };
  const goals = {
    fullAnalysis: ratios['InitLens/Ruff'] === null ? 'n/a' : ratios['InitLens/Ruff'] <= GOAL_FULL_RATIO ? 'PASS' : 'MISS',
    incremental: incremental === null ? 'n/a' : incremental.median <= GOAL_INCREMENTAL_MS ? 'PASS' : 'MISS',
  };

  const fmt = (n: number | null | undefined, d = 2): string => (n === null || n === undefined ? 'n/a' : n.toFixed(d));
  const rows = contenders
    .filter((c) => stats[c.key])
    .map((c) => {
      const s = stats[c.key];
      return `| ${c.label} | ${fmt(s.median)} | ${fmt(s.p25)}–${fmt(s.p75)} | ${fmt(s.min)}–${fmt(s.max)} | ${fmt(ratio(c.key, 'ruff'))}× |`;
    });
  const table = [
    '| Contender | median ms | p25–p75 ms | min–max ms | ÷ Ruff |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  const ratioTable = ['| Ratio (medians) | value |', '|---|---:|', ...Object.entries(ratios).map(([k, v]) => `| ${k} | ${fmt(v)}× |`)].join('\n');
  const incTable = incremental
    ? [
        '| Incremental update (one-character edit) | median ms | p95 ms | max ms | edits |',
        '|---|---:|---:|---:|---:|',
        `| typing in a function body (insert/delete) | ${fmt(incremental.median)} | ${fmt(incremental.p95)} | ${fmt(incremental.max)} | ${incremental.edits} |`,
        `| inside a layer call (Dense units 64↔65) | ${fmt(incremental.layerEdit.median)} | ${fmt(incremental.layerEdit.p95)} | n/a | ${incremental.layerEdit.edits} |`,
      ].join('\n')
    : 'Incremental: not measured.';
  const goalLines = [
    `- Full analysis ≤ ${GOAL_FULL_RATIO.toFixed(1)}× Ruff: **${goals.fullAnalysis}** (${fmt(ratios['InitLens/Ruff'])}×)`,
    `- One-character edit → fresh findings ≤ ${GOAL_INCREMENTAL_MS} ms (median): **${goals.incremental}** (median ${fmt(incremental?.median)} ms, p95 ${fmt(incremental?.p95)} ms)`,
  ].join('\n');

  const env = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    python: cpython?.version ?? null,
    pythonExecutable: python,
    ruff: ruff.Workspace.version(),
    lines: file.lines,
    chars: text.length,
    rounds: ROUNDS,
    warmup: WARMUP,
    gcBetweenSamples: Boolean(gc),
    initlens: first ? { layers: first.layers.length, models: first.models.length, findings: first.findings.length, parseErrors: first.errors.length } : null,
    ruffDiagnostics,
  };

  console.log('');
  console.log(table);
  console.log('');
  console.log(ratioTable);
  console.log('');
  console.log(incTable);
  if (incremental) for (const c of incremental.checks) console.log(`  ✓ ${c}`);
  console.log('');
  console.log(goalLines.replace(/\*\*/g, ''));

  writeFileSync(join(here, 'results.json'), JSON.stringify({ env, contenders: stats, ratios, incremental, goals, errors }, null, 2) + '\n');
  writeFileSync(
    join(here, 'RESULTS.md'),
    [
      '# Benchmark results',
      '',
      `Generated by \`npm run bench\` on ${env.date}: Node ${env.node}, ${env.cpu} (${env.cores} cores), CPython ${env.python ?? 'n/a'}, Ruff ${env.ruff}.`,
      `Input: \`bench/generate.ts\`, ${env.lines} lines / ${env.chars} characters of Python; ${ROUNDS} interleaved rounds after ${WARMUP} warm-up rounds.`,
      env.initlens ? `InitLens found ${env.initlens.layers} layers in ${env.initlens.models} models and ${env.initlens.findings} findings; Ruff (default settings) reported ${ruffDiagnostics} diagnostics.` : '',
      '',
      table,
      '',
      ratioTable,
      '',
      incTable,
      '',
      goalLines,
      '',
      errors.length ? `Errors:\n\n${errors.map((e) => `- ${e}`).join('\n')}\n` : '',
    ].join('\n'),
  );
  rmSync(dir, { recursive: true, force: true });

  // The README shows a short version between its bench markers.
  const readmeTable = [
    `Last run: ${env.date.slice(0, 10)}, ${env.cpu} (${env.cores} cores), Node ${env.node}; ${env.lines} lines, medians of ${ROUNDS} interleaved rounds.`,
    '',
    '| Measurement | median | ÷ Ruff wasm | Goal |',
    '| --- | ---: | ---: | --- |',
    `| Ruff ${env.ruff} wasm lint (reference) | ${fmt(stats.ruff?.median, 1)} ms | 1.00× | |`,
    `| CPython ${env.python ?? ''} \`ast.parse\` | ${fmt(stats.cpython?.median, 1)} ms | ${fmt(ratios['ast.parse/Ruff'])}× | |`,
    `| Lezer parse alone | ${fmt(stats.lezer?.median, 1)} ms | ${fmt(ratios['Lezer/Ruff'])}× | |`,
    `| Lezer parse of the statements InitLens parses (${(100 * parsedShare).toFixed(0)}% of the file) | ${fmt(stats.lezerParsed?.median, 1)} ms | ${fmt(ratios['Lezer(parsed part)/Ruff'])}× | |`,
    `| InitLens \`analyze()\` (parse + detection + rules) | ${fmt(stats.initlens?.median, 1)} ms | ${fmt(ratios['InitLens/Ruff'])}× | ≤ ${GOAL_FULL_RATIO.toFixed(1)}×: **${goals.fullAnalysis}** |`,
    `| One-character edit → fresh findings (incremental) | ${fmt(incremental?.median)} ms (p95 ${fmt(incremental?.p95)} ms) | | ≤ ${GOAL_INCREMENTAL_MS} ms: **${goals.incremental}** |`,
    '',
    'Details, spread and method: [bench/RESULTS.md](bench/RESULTS.md), [bench/README.md](bench/README.md).',
  ].join('\n');
  const readme = join(here, '..', 'README.md');
  if (existsSync(readme)) {
    const textNow = readFileSync(readme, 'utf8');
    const start = '<!-- bench:start -->';
    const end = '<!-- bench:end -->';
    const i = textNow.indexOf(start);
    const j = textNow.indexOf(end);
    if (i >= 0 && j > i) writeFileSync(readme, `${textNow.slice(0, i + start.length)}\n${readmeTable}\n${textNow.slice(j)}`);
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
