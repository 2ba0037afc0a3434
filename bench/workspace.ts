/**
 * Two measurements of workspace analysis (`node --import tsx bench/workspace.ts [scan|keystrokes] ...`):
 *
 * `scan` (the default): issue 13's whole-workspace goal, `initlens check DIR` on about 10 MB of real
 * model files in ≤ 5 s wall-clock on 2 cores with peak memory ≤ 500 MB. DIR is a temporary folder
 * holding every Python, notebook and TS/JS file of test/wild, copied `r01/`, `r02/`, ... until the
 * copies reach 10 MB (so over 1,000 files). The shipped CLI (`dist/cli.js`: run `npm run build`
 * first) checks it with `--format json` in `ROUNDS` interleaved rounds of `--jobs 1` (one thread)
 * and the default (worker threads, one per core). Printed per run: wall-clock, CPU (user+system)
 * and peak RSS of the process (its worker threads included), the load average around it; and
 * whether the JSON reports of the two modes are byte-identical.
 *
 *   node --import tsx bench/workspace.ts scan [rounds=3] [megabytes=10]
 *
 * `keystrokes`: the keystroke cost of workspace-aware analysis, as a ratio to the same file analysed
 * alone in the same run: for each fixture file of test/workspace/fixtures, type a character at a
 * place inside a function body and delete it again, `rounds` times, through the editor's path (index
 * update, then `WorkspaceAnalyzer.update` with the change) and through the single-file path
 * (`IncrementalAnalyzer.update`). Prints medians (ms) and the ratio.
 *
 *   node --import tsx bench/workspace.ts keystrokes [rounds=60]
 *
 * `editor`: the editor's "Analyze workspace" loop (`src/vscode/logic/workspaceScan.ts`, no VS Code:
 * files in memory) over test/wild's model files repeated `copies` times, in the extension host's
 * thread (the web extension's path) and on worker threads (`dist/scanWorker.cjs`, the desktop
 * path), interleaved: wall-clock, CPU time of the process (all threads), the longest stall of this thread's event loop
 * (`monitorEventLoopDelay`), and whether the diagnostics of every file are identical.
 *
 *   npm run build && node --import tsx bench/workspace.ts editor [rounds=3] [copies=10]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { analyze, IncrementalAnalyzer, WorkspaceAnalyzer, WorkspaceIndex, indexableText } from '../src/core/index.js';
import { parseNotebook, toFileOffset } from '../src/core/notebook.js';
import { closedFileDiagnostics } from '../src/vscode/logic/closedFile.js';
import type { DiagnosticData } from '../src/vscode/logic/present.js';
import { defaultSettings, toAnalysisOptions } from '../src/vscode/logic/settings.js';
import { scanWorkspaceFiles } from '../src/vscode/logic/workspaceScan.js';
import { startScanThreads, type ScanJob } from '../src/vscode/scanThreads.js';


const ROOT = join(import.meta.dirname, '..');
const MODEL_FILE = /\.(py|ipynb|ts|tsx|js|jsx|mjs|cjs)$/;

/** The files of test/wild that InitLens checks (Python, notebooks, TS/JS), relative paths. */
function wildFiles(): string[] {
  const wild = join(ROOT, 'test', 'wild');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (MODEL_FILE.test(e.name) && !e.name.endsWith('.d.ts')) out.push(relative(wild, join(dir, e.name)));
    }
  };
  walk(wild);
  return out.sort();
}

/** test/wild's model files copied into `dir/r01/`, `dir/r02/`, ... until `bytes` are reached. */
function buildWorkspace(dir: string, bytes: number): { files: number; bytes: number; copies: number } {
  const wild = join(ROOT, 'test', 'wild');
  const files = wildFiles();
  const sizes = files.map((f) => statSync(join(wild, f)).size);
  const perCopy = sizes.reduce((a, b) => a + b, 0);
  const copies = Math.ceil(bytes / perCopy);
  for (let c = 1; c <= copies; c++) {
    for (const f of files) {
      const to = join(dir, `r${String(c).padStart(2, '0')}`, f);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(join(wild, f), to);
    }
  }
  return { files: files.length * copies, bytes: perCopy * copies, copies };
}

interface ScanRun {
  mode: string;
  wall: number;
  cpu: number;
  rssMB: number;
  load: [number, number];
  digest: string;
}

/** One `initlens check DIR --format json` in a child process: wall-clock, CPU and peak RSS (threads included). */
function checkOnce(cli: string, dir: string, jobs: string[], usageFile: string, preload: string): ScanRun {
  const load0 = loadavg()[0];
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--require', preload, cli, 'check', dir, '--format', 'json', ...jobs], {
    env: { ...process.env, INITLENS_BENCH_USAGE: usageFile },
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const wall = performance.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`initlens check exited with ${r.status}: ${r.stderr}`);
  const u = JSON.parse(readFileSync(usageFile, 'utf8')) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
  return {
    mode: jobs.length ? jobs.join(' ') : 'default',
    wall,
    cpu: (u.userCPUTime + u.systemCPUTime) / 1e6, // microseconds
    rssMB: u.maxRSS / 1024,
    load: [load0, loadavg()[0]],
    digest: createHash('sha256').update(r.stdout).digest('hex').slice(0, 12),
  };
}

