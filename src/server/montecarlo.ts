/**
 * The Monte Carlo half of the server's `initlens.simulateModel`: the extension
 * panel's tfjs simulation (src/sim, WASM backend in Node), run in worker threads
 * so that the server's thread keeps answering while seeds run, cancelled with
 * the request, reporting `$/progress` per pooled seed, and rendered as text
 * (Markdown and aligned plain text) for editors without a webview.
 *
 * The default options are the panel's: seeds until converged, at most 8 per
 * init (a first answer in seconds on an MLP), within a run budget. The command's
 * third argument may override them: `{ method, seeds, batch, seed, steps, spatial,
 * widthDefault, depthMultiplier, input, which, budget }` with the panel's limits
 * (src/shared/protocol.ts).
 */
import type { NetworkSpec, SimInit, SimOptions, SimProgress, SimulationResult } from '../core/sim/types.js';
import { DEFAULT_SIM_OPTIONS, SIM_INITS } from '../core/sim/types.js';
import { reductionNote } from '../core/sim/budget.js';
import { parseOptions } from '../shared/protocol.js';
import { fmt } from '../vscode/logic/variance.js';

export type SimMethod = 'analytic' | 'montecarlo' | 'both';

export interface SimulateRequest {
  method: SimMethod;
  options: SimOptions;
}

/**
 * Multiply-adds of all the forward passes the default run may take (seed runs ×
 * the fitted per-seed cost, src/core/sim/budget.ts seedCost): an MLP of a few
 * 100k weights runs the panel's defaults (at most 8 seeds per init, batch 64) in
 * seconds; a convolutional stack at 16×16 is capped at 2 seeds per init. The
 * model itself is reduced exactly as the panel and the CLI reduce it (the work
 * budget per seed); only the seed cap is the server's own.
 */
export const RUN_BUDGET = 4e9;

/** The panel's starting options (seeds until converged, at most 8 per init) within the server's run budget. */
export const SERVER_SIM_DEFAULTS: SimOptions = { ...DEFAULT_SIM_OPTIONS, maxSeeds: 8, runBudget: RUN_BUDGET };

/** The command's optional third argument → method and simulator options, or a message for the client. */
export function parseSimulateRequest(x: unknown, distribution: 'normal' | 'uniform'): SimulateRequest | string {
  const base: SimOptions = { ...SERVER_SIM_DEFAULTS, distribution };
  if (x === undefined || x === null) return { method: 'both', options: base };
  if (typeof x !== 'object' || Array.isArray(x)) return 'options must be an object';
  const { method: rawMethod, ...rest } = x as Record<string, unknown>;
  const method = rawMethod === 'mc' ? 'montecarlo' : rawMethod ?? 'both';
  if (method !== 'analytic' && method !== 'montecarlo' && method !== 'both') return `method must be analytic, montecarlo (mc) or both, got ${JSON.stringify(rawMethod)}`;
  const parsed = parseOptions({ ...base, ...rest });
  if (typeof parsed === 'string') return parsed;
  return { method, options: { ...base, ...parsed } };
}

/** The note under the tables of a reduced run (its `reduced:…` assumptions), or null. */
export function reducedNote(sim: SimulationResult): string | null {
  const note = reductionNote(sim.assumptions);
  return note && `${note} Pass { "seeds": N, "budget": N } as the command's third argument for more (budget: multiply-adds per seed forward; 0 = never reduce).`;
}

/** What the run can be told and tell: the request's cancellation and its progress. */
export interface MonteCarloHooks {
  signal: AbortSignal;
  onProgress?: (p: SimProgress) => void;
  /** Worker threads (default: two for models whose seed is costly, else one; never this thread). */
  workers?: number;
}

/**
 * Runs the Monte Carlo off this thread. Rejects with an AbortError when the
 * signal fires (the workers are terminated), or with the simulator's error.
 */
export async function runMonteCarlo(spec: NetworkSpec, options: SimOptions, hooks: MonteCarloHooks): Promise<SimulationResult> {
  if (hooks.signal.aborted) throw abortError();
  // TensorFlow.js is loaded only when a simulation is asked for (the server starts without it).
  const { defaultWorkers, runSimulationPooled } = await import('../sim/node.js');
  return runSimulationPooled(spec, options, {
    workers: hooks.workers ?? defaultWorkers(spec, options),
    offThread: true,
    backend: 'wasm',
    onProgress: hooks.onProgress,
    signal: hooks.signal,
  });
}

function abortError(): Error {
  const e = new Error('simulation cancelled');
  e.name = 'AbortError';
  return e;
}

const LABEL: Record<SimInit, string> = { current: 'current', recommended: 'recommended', orthogonal: 'orthogonal', lsuv: 'LSUV' };

