/**
 * `initlens simulate FILE`: the variance simulator on one model. The analytic
 * table (current vs recommended, src/core/sim/analytic.ts) and, by default, the
 * TensorFlow.js Monte Carlo (src/sim) of forward and backward variance per layer
 * under the four inits, with the analytic curve beside it. JSON version 1 is
 * documented in the README; --format csv gives one row per init and layer.
 */
import type { AnalysisOptions, AnalysisResult, InitName, Layer } from '../../core/index.js';
import { PositionMapper } from '../../core/report.js';
import { layerTable } from '../../core/sim/analytic.js';
import { analyticResult } from '../../core/sim/analytic.js';
import { buildNetwork, withDefaults, withLines } from '../../core/sim/network.js';
import type { ConvergenceStatus, LayerStats, SimInit, SimOptions, SimulationResult } from '../../core/sim/types.js';
import { DEFAULT_MAX_SEEDS, SIM_INITS } from '../../core/sim/types.js';
import { processFile } from '../analyseFile.js';
import { inProcessEngine } from '../pool.js';
import { buildProjects } from '../project.js';
import type { Args } from '../args.js';
import { collect, type FileProblem } from '../files.js';
import type { CliIO } from '../io.js';
import { plural, reportProblems } from '../render/text.js';
import type { Style } from '../render/style.js';

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

function fmtNum(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '?';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2);
  return x.toPrecision(3);
}

/**
 * How far the seeds got, with the numbers: the widest 95% interval of a layer's mean log
 * second moment, and with seeds until converged whether the ±5% rule was met or the seed
 * cap came first (then the seeds this spread needs).
 */
function seedsNote(s: { seeds: number; converged: boolean; convergence: ConvergenceStatus | null }, o: SimOptions): string {
  const c = s.convergence;
  // The interval is symmetric in log m: ±x% while narrow, a factor either way when wide.
  const pct = (x: number) => (x >= 1 ? `×/÷${(1 + x).toPrecision(2)}` : `±${x < 0.095 ? (100 * x).toFixed(1) : (100 * x).toFixed(0)}%`);
  if (o.seeds > 0) return c ? ` (widest 95% interval ${pct(c.halfWidth)}, layer ${c.layer})` : '';
  if (s.converged) return `, converged${c ? ` (widest 95% interval ${pct(c.halfWidth)}, layer ${c.layer})` : ''}`;
  const cap = o.maxSeeds ?? DEFAULT_MAX_SEEDS;
  if (!c) return `, not converged (seed cap ${cap})`;
  return `, not converged: the seed cap (${cap}) came first, widest 95% interval ${pct(c.halfWidth)} at layer ${c.layer} (the rule: ±5%, which a seed-to-seed sd of ${c.sd.toFixed(2)} in log m needs ≈${c.seedsFor5} seeds for; --seeds N for more)`;
}

