/**
 * The analytic (mean-field) side of the simulator, and the one place that builds
 * per-layer current-vs-recommended variance tables (the CLI's `simulate`, the
 * editor's "Simulate variance" table and hover numbers all come from here).
 *
 * Forward: the moment recursion of src/core/math/propagate.ts (Poole et al. 2016)
 * evaluated at the actual pre-activation variance of each layer, so a saturating
 * activation is followed over depth (20 tanh layers under He end at a second
 * moment of ≈ 0.31, under Glorot at ≈ 0.025), not the product of unit-input gains.
 * Backward: the same recursion's χ_l = fan_out·Var(W)·E[φ'(√q·z)²] (Schoenholz et
 * al. 2017), numerically integrated for any activation.
 *
 * Pure, instant (no tfjs), never throws.
 */
import type { AnalysisResult, InitSpec, Layer } from '../types.js';
import type { PropagationLayer, PropagationStep } from '../math/propagate.js';
import { propagate, propagationLayerOf } from '../math/propagate.js';
import { activationFn, derivSecondMoment, isKnownActivation } from '../math/activations.js';
import { normalExpectation } from '../math/gauss.js';
import { forwardFactor } from '../math/variance.js';
import { recommendedBiasZeroed } from '../analysis/numbers.js';
import { recommendedInitSpec, samplerMean, samplerVariance } from './samplers.js';
import type { LayerStats, NetworkSpec, Sampler, SimInit, SimLayer, SimOptions, SimSeries, SimulationResult, Spread } from './types.js';
import { SIM_INITS } from './types.js';

const RELU_FAMILY = new Set(['relu', 'leaky_relu']);

/** Taps per output position of a layer's map as simulated (conv kernel area, 1 otherwise). */
export function tapsOf(l: SimLayer): number {
  return l.kernel ? l.kernel.reduce((a, b) => a * b, 1) : 1;
}

/** Rows and columns of the weight matrix as the runner draws it: (in·taps) × out. */
export function matrixShape(l: SimLayer): { rows: number; cols: number } {
  if (l.kind === 'embedding') return { rows: l.inFeatures, cols: l.outFeatures };
  return { rows: l.inFeatures * tapsOf(l), cols: l.outFeatures };
}

/** A convolution's spatial geometry as simulated: rank (1, 2, 3), input and output size per axis, stride. */
export interface ConvGeometry {
  rank: number;
  input: number[];
  output: number[];
  stride: number[];
}

/** Spatial size per axis of a convolution's input when it starts a spatial signal (3-D: at most 8 per axis). */
export function baseSpatial(rank: number, options: SimOptions): number {
  return rank === 3 ? Math.min(options.spatial, 8) : options.spatial;
}

/**
 * Every layer's convolution geometry (null for other layers): a convolution that
 * follows one of the same rank takes its output size; any other starts at the
 * base spatial size. Strided convolutions shrink it ('same' padding: ⌈n/s⌉),
 * strided transposed convolutions grow it (n·s). The runner builds its tensors
 * from this plan, so the analytic weight-gradient counts the same positions.
 */
export function convPlan(spec: NetworkSpec, options: SimOptions): (ConvGeometry | null)[] {
  const out: (ConvGeometry | null)[] = [];
  let prev: ConvGeometry | null = null;
  for (const l of spec.layers) {
    if (l.kind !== 'conv' && l.kind !== 'conv_transpose') {
      out.push(null);
      prev = null;
      continue;
    }
    const rank = l.kernel?.length ?? 2;
    const stride = l.stride && l.stride.length === rank ? l.stride : Array<number>(rank).fill(1);
    const input: number[] = prev && prev.rank === rank ? prev.output : Array<number>(rank).fill(baseSpatial(rank, options));
    const output = input.map((n, i) => (l.kind === 'conv' ? Math.ceil(n / stride[i]!) : n * stride[i]!));
    const g: ConvGeometry = { rank, input, output, stride };
    out.push(g);
    prev = g;
  }
  return out;
}

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Product of a layer's strides (1 when it has none). */
export function strideProduct(l: SimLayer): number {
  return l.stride ? prod(l.stride) : 1;
}

/** Positions per sample whose gradients sum into one weight (a convolution's output positions, a transposed one's input positions; time steps). */
export function positionsOf(l: SimLayer, options: SimOptions, g?: ConvGeometry | null): number {
  if (l.kind === 'conv' || l.kind === 'conv_transpose') {
    if (g) return prod(l.kind === 'conv' ? g.output : g.input);
    return baseSpatial(l.kernel?.length ?? 2, options) ** (l.kernel?.length ?? 2);
  }
  if (l.kind === 'recurrent') return options.steps;
  return 1;
}

/** The bias sampler of a layer under an init (null: no bias). */
export function biasOf(l: SimLayer, init: SimInit): Sampler | null {
  const b = l.biasByInit?.[init];
  return b === undefined ? l.bias : b;
}

