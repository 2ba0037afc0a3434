/**
 * `npm run eval`: run InitLens on the hand-labelled corpus (test/corpus) and
 * compare with the expectations stored next to each file (`X.expected.json`).
 *
 * The engine is reached only through the public CLI contract
 * (`initlens check PATH... --format json`, version 1), exactly as a user or a CI
 * job would. Set INITLENS_CLI to a built `dist/cli.js` to evaluate that build;
 * by default `src/cli/main.ts` runs through tsx.
 *
 * Prints a Markdown report (summary, per framework, per file, and every
 * mismatch), writes it to docs/eval.md, refreshes the summary table between
 * `<!-- eval:start -->` and `<!-- eval:end -->` in README.md, and exits 1 when a goal is missed:
 * layer recall >= 98 %, activation accuracy >= 95 %, no false positive on the
 * files whose initialization is already right.
 *
 * Matching rules (documented in docs/eval.md):
 * - a found layer matches an expected layer when line and layer class agree
 *   (one-to-one, first come first served);
 * - `activation` may be a string or a list of acceptable names, and is not
 *   scored when absent (embeddings); `normalization` is not scored when absent;
 * - a finding matches an expected finding when the code agrees and the expected
 *   line is the finding's `layerLine` or its own `line`; IL004 (model level)
 *   matches by code alone;
 * - `allowed` lists findings that are neither required nor counted as false
 *   positives (debatable cases, e.g. GPT's deliberate N(0, 0.02)); an optional
 *   `maxSeverity` caps the severity they may have.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { markdownTable, percentOf } from './markdown.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS = join(ROOT, 'test', 'corpus');

export const GOALS = { layerRecall: 0.98, activationAccuracy: 0.95, falsePositivesOnCorrect: 0 } as const;

const SOURCE_EXTENSIONS = ['.py', '.ipynb', '.ts', '.js'];

// ---------------------------------------------------------------------------
// Expectation and report shapes

export interface ExpectedLayer {
  line: number;
  layer: string;
  activation?: string | string[];
  normalization?: string | null;
  /** One name, or the acceptable names where the contract allows two readings. */
  init: string | string[];
  cell?: number;
  cellLine?: number;
}

export interface ExpectedFinding {
  code: string;
  line: number;
  severity?: string;
  cell?: number;
  cellLine?: number;
}

export interface AllowedFinding {
  code: string;
  line: number;
  maxSeverity?: string;
}

export interface Runnable {
  class?: string;
  object?: string;
  input: number[];
  /** Token ids in [0, tokens) instead of N(0, 1) input (models that start with an embedding). */
  tokens?: number;
  chain?: boolean;
}

export interface Expected {
  note?: string;
  correct: boolean;
  layers: ExpectedLayer[];
  findings: ExpectedFinding[];
  allowed?: AllowedFinding[];
  runnable?: Runnable;
}

export interface CliLayer {
  line: number;
  column: number;
  layer: string;
  name: string | null;
  framework: string;
  activation: string;
  normalization: string | null;
  init: { name: string; explicit: boolean };
  fanIn: number | null;
  fanOut: number | null;
  cell?: number;
  cellLine?: number;
}

export interface CliFinding {
  code: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  layerLine: number | null;
  recommended: string | null;
  fix: unknown;
  cell?: number;
  cellLine?: number;
}

export interface CliFile {
  path: string;
  layers: CliLayer[];
  findings: CliFinding[];
  errors: { message: string; line?: number }[];
}

export interface CorpusFile {
  /** Path relative to the repository root, with forward slashes. */
  rel: string;
  abs: string;
  framework: string;
  expected: Expected;
}

// ---------------------------------------------------------------------------
// Corpus and CLI

export function listCorpus(dir = CORPUS): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
        continue;
      }
      const ext = SOURCE_EXTENSIONS.find((e) => name.endsWith(e));
      if (!ext) continue;
      const expectedPath = p.slice(0, -ext.length) + '.expected.json';
      if (!existsSync(expectedPath)) continue;
      const rel = relative(ROOT, p).split('\\').join('/');
      out.push({
        rel,
        abs: p,
        framework: relative(dir, p).split(/[\\/]/)[0] ?? '',
        expected: JSON.parse(readFileSync(expectedPath, 'utf8')) as Expected,
      });
    }
  };
  walk(dir);
  return out;
}

