/**
 * The simulator's work budget: models too large for it are sampled down before
 * the Monte Carlo runs, and every reduction is an Assumption (key `reduced:…`)
 * the caller sees and can override (SimOptions.budget; 0 = never reduce).
 *
 * Cost: multiply-adds of one seed's forward pass (the backward costs about twice
 * that). Order of reductions, cheapest in accuracy first (simulation.md: in deep
 * ReLU nets the spread comes from the weights, not the batch): the batch (down to
 * 16), the spatial input of convolutions (down to 4), the unrolled steps of
 * recurrent layers (down to 2), then the widths of dense and convolutional layers
 * (down to 32, weights rescaled so fan_in·Var(W) is unchanged).
 *
 * `seedCost` is the one per-seed cost every runner uses (the CLI's and the
 * server's worker count, the server's run budget, the panel's workers): the cost
 * of a seed as it runs, after these reductions. A run budget (`SimOptions.runBudget`,
 * the language server's default) then caps the seeds of a run until converged,
 * counted with that cost. Every runner (src/sim/runner.ts, src/sim/node.ts, the
 * panel's webview/variance/sim.ts) applies `fitBudget` once, so the same model and
 * options give the same reductions and the same messages everywhere.
 *
 * Pure: no tfjs, no Node.
 */
import { convPlan, matrixShape, positionsOf } from './analytic.js';
import { scaleSampler } from './network.js';
import type { Assumption, NetworkSpec, SimLayer, SimOptions } from './types.js';
import { DEFAULT_MAX_SEEDS, SIM_INITS } from './types.js';

/** Default budget: 2·10⁹ multiply-adds per seed forward (about 0.7 s forward + backward in tfjs-wasm on this machine). */
export const DEFAULT_BUDGET = 2e9;

const MIN_BATCH = 16;
const MIN_SPATIAL = 4;
const MIN_STEPS = 2;
const MIN_WIDTH = 32;
/** A run capped by the run budget keeps at least this many seeds per init (an interval needs two). */
const MIN_SEEDS = 2;

/** Multiply-adds of one seed's forward pass of `spec` under `options`. */
export function forwardCost(spec: NetworkSpec, options: SimOptions): number {
  const plan = convPlan(spec, options);
  let total = 0;
  spec.layers.forEach((l, i) => {
    if (l.kind === 'embedding') return;
    const { rows, cols } = matrixShape(l);
    if (l.kind === 'recurrent') {
      const g = l.gates ?? 1;
      total += options.batch * options.steps * (l.inFeatures + l.outFeatures) * g * l.outFeatures;
      return;
    }
    const positions = l.kind === 'dense' ? 1 : plan[i] ? plan[i]!.output.reduce((a, b) => a * b, 1) : positionsOf(l, options);
    total += options.batch * positions * rows * cols;
  });
  return total;
}

/** `l` simulated at `f` times its width (dense: features; convolutions: channels), weights rescaled to keep fan_in·Var(W). */
function narrower(l: SimLayer, f: number, first: boolean): SimLayer {
  if (l.kind !== 'dense' && l.kind !== 'conv' && l.kind !== 'conv_transpose') return l;
  // The network's input width stays (it is the data's); every hidden width shrinks.
  const nIn = first ? l.inFeatures : Math.max(Math.min(l.inFeatures, MIN_WIDTH), Math.floor(l.inFeatures * f));
  const nOut = Math.max(Math.min(l.outFeatures, MIN_WIDTH), Math.floor(l.outFeatures * f));
  if (nIn === l.inFeatures && nOut === l.outFeatures) return l;
  const s = Math.sqrt(l.inFeatures / nIn);
  const weight = { ...l.weight };
  for (const i of SIM_INITS) if (weight[i] && weight[i]!.kind !== 'orthogonal') weight[i] = scaleSampler(weight[i]!, s);
  return { ...l, inFeatures: nIn, outFeatures: nOut, weight };
}

/**
 * The spec and options to simulate within the budget, and what was reduced. The
 * returned options are what the runner uses (and reports); the assumptions are
 * to be added to the result's.
 */
