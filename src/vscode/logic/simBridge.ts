/**
 * Where the panel gets its network spec and its analytic curves.
 *
 * The simulator's builder (src/core/sim/network.ts, `buildNetwork`) and analytic
 * curves (src/core/sim/analytic.ts, `analyticResult`) are being written on the
 * `sim` branch against the contract in src/core/sim/types.ts. Until they land,
 * this file provides the same two functions from the engine's existing
 * mean-field recursion (src/core/math/propagate.ts): exact Var(W) of every init
 * as its framework draws it, the depth recursion forward and backward, LSUV as
 * unit pre-activation variance per layer. Weight samplers are left null (no
 * Monte Carlo here: the tfjs runner comes with the simulator). When the
 * simulator lands this file re-exports it and nothing else changes.
 */
import type { AnalysisResult, InitSpec, Layer } from '../../core/types.js';
import type {
  Assumption,
  LayerStats,
  NetworkSpec,
  Sampler,
  SimInit,
  SimLayer,
  SimOptions,
  SimSeries,
  SimulationResult,
} from '../../core/sim/types.js';
import { SIM_INITS } from '../../core/sim/types.js';
import { propagate, type PropagationLayer } from '../../core/math/propagate.js';
import { recommendInit, weightVariance } from '../../core/math/variance.js';
import { truncNormalVariance } from '../../core/math/variance.js';
import { varianceGain } from '../../core/math/activations.js';

type BuiltLayer = SimLayer & { varW: Record<SimInit, number | null> };

function recommendedSpec(layer: Layer): InitSpec | null {
  const rec = recommendInit(layer.activation.name, layer.activation.param, 'normal');
  if (rec.init === 'unknown') return null;
  const spec: InitSpec = { name: rec.init, explicit: true, source: 'argument' };
  if (rec.init === 'variance_scaling') {
    spec.scale = rec.scale;
    spec.mode = 'fan_in';
    spec.distribution = 'truncated_normal';
  }
  return spec;
}

function samplerVariance(s: Sampler, fanIn: number): number {
  switch (s.kind) {
    case 'uniform':
      return (s.high - s.low) ** 2 / 12;
    case 'normal':
      return s.std * s.std;
    case 'truncated_normal':
      return truncNormalVariance(s.std, -s.cut * s.std, s.cut * s.std);
    case 'orthogonal':
      return fanIn > 0 ? (s.gain * s.gain) / fanIn : 0;
    case 'constant':
      return 0;
  }
}

function kindOf(layer: Layer): SimLayer['kind'] {
  if (layer.embedding) return 'embedding';
  if (layer.recurrent) return 'recurrent';
  if (/transpose/i.test(layer.layer)) return 'conv_transpose';
  if (/conv/i.test(layer.layer)) return 'conv';
  return 'dense';
}