function scan(rounds: number, megabytes: number): void {
  const cli = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'initlens-workspace-'));
  try {
    const ws = buildWorkspace(join(dir, 'ws'), megabytes * 1_000_000);
    const usageFile = join(dir, 'usage.json');
    const preload = join(dir, 'usage.cjs');
    // Written by the CLI's main thread at exit: the process's CPU time and peak RSS, worker threads included.
    writeFileSync(
      preload,
      "const { isMainThread } = require('node:worker_threads');\n" +
        "if (isMainThread) process.on('exit', () => require('node:fs').writeFileSync(process.env.INITLENS_BENCH_USAGE, JSON.stringify(process.resourceUsage())));\n",
    );
    console.log(
      `whole workspace: ${ws.files} files (test/wild's ${ws.files / ws.copies} model files × ${ws.copies}), ${(ws.bytes / 1e6).toFixed(1)} MB; ` +
        `${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}); ${rounds} interleaved rounds`,
    );
    console.log('| run | wall (s) | CPU (s) | peak RSS (MB) | load before → after | report |\n|---|---:|---:|---:|---|---|');
    const runs: ScanRun[] = [];
    // Warm the file cache once (not measured).
    checkOnce(cli, join(dir, 'ws'), ['--jobs', '1'], usageFile, preload);
    for (let r = 0; r < rounds; r++) {
      for (const jobs of r % 2 === 0 ? [['--jobs', '1'], []] : [[], ['--jobs', '1']]) {
        const run = checkOnce(cli, join(dir, 'ws'), jobs, usageFile, preload);
        runs.push(run);
        console.log(`| ${run.mode} | ${(run.wall / 1000).toFixed(2)} | ${run.cpu.toFixed(2)} | ${run.rssMB.toFixed(0)} | ${run.load.map((x) => x.toFixed(1)).join(' → ')} | ${run.digest} |`);
      }
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
    for (const mode of ['--jobs 1', 'default']) {
      const rs = runs.filter((x) => x.mode === mode);
      console.log(`${mode}: median wall ${(med(rs.map((x) => x.wall)) / 1000).toFixed(2)} s, CPU ${med(rs.map((x) => x.cpu)).toFixed(2)} s, peak RSS ${Math.max(...rs.map((x) => x.rssMB)).toFixed(0)} MB`);
    }
    const def = runs.filter((x) => x.mode === 'default');
    const wall = med(def.map((x) => x.wall)) / 1000;
    const rss = Math.max(...def.map((x) => x.rssMB));
    console.log(`goal (default run): wall ≤ 5 s: ${wall <= 5 ? 'met' : 'MISS'} (${wall.toFixed(2)} s); peak ≤ 500 MB: ${rss <= 500 ? 'met' : 'MISS'} (${rss.toFixed(0)} MB)`);
    const digests = new Set(runs.map((x) => x.digest));
    console.log(digests.size === 1 ? 'reports: byte-identical across runs and modes' : `reports DIFFER across runs: ${[...digests].join(', ')}`);
    if (digests.size !== 1) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function editorScan(rounds: number, copies: number): Promise<void> {
  const script = join(ROOT, 'dist', 'scanWorker.cjs');
  if (!existsSync(script)) throw new Error('dist/scanWorker.cjs is missing: run `npm run build` first');
  const wild = join(ROOT, 'test', 'wild');
  const base = wildFiles().map((f) => [f, readFileSync(join(wild, f), 'utf8')] as const);
  const files: [string, string][] = [];
  for (let c = 1; c <= copies; c++) for (const [f, text] of base) files.push([`r${c}/${f}`, text]);
  const bytes = files.reduce((n, [, t]) => n + t.length, 0);
  const engine = { analyze, parseNotebook, toFileOffset };
  const options = toAnalysisOptions(defaultSettings);
  const inThread = (job: ScanJob) => closedFileDiagnostics(engine, job.path, job.text, job.settings, job.excluded, job.options);
  const texts = new Map(files);
  const run = async (threaded: boolean) => {
    const published = new Map<string, DiagnosticData[]>();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    delay.enable();
    const threads = threaded ? startScanThreads({ script, files: files.length, fallback: inThread, workerOptions: { execArgv: [] } }) : null;
    if (threaded && !threads) throw new Error('no worker threads');
    try {
      await scanWorkspaceFiles(files.map(([f]) => f), {
        isOpen: () => false,
        read: async (f) => texts.get(f) ?? null,
        analyze: (f, text) => {
          const job: ScanJob = { path: '/w/' + f, text, settings: defaultSettings, excluded: false, options };
          return threads ? threads.analyze(job) : inThread(job);
        },
        publish: (f, _text, found) => published.set(f, found),
        progress: () => undefined,
        isCancelled: () => false,
        now: () => performance.now(),
        yieldToHost: () => new Promise((r) => setTimeout(r, 0)),
      }, { lanes: threads ? threads.size * 2 : 1 });
    } finally {
      await threads?.close();
    }
    const wall = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    delay.disable();
    const digest = createHash('sha256').update(JSON.stringify([...published].sort(([a], [b]) => (a < b ? -1 : 1)))).digest('hex').slice(0, 12);
    return { wall, cpu: (cpu.user + cpu.system) / 1000, stall: delay.max / 1e6, p99: delay.percentile(99) / 1e6, digest };
  };
  console.log(`editor "Analyze workspace": ${files.length} files (test/wild × ${copies}), ${(bytes / 1e6).toFixed(1)} MB of text; ${availableParallelism()} cores; ${rounds} interleaved rounds`);
  console.log('| path | wall (ms) | CPU, all threads (ms) | longest event-loop stall (ms) | p99 stall (ms) | load | diagnostics |\n|---|---:|---:|---:|---:|---|---|');
  const digests = new Set<string>();
  await run(false); // warm-up: JIT of this thread (the extension host has usually analysed open documents already)
  for (let r = 0; r < rounds; r++) {
    for (const threaded of r % 2 === 0 ? [false, true] : [true, false]) {
      const load = loadavg()[0];
      const x = await run(threaded);
      digests.add(x.digest);
      console.log(`| ${threaded ? 'worker threads (desktop)' : 'extension host thread (web)'} | ${x.wall.toFixed(0)} | ${x.cpu.toFixed(0)} | ${x.stall.toFixed(1)} | ${x.p99.toFixed(1)} | ${load.toFixed(1)} | ${x.digest} |`);
    }
  }
  console.log(digests.size === 1 ? 'diagnostics: identical on both paths, every round' : `diagnostics DIFFER: ${[...digests].join(', ')}`);
  if (digests.size !== 1) process.exitCode = 1;
}

const FIXTURES = join(import.meta.dirname, '..', 'test', 'workspace', 'fixtures');

function load(name: string): WorkspaceIndex {
  const index = new WorkspaceIndex();
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), p);
      else {
        const it = indexableText(p, readFileSync(join(dir, e.name), 'utf8'));
        if (it) index.update(p, it.text, it.language, it.cells);
      }
    }
  };
  walk(join(FIXTURES, name), '');
  return index;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function keystrokes(ROUNDS: number): void {
  const cases: [string, string][] = [
    ['gan', 'models.py'],
    ['resnet', 'blocks.py'],
    ['resnet', 'resnet.py'],
    ['package', 'src/mlkit/nn/blocks.py'],
    ['aliases', 'app.py'],
    ['aliases', 'models.py'],
  ];
  console.log(`keystrokes: ${ROUNDS} type+delete pairs per file; medians in ms`);
  console.log('| file | alone | in the workspace | ratio |\n|---|---|---|---|');
  for (const [project, file] of cases) {
    const index = load(project);
    const base = index.get(file)!.text;
    // inside the first function body: after the first "super().__init__()"
    const at = Math.max(0, base.indexOf('__init__()') + '__init__()'.length);
    const alone = new IncrementalAnalyzer('python');
    const linked = new WorkspaceAnalyzer('python');
    alone.update(base);
    linked.update(index, file, base);
    const ta: number[] = [];
    const tw: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      for (const [text, change] of [
        [base.slice(0, at) + 'x' + base.slice(at), { from: at, to: at, insert: 'x' }],
        [base, { from: at, to: at + 1, insert: '' }],
      ] as const) {
        let t = performance.now();
        alone.update(text, [change]);
        ta.push(performance.now() - t);
        t = performance.now();
        index.update(file, text);
        linked.update(index, file, text, [change]);
        tw.push(performance.now() - t);
      }
    }
    const a = median(ta);
    const w = median(tw);
    console.log(`| ${project}/${file} | ${a.toFixed(3)} | ${w.toFixed(3)} | ${(w / a).toFixed(2)} |`);
  }
}

const [mode = 'scan', ...rest] = process.argv.slice(2);
if (mode === 'keystrokes') keystrokes(Number(rest[0] ?? 60));
else if (mode === 'scan') scan(Number(rest[0] ?? 3), Number(rest[1] ?? 10));
else if (mode === 'editor') await editorScan(Number(rest[0] ?? 3), Number(rest[1] ?? 10));
else throw new Error(`bench/workspace.ts: unknown mode ${mode} (scan | editor | keystrokes)`);
