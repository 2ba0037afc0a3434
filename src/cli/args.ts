/** Command-line arguments: the `Args` of one run, the `--help` text, and `parseArgs`. */
import pkg from '../../package.json' with { type: 'json' };
import { RULE_CODES, type RuleCode } from '../core/index.js';

export const VERSION: string = (pkg as { version?: string }).version ?? '0.0.0';

/** https URL of the repository from package.json (`git+https://…/x.git` → `https://…/x`), if any. */
export function repositoryUrl(): string | undefined {
  const repo = (pkg as { repository?: string | { url?: string } }).repository;
  const raw = typeof repo === 'string' ? repo : repo?.url;
  if (!raw) return undefined;
  let url = raw.startsWith('git+') ? raw.slice(4) : raw;
  if (url.endsWith('.git')) url = url.slice(0, -4);
  return url.startsWith('https://') ? url : undefined;
}

const DEFAULT_MAX_SIZE = 2 * 1024 * 1024;

export type Command = 'check' | 'layers' | 'simulate';
export type Format = 'text' | 'json' | 'sarif' | 'csv';

export interface Args {
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
  /** --jobs: worker threads for check/layers (null: one per core when the run is large enough). */
  jobs: number | null;
  /** simulate: which inits, which methods, and the simulator's knobs (null: the simulator's default). */
  sim: SimArgs;
  /** --project ROOT: the workspace a file is analysed in (default: each folder given). */
  project: string | null;
  /** --no-project: every file alone. */
  noProject: boolean;
  /** --config FILE: use this configuration file for every path instead of discovering one. */
  config: string | null;
  /** --isolated: ignore every configuration file. */
  isolated: boolean;
  /** --verbose: text output gives each finding's full explanation. */
  verbose: boolean;
  /** Options given on the command line: they override the configuration file. */
  given: Set<'select' | 'ignore' | 'distribution' | 'pytorchDefault'>;
}

export interface SimArgs {
  init: 'current' | 'recommended' | 'orthogonal' | 'lsuv' | 'all';
  method: 'montecarlo' | 'analytic' | 'both';
  batch: number | null;
  seeds: number | null;
  seed: number | null;
  steps: number | null;
  spatial: number | null;
  widthDefault: number | null;
  backend: 'wasm' | 'cpu' | null;
  /** Worker threads for Monte Carlo seeds (null: automatic). */
  workers: number | null;
  /** Flags given explicitly, to reject them outside simulate. */
  given: string[];
}

export class UsageError extends Error {}