/** Second moment of the network input under options.input. */
export function inputSecondMoment(options: SimOptions): number {
  if (options.input === 'shifted') {
    const s = options.inputShift ?? 1;
    return 1 + s * s;
  }
  return 1;
}

function propagationOf(l: SimLayer, init: SimInit): PropagationLayer | null {
  const w = l.weight[init];
  if (!w) return null;
  const { rows, cols } = matrixShape(l);
  const varW = samplerVariance(w, rows, cols);
  const taps = tapsOf(l);
  const bias = biasOf(l, init);
  const varB = bias ? (samplerVariance(bias, rows, cols) ?? 0) + samplerMean(bias) ** 2 : 0;
  // A stride s (per axis) spreads a convolution's input over ∏s fewer outputs (backward), and a
  // transposed one's taps over ∏s outputs (forward): the mean-field fans divide by ∏s.
  const sp = strideProduct(l);
  return {
    fanIn: l.kind === 'conv_transpose' ? rows / sp : rows,
    fanOut: l.kind === 'conv' ? (l.outFeatures * taps) / sp : l.outFeatures * taps,
    varW,
    act: l.activation.name,
    param: l.activation.param,
    normalized: l.normalization !== null,
    residual: l.residual,
    varB,
    lookup: l.kind === 'embedding',
  };
}

function collapsed(v: number): Spread {
  return { median: v, min: v, max: v, lo95: v, hi95: v };
}

function meanAfter(act: SimLayer['activation'], q: number): number {
  if (!isKnownActivation(act.name)) return 0;
  const f = activationFn(act.name, act.param);
  return normalExpectation(f, q);
}

/** Per-layer analytic statistics of one init (null entries where a number is unknown). */
export function analyticSeries(spec: NetworkSpec, options: SimOptions, init: SimInit): SimSeries {
  const prop = spec.layers.map((l) => propagationOf(l, init));
  const known = prop.every((p) => p !== null);
  const steps: PropagationStep[] = known ? propagate(prop as PropagationLayer[], { inputSecondMoment: inputSecondMoment(options) }) : [];
  const layers: LayerStats[] = [];
  const plan = convPlan(spec, options);
  let mPrev = inputSecondMoment(options);
  let meanPrev = options.input === 'shifted' ? (options.inputShift ?? 1) : 0;
  for (let i = 0; i < spec.layers.length; i++) {
    const l = spec.layers[i]!;
    const s = steps[i];
    const q = s?.preActivation ?? null;
    const m = s?.forward ?? null;
    const back = i === spec.layers.length - 1 ? (s ? 1 : null) : (steps[i + 1]?.backward ?? null);
    let fMean: number | null = q === null ? null : meanAfter(l.activation, q);
    if (fMean !== null && l.residual) fMean += meanPrev;
    const dphi2 = q === null ? null : derivSecondMoment(l.activation.name, l.activation.param, q);
    let wg: number | null = null;
    const p = prop[i];
    if (back !== null && dphi2 !== null && p && l.kind !== 'embedding') {
      let delta = back * dphi2;
      if (l.normalization !== null) {
        const qRaw = (p.fanIn ?? 0) * (p.varW ?? 0) * mPrev + (p.varB ?? 0);
        delta = qRaw > 0 ? delta / qRaw : NaN;
      }
      wg = options.batch * positionsOf(l, options, plan[i]) * mPrev * delta;
      if (!Number.isFinite(wg)) wg = null;
    }
    const relu = RELU_FAMILY.has(l.activation.name);
    const stats: LayerStats = {
      index: l.index,
      line: l.line,
      layer: l.layer,
      activation: l.activation.name,
      fanIn: l.fanIn,
      fanOut: l.fanOut,
      preMean: 0,
      preVar: q ?? NaN,
      forwardMean: fMean ?? NaN,
      forwardVar: m !== null && fMean !== null ? m - fMean * fMean : NaN,
      forwardSecondMoment: m ?? NaN,
      deadFraction: 0,
      inactiveFraction: relu ? 0.5 : 0,
      backwardVar: back ?? NaN,
      weightGradVar: wg ?? NaN,
      analyticForwardSecondMoment: m,
      analyticBackwardVar: back,
      analyticPreVar: q,
      analyticWeightGradVar: wg,
      spread: { forwardSecondMoment: collapsed(m ?? NaN), backwardVar: collapsed(back ?? NaN) },
    };
    layers.push(stats);
    if (m !== null) mPrev = m;
    if (fMean !== null) meanPrev = fMean;
  }
  const first = layers[0]?.analyticBackwardVar ?? null;
  const last = layers[layers.length - 1]?.analyticBackwardVar ?? null;
  return {
    init,
    layers,
    seeds: 0,
    converged: true,
    backwardRatio: first !== null && last !== null && first > 0 ? last / first : null,
    disagreements: [],
  };
}

/**
 * The analytic result for every requested init: instant, no tfjs. LayerStats'
 * Monte Carlo fields equal the analytic ones and the spread is collapsed; the
 * `backend` field is not meaningful here.
 */