export async function runSimulate(io: CliIO, style: Style, args: Args, options: AnalysisOptions): Promise<number> {
  const problems: FileProblem[] = [];
  const targets = await collect(io, args.paths, problems);
  const target = targets[0];
  if (problems.length > 0 || !target || targets.length > 1) {
    reportProblems(io, style, problems);
    if (!target) io.stderr(`simulate: no analysable file given\n`);
    else if (targets.length > 1) io.stderr('simulate: FILE must be a single file, not a folder\n');
    return 2;
  }
  const outcome = await processFile(io, target, { ...args, fix: false }, options, inProcessEngine, (await buildProjects(io, args)).of(target));
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
  const table = layerTable(chosen.layers, args.distribution);
  const rows: SimLayer[] = chosen.layers.map((l, i) => {
    const p = map.position(l.span.from);
    const t = table[i]!;
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
      current: { init: l.init.name, explicit: l.init.explicit, weightVariance: t.current.variance, preActivation: t.current.preActivation, forward: t.current.forward, backward: t.current.backward },
      recommended: {
        init: (t.recommended.init === 'unknown' ? l.init.name : t.recommended.init) as InitName,
        explicit: true,
        weightVariance: t.recommended.init === 'unknown' ? t.current.variance : t.recommended.variance,
        preActivation: t.recommended.init === 'unknown' ? t.current.preActivation : t.recommended.preActivation,
        forward: t.recommended.init === 'unknown' ? t.current.forward : t.recommended.forward,
        backward: t.recommended.init === 'unknown' ? t.current.backward : t.recommended.backward,
      },
    };
  });

  // The simulator: a network spec for the chosen model (all layers in source order when the file has no model).
  const simResult: AnalysisResult =
    chosen.index === null ? { ...result, models: [{ id: -1, framework: chosen.layers[0]!.framework, kind: 'layers', name: null, span: chosen.layers[0]!.span, layers: chosen.layers.map((l) => l.id) }] } : result;
  const modelId = chosen.index === null ? -1 : result.models[chosen.index]!.id;
  const which: SimInit[] = args.sim.init === 'all' ? [...SIM_INITS] : [args.sim.init];
  const partial: Partial<SimOptions> = { which, distribution: args.distribution };
  if (args.sim.batch !== null) partial.batch = args.sim.batch;
  if (args.sim.seeds !== null) partial.seeds = args.sim.seeds;
  if (args.sim.seed !== null) partial.seed = args.sim.seed;
  if (args.sim.steps !== null) partial.steps = args.sim.steps;
  if (args.sim.spatial !== null) partial.spatial = args.sim.spatial;
  if (args.sim.widthDefault !== null) partial.widthDefault = args.sim.widthDefault;
  if (args.sim.budget !== null) partial.budget = args.sim.budget;
  const simOptions = withDefaults(partial);
  const built = buildNetwork(simResult, modelId, simOptions, a.path);
  if ('error' in built) {
    io.stderr(`simulate: ${a.path}: ${built.error}\n`);
    return 2;
  }
  const spec = withLines(built.spec, simResult, (offset) => map.position(offset).line);
  const t0 = Date.now();
  const analytic = analyticResult(spec, simOptions);
  const analyticMs = Date.now() - t0;
  let sim: SimulationResult = analytic;
  let backend: string | null = null;
  if (args.sim.method !== 'analytic') {
    try {
      const { defaultWorkers, runSimulationPooled } = await import('../../sim/node.js');
      const workers = args.sim.workers ?? defaultWorkers(spec, simOptions);
      const progress = io.stderrIsTTY === true;
      sim = await runSimulationPooled(spec, simOptions, {
        workers,
        backend: args.sim.backend ?? 'wasm',
        onProgress: progress
          ? (p) => {
              const s = p.partial.series;
              io.stderr(`\rsimulate: ${p.done}/${p.total} seed runs · ${s.map((x) => `${x.init} ${x.seeds}${x.converged ? ' ✓' : ''}`).join(' · ')}   `);
            }
          : undefined,
      });
      if (progress) io.stderr('\n');
      backend = sim.backend;
    } catch (e) {
      io.stderr(`simulate: the Monte Carlo simulation failed: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
  }
  const inits = sim.series.map((series) => {
    const names = spec.layers.map((l) => l.initName[series.init]);
    const layers: LayerStats[] = series.layers.map((ls) => (args.sim.method === 'montecarlo' ? { ...ls, analyticForwardSecondMoment: null, analyticBackwardVar: null, analyticPreVar: null, analyticWeightGradVar: null } : ls));
    return { init: series.init, initNames: names, seeds: series.seeds, converged: series.converged, convergence: series.convergence ?? null, backwardRatio: series.backwardRatio, gain: series.gain ?? null, lsuv: series.lsuv ?? null, disagreements: args.sim.method === 'both' ? series.disagreements : [], layers };
  });
  const timings = { analyticMs, firstCurveMs: args.sim.method === 'analytic' ? null : sim.timings.firstCurveMs, totalMs: Date.now() - t0 };

  if (args.format === 'csv') {
    const cols = ['init', 'index', 'line', 'layer', 'activation', 'fanIn', 'fanOut', 'preMean', 'preVar', 'forwardMean', 'forwardVar', 'forwardSecondMoment', 'deadFraction', 'backwardVar', 'weightGradVar', 'analyticForwardSecondMoment', 'analyticBackwardVar', 'forwardSecondMomentLo95', 'forwardSecondMomentHi95', 'backwardVarLo95', 'backwardVarHi95', 'seeds'];
    const cell = (v: unknown) => (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '' : typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
    io.stdout(cols.join(',') + '\n');
    for (const s of inits) {
      for (const l of s.layers) {
        const sp = l.spread;
        io.stdout([s.init, l.index, l.line, l.layer, l.activation, l.fanIn, l.fanOut, l.preMean, l.preVar, l.forwardMean, l.forwardVar, l.forwardSecondMoment, l.deadFraction, l.backwardVar, l.weightGradVar, l.analyticForwardSecondMoment, l.analyticBackwardVar, sp.forwardSecondMoment.lo95, sp.forwardSecondMoment.hi95, sp.backwardVar.lo95, sp.backwardVar.hi95, s.seeds].map(cell).join(',') + '\n');
      }
    }
    return 0;
  }
  if (args.format === 'json') {
    const out = {
      version: 1,
      path: a.path,
      model: { index: chosen.index, kind: chosen.kind, name: chosen.index === null ? null : chosen.name, framework: chosen.framework, line: chosen.line },
      models: models.map((x) => ({ index: x.index, kind: x.m.kind, name: x.m.name, framework: x.m.framework, line: map.position(x.m.span.from).line, layers: x.m.layers.length })),
      method: args.sim.method,
      backend,
      // As simulated: a model above the work budget runs reduced (sim.assumptions says what).
      options: { batch: sim.options.batch, seeds: sim.options.seeds, seed: sim.options.seed, steps: sim.options.steps, spatial: sim.options.spatial, widthDefault: sim.options.widthDefault, input: sim.options.input, ...(sim.options.budget !== undefined ? { budget: sim.options.budget } : {}) },
      assumptions: sim.assumptions,
      timings,
      inits,
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
  const cells = rows.map((r, i) => [
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
  printTable(io, style, header, cells, (i) => i >= 5 && i !== 8);
  io.stdout(style.dim('\n* default initializer (not written in the code). Analytic: mean-field estimate (wide layers, independent weights).\n'));
  if (args.sim.method === 'analytic') return 0;
  const withAnalytic = args.sim.method === 'both';

  io.stdout(`\nMonte Carlo (TensorFlow.js, ${backend} backend, batch ${sim.options.batch}, seeds from ${sim.options.seed}; ${(timings.totalMs / 1000).toFixed(1)} s): mean over seeds [95% interval]${withAnalytic ? ', analytic beside it' : ''}.\n`);
  for (const s of sim.assumptions) io.stdout(style.dim(`  assumed: ${s.message}\n`));
  for (const s of inits) {
    io.stdout(`\n${style.bold(s.init)}: ${plural(s.seeds, 'seed')}${seedsNote(s, sim.options)}`);
    if (s.gain) io.stdout(`; per-layer gain forward ${fmtNum(s.gain.forward)}, backward ${fmtNum(s.gain.backward)}`);
    io.stdout('\n');
    // The analytic columns only beside an analytic run (--method both).
    const keep = (_: unknown, i: number) => withAnalytic || (i !== 6 && i !== 9);
    const h = ['#', 'line', 'layer', 'init', 'forward E[x²]', '95%', 'analytic', 'Var(grad out)', '95%', 'analytic', 'dead'].filter(keep);
    const body = s.layers.map((l, i) => [
      String(i),
      l.line === null ? '' : String(l.line),
      l.layer,
      s.initNames[i] ?? '',
      fmtNum(l.forwardSecondMoment),
      `${fmtNum(l.spread.forwardSecondMoment.lo95)}–${fmtNum(l.spread.forwardSecondMoment.hi95)}`,
      args.sim.method === 'both' ? fmtNum(l.analyticForwardSecondMoment) : '',
      fmtNum(l.backwardVar),
      `${fmtNum(l.spread.backwardVar.lo95)}–${fmtNum(l.spread.backwardVar.hi95)}`,
      args.sim.method === 'both' ? fmtNum(l.analyticBackwardVar) : '',
      l.deadFraction > 0 ? `${(100 * l.deadFraction).toFixed(0)}%` : '',
    ].filter(keep));
    printTable(io, style, h, body, (i) => i >= 4);
    if (s.lsuv) io.stdout(style.dim(`  LSUV: iterations per layer ${s.lsuv.iterations.join(' ')}; scales ${s.lsuv.scales.map((x) => fmtNum(x)).join(' ')}\n`));
    for (const d of s.disagreements) io.stdout(style.dim(`  layer ${d.index}: Monte Carlo leaves the analytic curve: ${d.reason}\n`));
  }
  return 0;
}

function printTable(io: CliIO, style: Style, header: string[], body: string[][], right: (col: number) => boolean): void {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => (row[c] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (right(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  io.stdout(style.bold(line(header)) + '\n');
  for (const row of body) io.stdout(line(row) + '\n');
}
