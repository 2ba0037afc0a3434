/** `initlens simulate FILE`: the analytic per-layer variance of one model, current vs recommended init. */
import type { AnalysisOptions, InitName, InitSpec, Layer } from '../../core/index.js';
import { PositionMapper } from '../../core/report.js';
import type { PropagationStep } from '../../core/math/index.js';
import { layerTable } from '../../core/sim/analytic.js';
import { processFile } from '../analyseFile.js';
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

/**
 * The same per-layer numbers as the variance panel and the hover: src/core/sim/analytic.ts
 * layerTable (one missing fan assumed equal to the other, the framework-aware recommendation).
 */
function simulateLayers(layers: Layer[], distribution: 'normal' | 'uniform'): { current: PropagationStep[]; recommended: PropagationStep[]; specs: { name: InitName }[]; varCur: (number | null)[]; varRec: (number | null)[] } {
  const rows = layerTable(layers, distribution);
  const step = (x: { preActivation: number | null; forward: number | null; backward: number | null; factor: number | null }): PropagationStep => ({
    preActivation: x.preActivation,
    forward: x.forward,
    backward: x.backward,
    factorForward: x.factor,
    factorBackward: null,
  });
  return {
    current: rows.map((r) => step(r.current)),
    recommended: rows.map((r) => step(r.recommended)),
    specs: rows.map((r) => ({ name: r.recommended.init as InitName })),
    varCur: rows.map((r) => r.current.variance),
    varRec: rows.map((r) => r.recommended.variance),
  };
}

function fmtNum(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '?';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(2);
  return x.toPrecision(3);
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
    const spec = sim.specs[i]!;
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
