/**
 * Real-code rows of `npm run bench`: full analysis of every Python file of the
 * real-code corpus against Lezer's parse of the same file, Ruff wasm and
 * CPython's ast.parse (one sample of each per file per round, order rotated),
 * then on-type latency through IncrementalAnalyzer at ≥ 40 places per file.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parser as pythonParser } from '@lezer/python';
import type { SyntaxNode } from '@lezer/common';
import type { AnalysisResult } from '../src/core/types.js';
import type { Engine } from './engine.js';
import { CPythonTimer, codePoints } from './cpython.js';
import { compareResults, quantile } from './stats.js';

export interface CorpusFile {
  path: string;
  /** Path relative to the repository root. */
  name: string;
  text: string;
  framework: string;
}

export interface Corpus {
  files: CorpusFile[];
  /** Where the files came from, for the report. */
  source: string;
  /** True when the real-code corpus (test/wild) was not available and stand-ins were used. */
  standIn: boolean;
}

function pythonFilesUnder(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    const st = statSync(p);
    if (st.isDirectory()) pythonFilesUnder(p, out);
    else if (entry.endsWith('.py')) out.push(p);
  }
}

/** Most common framework among the file's layers ('none' when it has none). */
function frameworkOf(r: AnalysisResult): string {
  const count = new Map<string, number>();
  for (const l of r.layers) count.set(l.framework, (count.get(l.framework) ?? 0) + 1);
  let best = 'none';
  let n = 0;
  for (const [k, v] of count) if (v > n) [best, n] = [k, v];
  return best;
}

/**
 * The Python files of `only` when given (the on-type warm-up's test/corpus); else
 * BENCH_CORPUS (directories separated by ':') if set; else test/wild, the
 * real-code corpus, when it holds Python files; else the stand-ins: the test
 * corpus, the examples and the QA reproducers.
 */
export function loadCorpus(root: string, engine: Engine, only?: readonly string[]): Corpus {
  const fromEnv = process.env.BENCH_CORPUS;
  let dirs: string[];
  let standIn = false;
  if (only) dirs = [...only];
  else if (fromEnv) dirs = fromEnv.split(':').filter(Boolean);
  else {
    const wild = join(root, 'test', 'wild');
    const wildFiles: string[] = [];
    if (existsSync(wild)) pythonFilesUnder(wild, wildFiles);
    if (wildFiles.length) dirs = [wild];
    else {
      dirs = ['test/corpus', 'examples', 'docs/qa/repro'].map((d) => join(root, d)).filter((d) => existsSync(d));
      standIn = true;
    }
  }
  const paths: string[] = [];
  for (const d of dirs) pythonFilesUnder(d, paths);
  const files = paths.map((path) => {
    const text = readFileSync(path, 'utf8');
    return { path, name: relative(root, path), text, framework: frameworkOf(engine.analyze(text, 'python')) };
  });
  return { files, source: dirs.map((d) => relative(root, d) || d).join(', '), standIn };
}

// ------------------------------------------------------------ full analysis

export interface FileTiming {
  name: string;
  framework: string;
  chars: number;
  /** Medians over the measured rounds, ms. */
  lezer: number;
  initlens: number;
  ruff: number | null;
  cpython: number | null;
}

export interface FrameworkTotal {
  framework: string;
  files: number;
  chars: number;
  lezer: number;
  initlens: number;
  ruff: number | null;
  cpython: number | null;
}

export interface RealReport {
  rounds: number;
  warmup: number;
  files: FileTiming[];
  totals: FrameworkTotal[];
  all: FrameworkTotal;
  python: string | null;
}

interface RuffLike {
  check(text: string): unknown;
}

