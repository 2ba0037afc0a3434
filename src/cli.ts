/**
 * The `initlens` command line: check, layers, simulate.
 *
 * `run(argv, io)` is the whole program and returns the exit code; the bottom of
 * this file calls it when the module is the process entry point. Results go to
 * stdout, messages and errors to stderr; colors only when stdout is a TTY and
 * NO_COLOR is unset.
 *
 * Exit codes: 0 no findings, 1 findings (after --fix: findings that remain),
 * 2 usage or I/O errors (a missing path, an unreadable file, a failed write).
 * Binary, non-UTF-8 and oversized files are reported and skipped; they do not
 * change the exit code.
 */
import * as nodeFs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pkg from '../package.json' with { type: 'json' };
import {
  analyze,
  defaultOptions,
  fixAll,
  type AnalysisOptions,
  type AnalysisResult,
  type Finding,
  type InitName,
  type InitSpec,
  type Language,
  type Layer,
  type RuleCode,
  type TextEdit,
} from './core/index.js';
import { applyEditsToNotebook, parseNotebook, type Notebook } from './core/notebook.js';
import { buildFileReport, buildReport, PositionMapper, type JsonError, type JsonFileReport } from './core/report.js';
import { buildSarif, toArtifactUri, type SarifFileInput } from './core/sarif.js';
import { propagate, propagationLayerOf, recommendInit, type PropagationStep } from './core/math/index.js';

export const VERSION: string = (pkg as { version?: string }).version ?? '0.0.0';

/** https URL of the repository from package.json (`git+https://…/x.git` → `https://…/x`), if any. */
function repositoryUrl(): string | undefined {
  const repo = (pkg as { repository?: string | { url?: string } }).repository;
  const raw = typeof repo === 'string' ? repo : repo?.url;
  if (!raw) return undefined;
  let url = raw.startsWith('git+') ? raw.slice(4) : raw;
  if (url.endsWith('.git')) url = url.slice(0, -4);
  return url.startsWith('https://') ? url : undefined;
}

// ---------------------------------------------------------------------------
// I/O seam

export interface FileStat {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink?(): boolean;
  size: number;
  mtimeMs: number;
  mode: number;
}

export interface DirEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colors). */
  isTTY: boolean;
  stat(path: string): Promise<FileStat>;
  readdir(path: string): Promise<DirEntry[]>;
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Replaces `path` with `text` atomically, refusing when the file no longer
   * holds `expected` (it changed since it was read).
   */
  writeFile(path: string, text: string, expected: Uint8Array): Promise<void>;
}

export class FileChangedError extends Error {}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Temp file in the same directory + rename, keeping the mode; re-reads the target just before the rename. */
export async function writeFileAtomic(path: string, text: string, expected: Uint8Array): Promise<void> {
  const target = await nodeFs.realpath(path);
  const before = await nodeFs.stat(target);
  const current = await nodeFs.readFile(target);
  if (!sameBytes(current, expected)) throw new FileChangedError('file changed on disk since it was read; not written');
  const tmp = nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target)}.initlens-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await nodeFs.writeFile(tmp, text, { flag: 'wx', mode: before.mode & 0o7777 });
    await nodeFs.chmod(tmp, before.mode & 0o7777);
    try {
      await nodeFs.chown(tmp, before.uid, before.gid);
    } catch {
      // not permitted for non-root users on foreign files: keep the new owner
    }
    const again = await nodeFs.stat(target);
    if (again.size !== before.size || again.mtimeMs !== before.mtimeMs || !sameBytes(await nodeFs.readFile(target), expected)) {
      throw new FileChangedError('file changed on disk while fixing; not written');
    }
    await nodeFs.rename(tmp, target);
  } catch (e) {
    await nodeFs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

export function nodeIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    stat: (p) => nodeFs.stat(p),
    readdir: (p) => nodeFs.readdir(p, { withFileTypes: true }),
    readFile: (p) => nodeFs.readFile(p),
    writeFile: writeFileAtomic,
  };
}

// ---------------------------------------------------------------------------
// Arguments

const RULE_CODES: readonly RuleCode[] = ['IL001', 'IL002', 'IL003', 'IL004', 'IL005', 'IL006', 'IL007'];
const DEFAULT_MAX_SIZE = 2 * 1024 * 1024;
const IGNORED_DIRS = new Set([
  'node_modules',
  '.git',
  '__pycache__',
  '.venv',
  'venv',
  'dist',
  'build',
  '.ipynb_checkpoints',
  '.hg',
  '.svn',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
]);
/** Extensions analysed in folder walks. .tsx/.jsx are not: the engine parses plain TS/JS only. */
const EXTENSIONS: Record<string, Language | 'notebook'> = {
  '.py': 'python',
  '.ipynb': 'notebook',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
};