function interval(lo: number, hi: number): string {
  return `${fmt(lo)}–${fmt(hi)}`;
}

/** "4 seeds", and with seeds until converged whether it converged before the cap. */
function seedCount(sim: SimulationResult, s: SimulationResult['series'][number]): string {
  const n = `${s.seeds} seed${s.seeds === 1 ? '' : 's'}`;
  if (sim.options.seeds > 0) return n;
  const c = s.convergence;
  if (s.converged || !c) return `${n} (${s.converged ? 'converged' : 'seed cap, not converged'})`;
  const wide = c.halfWidth >= 1 ? `×/÷${(1 + c.halfWidth).toPrecision(2)}` : `±${(100 * c.halfWidth).toFixed(0)}%`;
  return `${n} (seed cap, not converged: 95% interval ${wide} at layer ${c.layer}; ±5% needs ≈${c.seedsFor5} seeds)`;
}

function seedsNote(sim: SimulationResult): string {
  return sim.series.map((s) => `${LABEL[s.init]} ${seedCount(sim, s)}`).join(', ');
}

function heading(sim: SimulationResult): string {
  const o = sim.options;
  return `TensorFlow.js ${sim.backend} backend, batch ${o.batch}, seeds from ${o.seed}; ${seedsNote(sim)}; ${(sim.timings.totalMs / 1000).toFixed(1)} s`;
}

/**
 * The Monte Carlo as Markdown: forward second moment and backward gradient
 * variance per layer under each init (mean over seeds, 95% interval), the
 * analytic value beside it when `withAnalytic`, dead units, and where Monte
 * Carlo leaves the analytic curve.
 */
export function monteCarloMarkdown(sim: SimulationResult, withAnalytic: boolean): string {
  const lines = [`**Monte Carlo** (${heading(sim)})`, '', 'Forward: second moment of the activations after each layer (input = 1). Backward: variance of the gradient at the layer\'s output (output gradient ~ N(0, 1)). Mean over seeds [95% interval]' + (withAnalytic ? ', mean-field value beside it.' : '.')];
  for (const s of sim.series) {
    lines.push('', `*${LABEL[s.init]}*${s.gain ? ` — per-layer gain forward ${fmt(s.gain.forward)}, backward ${fmt(s.gain.backward)}` : ''}`, '');
    const head = ['#', 'line', 'layer', 'activation', 'forward E[x²]', '95%', ...(withAnalytic ? ['analytic'] : []), 'Var(grad)', '95%', ...(withAnalytic ? ['analytic'] : []), 'dead'];
    lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
    for (const l of s.layers) {
      const sp = l.spread;
      const cells = [
        String(l.index),
        l.line === null ? '' : String(l.line),
        l.layer,
        l.activation,
        fmt(l.forwardSecondMoment),
        interval(sp.forwardSecondMoment.lo95, sp.forwardSecondMoment.hi95),
        ...(withAnalytic ? [fmt(l.analyticForwardSecondMoment)] : []),
        fmt(l.backwardVar),
        interval(sp.backwardVar.lo95, sp.backwardVar.hi95),
        ...(withAnalytic ? [fmt(l.analyticBackwardVar)] : []),
        l.deadFraction > 0 ? `${(100 * l.deadFraction).toFixed(0)}%` : '',
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
    if (withAnalytic) for (const d of s.disagreements) lines.push('', `- layer ${d.index}: Monte Carlo leaves the analytic curve: ${d.reason}`);
  }
  if (sim.assumptions.length > 0) lines.push('', ...sim.assumptions.map((a) => `- assumed: ${a.message}`));
  return lines.join('\n');
}

/** The same as aligned plain text: one block per init. */
export function monteCarloText(sim: SimulationResult, withAnalytic: boolean): string {
  const out = [`Monte Carlo (${heading(sim)})`];
  for (const s of sim.series) {
    const header = ['#', 'layer', 'forward', '95%', ...(withAnalytic ? ['analytic'] : []), 'Var(grad)', '95%', ...(withAnalytic ? ['analytic'] : [])];
    const rows = s.layers.map((l) => [
      String(l.index),
      l.layer,
      fmt(l.forwardSecondMoment),
      interval(l.spread.forwardSecondMoment.lo95, l.spread.forwardSecondMoment.hi95),
      ...(withAnalytic ? [fmt(l.analyticForwardSecondMoment)] : []),
      fmt(l.backwardVar),
      interval(l.spread.backwardVar.lo95, l.spread.backwardVar.hi95),
      ...(withAnalytic ? [fmt(l.analyticBackwardVar)] : []),
    ]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    out.push('', `${LABEL[s.init]}: ${seedCount(sim, s)}`, line(header), ...rows.map(line));
  }
  return out.join('\n');
}
