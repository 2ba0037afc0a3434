/**
 * `npm run bench:sim`: the variance simulator's speed on the reference workload
 * of /work/shared/docs/simulation.md, as ratios to PyTorch run in the same bench.
 *
 * Workload: 50 dense layers of width 512, ReLU (He), batch 1,024, forward +
 * backward from a standard-normal cotangent with weight gradients (one seed of
 * src/sim/runner.ts runSeed, statistics included; 80.5 GFLOP of matmuls).
 * 1. tfjs on every available backend (wasm; cpu only with BENCH_SIM_CPU=1: minutes).
 * 2. PyTorch (Debian's python3-torch, installed by scripts/ensure-torch.sh), one
 *    thread: with the reference BLAS it is built against (BLAS_INFO=generic;
 *    selected by LD_LIBRARY_PATH, since installing OpenBLAS switches Debian's
 *    libblas.so.3 alternative), and with OpenBLAS (scripts/ensure-openblas.sh).
 * 3. The simulator as a user sees it (default batch 64, 50×512): time to the
 *    first Monte Carlo curve (one seed), and to converged (seeds = 0, cap 32)
 *    with seeds on 2 worker threads.
 * Prints a table and writes bench/sim-results.json. BENCH_SIM_REPEATS (default 3).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import type { NetworkSpec, SimBackend, SimLayer } from '../src/core/sim/types.js';
import { DEFAULT_SIM_OPTIONS } from '../src/core/sim/types.js';
import { initBackend, runSeed, runSimulation, scoped } from '../src/sim/runner.js';
import { runSimulationPooled, wasmDir } from '../src/sim/node.js';
import { reluLogMomentSd, seedsFor } from '../src/core/sim/spread.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const REPEATS = Number(process.env.BENCH_SIM_REPEATS ?? 3);

function mlp(depth: number, width: number): NetworkSpec {
  const he = { kind: 'normal' as const, mean: 0, std: Math.sqrt(2 / width) };
  const layers: SimLayer[] = Array.from({ length: depth }, (_, i) => ({
    index: i, layerId: null, line: null, layer: 'Linear', name: null, kind: 'dense', fanIn: width, fanOut: width, inFeatures: width, outFeatures: width,
    activation: { name: 'relu' }, normalization: null, residual: false, head: false,
    weight: { current: he, recommended: he, orthogonal: { kind: 'orthogonal', gain: Math.SQRT2 }, lsuv: { kind: 'orthogonal', gain: 1 } },
    bias: null, initName: { current: 'he_normal', recommended: 'he_normal', orthogonal: 'orthogonal', lsuv: 'lsuv' },
  }));
  return { modelId: 0, title: `${depth}×${width} ReLU MLP`, framework: 'pytorch', layers, assumptions: [] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const spec = mlp(50, 512);
const big = { ...DEFAULT_SIM_OPTIONS, batch: 1024, seeds: 1, which: ['current' as const] };
const rows: { what: string; seconds: number; note?: string }[] = [];
const show = (r: { what: string; seconds: number; note?: string }) => console.log(`${r.seconds.toFixed(2).padStart(8)} s  ${r.what}${r.note ? ` (${r.note})` : ''}`);
const push = (r: { what: string; seconds: number; note?: string }) => {
  rows.push(r);
  show(r);
};

const backends: SimBackend[] = process.env.BENCH_SIM_CPU === '1' ? ['wasm', 'cpu'] : ['wasm'];
for (const backend of backends) {
  const got = await initBackend([backend], { wasmPath: wasmDir() });
  if (got !== backend) continue;
  scoped(() => runSeed(mlp(4, 512), big, { init: 'current', seed: 99, batch: 1024 })); // warm-up
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    scoped(() => runSeed(spec, big, { init: 'current', seed: 1 + i, batch: 1024 }));
    times.push((performance.now() - t) / 1000);
  }
  push({ what: `tfjs ${backend}: one seed, batch 1,024 (sampling + fwd + bwd + stats)`, seconds: median(times) });
}

function torch(label: string, env: Record<string, string>): void {
  // torch.set_num_threads(1) does not reach OpenBLAS's own pthreads: its thread count is an
  // environment variable (without it the "1 thread" row ran on both cores: 0.34 s, not 0.65 s).
  const one = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const r = spawnSync('/usr/bin/python3', [join(here, 'sim_torch.py'), '1', String(REPEATS)], { env: { ...process.env, ...one, ...env }, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`bench:sim: PyTorch (${label}) failed: ${r.stderr.trim().split('\n').pop()}`);
    return;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { blas: string; seconds: number[] };
  push({ what: `PyTorch ${label}, 1 thread (BLAS_INFO=${out.blas})`, seconds: median(out.seconds) });
}
const ensure = spawnSync('sh', [join(root, 'scripts/ensure-torch.sh')], { stdio: 'inherit' });
if (ensure.status === 0) {
  // Installing libopenblas0-pthread switches Debian's libblas.so.3 alternative to OpenBLAS, so the
  // reference BLAS python3-torch ships with is selected explicitly for this row.
  torch('with the reference BLAS Debian ships (libblas3)', { LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack' });
  const ob = spawnSync('sh', [join(root, 'scripts/ensure-openblas.sh')], { encoding: 'utf8' });
  if (ob.status === 0) torch('with OpenBLAS', { LD_LIBRARY_PATH: ob.stdout.trim() });
}

// The simulator as a user sees it. The first curve: the preview from batch 16 of the first
// seed's weights (runSimulation reports it before the full batch), the backend already warm
// (a panel initializes it when it opens) and cold (initBackend included).
{
  const t = performance.now();
  await initBackend(['wasm'], { wasmPath: wasmDir() });
  const init = (performance.now() - t) / 1000;
  let first: number | null = null;
  const t0 = performance.now();
  await runSimulation(spec, { ...DEFAULT_SIM_OPTIONS, seeds: 1, which: ['current'] }, { onProgress: () => (first ??= (performance.now() - t0) / 1000) });
  push({ what: 'first Monte Carlo curve (50×512, preview at batch 16 of seed 1, warm backend, in process)', seconds: first ?? NaN, note: `backend init ${init.toFixed(2)} s when cold` });
  let full: number | null = null;
  const t1 = performance.now();
  await runSimulation(spec, { ...DEFAULT_SIM_OPTIONS, seeds: 1, which: ['current'] }, { onProgress: (p) => (full ??= p.preview ? null : (performance.now() - t1) / 1000) });
  push({ what: 'first full-batch curve (50×512, batch 64, one seed, in process)', seconds: full ?? NaN });
}

// Convergence: the seed-to-seed spread of every layer's log second moment, and how many
// seeds the ±5% rule needs (95% interval of the mean: seeds ≈ (1.96·sd / ln 1.05)²).
const convergence: { depth: number; seeds: number; seconds: number; perSeed: number; sdLast: number; sdMax: number; sdTheory: number; seedsFor5: number; in5s: number }[] = [];
for (const depth of [20, 50]) {
  const net = mlp(depth, 512);
  const pooled = await runSimulationPooled(net, { ...DEFAULT_SIM_OPTIONS, seeds: 0, maxSeeds: 32, which: ['current'] }, { workers: 2, backend: 'wasm' });
  const s = pooled.series[0]!;
  const n = s.seeds;
  // The pool's 95% interval of the mean log second moment → the seeds' standard deviation.
  const t975 = n >= 30 ? 2.045 : n >= 16 ? 2.131 : 2.3;
  const sds = s.layers.map((l) => ((Math.log(l.spread.forwardSecondMoment.hi95) - Math.log(l.spread.forwardSecondMoment.lo95)) / 2 / t975) * Math.sqrt(n));
  const sdMax = Math.max(...sds);
  const seconds = pooled.timings.totalMs / 1000;
  const perSeed = seconds / n; // wall time per seed on 2 workers
  const seedsFor5 = seedsFor(sdMax);
  // src/core/sim/spread.ts: Hanin & Nica's 5L/n per input, corrected for the batch's averaging.
  const theory = reluLogMomentSd(depth, 512, 64).at(-1)!;
  const in5s = Math.floor(5 / perSeed);
  const reach = in5s >= 2 ? (Math.exp((1.96 * sdMax) / Math.sqrt(in5s)) - 1) * 100 : NaN;
  convergence.push({ depth, seeds: n, seconds, perSeed, sdLast: sds[sds.length - 1]!, sdMax, sdTheory: theory, seedsFor5, in5s });
  push({
    what: `${depth}×512 seeds = 0 (batch 64, 2 workers): ${n} seeds, ${s.converged ? 'converged' : 'seed cap'}`,
    seconds,
    note: `sd of log m per seed ${sdMax.toFixed(2)} (last layer ${sds[sds.length - 1]!.toFixed(2)}; theory for batch 64: ${theory.toFixed(2)}, one input √(5L/n) = ${Math.sqrt((5 * depth) / 512).toFixed(2)}); ±5% needs ≈${seedsFor5} seeds ≈ ${(seedsFor5 * perSeed).toFixed(0)} s (theory ${seedsFor(theory)}); in 5 s: ${in5s} seeds, ±${reach.toFixed(0)}%`,
  });
}

const ref = rows.find((r) => r.what.startsWith('PyTorch with OpenBLAS'))?.seconds;
const deb = rows.find((r) => r.what.startsWith('PyTorch with the reference BLAS'))?.seconds;
const wasm = rows.find((r) => r.what.startsWith('tfjs wasm'))?.seconds;
console.log(`\nSimulator bench (${cpus().length} cores: ${cpus()[0]?.model ?? '?'}; load ${loadavg().map((x) => x.toFixed(1)).join(' ')}), median of ${REPEATS}\n`);
for (const r of rows) show(r);
if (wasm && ref) console.log(`\ntfjs wasm / PyTorch+OpenBLAS (1 thread): ${(wasm / ref).toFixed(2)}× (goal ≤ 4×)`);
if (wasm && deb) console.log(`Debian's default PyTorch / tfjs wasm: ${(deb / wasm).toFixed(2)}× (goal ≥ 5×)`);
writeFileSync(join(here, 'sim-results.json'), JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, load: loadavg(), repeats: REPEATS, rows, convergence, ratios: { wasmOverOpenblas: wasm && ref ? wasm / ref : null, debianOverWasm: wasm && deb ? deb / wasm : null } }, null, 2) + '\n');