export function analyticResult(spec: NetworkSpec, options: SimOptions): SimulationResult {
  const t0 = Date.now();
  const which = options.which ?? [...SIM_INITS];
  const series = which.filter((i) => i !== 'lsuv').map((i) => analyticSeries(spec, options, i));
  // LSUV rescales every layer to unit pre-activation variance: its analytic curve is
  // the normalized recursion (q_l = 1 at every layer).
  if (which.includes('lsuv')) {
    const lsuvSpec: NetworkSpec = { ...spec, layers: spec.layers.map((l) => ({ ...l, normalization: l.kind === 'embedding' ? l.normalization : l.normalization ?? 'layernorm' })) };
    series.push({ ...analyticSeries(lsuvSpec, options, 'lsuv'), init: 'lsuv' });
  }
  return {
    version: 1,
    modelId: spec.modelId,
    title: spec.title,
    backend: 'cpu',
    options,
    assumptions: spec.assumptions,
    series,
    timings: { firstCurveMs: null, totalMs: Date.now() - t0 },
  };
}

// ---------------------------------------------------------------------------
// The per-layer table on the engine's own layers (unknown fans stay unknown).

export interface TableSide {
  init: string;
  explicit: boolean;
  /** Var(W) of one weight entry. */
  variance: number | null;
  /** Unit-input per-layer gain fan_in·Var(W)·E[φ(z)²], z ~ N(0,1). */
  factor: number | null;
  /** Pre-activation variance q_l from the recursion. */
  preActivation: number | null;
  /** Second moment after the layer from the recursion (input = 1). */
  forward: number | null;
  /** Gradient second moment at the layer input (output gradient = 1). */
  backward: number | null;
}

export interface TableRow {
  layer: Layer;
  /** Only one fan was known: fan_in = fan_out was assumed. */
  assumedFans: boolean;
  current: TableSide;
  recommended: TableSide & { reason: string };
}

function withFans(layer: Layer): { layer: Layer; assumed: boolean } {
  if (layer.fanIn !== null && layer.fanOut !== null) return { layer, assumed: false };
  // As the rule messages do: one unknown fan equals the other; both unknown: 256 each (stated as assumed).
  const n = layer.fanIn ?? layer.fanOut ?? 256;
  return { layer: { ...layer, fanIn: layer.fanIn ?? n, fanOut: layer.fanOut ?? n }, assumed: true };
}

/**
 * Current vs recommended, layer by layer, for layers in forward order: Var(W), the
 * unit-input gain, and the forward/backward recursion through the whole stack.
 */
export function layerTable(layers: readonly Layer[], distribution: 'normal' | 'uniform'): TableRow[] {
  const fixed = layers.map(withFans);
  // An embedding is a lookup table that no rule judges and no fix rewrites: its init is kept
  // (as the simulator's `recommended` network keeps it).
  const recs = fixed.map(({ layer }) => (layer.embedding ? { spec: layer.init, reason: 'An embedding is a lookup table: its init is kept.' } : recommendedInitSpec(layer, distribution)));
  const cur = fixed.map(({ layer }) => propagationLayerOf(layer));
  // The recommended side as the fix writes it (PyTorch's fix zeros the bias too).
  const rec = fixed.map(({ layer }, i) => propagationLayerOf({ ...layer, init: recs[i]!.spec ?? layer.init, ...(recs[i]!.spec && recommendedBiasZeroed(layer) ? { bias: false as const } : {}) }));
  const curSteps = propagate(cur);
  const recSteps = propagate(rec);
  return fixed.map(({ layer, assumed }, i) => {
    const act = layer.activation;
    const spec: InitSpec | null = recs[i]!.spec;
    return {
      layer: layers[i]!,
      assumedFans: assumed,
      current: {
        init: layer.init.name,
        explicit: layer.init.explicit,
        variance: cur[i]!.varW,
        factor: forwardFactor(cur[i]!.varW, layer.fanIn, act.name, act.param),
        preActivation: curSteps[i]?.preActivation ?? null,
        forward: curSteps[i]?.forward ?? null,
        backward: curSteps[i]?.backward ?? null,
      },
      recommended: {
        init: spec?.name ?? 'unknown',
        explicit: true,
        variance: spec ? rec[i]!.varW : null,
        factor: spec ? forwardFactor(rec[i]!.varW, layer.fanIn, act.name, act.param) : null,
        preActivation: spec ? (recSteps[i]?.preActivation ?? null) : null,
        forward: spec ? (recSteps[i]?.forward ?? null) : null,
        backward: spec ? (recSteps[i]?.backward ?? null) : null,
        reason: recs[i]!.reason,
      },
    };
  });
}

/** layerTable for model `modelId` of `result` (null when there is no such model). */
export function modelLayerTable(result: AnalysisResult, modelId: number, distribution: 'normal' | 'uniform'): TableRow[] | null {
  const model = result.models.find((m) => m.id === modelId);
  if (!model) return null;
  const byId = new Map(result.layers.map((l) => [l.id, l] as const));
  return layerTable(model.layers.map((id) => byId.get(id)).filter((l): l is Layer => !!l), distribution);
}
