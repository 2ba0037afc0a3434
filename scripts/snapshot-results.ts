/**
 * Snapshot of everything the engine and the CLI say about the repository's sample code, to prove
 * that a refactor changed nothing: every file of test/corpus, examples/, docs/qa/repro/ and
 * test/wild/ (when present) goes through
 *   - the engine's `analyze()` (plain source files: findings with fixes, layers, models, errors),
 *   - `initlens check --format json` and `initlens layers --format json` (the report),
 *   - `initlens check` and `initlens layers` in text, and `initlens simulate --method analytic
 *     --format json` and text, for every model of the file (the analytic method: deterministic and
 *     fast, where Monte Carlo is slow and seed-dependent; wall-clock fields such as `totalMs` are
 *     dropped),
 * all in-process through the CLI's `run(argv, io)`, and one JSON per input file is written.
 *
 *   node --import tsx scripts/snapshot-results.ts OUT_DIR                write a snapshot
 *   node --import tsx scripts/snapshot-results.ts OUT_DIR --compare DIR  also diff OUT_DIR against DIR;
 *                                                                        exit 1 on any difference
 *   node --import tsx scripts/snapshot-results.ts --compare DIR          diff against DIR without keeping
 *                                                                        the new snapshot
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { analyze, defaultOptions, type Language } from '../src/core/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = ['test/corpus', 'examples', 'docs/qa/repro', 'test/wild'];
const LANGUAGE: Record<string, Language | 'notebook'> = {
  '.py': 'python',
  '.ipynb': 'notebook',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
};

type RunCli = (argv: readonly string[], io: Record<string, unknown>) => Promise<number>;

/** The CLI's `run`, wherever the entry module lives in this checkout (so old commits can be snapshotted too). */
async function loadCli(): Promise<RunCli> {
  for (const rel of ['src/cli/main.ts', 'src/cli.ts']) {
    const path = join(ROOT, rel);
    if (existsSync(path)) return ((await import(pathToFileURL(path).href)) as { run: RunCli }).run;
  }
  throw new Error('no CLI entry module (src/cli/main.ts or src/cli.ts)');
}

function extensionOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(dot);
}

function inputs(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (LANGUAGE[extensionOf(name)]) out.push(relative(ROOT, p));
    }
  };
  for (const s of SOURCES) if (existsSync(join(ROOT, s))) walk(join(ROOT, s));
  return out;
}

async function cli(run: RunCli, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    cwd: ROOT,
    env: {},
    isTTY: false,
    stdout: (t: string) => {
      stdout += t;
    },
    stderr: (t: string) => {
      stderr += t;
    },
    writeFile: async () => {
      throw new Error('snapshot never writes');
    },
  });
  return { code, stdout, stderr };
}

/** Wall-clock fields (`totalMs`, `analyticMs`, …): how long a run took, not what it found. */
const TIMING_KEY = /Ms$/;

function parsedOrText(s: string): unknown {
  try {
    return JSON.parse(s, (key, value: unknown) => (TIMING_KEY.test(key) && typeof value === 'number' ? undefined : value));
  } catch {
    return s;
  }
}

async function snapshotOf(run: RunCli, rel: string): Promise<unknown> {
  const kind = LANGUAGE[extensionOf(rel)]!;
  const text = readFileSync(join(ROOT, rel), 'utf8');
  let engine: unknown = null;
  if (kind !== 'notebook') {
    try {
      engine = analyze(text, kind, defaultOptions);
    } catch (e) {
      engine = { thrown: e instanceof Error ? e.message : String(e) };
    }
  }
  const checkJson = await cli(run, ['check', rel, '--format', 'json']);
  const layersJson = await cli(run, ['layers', rel, '--format', 'json']);
  const checkText = await cli(run, ['check', rel]);
  const layersText = await cli(run, ['layers', rel]);
  const layers = parsedOrText(layersJson.stdout) as { files?: { models?: unknown[] }[] };
  const modelCount = Math.max(1, layers.files?.[0]?.models?.length ?? 1);
  const simulate: unknown[] = [];
  for (let m = 0; m < modelCount; m++) {
    const json = await cli(run, ['simulate', rel, '--model', String(m), '--method', 'analytic', '--format', 'json']);
    const txt = await cli(run, ['simulate', rel, '--model', String(m), '--method', 'analytic']);
    simulate.push({ json: { ...json, stdout: parsedOrText(json.stdout) }, text: txt });
  }
  return {
    file: rel,
    engine,
    check: { json: { ...checkJson, stdout: parsedOrText(checkJson.stdout) }, text: checkText },
    layers: { json: { ...layersJson, stdout: layers }, text: layersText },
    simulate,
  };
}

function fileNameOf(rel: string): string {
  return rel.replace(/[\\/]/g, '__') + '.json';
}

/** Names of files that differ, are missing or are extra in `dir` against `reference`. */
function compare(dir: string, reference: string): string[] {
  const a = new Set(readdirSync(dir));
  const b = new Set(readdirSync(reference));
  const diffs: string[] = [];
  for (const f of [...b].sort()) {
    if (!a.has(f)) diffs.push(`missing now: ${f}`);
    else if (readFileSync(join(dir, f), 'utf8') !== readFileSync(join(reference, f), 'utf8')) diffs.push(`differs: ${f}`);
  }
  for (const f of [...a].sort()) if (!b.has(f)) diffs.push(`new file: ${f}`);
  return diffs;
}

const argv = process.argv.slice(2);
const cmpAt = argv.indexOf('--compare');
const reference = cmpAt >= 0 ? argv[cmpAt + 1] : undefined;
if (cmpAt >= 0 && !reference) {
  console.error('snapshot-results: --compare needs a folder');
  process.exit(2);
}
const positional = cmpAt < 0 ? argv : argv.filter((_, i) => i !== cmpAt && i !== cmpAt + 1);
if (positional.length > 1 || (positional.length === 0 && !reference)) {
  console.error('usage: snapshot-results.ts OUT_DIR [--compare DIR] | --compare DIR');
  process.exit(2);
}
const out = positional[0] ?? mkdtempSync(join(tmpdir(), 'initlens-snapshot-'));
mkdirSync(out, { recursive: true });
const run = await loadCli();
const files = inputs();
for (const rel of files) {
  writeFileSync(join(out, fileNameOf(rel)), JSON.stringify(await snapshotOf(run, rel), null, 1) + '\n');
}
console.log(`snapshot-results: ${files.length} files → ${out}`);
if (reference) {
  const diffs = compare(out, reference);
  if (!positional[0]) rmSync(out, { recursive: true, force: true });
  if (diffs.length > 0) {
    console.log(`snapshot-results: ${diffs.length} difference(s) against ${reference}:\n  ${diffs.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`snapshot-results: identical to ${reference}`);
}