type Command = 'check' | 'layers' | 'simulate';
type Format = 'text' | 'json' | 'sarif';

interface Args {
  command: Command;
  paths: string[];
  format: Format;
  fix: boolean;
  unsafeFixes: boolean;
  select: RuleCode[];
  ignore: RuleCode[];
  distribution: 'normal' | 'uniform';
  pytorchDefault: boolean;
  maxSize: number;
  model: string | null;
}

class UsageError extends Error {}

const HELP = `initlens ${VERSION}: lint neural-network weight initialization against activations
(Keras, PyTorch, Flax in Python and notebooks; TensorFlow.js layers in JS/TS).

Usage:
  initlens check PATH... [options]     report initializer/activation mismatches
  initlens layers PATH... [options]    list every detected layer
  initlens simulate FILE [options]     per-layer variance under current vs recommended init
  initlens --help | --version

Files: .py .ipynb .js .mjs .cjs .ts .mts .cts; folders are searched recursively,
skipping node_modules .git __pycache__ .venv venv dist build .ipynb_checkpoints
and tool caches. .tsx/.jsx are not analysed.

Options:
  --format text|json|sarif   output format (default text; sarif: check only)
  --fix                      apply safe fixes in place (check only)
  --unsafe-fixes             with --fix, also apply unsafe fixes; without --fix,
                             count them as fixable
  --select CODES             only these rules, comma-separated (e.g. IL001,IL003)
  --ignore CODES             skip these rules, comma-separated
  --distribution normal|uniform
                             family of the recommended initializers (default normal)
  --no-pytorch-default       do not report PyTorch's default initialization
  --max-size SIZE            skip larger files (bytes, or with K/M suffix; default 2M)
  --model N                  simulate: model index (0-based, as listed) or name
  -h, --help                 show this help
  -V, --version              show the version

Exit status: 0 no problems, 1 problems found (after --fix: problems left),
2 usage or I/O error. Binary, non-UTF-8 and oversized files are reported on
stderr (JSON: "errors") and skipped without changing the exit status.
Text output: path:line:col: CODE [severity] message; in notebooks
path:cell N:line:col with N counting all cells from 1.
Colors only on a terminal, and never when NO_COLOR is set.
`;

function parseCodes(value: string, flag: string): RuleCode[] {
  const codes = value
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  for (const c of codes) {
    if (!RULE_CODES.includes(c as RuleCode)) {
      throw new UsageError(`${flag}: unknown rule code '${c}' (known: ${RULE_CODES.join(', ')})`);
    }
  }
  return codes as RuleCode[];
}

function parseSize(value: string): number {
  const t = value.trim();
  let i = 0;
  while (i < t.length && ((t[i] as string) >= '0' && (t[i] as string) <= '9' || t[i] === '.')) i++;
  const n = Number(t.slice(0, i));
  const unit = t.slice(i).trim().toLowerCase();
  const mult: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };
  const m = mult[unit];
  if (i === 0 || !Number.isFinite(n) || n <= 0 || m === undefined) {
    throw new UsageError(`--max-size: expected a positive size like 2000000, 512K or 4M, got '${value}'`);
  }
  return Math.floor(n * m);
}

type Parsed = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; args: Args };

