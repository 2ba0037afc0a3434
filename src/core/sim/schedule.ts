/**
 * The seeds of a run spread over several workers (the CLI's and the server's worker
 * threads, src/sim/node.ts; the panel's Web Workers, webview/variance/simClient.ts):
 * which seed of which init runs next, when an init is finished (its seed count, or
 * converged, or the seed cap), and the pooled result of what has run so far.
 *
 * Seed k of an init is the same computation wherever it runs (its draws come from
 * options.seed + k), so a pooled run gives the numbers of one thread for the same
 * options. Jobs go out seed-major (seed k of every unfinished init, then k + 1), so
 * the first curves of all inits come early. With seeds until converged, an init may
 * receive a few more seeds than it needed from workers busy when it converged;
 * they are kept (more seeds, a narrower interval). Pure: no tfjs, no workers.
 */
import { analyticResult } from './analytic.js';
import { isConverged, poolSeries, type SeedRun } from './pool.js';
import type { NetworkSpec, SimBackend, SimInit, SimOptions, SimulationResult } from './types.js';
import { DEFAULT_MAX_SEEDS, SIM_INITS } from './types.js';

export interface SeedJob {
  init: SimInit;
  /** Seed index within the run: the seed drawn is options.seed + k. */
  k: number;
  seed: number;
}

export class SeedSchedule {
  readonly which: SimInit[];
  /** Seeds per init at most. */
  readonly cap: number;
  /** Pooled seeds per init, in seed order. */
  readonly runs: Map<SimInit, SeedRun[]>;
  /** Seed runs pooled so far. */
  done = 0;
  private readonly pending: Set<SimInit>;
  private k = 0;
  private cursor = 0;

  constructor(private readonly options: SimOptions) {
    this.which = options.which ?? [...SIM_INITS];
    this.cap = options.seeds > 0 ? options.seeds : (options.maxSeeds ?? DEFAULT_MAX_SEEDS);
    this.runs = new Map(this.which.map((w) => [w, []]));
    this.pending = new Set(this.which);
  }

  /** Seed runs of a run that goes to the cap. */
  get total(): number {
    return this.cap * this.which.length;
  }

  /** Whether every init is finished (no job is left to start; jobs out may still come back). */
  get finished(): boolean {
    return this.pending.size === 0 || this.k >= this.cap;
  }

  /** The next seed to run, or null when none is left to start. */
  next(): SeedJob | null {
    while (this.k < this.cap && this.pending.size > 0) {
      if (this.cursor >= this.which.length) {
        this.cursor = 0;
        this.k++;
        continue;
      }
      const init = this.which[this.cursor++]!;
      if (this.pending.has(init)) return { init, k: this.k, seed: this.options.seed + this.k };
    }
    return null;
  }

  /** Whether a job still matters (its init is not finished meanwhile). */
  wanted(job: SeedJob): boolean {
    return this.pending.has(job.init);
  }

  /** Pools a finished seed of `init`. */
  record(init: SimInit, run: SeedRun): void {
    const list = this.runs.get(init)!;
    list.push(run);
    list.sort((a, b) => a.seed - b.seed);
    this.done++;
    if (this.options.seeds > 0 ? list.length >= this.options.seeds : isConverged(list)) this.pending.delete(init);
  }

  /** The runs to report: with a seed count, the first that many of each init. */
  final(): Map<SimInit, SeedRun[]> {
    const out = new Map<SimInit, SeedRun[]>();
    for (const [init, list] of this.runs) out.set(init, this.options.seeds > 0 ? list.slice(0, this.options.seeds) : list);
    return out;
  }
}

/**
 * The result of already-run seeds (for callers that run seeds elsewhere, e.g. workers):
 * one series per init of `runs`, in its order (an init with no seed yet is left out
 * unless `all`), with the analytic curve beside it. `previews` stand in for an init's
 * first seed while its full batch runs.
 */
export function pooledResult(
  spec: NetworkSpec,
  options: SimOptions,
  runs: Map<SimInit, SeedRun[]>,
  backend: SimBackend,
  timings: SimulationResult['timings'],
  extra: { all?: boolean; previews?: ReadonlyMap<SimInit, SeedRun> } = {},
): SimulationResult {
  const inits = [...runs.keys()].filter((init) => extra.all !== false || runs.get(init)!.length > 0 || extra.previews?.has(init));
  const analytic = analyticResult(spec, { ...options, which: [...runs.keys()] });
  return {
    version: 1,
    modelId: spec.modelId,
    title: spec.title,
    backend,
    options,
    assumptions: spec.assumptions,
    series: inits.map((init) => {
      const own = runs.get(init)!;
      const preview = extra.previews?.get(init);
      const r = own.length === 0 && preview ? [preview] : own;
      const converged = options.seeds > 0 ? r.length >= options.seeds : isConverged(r);
      return poolSeries({ spec, init, runs: r, analytic: analytic.series.find((s) => s.init === init)!.layers, converged });
    }),
    timings,
  };
}