export function buildNetwork(
  result: AnalysisResult,
  modelId: number,
  options: SimOptions,
  fileName?: string,
): { spec: NetworkSpec } | { error: string } {
  const model = result.models.find((m) => m.id === modelId);
  if (!model) return { error: `model ${modelId} not found` };
  const byId = new Map(result.layers.map((l) => [l.id, l]));
  const source = model.layers.map((id) => byId.get(id)).filter((l): l is Layer => !!l);
  if (source.length === 0) return { error: 'the model has no weight layers' };
  const assumptions: Assumption[] = [];
  const layers: BuiltLayer[] = [];
  const repeat = Math.max(1, Math.floor(options.depthMultiplier));
  if (repeat > 1) assumptions.push({ key: 'depthMultiplier', value: repeat, message: `the model's layers are repeated ${repeat} times` });
  for (let r = 0; r < repeat; r++) {
    for (const layer of source) {
      const index = layers.length;
      let fanIn = layer.fanIn;
      let fanOut = layer.fanOut;
      if (r === 0 && (fanIn === null || fanOut === null)) {
        const known = fanIn ?? fanOut;
        const value = known ?? options.widthDefault;
        assumptions.push({
          key: `layer:${index}:${fanIn === null ? 'fanIn' : 'fanOut'}`,
          value,
          message: `layer ${index + 1} (${layer.layer}) has no known ${fanIn === null ? 'fan_in' : 'fan_out'}: ${value} assumed`,
        });
      }
      const width = options.widths?.[index];
      fanIn ??= fanOut ?? options.widthDefault;
      fanOut ??= fanIn;
      if (width !== undefined) fanOut = width;
      const kind = { recurrent: layer.recurrent, embedding: layer.embedding };
      const rec = recommendedSpec(layer);
      const gain = varianceGain(layer.activation.name, layer.activation.param);
      const override = options.inits?.[index];
      const varW: Record<SimInit, number | null> = {
        current: weightVariance(layer.framework, layer.init, fanIn, fanOut, kind),
        recommended: rec ? weightVariance(layer.framework, rec, fanIn, fanOut, kind) : null,
        orthogonal: gain !== null && fanIn > 0 ? (gain * gain) / fanIn : null,
        lsuv: gain !== null && fanIn > 0 ? (gain * gain) / fanIn : null,
      };
      for (const init of SIM_INITS) {
        const s = override?.[init];
        if (s) varW[init] = samplerVariance(s, fanIn);
      }
      layers.push({
        index,
        layerId: layer.id,
        line: null,
        layer: layer.layer,
        name: layer.name,
        kind: kindOf(layer),
        fanIn,
        fanOut,
        inFeatures: fanIn,
        outFeatures: fanOut,
        activation: { name: layer.activation.name, ...(layer.activation.param !== undefined ? { param: layer.activation.param } : {}) },
        normalization: layer.normalization,
        residual: layer.residual,
        head: layer.head === true,
        weight: { current: null, recommended: null, orthogonal: null, lsuv: null },
        bias: null,
        initName: {
          current: layer.init.name,
          recommended: rec?.name ?? 'unknown',
          orthogonal: 'orthogonal',
          lsuv: 'lsuv',
        },
        varW,
      });
    }
  }
  if (layers.some((l) => l.kind === 'conv' || l.kind === 'conv_transpose')) {
    assumptions.push({ key: 'spatial', value: options.spatial, message: `convolutions see a ${options.spatial}×${options.spatial} input (same padding)` });
  }
  assumptions.push({ key: 'input', value: options.input, message: `the input is ${options.input} with unit second moment` });
  assumptions.push({ key: 'bias', value: 0, message: 'biases are zero at initialization' });
  const label = model.name ?? model.kind;
  const spec: NetworkSpec & { layers: BuiltLayer[] } = {
    modelId,
    title: `${label} (${model.framework})${fileName ? ` — ${fileName}` : ''}`,
    framework: model.framework,
    layers,
    assumptions,
  };
  return { spec };
}

function seriesOf(spec: NetworkSpec, init: SimInit): SimSeries {
  const layers = spec.layers as BuiltLayer[];
  const prop: PropagationLayer[] = layers.map((l) => ({
    fanIn: l.fanIn,
    fanOut: l.fanOut,
    varW: l.varW?.[init] ?? null,
    act: l.activation.name,
    param: l.activation.param,
    // LSUV rescales every layer to unit pre-activation variance: the same as a normalization at init.
    normalized: l.normalization !== null || init === 'lsuv',
    residual: l.residual,
    lookup: l.kind === 'embedding',
  }));
  const steps = propagate(prop);
  const stats: LayerStats[] = layers.map((l, i) => {
    const s = steps[i]!;
    const fwd = s.forward ?? NaN;
    const back = (i + 1 < steps.length ? steps[i + 1]!.backward : 1) ?? NaN;
    const spread = (x: number) => ({ median: x, min: x, max: x, lo95: x, hi95: x });
    return {
      index: l.index,
      line: l.line,
      layer: l.layer,
      activation: l.activation.name,
      fanIn: l.fanIn,
      fanOut: l.fanOut,
      preMean: 0,
      preVar: s.preActivation ?? NaN,
      forwardMean: NaN,
      forwardVar: NaN,
      forwardSecondMoment: fwd,
      deadFraction: 0,
      backwardVar: back,
      weightGradVar: NaN,
      analyticForwardSecondMoment: s.forward,
      analyticBackwardVar: Number.isFinite(back) ? back : null,
      spread: { forwardSecondMoment: spread(fwd), backwardVar: spread(back) },
    };
  });
  const first = stats[0]?.backwardVar;
  const last = stats[stats.length - 1]?.backwardVar;
  return {
    init,
    layers: stats,
    seeds: 0,
    converged: true,
    backwardRatio: first && last && Number.isFinite(first) && Number.isFinite(last) ? last / first : null,
    disagreements: [],
  };
}

export function analyticResult(spec: NetworkSpec, options: SimOptions): SimulationResult {
  const which = options.which ?? SIM_INITS;
  return {
    version: 1,
    modelId: spec.modelId,
    title: spec.title,
    backend: 'cpu',
    options,
    assumptions: spec.assumptions,
    series: which.map((init) => seriesOf(spec, init)),
    timings: { firstCurveMs: 0, totalMs: 0 },
  };
}