export async function runRealFull(corpus: Corpus, engine: Engine, ruff: RuffLike, cpython: CPythonTimer | null, rounds: number, warmup: number, errors: string[]): Promise<RealReport> {
  const n = corpus.files.length;
  const samples = corpus.files.map(() => ({ lezer: [] as number[], initlens: [] as number[], ruff: [] as number[], cpython: [] as number[] }));
  let py = cpython;
  let ruffOk = true;
  for (let round = 0; round < warmup + rounds; round++) {
    for (let i = 0; i < n; i++) {
      const f = corpus.files[i];
      const s = samples[i];
      const runs: [keyof typeof s, () => number | Promise<number>][] = [
        ['lezer', () => timeSync(() => pythonParser.parse(f.text))],
        ['initlens', () => timeSync(() => engine.analyze(f.text, 'python'))],
      ];
      if (ruffOk) runs.push(['ruff', () => timeSync(() => ruff.check(f.text))]);
      if (py) {
        const c = py;
        runs.push(['cpython', () => c.parse(i)]);
      }
      for (let k = 0; k < runs.length; k++) {
        const [key, run] = runs[(k + round + i) % runs.length];
        try {
          const ms = await run();
          if (round >= warmup) s[key].push(ms);
        } catch (err) {
          errors.push(`${key} on ${f.name}: ${err instanceof Error ? err.message : String(err)}`);
          if (key === 'cpython') py = null;
          if (key === 'ruff') ruffOk = false;
        }
      }
    }
    process.stdout.write(round < warmup ? 'w' : '.');
  }
  process.stdout.write('\n');
  const med = (xs: number[]): number | null => (xs.length ? quantile([...xs].sort((a, b) => a - b), 0.5) : null);
  const files: FileTiming[] = corpus.files.map((f, i) => ({
    name: f.name,
    framework: f.framework,
    chars: f.text.length,
    lezer: med(samples[i].lezer) ?? NaN,
    initlens: med(samples[i].initlens) ?? NaN,
    ruff: ruffOk ? med(samples[i].ruff) : null,
    cpython: py ? med(samples[i].cpython) : null,
  }));
  const total = (framework: string, fs: FileTiming[]): FrameworkTotal => ({
    framework,
    files: fs.length,
    chars: fs.reduce((a, f) => a + f.chars, 0),
    lezer: fs.reduce((a, f) => a + f.lezer, 0),
    initlens: fs.reduce((a, f) => a + f.initlens, 0),
    ruff: fs.every((f) => f.ruff !== null) ? fs.reduce((a, f) => a + (f.ruff ?? 0), 0) : null,
    cpython: fs.every((f) => f.cpython !== null) ? fs.reduce((a, f) => a + (f.cpython ?? 0), 0) : null,
  });
  const frameworks = [...new Set(files.map((f) => f.framework))].sort();
  return {
    rounds,
    warmup,
    files,
    totals: frameworks.map((fw) => total(fw, files.filter((f) => f.framework === fw))),
    all: total('all', files),
    python: py?.version ?? null,
  };
}