export function parseArgs(argv: readonly string[]): Parsed {
  const rest = [...argv];
  const args: Args = {
    command: 'check',
    paths: [],
    format: 'text',
    fix: false,
    unsafeFixes: false,
    select: [],
    ignore: [],
    distribution: 'normal',
    pytorchDefault: true,
    maxSize: DEFAULT_MAX_SIZE,
    model: null,
  };
  let command: string | undefined;
  let onlyPaths = false;
  while (rest.length > 0) {
    const arg = rest.shift() as string;
    if (onlyPaths || !arg.startsWith('-') || arg === '-') {
      if (command === undefined) command = arg;
      else args.paths.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      continue;
    }
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '-V' || arg === '--version') return { kind: 'version' };
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = rest.shift();
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    const flag = (): true => {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      return true;
    };
    switch (name) {
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format: expected text, json or sarif, got '${v}'`);
        args.format = v;
        break;
      }
      case '--fix':
        args.fix = flag();
        break;
      case '--unsafe-fixes':
        args.unsafeFixes = flag();
        break;
      case '--select':
        args.select.push(...parseCodes(value(), '--select'));
        break;
      case '--ignore':
        args.ignore.push(...parseCodes(value(), '--ignore'));
        break;
      case '--distribution': {
        const v = value();
        if (v !== 'normal' && v !== 'uniform') throw new UsageError(`--distribution: expected normal or uniform, got '${v}'`);
        args.distribution = v;
        break;
      }
      case '--no-pytorch-default':
        flag();
        args.pytorchDefault = false;
        break;
      case '--max-size':
        args.maxSize = parseSize(value());
        break;
      case '--model':
        args.model = value();
        break;
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
  }
  if (command === undefined) throw new UsageError('missing command (check, layers or simulate)');
  if (command !== 'check' && command !== 'layers' && command !== 'simulate') {
    throw new UsageError(`unknown command '${command}' (expected check, layers or simulate)`);
  }
  args.command = command;
  if (args.paths.length === 0) {
    throw new UsageError(command === 'simulate' ? 'simulate: missing FILE' : `${command}: missing PATH (e.g. \`initlens ${command} .\`)`);
  }
  if (command === 'simulate' && args.paths.length > 1) throw new UsageError('simulate takes exactly one FILE');
  if (command !== 'check' && (args.fix || args.unsafeFixes)) throw new UsageError(`--fix and --unsafe-fixes apply to check only`);
  if (command !== 'check' && args.format === 'sarif') throw new UsageError('--format sarif applies to check only');
  if (command !== 'simulate' && args.model !== null) throw new UsageError('--model applies to simulate only');
  return { kind: 'run', args };
}

// ---------------------------------------------------------------------------
// Colors

interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
}

function makeStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    cyan: wrap(36, 39),
    green: wrap(32, 39),
  };
}

// ---------------------------------------------------------------------------
// Files

interface Target {
  /** Path as given (joined under a given folder). */
  path: string;
  kind: Language | 'notebook' | null;
}

function kindOf(path: string): Language | 'notebook' | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.d.ts') || lower.endsWith('.d.mts') || lower.endsWith('.d.cts')) return null;
  return EXTENSIONS[nodePath.extname(lower)] ?? null;
}

function errMessage(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e) {
    const code = String((e as { code: unknown }).code);
    const known: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      EISDIR: 'is a directory',
      ENOTDIR: 'not a directory',
      ELOOP: 'too many symbolic links',
      EMFILE: 'too many open files',
    };
    return known[code] ?? (e instanceof Error ? e.message : code);
  }
  return e instanceof Error ? e.message : String(e);
}

interface FileProblem {
  path: string;
  message: string;
  /** true: an I/O error (exit 2); false: a file skipped on purpose. */
  fatal: boolean;
}

async function collect(io: CliIO, paths: string[], problems: FileProblem[]): Promise<Target[]> {
  const out: Target[] = [];
  const seen = new Set<string>();
  const add = (path: string, kind: Target['kind']): void => {
    const key = nodePath.resolve(io.cwd, path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, kind });
  };
  const walk = async (dir: string): Promise<void> => {
    let entries: DirEntry[];
    try {
      entries = await io.readdir(nodePath.resolve(io.cwd, dir));
    } catch (e) {
      problems.push({ path: dir, message: `cannot read directory: ${errMessage(e)}`, fatal: true });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = nodePath.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!IGNORED_DIRS.has(entry.name)) await walk(child);
        continue;
      }
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        // Follow links to files; never links to folders (cycles).
        try {
          isFile = (await io.stat(nodePath.resolve(io.cwd, child))).isFile();
        } catch {
          continue;
        }
      }
      if (!isFile) continue;
      const kind = kindOf(entry.name);
      if (kind) add(child, kind);
    }
  };
  for (const p of paths) {
    let st: FileStat;
    try {
      st = await io.stat(nodePath.resolve(io.cwd, p));
    } catch (e) {
      problems.push({ path: p, message: errMessage(e), fatal: true });
      continue;
    }
    if (st.isDirectory()) await walk(p);
    else {
      const kind = kindOf(p);
      if (kind) add(p, kind);
      else problems.push({ path: p, message: 'skipped: not a .py, .ipynb, .js, .mjs, .cjs, .ts, .mts or .cts file', fatal: false });
    }
  }
  return out;
}