/** The command that runs the InitLens CLI: [executable, ...leading args]. */
export function cliCommand(): string[] {
  const override = process.env.INITLENS_CLI;
  if (override) return [process.execPath, resolve(override)];
  // tsx resolved to a file URL, so the CLI can run from any working directory.
  return [process.execPath, '--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli', 'main.ts')];
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): CliRun {
  const [exe, ...lead] = cliCommand();
  const r = spawnSync(exe!, [...lead, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 300_000,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** Runs `initlens check <files> --format json` once for all files (per file as a fallback). */
export function checkJson(files: string[], cwd = ROOT): Map<string, CliFile> {
  const byPath = new Map<string, CliFile>();
  const parse = (run: CliRun): CliFile[] | null => {
    try {
      const report = JSON.parse(run.stdout) as { version: number; files: CliFile[] };
      return Array.isArray(report.files) ? report.files : null;
    } catch {
      return null;
    }
  };
  const all = parse(runCli(['check', ...files, '--format', 'json'], { cwd }));
  if (all && all.length === files.length) {
    for (const f of all) byPath.set(norm(f.path), f);
    if (files.every((f) => byPath.has(norm(f)))) return byPath;
  }
  for (const file of files) {
    const run = runCli(['check', file, '--format', 'json'], { cwd });
    const one = parse(run);
    if (one && one.length > 0) byPath.set(norm(file), { ...one[0]!, path: file });
    else
      byPath.set(norm(file), {
        path: file,
        layers: [],
        findings: [],
        errors: [{ message: `CLI failed (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}` }],
      });
  }
  return byPath;
}

function norm(p: string): string {
  return p.split('\\').join('/').replace(/^\.\//, '');
}

// ---------------------------------------------------------------------------
// Scoring

const SEVERITY_RANK: Record<string, number> = { hint: 0, info: 1, warning: 2, error: 3 };

export interface FileScore {
  file: CorpusFile;
  got: CliFile;
  layersExpected: number;
  layersFound: number;
  layersMatched: number;
  activationScored: number;
  activationRight: number;
  initScored: number;
  initRight: number;
  normScored: number;
  normRight: number;
  findingsExpected: number;
  findingsMatched: number;
  /** Findings that are neither expected nor allowed. */
  falsePositives: CliFinding[];
  severityScored: number;
  severityRight: number;
  mismatches: string[];
}

function acceptable(expected: string | string[], got: string): boolean {
  return Array.isArray(expected) ? expected.includes(got) : expected === got;
}

function where(line: number, e: { cell?: number; cellLine?: number }): string {
  return e.cell !== undefined ? `line ${line} (cell ${e.cell}, line ${e.cellLine})` : `line ${line}`;
}

export function scoreFile(file: CorpusFile, got: CliFile): FileScore {
  const exp = file.expected;
  const s: FileScore = {
    file,
    got,
    layersExpected: exp.layers.length,
    layersFound: got.layers.length,
    layersMatched: 0,
    activationScored: 0,
    activationRight: 0,
    initScored: 0,
    initRight: 0,
    normScored: 0,
    normRight: 0,
    findingsExpected: exp.findings.length,
    findingsMatched: 0,
    falsePositives: [],
    severityScored: 0,
    severityRight: 0,
    mismatches: [],
  };
  for (const e of got.errors ?? []) s.mismatches.push(`engine error: ${e.message}${e.line ? ` (line ${e.line})` : ''}`);

  // Layers: one-to-one by (line, layer class).
  const free = new Set(got.layers.map((_, i) => i));
  for (const e of exp.layers) {
    const i = [...free].find((k) => got.layers[k]!.line === e.line && got.layers[k]!.layer === e.layer);
    if (i === undefined) {
      const sameLine = got.layers.filter((l) => l.line === e.line).map((l) => l.layer);
      s.mismatches.push(
        `missing layer ${e.layer} at ${where(e.line, e)}` + (sameLine.length ? ` (found ${sameLine.join(', ')} there)` : ''),
      );
      continue;
    }
    free.delete(i);
    s.layersMatched++;
    const g = got.layers[i]!;
    if (e.activation !== undefined) {
      s.activationScored++;
      if (acceptable(e.activation, g.activation)) s.activationRight++;
      else s.mismatches.push(`${e.layer} at line ${e.line}: activation expected ${JSON.stringify(e.activation)}, got "${g.activation}"`);
    }
    s.initScored++;
    if (acceptable(e.init, g.init?.name)) s.initRight++;
    else s.mismatches.push(`${e.layer} at line ${e.line}: init expected ${JSON.stringify(e.init)}, got "${g.init?.name}"`);
    if (e.normalization !== undefined) {
      s.normScored++;
      if ((g.normalization ?? null) === e.normalization) s.normRight++;
      else s.mismatches.push(`${e.layer} at line ${e.line}: normalization expected ${JSON.stringify(e.normalization)}, got ${JSON.stringify(g.normalization)}`);
    }
    if (e.cell !== undefined && (g.cell !== e.cell || g.cellLine !== e.cellLine))
      s.mismatches.push(`${e.layer} at line ${e.line}: cell/cellLine expected ${e.cell}/${e.cellLine}, got ${g.cell}/${g.cellLine}`);
  }
  for (const k of free) {
    const g = got.layers[k]!;
    s.mismatches.push(`unexpected layer ${g.layer} at line ${g.line} (activation ${g.activation}, init ${g.init?.name})`);
  }

  // Findings.
  const findingAt = (f: CliFinding, code: string, line: number): boolean =>
    f.code === code && (code === 'IL004' || f.layerLine === line || f.line === line);
  const unused = new Set(got.findings.map((_, i) => i));
  for (const e of exp.findings) {
    const i = [...unused].find((k) => findingAt(got.findings[k]!, e.code, e.line));
    if (i === undefined) {
      const there = got.findings.filter((f) => f.layerLine === e.line || f.line === e.line).map((f) => f.code);
      s.mismatches.push(`missing finding ${e.code} at ${where(e.line, e)}` + (there.length ? ` (got ${there.join(', ')} there)` : ''));
      continue;
    }
    unused.delete(i);
    s.findingsMatched++;
    const g = got.findings[i]!;
    if (e.severity) {
      s.severityScored++;
      if (g.severity === e.severity) s.severityRight++;
      else s.mismatches.push(`${e.code} at line ${e.line}: severity expected ${e.severity}, got ${g.severity}`);
    }
  }
  for (const k of unused) {
    const g = got.findings[k]!;
    const allowed = (exp.allowed ?? []).some(
      (a) =>
        findingAt(g, a.code, a.line) &&
        (a.maxSeverity === undefined || (SEVERITY_RANK[g.severity] ?? 9) <= (SEVERITY_RANK[a.maxSeverity] ?? 9)),
    );
    if (allowed) continue;
    s.falsePositives.push(g);
    s.mismatches.push(
      `unexpected finding ${g.code} (${g.severity}) at line ${g.line}${g.layerLine !== null ? ` (layer line ${g.layerLine})` : ''}: ${g.message}`,
    );
  }
  return s;
}

// ---------------------------------------------------------------------------
// Aggregation and report

export interface Totals {
  files: number;
  layersExpected: number;
  layersFound: number;
  layersMatched: number;
  activationScored: number;
  activationRight: number;
  initScored: number;
  initRight: number;
  normScored: number;
  normRight: number;
  findingsExpected: number;
  findingsMatched: number;
  findingsFalse: number;
  severityScored: number;
  severityRight: number;
  correctFiles: number;
  correctFilesWithFalsePositive: number;
  falsePositivesOnCorrect: number;
}

export function totals(scores: FileScore[]): Totals {
  const t: Totals = {
    files: scores.length,
    layersExpected: 0,
    layersFound: 0,
    layersMatched: 0,
    activationScored: 0,
    activationRight: 0,
    initScored: 0,
    initRight: 0,
    normScored: 0,
    normRight: 0,
    findingsExpected: 0,
    findingsMatched: 0,
    findingsFalse: 0,
    severityScored: 0,
    severityRight: 0,
    correctFiles: 0,
    correctFilesWithFalsePositive: 0,
    falsePositivesOnCorrect: 0,
  };
  for (const s of scores) {
    t.layersExpected += s.layersExpected;
    t.layersFound += s.layersFound;
    t.layersMatched += s.layersMatched;
    t.activationScored += s.activationScored;
    t.activationRight += s.activationRight;
    t.initScored += s.initScored;
    t.initRight += s.initRight;
    t.normScored += s.normScored;
    t.normRight += s.normRight;
    t.findingsExpected += s.findingsExpected;
    t.findingsMatched += s.findingsMatched;
    t.findingsFalse += s.falsePositives.length;
    t.severityScored += s.severityScored;
    t.severityRight += s.severityRight;
    if (s.file.expected.correct) {
      t.correctFiles++;
      t.falsePositivesOnCorrect += s.falsePositives.length;
      if (s.falsePositives.length > 0) t.correctFilesWithFalsePositive++;
    }
  }
  return t;
}

const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
const pct = (a: number, b: number): string => percentOf(a, b, 'n/a');

export interface Metrics {
  layerRecall: number;
  layerPrecision: number;
  activationAccuracy: number;
  initAccuracy: number;
  findingRecall: number;
  findingPrecision: number;
  falsePositivesOnCorrect: number;
}

export function metrics(t: Totals): Metrics {
  return {
    layerRecall: ratio(t.layersMatched, t.layersExpected),
    layerPrecision: ratio(t.layersMatched, t.layersFound),
    activationAccuracy: ratio(t.activationRight, t.activationScored),
    initAccuracy: ratio(t.initRight, t.initScored),
    findingRecall: ratio(t.findingsMatched, t.findingsExpected),
    findingPrecision: ratio(t.findingsMatched, t.findingsMatched + t.findingsFalse),
    falsePositivesOnCorrect: t.falsePositivesOnCorrect,
  };
}

export function goalFailures(m: Metrics): string[] {
  const out: string[] = [];
  if (m.layerRecall < GOALS.layerRecall) out.push(`layer recall ${(100 * m.layerRecall).toFixed(1)}% < ${100 * GOALS.layerRecall}%`);
  if (m.activationAccuracy < GOALS.activationAccuracy)
    out.push(`activation accuracy ${(100 * m.activationAccuracy).toFixed(1)}% < ${100 * GOALS.activationAccuracy}%`);
  if (m.falsePositivesOnCorrect > GOALS.falsePositivesOnCorrect)
    out.push(`${m.falsePositivesOnCorrect} false positive(s) on files whose init is already right`);
  return out;
}

export function markdownReport(scores: FileScore[]): string {
  const t = totals(scores);
  const m = metrics(t);
  const ok = (pass: boolean): string => (pass ? 'pass' : '**FAIL**');
  const lines: string[] = markdownTable(['Metric', 'Result', 'Goal'], [
    ['Corpus files', `${t.files} (${t.correctFiles} with correct init)`, '≥ 30'],
    ['Layer detection recall', pct(t.layersMatched, t.layersExpected), `≥ 98%: ${ok(m.layerRecall >= GOALS.layerRecall)}`],
    ['Layer detection precision', pct(t.layersMatched, t.layersFound), ''],
    ['Activation attribution accuracy', pct(t.activationRight, t.activationScored), `≥ 95%: ${ok(m.activationAccuracy >= GOALS.activationAccuracy)}`],
    ['Initializer accuracy', pct(t.initRight, t.initScored), ''],
    ['Normalization accuracy', pct(t.normRight, t.normScored), ''],
    ['Findings recall (code + line)', pct(t.findingsMatched, t.findingsExpected), ''],
    ['Findings precision', pct(t.findingsMatched, t.findingsMatched + t.findingsFalse), ''],
    ['Severity agreement (where labelled)', pct(t.severityRight, t.severityScored), ''],
    ['False positives on correct files', `${t.falsePositivesOnCorrect} finding(s) in ${t.correctFilesWithFalsePositive}/${t.correctFiles} files`, `0: ${ok(m.falsePositivesOnCorrect === 0)}`],
  ]);
  lines.push('');

  lines.push('### Per framework');
  lines.push('');
  const frameworks = [...new Set(scores.map((s) => s.file.framework))];
  lines.push(
    ...markdownTable(
      ['Framework', 'Files', 'Layer recall', 'Layer precision', 'Activation', 'Init', 'Findings recall', 'Findings precision', 'FP on correct files'],
      frameworks.map((fw) => {
        const ft = totals(scores.filter((s) => s.file.framework === fw));
        return [
          fw, ft.files, pct(ft.layersMatched, ft.layersExpected), pct(ft.layersMatched, ft.layersFound), pct(ft.activationRight, ft.activationScored),
          pct(ft.initRight, ft.initScored), pct(ft.findingsMatched, ft.findingsExpected), pct(ft.findingsMatched, ft.findingsMatched + ft.findingsFalse), ft.falsePositivesOnCorrect,
        ];
      }),
    ),
  );
  lines.push('');

  lines.push('### Per file');
  lines.push('');
  const codes = (fs: { code: string }[]): string => (fs.length ? fs.map((f) => f.code).join(' ') : '—');
  lines.push(
    ...markdownTable(
      ['File', 'Correct init', 'Layers (matched/expected, found)', 'Expected findings', 'Reported findings', 'Matched', 'False positives'],
      scores.map((s) => [
        `\`${s.file.rel.replace(/^test\/corpus\//, '')}\``, s.file.expected.correct ? 'yes' : 'no', `${s.layersMatched}/${s.layersExpected}, ${s.layersFound}`,
        codes(s.file.expected.findings), codes(s.got.findings), `${s.findingsMatched}/${s.findingsExpected}`, s.falsePositives.length,
      ]),
    ),
  );
  lines.push('');
  const withMismatch = scores.filter((s) => s.mismatches.length > 0);
  lines.push(`### Mismatches (${withMismatch.reduce((n, s) => n + s.mismatches.length, 0)})`);
  lines.push('');
  if (withMismatch.length === 0) lines.push('None.');
  for (const s of withMismatch) {
    lines.push(`- \`${s.file.rel}\``);
    for (const mm of s.mismatches) lines.push(`  - ${mm}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** The short table the README shows between `<!-- eval:start -->` and `<!-- eval:end -->`. */
export function readmeSummary(scores: FileScore[]): string {
  const t = totals(scores);
  return markdownTable(['Metric', 'Result', 'Goal'], [
    ['Corpus files', `${t.files} (${t.correctFiles} with correct init)`, '≥ 30'],
    ['Layer detection recall', pct(t.layersMatched, t.layersExpected), '≥ 98%'],
    ['Layer detection precision', pct(t.layersMatched, t.layersFound), ''],
    ['Activation attribution accuracy', pct(t.activationRight, t.activationScored), '≥ 95%'],
    ['Initializer accuracy', pct(t.initRight, t.initScored), ''],
    ['Findings recall (code + line)', pct(t.findingsMatched, t.findingsExpected), ''],
    ['Findings precision', pct(t.findingsMatched, t.findingsMatched + t.findingsFalse), ''],
    ['False positives on files whose init is right', `${t.falsePositivesOnCorrect} in ${t.correctFiles} files`, '0'],
  ]).join('\n');
}

/** Replaces the block between the eval markers of README.md, when the README has them. */
function updateReadme(scores: FileScore[]): boolean {
  const path = join(ROOT, 'README.md');
  if (!existsSync(path)) return false;
  const text = readFileSync(path, 'utf8');
  const start = '<!-- eval:start -->';
  const end = '<!-- eval:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return false;
  const next = `${text.slice(0, i + start.length)}\n${readmeSummary(scores)}\n${text.slice(j)}`;
  if (next !== text) writeFileSync(path, next);
  return true;
}

export function evaluate(files = listCorpus()): FileScore[] {
  const got = checkJson(files.map((f) => f.rel));
  return files.map((f) =>
    scoreFile(f, got.get(norm(f.rel)) ?? { path: f.rel, layers: [], findings: [], errors: [{ message: 'no report for this file' }] }),
  );
}

/** Replaces the block between `<!-- <name>:start -->` and `<!-- <name>:end -->` of README.md. */
function updateReadmeBlock(name: string, body: string): boolean {
  const path = join(ROOT, 'README.md');
  if (!existsSync(path)) return false;
  const text = readFileSync(path, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return false;
  const next = `${text.slice(0, i + start.length)}\n${body}\n${text.slice(j)}`;
  if (next !== text) writeFileSync(path, next);
  return true;
}

async function main(): Promise<void> {
  const scores = evaluate();
  // The real-code corpus (test/wild): judged findings and hand-labelled layers.
  const { evaluateWild, wildMarkdown, wildSummaryTable, wildGoalFailures } = await import('./eval-wild.js');
  const wild = evaluateWild();
  const table = markdownReport(scores);
  const failures = goalFailures(metrics(totals(scores)));
  const doc = [
    '# InitLens corpus evaluation',
    '',
    'Produced by `npm run eval` (scripts/eval.ts) on the hand-labelled corpus in `test/corpus/`',
    '(every source file has its expected layers, activations, initializers and findings in `X.expected.json`).',
    'The engine is run through the CLI JSON contract (`initlens check FILES --format json`).',
    '',
    'Matching: a layer matches on (line of its constructor call, layer class); a finding matches on',
    '(code, line of its layer), IL004 (model level) on its code; findings listed under `allowed` in an',
    'expectation file (debatable cases, such as GPT-2\'s deliberate N(0, 0.02)) are neither required nor',
    'counted as false positives. "False positives on correct files" counts every other finding reported',
    'on a file labelled `"correct": true`, whatever its severity.',
    '',
    table,
    wildMarkdown(wild),
  ].join('\n');
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(join(ROOT, 'docs', 'eval.md'), doc);
  if (updateReadme(scores)) process.stderr.write('README.md: eval table updated\n');
  if (updateReadmeBlock('eval-wild', wildSummaryTable(wild))) process.stderr.write('README.md: real-code table updated\n');
  process.stdout.write(table + '\n');
  process.stdout.write(wildMarkdown(wild) + '\n');
  const wildMissed = wildGoalFailures(wild);
  if (wildMissed.length > 0) process.stdout.write(`Real-code goals missed (reported, not an exit failure):\n${wildMissed.map((f) => `- ${f}`).join('\n')}\n`);
  if (failures.length > 0) {
    process.stdout.write(`Goals missed:\n${failures.map((f) => `- ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('All goals met.\n');
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) void main();