function timeSync(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

// ------------------------------------------------------------------ on-type

export type PlaceKind = 'forward' | 'init' | 'layer-args' | 'module';
export interface Place {
  kind: PlaceKind;
  offset: number;
}

const FORWARD_NAMES = new Set(['forward', 'call', '__call__']);

/** End of the text on the line that holds `offset` (before a comment is fine: typing happens anywhere). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  let end = nl < 0 ? text.length : nl;
  if (end > 0 && text[end - 1] === '\r') end--;
  return end;
}

/**
 * Places to type at, from the file's syntax tree and its analysis: the end of
 * a statement line inside forward/call/__call__ and inside __init__, just after
 * the opening bracket of a layer constructor call, and the end of a top-level
 * statement line. Each kind is thinned to evenly spaced places, and the kinds
 * are interleaved, so that the places are spread through the file.
 */
export function editPlaces(text: string, result: AnalysisResult, wanted: number): Place[] {
  const tree = pythonParser.parse(text);
  const byKind: Record<PlaceKind, number[]> = { forward: [], init: [], 'layer-args': [], module: [] };
  const bodyLines = (body: SyntaxNode, into: number[]): void => {
    for (let c = body.firstChild; c; c = c.nextSibling) {
      if (c.type.isError || c.name === ':' || c.name === 'Comment') continue;
      into.push(lineEnd(text, c.from));
    }
  };
  const top = tree.topNode;
  for (let c = top.firstChild; c; c = c.nextSibling) {
    if (c.type.isError || c.name === 'Comment') continue;
    byKind.module.push(lineEnd(text, c.from));
  }
  tree.iterate({
    enter: (n) => {
      if (n.name !== 'FunctionDefinition') return;
      const nameNode = n.node.getChild('VariableName');
      const body = n.node.getChild('Body');
      if (!nameNode || !body) return;
      const name = text.slice(nameNode.from, nameNode.to);
      if (FORWARD_NAMES.has(name)) bodyLines(body, byKind.forward);
      else if (name === '__init__' || name === 'setup') bodyLines(body, byKind.init);
    },
  });
  for (const l of result.layers) {
    const open = text.indexOf('(', l.span.from);
    if (open >= 0 && open < l.span.to) byKind['layer-args'].push(open + 1);
  }
  const kinds: PlaceKind[] = ['forward', 'init', 'layer-args', 'module'];
  const present = kinds.filter((k) => byKind[k].length);
  if (!present.length) return [];
  const per = Math.ceil(wanted / present.length);
  const lists = present.map((k) => {
    const xs = [...new Set(byKind[k])].sort((a, b) => a - b);
    const take = Math.min(per, xs.length);
    const out: Place[] = [];
    for (let j = 0; j < take; j++) out.push({ kind: k, offset: xs[Math.floor((j * xs.length) / take)] });
    return out;
  });
  const places: Place[] = [];
  for (let j = 0; places.length < wanted && lists.some((l) => j < l.length); j++) for (const l of lists) if (j < l.length) places.push(l[j]);
  // A small file has fewer distinct places than wanted: type at them again (other characters).
  for (let j = 0; places.length < wanted; j++) places.push(places[j]);
  return places;
}

export interface OnTypeFile {
  name: string;
  chars: number;
  places: number;
  distinctPlaces: number;
  kinds: Record<PlaceKind, number>;
  updates: number;
  median: number;
  p95: number;
  max: number;
  /** Updates compared with a fresh analyze(). */
  checked: number;
}

const CHARS = ['x', '(', '1', ' ', '.', ':', '"', ',', '[', '0'];

/**
 * At every place, type one character and delete it again (two updates), the
 * analyzer carrying its state from place to place. After every `checkEvery`-th
 * insertion and after the last edit, the result must equal a fresh analyze();
 * a difference is an error of the run.
 */
export function runOnType(file: CorpusFile, engine: Engine, placesWanted: number, checkEvery: number, errors: string[]): OnTypeFile | null {
  const base = engine.analyze(file.text, 'python');
  const places = editPlaces(file.text, base, placesWanted);
  if (!places.length) return null;
  const inc = new engine.Incremental('python');
  let text = file.text;
  inc.update(text);
  const times: number[] = [];
  let checked = 0;
  const kinds: Record<PlaceKind, number> = { forward: 0, init: 0, 'layer-args': 0, module: 0 };
  for (let j = 0; j < places.length; j++) {
    const { offset, kind } = places[j];
    kinds[kind]++;
    const ch = CHARS[j % CHARS.length];
    const ins = { from: offset, to: offset, insert: ch };
    text = text.slice(0, offset) + ch + text.slice(offset);
    let t = performance.now();
    let r = inc.update(text, [ins]);
    times.push(performance.now() - t);
    if (j % checkEvery === 0) {
      checked++;
      const diff = compareResults(r, engine.analyze(text, 'python'));
      if (diff) errors.push(`on-type ${file.name}: after typing ${JSON.stringify(ch)} at offset ${offset} (${kind}) the incremental result differs from a fresh analyze(): ${diff}`);
    }
    const del = { from: offset, to: offset + 1, insert: '' };
    text = text.slice(0, offset) + text.slice(offset + 1);
    t = performance.now();
    r = inc.update(text, [del]);
    times.push(performance.now() - t);
    if (j === places.length - 1) {
      checked++;
      const diff = compareResults(r, base);
      if (diff) errors.push(`on-type ${file.name}: after the last edit the result differs from the original file's analysis: ${diff}`);
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    name: file.name,
    chars: file.text.length,
    places: places.length,
    distinctPlaces: new Set(places.map((p) => p.offset)).size,
    kinds,
    updates: times.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted[sorted.length - 1],
    checked,
  };
}

export function startCPython(python: string, corpus: Corpus): Promise<CPythonTimer> {
  return CPythonTimer.start(
    python,
    corpus.files.map((f) => f.path),
    corpus.files.map((f) => codePoints(f.text)),
  );
}