interface Loaded {
  bytes: Uint8Array;
  /** Decoded text without a leading BOM. */
  text: string;
  bom: boolean;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

async function load(io: CliIO, target: Target, maxSize: number): Promise<Loaded | FileProblem> {
  const abs = nodePath.resolve(io.cwd, target.path);
  let bytes: Uint8Array;
  try {
    const st = await io.stat(abs);
    if (st.size > maxSize) {
      return { path: target.path, message: `skipped: file is ${formatBytes(st.size)}, over the ${formatBytes(maxSize)} limit (--max-size)`, fatal: false };
    }
    bytes = await io.readFile(abs);
  } catch (e) {
    return { path: target.path, message: `cannot read: ${errMessage(e)}`, fatal: true };
  }
  if (bytes.length > maxSize) {
    return { path: target.path, message: `skipped: file is ${formatBytes(bytes.length)}, over the ${formatBytes(maxSize)} limit (--max-size)`, fatal: false };
  }
  if (bytes.includes(0)) return { path: target.path, message: 'skipped: binary file (contains NUL bytes)', fatal: false };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { path: target.path, message: 'skipped: not valid UTF-8', fatal: false };
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  return { bytes, text: bom ? text.slice(1) : text, bom };
}

// ---------------------------------------------------------------------------
// Analysis and fixes

interface Analysed {
  path: string;
  /** The text the engine saw (notebook: the joined code cells). */
  text: string;
  result: AnalysisResult | null;
  notebook: Notebook | null;
  errors: JsonError[];
  /** Problems fixed by --fix in this file. */
  fixed: number;
}

/**
 * The preferred fix of each finding (the one flagged `preferred`, else the
 * first), skipping fixes that touch an edit already taken; those are picked up
 * by the next round, after re-analysis.
 */
function preferredEdits(findings: readonly Finding[], unsafe: boolean): { edits: TextEdit[]; count: number } {
  const taken: TextEdit[] = [];
  let count = 0;
  const touches = (e: TextEdit, t: TextEdit): boolean => (e.from < t.to && t.from < e.to) || e.from === t.from || e.from === t.to || t.from === e.to;
  for (const f of [...findings].sort((a, b) => a.span.from - b.span.from)) {
    const fix = f.fixes.find((x) => x.preferred) ?? f.fixes[0];
    if (!fix || fix.edits.length === 0 || (fix.safety === 'unsafe' && !unsafe)) continue;
    if (fix.edits.some((e) => taken.some((t) => touches(e, t)))) continue;
    taken.push(...fix.edits);
    count++;
  }
  return { edits: taken, count };
}

const MAX_FIX_ROUNDS = 8;

/** --fix on a plain source file: the engine's fixAll (safe fixes, or all with --unsafe-fixes). */
function fixText(text: string, language: Language, options: AnalysisOptions, unsafe: boolean): { text: string; count: number } {
  let cur = text;
  let count = 0;
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const r = fixAll(cur, language, { ...options, unsafe });
    if (r.text === cur) break;
    cur = r.text;
    count += r.applied;
  }
  return { text: cur, count };
}

/**
 * --fix on a notebook: rounds of preferred fixes applied to the cells' sources.
 * A fix that cannot be expressed inside one cell (it spans two) is refused.
 */
function fixNotebook(start: Notebook, language: Language, options: AnalysisOptions, unsafe: boolean): { notebook: Notebook; count: number; refused: string[] } {
  let nb = start;
  let count = 0;
  const refused = new Set<string>();
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const result = analyze(nb.text, language, options);
    const usable = result.findings.filter((f) => {
      const fix = f.fixes.find((x) => x.preferred) ?? f.fixes[0];
      if (!fix || (fix.safety === 'unsafe' && !unsafe)) return false;
      const check = applyEditsToNotebook(nb, fix.edits);
      if (check.error !== null) refused.add(`${f.code}: ${check.error}`);
      return check.error === null;
    });
    const picked = preferredEdits(usable, unsafe);
    if (picked.count === 0) break;
    const applied = applyEditsToNotebook(nb, picked.edits);
    if (applied.error !== null || applied.text === nb.fileText) break;
    const next = parseNotebook(applied.text);
    if (!next.notebook) break;
    nb = next.notebook;
    count += picked.count;
  }
  return { notebook: nb, count, refused: [...refused] };
}

function safeAnalyze(text: string, language: Language, options: AnalysisOptions): AnalysisResult | string {
  try {
    return analyze(text, language, options);
  } catch (e) {
    return `internal error while analysing: ${e instanceof Error ? e.message : String(e)}`;
  }
}

interface FileOutcome {
  analysed: Analysed;
  problems: FileProblem[];
}