export const HELP = `initlens ${VERSION}: lint neural-network weight initialization against activations
(Keras, PyTorch, Flax in Python and notebooks; TensorFlow.js layers in JS/TS).

Usage:
  initlens check PATH... [options]     report initializer/activation mismatches
  initlens layers PATH... [options]    list every detected layer
  initlens simulate FILE [options]     per-layer variance under current vs recommended init
  initlens server [--socket PORT]      language server (LSP) over stdio, or on 127.0.0.1:PORT
  initlens --help | --version

Files: .py .ipynb .js .mjs .cjs .ts .mts .cts; folders are searched recursively,
skipping node_modules .git __pycache__ .venv venv dist build .ipynb_checkpoints
and tool caches. .tsx/.jsx are not analysed. A folder is one project: a model,
an init function or a size imported from another file under it counts, and so
does the init another file applies to a model (the finding says where).

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
  --model N|NAME             simulate: model index (0-based, as listed) or name
  --jobs N                   analyse on N worker threads (default: one per core
                             for runs over 200 KB; 1: in this thread)
  --config FILE              use this initlens.toml / pyproject.toml for every file
  --isolated                 ignore configuration files
  -v, --verbose              text output: each finding's full explanation
  --format csv               simulate: one row per init and layer

Simulate (the variance simulator; defaults: both methods, all four inits):
  --init current|recommended|orthogonal|lsuv|all
  --method montecarlo|mc|analytic|both
  --batch N                  samples per seed (default 64)
  --seeds N                  seeds to pool (default 0: until converged, at most 32)
  --seed N                   first seed (default 1); the same seed gives the same numbers
  --steps N                  recurrent layers: steps unrolled (default 8)
  --spatial N                convolutions: input size N×N, 'same' padding (default 16)
  --width-default N          width where the code gives none (default 256)
  --backend wasm|cpu         TensorFlow.js backend (default wasm)
  --workers N                worker threads for seeds (default: automatic)
  --project ROOT             analyse files with their workspace under ROOT: what
                             they import from it and what other files do with
                             their models (default: each folder given is one)
  --no-project               analyse every file alone
  -h, --help                 show this help
  -V, --version              show the version

Exit status: 0 no problems, 1 problems found (after --fix: problems left),
2 usage or I/O error. Binary, non-UTF-8 and oversized files are reported on
stderr (JSON: "errors") and skipped without changing the exit status.
Text output: path:line:col: CODE [severity] message; in notebooks
path:cell N:line:col with N counting all cells from 1.
Colors only on a terminal, and never when NO_COLOR is set.

Configuration: the nearest initlens.toml (or pyproject.toml with a
[tool.initlens] table) from each file upwards: select, ignore, severity,
per-file-ignores, pytorch-default, distribution. Options given here override it.
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

export type Parsed = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; args: Args };

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
    jobs: null,
    sim: { init: 'all', method: 'both', batch: null, seeds: null, seed: null, steps: null, spatial: null, widthDefault: null, backend: null, workers: null, given: [] },
    project: null,
    noProject: false,
    config: null,
    isolated: false,
    verbose: false,
    given: new Set(),
  };
  const int = (flag: string, v: string, min: number, max: number): number => {
    const n = Number(v.trim());
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, got '${v}'`);
    return n;
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
        if (v !== 'text' && v !== 'json' && v !== 'sarif' && v !== 'csv') throw new UsageError(`--format: expected text, json, sarif or csv, got '${v}'`);
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
        args.given.add('select');
        break;
      case '--ignore':
        args.ignore.push(...parseCodes(value(), '--ignore'));
        args.given.add('ignore');
        break;
      case '--distribution': {
        const v = value();
        if (v !== 'normal' && v !== 'uniform') throw new UsageError(`--distribution: expected normal or uniform, got '${v}'`);
        args.distribution = v;
        args.given.add('distribution');
        break;
      }
      case '--no-pytorch-default':
        flag();
        args.pytorchDefault = false;
        args.given.add('pytorchDefault');
        break;
      case '--config':
        args.config = value();
        break;
      case '--isolated':
        args.isolated = flag();
        break;
      case '-v':
      case '--verbose':
        args.verbose = flag();
        break;
      case '--max-size':
        args.maxSize = parseSize(value());
        break;
      case '--model':
        args.model = value();
        break;
      case '--jobs': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--jobs: expected a whole number of threads from 1 to 256, got '${v}'`);
        args.jobs = n;
        break;
      }
      case '--init': {
        const v = value();
        if (v !== 'current' && v !== 'recommended' && v !== 'orthogonal' && v !== 'lsuv' && v !== 'all') {
          throw new UsageError(`--init: expected current, recommended, orthogonal, lsuv or all, got '${v}'`);
        }
        args.sim.init = v;
        args.sim.given.push(name);
        break;
      }
      case '--method': {
        const raw = value();
        const v = raw === 'mc' ? 'montecarlo' : raw; // `mc`: short for montecarlo
        if (v !== 'montecarlo' && v !== 'analytic' && v !== 'both') throw new UsageError(`--method: expected montecarlo (mc), analytic or both, got '${raw}'`);
        args.sim.method = v;
        args.sim.given.push(name);
        break;
      }
      case '--backend': {
        const v = value();
        if (v !== 'wasm' && v !== 'cpu') throw new UsageError(`--backend: expected wasm or cpu, got '${v}'`);
        args.sim.backend = v;
        args.sim.given.push(name);
        break;
      }
      case '--batch':
        args.sim.batch = int(name, value(), 1, 65536);
        args.sim.given.push(name);
        break;
      case '--seeds':
        args.sim.seeds = int(name, value(), 0, 1000);
        args.sim.given.push(name);
        break;
      case '--seed':
        args.sim.seed = int(name, value(), 0, 2 ** 31 - 1);
        args.sim.given.push(name);
        break;
      case '--steps':
        args.sim.steps = int(name, value(), 1, 256);
        args.sim.given.push(name);
        break;
      case '--spatial':
        args.sim.spatial = int(name, value(), 1, 256);
        args.sim.given.push(name);
        break;
      case '--width-default':
        args.sim.widthDefault = int(name, value(), 1, 65536);
        args.sim.given.push(name);
        break;
      case '--workers':
        args.sim.workers = int(name, value(), 1, 16);
        args.sim.given.push(name);
        break;
      case '--project':
        args.project = value();
        break;
      case '--no-project':
        args.noProject = flag();
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
  if (command === 'simulate' && args.jobs !== null) throw new UsageError('--jobs applies to check and layers only');
  if (command !== 'simulate' && args.sim.given.length > 0) throw new UsageError(`${args.sim.given[0]} applies to simulate only`);
  if (command !== 'simulate' && args.format === 'csv') throw new UsageError('--format csv applies to simulate only');
  if (args.project !== null && args.noProject) throw new UsageError('--project and --no-project exclude each other');
  if (args.config !== null && args.isolated) throw new UsageError('--config and --isolated exclude each other');
  return { kind: 'run', args };
}