export function fitBudget(spec: NetworkSpec, options: SimOptions): { spec: NetworkSpec; options: SimOptions; assumptions: Assumption[] } {
  const budget = options.budget ?? DEFAULT_BUDGET;
  const assumptions: Assumption[] = [];
  let o = { ...options };
  let s = spec;
  const over = () => (budget > 0 ? forwardCost(s, o) / budget : 0);
  if (over() > 1 && o.batch > MIN_BATCH) {
    const b = Math.max(MIN_BATCH, Math.floor(o.batch / over()));
    if (b < o.batch) {
      assumptions.push({ key: 'reduced:batch', value: b, message: `batch ${o.batch} reduced to ${b} to stay within the budget (the spread between seeds comes from the weights, not the batch); pass a larger budget to keep it` });
      o = { ...o, batch: b };
    }
  }
  const hasConv = s.layers.some((l) => l.kind === 'conv' || l.kind === 'conv_transpose');
  if (over() > 1 && hasConv && o.spatial > MIN_SPATIAL) {
    const sp = Math.max(MIN_SPATIAL, Math.floor(o.spatial / Math.sqrt(over())));
    if (sp < o.spatial) {
      assumptions.push({ key: 'reduced:spatial', value: sp, message: `convolutions run on a ${sp}×${sp} input instead of ${o.spatial}×${o.spatial} to stay within the budget` });
      o = { ...o, spatial: sp };
    }
  }
  if (over() > 1 && s.layers.some((l) => l.kind === 'recurrent') && o.steps > MIN_STEPS) {
    const st = Math.max(MIN_STEPS, Math.floor(o.steps / over()));
    if (st < o.steps) {
      assumptions.push({ key: 'reduced:steps', value: st, message: `recurrent layers are unrolled for ${st} steps instead of ${o.steps} to stay within the budget` });
      o = { ...o, steps: st };
    }
  }
  if (over() > 1) {
    // The input width stays and widths are floored: a few rounds of the factor converge.
    const original = s.layers;
    let f = 1;
    for (let round = 0; round < 6 && over() > 1; round++) {
      f /= Math.sqrt(over());
      s = { ...s, layers: original.map((l, i) => narrower(l, f, i === 0)) };
      if (s.layers.every((l, i) => l === original[i])) break;
    }
    if (s.layers.some((l, i) => l !== original[i])) {
      const widest = Math.max(...original.map((l) => l.outFeatures));
      const now = Math.max(...s.layers.map((l) => l.outFeatures));
      assumptions.push({ key: 'reduced:width', value: Number(f.toPrecision(3)), message: `layers simulated at ${Math.round(f * 100)}% of their width (widest ${widest} → ${now}), weights rescaled to keep fan_in·Var(W), to stay within the budget` });
    }
  }
  if (over() > 1.05) {
    assumptions.push({ key: 'reduced:over', value: Math.round(forwardCost(s, o)), message: `still ${over().toFixed(1)}× the budget after the reductions: expect a slow run` });
  }
  o = capSeeds(s, o, assumptions);
  if (assumptions.length === 0) return { spec, options, assumptions };
  return { spec: { ...s, assumptions: [...s.assumptions, ...assumptions] }, options: o, assumptions };
}

/**
 * Seeds until converged within `options.runBudget` (multiply-adds of the whole run's
 * forward passes, counted with the fitted per-seed cost): a lower seed cap, down to
 * MIN_SEEDS per init. An explicit seed count is never capped.
 */
function capSeeds(spec: NetworkSpec, o: SimOptions, assumptions: Assumption[]): SimOptions {
  const run = o.runBudget ?? 0;
  if (!(run > 0) || o.seeds > 0) return o;
  const inits = (o.which ?? SIM_INITS).length;
  const cap = o.maxSeeds ?? DEFAULT_MAX_SEEDS;
  const perSeed = forwardCost(spec, o);
  const fits = Math.max(MIN_SEEDS, Math.floor(run / (perSeed * inits)));
  if (fits >= cap) return o;
  assumptions.push({
    key: 'reduced:seeds',
    value: fits,
    message:
      perSeed * inits * fits <= run
        ? `at most ${fits} seeds per init (not ${cap}) to stay within the run budget (${run.toExponential(1)} multiply-adds: ${inits * fits} seed runs of ${perSeed.toExponential(1)}); an explicit number of seeds is never capped`
        : `at most ${fits} seeds per init (not ${cap}), the fewest that give an interval: ${inits * fits} seed runs of ${perSeed.toExponential(1)} multiply-adds, over the run budget (${run.toExponential(1)}); an explicit number of seeds is never capped`,
  });
  return { ...o, maxSeeds: fits };
}

/**
 * The one per-seed cost: multiply-adds of one seed's forward pass as the runners
 * run it (within the work budget: fitBudget's reductions applied; strides and
 * ranks included). The backward pass costs about twice as much again.
 */
export function seedCost(spec: NetworkSpec, options: SimOptions): number {
  const fitted = fitBudget(spec, options);
  return forwardCost(fitted.spec, fitted.options);
}

/**
 * Workers worth starting for a run (the CLI's and the server's worker threads, the
 * panel's Web Workers): two when one seed costs more than a worker's start-up (about
 * 1 GFLOP forward + backward per seed, counted with the fitted cost), else one;
 * never more than the machine's cores.
 */
export function workersFor(spec: NetworkSpec, options: SimOptions, cores: number): number {
  const want = seedCost(spec, options) * 6 > 1e9 ? 2 : 1;
  return Math.max(1, Math.min(want, Math.floor(cores) || 1));
}

/** The reductions a run made (its `reduced:…` assumptions) as one sentence, or null when none. */
export function reductionNote(assumptions: readonly Assumption[]): string | null {
  const reduced = assumptions.filter((a) => a.key.startsWith('reduced:'));
  if (reduced.length === 0) return null;
  return `Reduced to fit the work budget: ${reduced.map((a) => a.message).join('; ')}.`;
}