async function processFile(io: CliIO, target: Target, args: Args, options: AnalysisOptions): Promise<FileOutcome> {
  const problems: FileProblem[] = [];
  const empty = (message: string, fatal: boolean, text = ''): FileOutcome => {
    problems.push({ path: target.path, message, fatal });
    return { analysed: { path: target.path, text, result: null, notebook: null, errors: [{ message }], fixed: 0 }, problems };
  };
  const loaded = await load(io, target, args.maxSize);
  if (!('bytes' in loaded)) return empty(loaded.message, loaded.fatal);

  if (target.kind === 'notebook') {
    const parsed = parseNotebook(loaded.text);
    if (!parsed.notebook) return empty(parsed.error, false);
    let nb = parsed.notebook;
    if (nb.language === null) {
      return empty(`skipped: notebook language '${nb.languageName}' is not supported`, false, nb.text);
    }
    const language = nb.language;
    let fixed = 0;
    if (args.fix) {
      try {
        const r = fixNotebook(nb, language, options, args.unsafeFixes);
        for (const why of r.refused) problems.push({ path: target.path, message: `fix not applied: ${why}`, fatal: false });
        if (r.notebook.fileText !== loaded.text) {
          const wrote = await write(io, target.path, (loaded.bom ? '\ufeff' : '') + r.notebook.fileText, loaded.bytes);
          if (wrote) problems.push(wrote);
          else {
            nb = r.notebook;
            fixed = r.count;
          }
        }
      } catch (e) {
        problems.push({ path: target.path, message: `internal error while fixing: ${e instanceof Error ? e.message : String(e)}`, fatal: true });
      }
    }
    const result = safeAnalyze(nb.text, language, options);
    if (typeof result === 'string') return empty(result, true, nb.text);
    return { analysed: { path: target.path, text: nb.text, result, notebook: nb, errors: [], fixed }, problems };
  }

  const language = target.kind as Language;
  let text = loaded.text;
  let fixed = 0;
  if (args.fix) {
    try {
      const r = fixText(text, language, options, args.unsafeFixes);
      if (r.text !== loaded.text) {
        const wrote = await write(io, target.path, (loaded.bom ? '\ufeff' : '') + r.text, loaded.bytes);
        if (wrote) problems.push(wrote);
        else {
          text = r.text;
          fixed = r.count;
        }
      }
    } catch (e) {
      problems.push({ path: target.path, message: `internal error while fixing: ${e instanceof Error ? e.message : String(e)}`, fatal: true });
    }
  }
  const result = safeAnalyze(text, language, options);
  if (typeof result === 'string') return empty(result, true, text);
  return { analysed: { path: target.path, text, result, notebook: null, errors: [], fixed }, problems };
}

async function write(io: CliIO, path: string, text: string, expected: Uint8Array): Promise<FileProblem | null> {
  try {
    await io.writeFile(nodePath.resolve(io.cwd, path), text, expected);
    return null;
  } catch (e) {
    const why = e instanceof FileChangedError ? e.message : `cannot write: ${errMessage(e)}`;
    return { path, message: why, fatal: true };
  }
}

// ---------------------------------------------------------------------------
// Output

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function location(a: Analysed, map: PositionMapper, line: number, column: number): string {
  const cell = map.cellOf(line);
  return cell.cell !== undefined ? `${a.path}:cell ${cell.cell + 1}:${cell.cellLine}:${column}` : `${a.path}:${line}:${column}`;
}

function severityColor(style: Style, severity: string): (s: string) => string {
  return severity === 'error' ? style.red : severity === 'warning' ? style.yellow : severity === 'info' ? style.blue : style.dim;
}

function isFixable(fixes: { safety: 'safe' | 'unsafe'; edits: TextEdit[] }[], unsafe: boolean): boolean {
  const f = fixes[0];
  return !!f && f.edits.length > 0 && (f.safety === 'safe' || unsafe);
}

function reportProblems(io: CliIO, style: Style, problems: FileProblem[]): void {
  for (const p of problems) io.stderr(`${style.bold(p.path)}: ${p.fatal ? style.red('error') : style.yellow('warning')}: ${p.message}\n`);
}

function textCheck(io: CliIO, style: Style, files: Analysed[], args: Args, checked: number): void {
  let total = 0;
  let fixable = 0;
  let hidden = 0;
  let fixedTotal = 0;
  let fixedFiles = 0;
  for (const a of files) {
    if (a.fixed > 0) {
      fixedTotal += a.fixed;
      fixedFiles++;
    }
    if (!a.result) continue;
    const map = new PositionMapper(a.text, a.notebook);
    for (const e of a.result.errors) {
      const p = map.position(e.span.from);
      io.stderr(`${location(a, map, p.line, p.column)}: ${style.yellow('warning')}: ${/^syntax error/i.test(e.message) ? e.message : `syntax error: ${e.message}`} (analysis continued)\n`);
    }
    const findings = [...a.result.findings].sort((x, y) => x.span.from - y.span.from);
    for (const f of findings) {
      total++;
      const p = map.position(f.span.from);
      const color = severityColor(style, f.severity);
      io.stdout(`${style.bold(location(a, map, p.line, p.column))}: ${color(style.bold(f.code))} ${color(`[${f.severity}]`)} ${f.message}\n`);
      const fix = f.fixes[0];
      if (fix && fix.edits.length > 0) {
        let how: string;
        if (fix.safety === 'safe') {
          fixable++;
          how = 'safe fix, apply with --fix';
        } else if (args.unsafeFixes) {
          fixable++;
          how = 'unsafe fix, apply with --fix --unsafe-fixes';
        } else {
          hidden++;
          how = 'unsafe fix, available with --unsafe-fixes';
        }
        io.stdout(`  ${style.cyan('help')}: ${fix.description} ${style.dim(`(${how})`)}\n`);
      }
    }
  }
  if (total > 0) io.stdout('\n');
  if (args.fix) io.stdout(`Fixed ${plural(fixedTotal, 'problem')} in ${plural(fixedFiles, 'file')}.\n`);
  const summary = `Found ${plural(total, 'problem')} (${fixable} fixable) in ${plural(checked, 'file')}.`;
  io.stdout(`${total > 0 ? style.bold(summary) : style.green(summary)}\n`);
  if (hidden > 0) io.stdout(`${style.dim(`${plural(hidden, 'more fix')} available with --unsafe-fixes.`)}\n`);
}

function textLayers(io: CliIO, style: Style, files: Analysed[]): void {
  let count = 0;
  for (const a of files) {
    if (!a.result) continue;
    const map = new PositionMapper(a.text, a.notebook);
    const flagged = new Set(a.result.findings.map((f) => f.layer));
    for (const l of [...a.result.layers].sort((x, y) => x.span.from - y.span.from)) {
      count++;
      const p = map.position(l.span.from);
      const init = `${l.init.name}${l.init.explicit ? '' : ' (default)'}`;
      const fans = `fan_in=${l.fanIn ?? '?'} fan_out=${l.fanOut ?? '?'}`;
      const parts = [
        style.bold(l.layer),
        `(${l.framework})`,
        l.name ? `name=${l.name}` : null,
        `activation=${l.activation.name}`,
        `init=${init}`,
        fans,
        l.normalization ? `norm=${l.normalization}` : null,
        l.residual ? 'residual' : null,
        flagged.has(l.id) ? style.yellow('[finding]') : null,
      ].filter((x): x is string => x !== null);
      io.stdout(`${style.bold(location(a, map, p.line, p.column))}: ${parts.join(' ')}\n`);
    }
  }
  io.stdout(`${plural(count, 'layer')} in ${plural(files.filter((f) => f.result).length, 'file')}.\n`);
}

// ---------------------------------------------------------------------------
// simulate

interface SimSide {
  init: InitName;
  explicit: boolean;
  weightVariance: number | null;
  preActivation: number | null;
  forward: number | null;
  backward: number | null;
}

interface SimLayer {
  line: number;
  column: number;
  cell?: number;
  cellLine?: number;
  layer: string;
  name: string | null;
  framework: Layer['framework'];
  activation: string;
  normalization: string | null;
  residual: boolean;
  fanIn: number | null;
  fanOut: number | null;
  current: SimSide;
  recommended: SimSide;
}

function recommendedSpec(layer: Layer, distribution: 'normal' | 'uniform'): InitSpec {
  const rec = recommendInit(layer.activation.name, layer.activation.param, distribution);
  if (rec.init === 'unknown') return layer.init;
  const spec: InitSpec = { name: rec.init, explicit: true, source: 'argument' };
  if (rec.init === 'variance_scaling') {
    spec.scale = rec.scale;
    spec.mode = 'fan_in';
    spec.distribution = distribution === 'uniform' ? 'uniform' : 'truncated_normal';
  }
  return spec;
}

function simulateLayers(layers: Layer[], distribution: 'normal' | 'uniform'): { current: PropagationStep[]; recommended: PropagationStep[]; specs: InitSpec[]; varCur: (number | null)[]; varRec: (number | null)[] } {
  const specs = layers.map((l) => recommendedSpec(l, distribution));
  const cur = layers.map((l) => propagationLayerOf(l));
  const rec = layers.map((l, i) => propagationLayerOf({ ...l, init: specs[i] as InitSpec }));
  return {
    current: propagate(cur),
    recommended: propagate(rec),
    specs,
    varCur: cur.map((p) => p.varW),
    varRec: rec.map((p) => p.varW),
  };
}

function fmtNum(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '?';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2);
  return x.toPrecision(3);
}

async function runSimulate(io: CliIO, style: Style, args: Args, options: AnalysisOptions): Promise<number> {
  const problems: FileProblem[] = [];
  const targets = await collect(io, args.paths, problems);
  const target = targets[0];
  if (problems.length > 0 || !target || targets.length > 1) {
    reportProblems(io, style, problems);
    if (!target) io.stderr(`simulate: no analysable file given\n`);
    else if (targets.length > 1) io.stderr('simulate: FILE must be a single file, not a folder\n');
    return 2;
  }
  const outcome = await processFile(io, target, { ...args, fix: false }, options);
  reportProblems(io, style, outcome.problems);
  const a = outcome.analysed;
  if (!a.result) return 2;
  const result = a.result;
  const byId = new Map(result.layers.map((l) => [l.id, l] as const));
  const models = result.models.map((m, index) => ({ index, m }));
  let chosen: { name: string; kind: string; framework: string; index: number | null; layers: Layer[]; line: number | null };
  const map = new PositionMapper(a.text, a.notebook);
  if (models.length === 0) {
    if (args.model !== null) {
      io.stderr(`simulate: ${a.path} has no model, so --model ${args.model} matches nothing\n`);
      return 2;
    }
    const layers = [...result.layers].sort((x, y) => x.span.from - y.span.from);
    if (layers.length === 0) {
      io.stderr(`simulate: no layers found in ${a.path}\n`);
      return 2;
    }
    chosen = { name: '(all layers in source order)', kind: 'layers', framework: layers[0]?.framework ?? '', index: null, layers, line: null };
  } else {
    let pick: { index: number; m: (typeof models)[number]['m'] } | undefined = models[0];
    if (args.model !== null) {
      const n = Number(args.model);
      pick = Number.isInteger(n) && String(n) === args.model.trim() ? models[n] : models.find((x) => x.m.name === args.model);
      if (!pick) {
        const list = models.map((x) => `${x.index}: ${x.m.name ?? x.m.kind}`).join(', ');
        io.stderr(`simulate: --model ${args.model} matches no model in ${a.path} (models: ${list})\n`);
        return 2;
      }
    }
    if (!pick) return 2;
    const m = pick.m;
    const layers = m.layers.map((id) => byId.get(id)).filter((l): l is Layer => l !== undefined);
    chosen = { name: m.name ?? m.kind, kind: m.kind, framework: m.framework, index: pick.index, layers, line: map.position(m.span.from).line };
  }
  const sim = simulateLayers(chosen.layers, args.distribution);
  const rows: SimLayer[] = chosen.layers.map((l, i) => {
    const p = map.position(l.span.from);
    const cur = sim.current[i];
    const rec = sim.recommended[i];
    const spec = sim.specs[i] as InitSpec;
    return {
      line: p.line,
      column: p.column,
      ...map.cellOf(p.line),
      layer: l.layer,
      name: l.name,
      framework: l.framework,
      activation: l.activation.name,
      normalization: l.normalization,
      residual: l.residual,
      fanIn: l.fanIn,
      fanOut: l.fanOut,
      current: { init: l.init.name, explicit: l.init.explicit, weightVariance: sim.varCur[i] ?? null, preActivation: cur?.preActivation ?? null, forward: cur?.forward ?? null, backward: cur?.backward ?? null },
      recommended: { init: spec.name, explicit: true, weightVariance: sim.varRec[i] ?? null, preActivation: rec?.preActivation ?? null, forward: rec?.forward ?? null, backward: rec?.backward ?? null },
    };
  });
  if (args.format === 'json') {
    const out = {
      version: 1,
      path: a.path,
      model: { index: chosen.index, kind: chosen.kind, name: chosen.index === null ? null : chosen.name, framework: chosen.framework, line: chosen.line },
      models: models.map((x) => ({ index: x.index, kind: x.m.kind, name: x.m.name, framework: x.m.framework, line: map.position(x.m.span.from).line, layers: x.m.layers.length })),
      layers: rows,
      errors: a.errors,
    };
    io.stdout(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  io.stdout(`${style.bold(a.path)}: ${chosen.index === null ? chosen.name : `model ${chosen.index} ${chosen.name} (${chosen.kind}, ${chosen.framework})`}, ${plural(rows.length, 'layer')}\n`);
  if (models.length > 1) io.stdout(style.dim(`other models: ${models.filter((x) => x.index !== chosen.index).map((x) => `${x.index}: ${x.m.name ?? x.m.kind}`).join(', ')} (use --model)\n`));
  io.stdout('Forward: second moment of the activations after each layer (input = 1). Backward: gradient second moment at the layer input (output gradient = 1).\n\n');
  const header = ['#', 'line', 'layer', 'activation', 'current init', 'Var(W)', 'forward', 'backward', 'recommended', 'Var(W)', 'forward', 'backward'];
  const table = rows.map((r, i) => [
    String(i),
    String(r.cellLine !== undefined ? `c${(r.cell ?? 0) + 1}:${r.cellLine}` : r.line),
    r.name ? `${r.layer} ${r.name}` : r.layer,
    r.activation + (r.normalization ? `+${r.normalization}` : '') + (r.residual ? '+res' : ''),
    r.current.init + (r.current.explicit ? '' : '*'),
    fmtNum(r.current.weightVariance),
    fmtNum(r.current.forward),
    fmtNum(r.current.backward),
    r.recommended.init,
    fmtNum(r.recommended.weightVariance),
    fmtNum(r.recommended.forward),
    fmtNum(r.recommended.backward),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => (row[c] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 5 && i !== 8 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  io.stdout(style.bold(line(header)) + '\n');
  for (const row of table) io.stdout(line(row) + '\n');
  io.stdout(style.dim('\n* default initializer (not written in the code). Mean-field estimate: wide layers, independent weights.\n'));
  return 0;
}

// ---------------------------------------------------------------------------
// Entry

export async function run(argv: readonly string[], ioOverrides: Partial<CliIO> = {}): Promise<number> {
  const io: CliIO = { ...nodeIO(), ...ioOverrides };
  // no-color.org: NO_COLOR set to a non-empty value disables colors.
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  const style = makeStyle(io.isTTY && !noColor);
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`initlens: ${e.message}\nRun 'initlens --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (parsed.kind === 'help') {
    io.stdout(HELP);
    return 0;
  }
  if (parsed.kind === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const args = parsed.args;
  const options: AnalysisOptions = {
    ...defaultOptions,
    distribution: args.distribution,
    pytorchDefaultIsFinding: args.pytorchDefault,
    select: args.select,
    ignore: args.ignore,
  };
  if (args.command === 'simulate') return runSimulate(io, style, args, options);

  const problems: FileProblem[] = [];
  const targets = await collect(io, args.paths, problems);
  const analysed: Analysed[] = [];
  const jsonEntries: JsonFileReport[] = [];
  // Paths that failed before analysis get an entry of their own in JSON.
  for (const p of problems) jsonEntries.push(buildFileReport(p.path, '', null, { errors: [{ message: p.message }] }));
  for (const target of targets) {
    const outcome = await processFile(io, target, args, options);
    problems.push(...outcome.problems);
    analysed.push(outcome.analysed);
    const a = outcome.analysed;
    // Analysed files list their write/fix problems; skipped files already carry their reason.
    const errors = a.result ? outcome.problems.map((p) => ({ message: p.message })) : a.errors;
    jsonEntries.push(buildFileReport(a.path, a.text, a.result, { notebook: a.notebook, errors }));
  }
  const fatal = problems.some((p) => p.fatal);
  const findings = analysed.reduce((n, a) => n + (a.result ? a.result.findings.length : 0), 0);
  const checked = analysed.filter((a) => a.result !== null).length;

  if (args.format === 'json') {
    io.stdout(JSON.stringify(buildReport(jsonEntries), null, 2) + '\n');
  } else if (args.format === 'sarif') {
    reportProblems(io, style, problems);
    const inputs: SarifFileInput[] = analysed
      .filter((a): a is Analysed & { result: AnalysisResult } => a.result !== null)
      .map((a) => ({ uri: toArtifactUri(a.path, io.cwd), text: a.text, result: a.result, notebook: a.notebook }));
    io.stdout(JSON.stringify(buildSarif(inputs, {
      version: VERSION,
      repositoryUrl: repositoryUrl(),
      notifications: problems.map((p) => ({ uri: toArtifactUri(p.path, io.cwd), message: p.message, level: p.fatal ? 'error' : 'warning' })),
    }), null, 2) + '\n');
  } else {
    reportProblems(io, style, problems);
    if (args.command === 'layers') textLayers(io, style, analysed);
    else textCheck(io, style, analysed, args, checked);
  }
  if (fatal) return 2;
  if (args.command === 'layers') return 0;
  return findings > 0 ? 1 : 0;
}

/** True when this module is the program (tsx src/cli.ts, dist/cli.js, or an npm bin symlink to it). */
function isEntryPoint(): boolean {
  const self = (import.meta as { url?: string }).url;
  if (!self) return true; // bundled to CommonJS: only ever loaded as the bin
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return self === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `initlens check . | head`: a closed pipe ends the program quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  run(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`initlens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
