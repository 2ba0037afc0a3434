/**
 * The network to simulate for one model, built from the engine's result: a plain
 * NetworkSpec (JSON, crosses postMessage and worker_threads) that the tfjs runner
 * (src/sim/runner.ts) executes and the analytic recursion (analytic.ts) reads.
 *
 * Every default the builder has to choose (a width the engine does not know, a
 * convolution's kernel size inferred from its fans, an activation it did not
 * find, an initializer it cannot name) is recorded as an Assumption, and each can
 * be overridden through SimOptions (widthDefault, widths, inits, depthMultiplier).
 *
 * Pure, no tfjs, no I/O, never throws: bad input gives { error }.
 */
import type { AnalysisResult, Framework, InitSpec, Layer } from '../types.js';
import { varianceGain } from '../math/activations.js';
import { recommendedBiasZeroed } from '../analysis/numbers.js';
import { baseSpatial, convPlan } from './analytic.js';
import { defaultBiasSampler, recommendedInitSpec, samplerFor } from './samplers.js';
import type { Assumption, NetworkSpec, Sampler, SimInit, SimLayer, SimLayerKind, SimOptions } from './types.js';
import { DEFAULT_SIM_OPTIONS, SIM_INITS } from './types.js';

/** Largest width simulated as is; wider layers are simulated at this width with the weights rescaled to keep fan_in·Var(W). */
export const MAX_SIM_WIDTH = 4096;

const LIMITS: { key: keyof SimOptions; min: number; max: number; what: string }[] = [
  { key: 'batch', min: 1, max: 65536, what: 'batch' },
  { key: 'seeds', min: 0, max: 1000, what: 'seeds' },
  { key: 'steps', min: 1, max: 256, what: 'steps' },
  { key: 'spatial', min: 1, max: 256, what: 'spatial size' },
  { key: 'widthDefault', min: 1, max: 65536, what: 'default width' },
  { key: 'depthMultiplier', min: 1, max: 100, what: 'depth multiplier' },
];

/** A clear message for options no simulation can run with, or null. */
export function validateSimOptions(options: SimOptions): string | null {
  for (const l of LIMITS) {
    const v = options[l.key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < l.min || v > l.max) {
      return `${l.what} must be an integer from ${l.min} to ${l.max} (got ${String(v)})`;
    }
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 2 ** 31 - 1) {
    return `seed must be an integer from 0 to ${2 ** 31 - 1} (got ${String(options.seed)})`;
  }
  if (options.input === 'shifted' && options.inputShift !== undefined && !Number.isFinite(options.inputShift)) {
    return 'input shift must be a finite number';
  }
  if (options.budget !== undefined && !(Number.isFinite(options.budget) && options.budget >= 0)) {
    return 'budget must be a number ≥ 0 (0: never reduce)';
  }
  if (options.lsuvTolerance !== undefined && !(options.lsuvTolerance > 0 && options.lsuvTolerance < 1)) {
    return 'LSUV tolerance must be between 0 and 1';
  }
  if (options.lsuvMaxIterations !== undefined && !(Number.isInteger(options.lsuvMaxIterations) && options.lsuvMaxIterations >= 1 && options.lsuvMaxIterations <= 100)) {
    return 'LSUV iterations must be an integer from 1 to 100';
  }
  return null;
}

/** Options with every missing field taken from DEFAULT_SIM_OPTIONS. */
export function withDefaults(options: Partial<SimOptions>): SimOptions {
  const out: SimOptions = { ...DEFAULT_SIM_OPTIONS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  return out;
}

function kindOf(layer: Layer): SimLayerKind {
  if (layer.embedding) return 'embedding';
  if (layer.recurrent) return 'recurrent';
  const n = layer.layer.toLowerCase();
  if (n.includes('conv') && n.includes('transpose')) return 'conv_transpose';
  if (n.includes('conv')) return 'conv';
  return 'dense';
}

function spatialRank(layer: Layer): number {
  const n = layer.layer.toLowerCase();
  if (n.includes('1d')) return 1;
  if (n.includes('3d')) return 3;
  return 2;
}

function gatesOf(layer: Layer): number {
  const n = layer.layer.toLowerCase();
  if (n.includes('lstm')) return 4;
  if (n.includes('gru')) return 3;
  return 1;
}

/**
 * Kernel size of a convolution from its framework fans (channels × k^rank): the
 * first of 3, 5, 7 (transposed: 4, 3, 5, 7, 2) whose k^rank divides both fans, else 1. The engine reports
 * fans, not kernels; the choice is an assumption the caller sees.
 */
export function inferKernel(fanIn: number, fanOut: number, rank: number, transposed = false): number {
  // Transposed convolutions (upsampling) most often use 4×4 kernels.
  for (const k of transposed ? [4, 3, 5, 7, 2] : [3, 5, 7]) {
    const r = k ** rank;
    if (fanIn % r === 0 && fanOut % r === 0 && fanIn >= r && fanOut >= r) return k;
  }
  return 1;
}

const FRAMEWORK_DEFAULT_INIT: Record<Framework, InitSpec> = {
  pytorch: { name: 'pytorch_default', explicit: false, source: 'default' },
  keras: { name: 'glorot_uniform', explicit: false, source: 'default' },
  tfjs: { name: 'glorot_normal', explicit: false, source: 'default' },
  flax: { name: 'lecun_normal', explicit: false, source: 'default' },
};

/** `s` with every draw multiplied by `f` (to keep fan_in·Var(W) when a layer is simulated narrower). */
export function scaleSampler(s: Sampler, f: number): Sampler {
  switch (s.kind) {
    case 'uniform':
      return { kind: 'uniform', low: s.low * f, high: s.high * f };
    case 'normal':
      return { kind: 'normal', mean: s.mean * f, std: s.std * f };
    case 'truncated_normal': {
      const t: Sampler = { kind: 'truncated_normal', mean: s.mean * f, std: s.std * f, cut: s.cut };
      if (s.low !== undefined) t.low = s.low * f;
      if (s.high !== undefined) t.high = s.high * f;
      return t;
    }
    case 'orthogonal':
      return { kind: 'orthogonal', gain: s.gain * f };
    case 'constant':
      return { kind: 'constant', value: s.value * f };
  }
}

/**
 * NetworkSpec for model `modelId` of `result`, or { error } with a sentence for
 * users (no such model, no layers, a width unknown with no default, bad options).
 */
export function buildNetwork(
  result: AnalysisResult,
  modelId: number,
  options: SimOptions,
  fileName?: string,
): { spec: NetworkSpec } | { error: string } {
  const bad = validateSimOptions(options);
  if (bad) return { error: bad };
  const model = result.models.find((m) => m.id === modelId);
  if (!model) {
    const list = result.models.map((m) => `${m.id}: ${m.name ?? m.kind}`).join(', ');
    return { error: result.models.length === 0 ? 'the file has no model' : `no model ${modelId} (models: ${list})` };
  }
  const byId = new Map(result.layers.map((l) => [l.id, l] as const));
  const source = model.layers.map((id) => byId.get(id)).filter((l): l is Layer => l !== undefined);
  if (source.length === 0) return { error: `model ${model.name ?? model.kind} has no layers InitLens can see` };

  const assumptions: Assumption[] = [];
  const distribution = options.distribution ?? 'normal';
  const layers: SimLayer[] = [];
  const reps = options.depthMultiplier;
  if (reps > 1) {
    assumptions.push({ key: 'depthMultiplier', value: reps, message: `the model's ${source.length} layers are repeated ${reps} times (${source.length * reps} layers)` });
  }
  let prevOut: number | null = null;
  let usedSpatial = false;
  for (let rep = 0; rep < reps; rep++) {
    for (const layer of source) {
      const index = layers.length;
      const built = buildLayer(layer, index, prevOut, options, distribution, assumptions);
      if ('error' in built) return built;
      if (built.layer.kind === 'conv' || built.layer.kind === 'conv_transpose') usedSpatial = true;
      layers.push(built.layer);
      prevOut = built.layer.outFeatures;
    }
  }
  if (usedSpatial) {
    const plan = convPlan({ modelId, title: '', framework: model.framework, layers, assumptions }, options);
    const ranks = new Set(plan.filter((g) => g !== null).map((g) => g!.rank));
    const base = [...ranks].sort().map((r) => Array<number>(r).fill(baseSpatial(r, options)).join('×')).join(' (1-D/2-D/3-D: ') + (ranks.size > 1 ? ')' : '');
    // The spatial sizes along the stack where strides change them: "16 → 8 → 4".
    const sizes: string[] = [];
    for (const g of plan) {
      if (!g) continue;
      const a = g.input.join('×');
      const b = g.output.join('×');
      if (sizes.length === 0 || sizes[sizes.length - 1] !== a) sizes.push(a);
      if (b !== a) sizes.push(b);
    }
    const strided = layers.some((l) => l.stride?.some((v) => v > 1));
    assumptions.push({
      key: 'spatial',
      value: options.spatial,
      message: `convolutions run on a ${base} input with 'same' padding${ranks.has(3) && options.spatial > 8 ? ' (3-D inputs at most 8 per axis)' : ''}${strided ? `; their strides change the size: ${sizes.join(' → ')}` : ', stride 1'}`,
    });
  }
  if (layers.some((l) => l.kind === 'recurrent')) {
    assumptions.push({ key: 'steps', value: options.steps, message: `recurrent layers are unrolled for ${options.steps} steps` });
  }
  if (options.input !== 'normal') {
    assumptions.push({
      key: 'input',
      value: options.input,
      message:
        options.input === 'uniform'
          ? 'the input is uniform with unit variance'
          : `the input has unit variance around a mean of ${options.inputShift ?? 1}`,
    });
  }
  if (options.bias === false) assumptions.push({ key: 'bias', value: 'none', message: 'biases are left out' });
  else if (layers.some((l) => l.bias !== null)) {
    assumptions.push({ key: 'bias', value: 'default', message: `${model.framework === 'pytorch' ? 'PyTorch layers' : 'layers'} are simulated with their default bias where the code does not say bias=False (the recommended init zeros it, as the fix does); pass bias: false to leave biases out` });
  }
  const label = model.name ?? model.kind;
  return {
    spec: {
      modelId,
      title: `${label} (${model.framework})${fileName ? ` — ${fileName}` : ''}`,
      framework: model.framework,
      layers,
      assumptions,
    },
  };
}

function buildLayer(
  layer: Layer,
  index: number,
  prevOut: number | null,
  options: SimOptions,
  distribution: 'normal' | 'uniform',
  assumptions: Assumption[],
): { layer: SimLayer } | { error: string } {
  const kind = kindOf(layer);
  const fw = layer.framework;
  const what = `layer ${index} (${layer.layer}${layer.name ? ` ${layer.name}` : ''})`;
  const override = options.widths?.[index];
  // Unknown fans as every number users read assumes them (analysis/numbers.ts layerNumbers,
  // analytic.ts layerTable): one unknown fan equals the other; both unknown, the default width.
  const conv = kind === 'conv' || kind === 'conv_transpose';
  const knownIn = layer.fanIn !== null && layer.fanIn > 0 ? layer.fanIn : null;
  const knownOut = layer.fanOut !== null && layer.fanOut > 0 ? layer.fanOut : null;
  void prevOut;
  let fanOut: number;
  if (override !== undefined || knownOut === null) {
    const v = override !== undefined ? (conv ? override * 9 : override) : (knownIn ?? options.widthDefault);
    if (!(v > 0)) return { error: `${what} has no known width and there is no default width` };
    fanOut = v;
    if (override === undefined || knownOut === null) {
      assumptions.push({ key: `layer:${index}:fanOut`, value: fanOut, message: `${what} has no known fan_out: ${fanOut} assumed${knownIn !== null && override === undefined ? ' (= fan_in)' : ''}` });
    }
  } else fanOut = knownOut;
  let fanIn: number;
  if (knownIn === null) {
    fanIn = knownOut ?? fanOut;
    if (!(fanIn > 0)) return { error: `${what} has no known input width and there is no default width` };
    assumptions.push({ key: `layer:${index}:fanIn`, value: fanIn, message: `${what} has no known fan_in: ${fanIn} assumed${knownOut !== null ? ' (= fan_out)' : ''}` });
  } else fanIn = knownIn;
  const kindFlags = { recurrent: layer.recurrent, embedding: layer.embedding };
  let inFeatures = fanIn;
  let outFeatures = fanOut;
  let kernel: number[] | undefined;
  let gates: number | undefined;
  let stride: number[] | undefined;
  if (kind === 'conv' || kind === 'conv_transpose') {
    // PyTorch, Keras and TF.js count a transposed kernel's fan_in over its OUTPUT channels
    // (their kernels are stored out-major); Flax's ConvTranspose kernel is (k…, in, out) like a conv.
    const swap = kind === 'conv_transpose' && fw !== 'flax';
    const fi = swap ? fanOut : fanIn;
    const fo = swap ? fanIn : fanOut;
    // The kernel as written when the engine read it (and it divides the fans), else inferred from the fans.
    const written = layer.kernelSize && layer.kernelSize.length >= 1 && layer.kernelSize.length <= 3 ? layer.kernelSize : null;
    const taps = written ? written.reduce((a, b) => a * b, 1) : 0;
    if (written && fi % taps === 0 && fo % taps === 0 && fi >= taps && fo >= taps) {
      kernel = [...written];
    } else {
      const rank = written ? written.length : spatialRank(layer);
      const k = inferKernel(fi, fo, rank, kind === 'conv_transpose');
      kernel = Array<number>(rank).fill(k);
      assumptions.push({
        key: `layer:${index}:kernel`,
        value: k,
        message: `${what}: kernel ${kernel.join('×')} inferred from its fans, ${fi / k ** rank} → ${fo / k ** rank} channels`,
      });
    }
    const r = kernel.reduce((a, b) => a * b, 1);
    inFeatures = fi / r;
    outFeatures = fo / r;
    if (layer.stride && layer.stride.length === kernel.length && layer.stride.some((v) => v > 1)) stride = [...layer.stride];
  } else if (kind === 'recurrent') {
    gates = gatesOf(layer);
    // Keras and TF.js report the fused gate kernel's fan_out (gates × units).
    if ((fw === 'keras' || fw === 'tfjs') && fanOut % gates === 0) outFeatures = fanOut / gates;
  }
  if (layer.depthwise) {
    assumptions.push({ key: `layer:${index}:depthwise`, value: 'dense', message: `${what} is depthwise: simulated as a full convolution with the same fans` });
  }

  let act = layer.activation;
  if (act.name === 'unknown') {
    act = { ...act, name: 'linear' };
    assumptions.push({ key: `layer:${index}:activation`, value: 'linear', message: `${what} has no known activation: linear assumed` });
  }

  // Samplers under each init, from the framework fans.
  let init = layer.init;
  if (samplerFor(fw, init, fanIn, fanOut, kindFlags) === null) {
    init = FRAMEWORK_DEFAULT_INIT[fw];
    assumptions.push({ key: `layer:${index}:init`, value: init.name, message: `${what}: the initializer ${layer.init.text ?? layer.init.name} cannot be evaluated: the ${fw} default (${init.name}) is simulated` });
  }
  const current = samplerFor(fw, init, fanIn, fanOut, kindFlags)!;
  const rec = layer.embedding ? { spec: null, reason: '' } : recommendedInitSpec({ activation: act, framework: layer.framework }, distribution);
  const recSpec = rec.spec ?? init;
  const recommended = samplerFor(fw, recSpec, fanIn, fanOut, kindFlags) ?? current;
  const gain = varianceGain(act.name, act.param) ?? 1;
  const weight: Record<SimInit, Sampler | null> = {
    current,
    recommended,
    orthogonal: layer.embedding ? current : { kind: 'orthogonal', gain },
    lsuv: layer.embedding ? current : { kind: 'orthogonal', gain: 1 },
  };
  const initName: Record<SimInit, string> = {
    current: init.name,
    recommended: rec.spec?.name ?? init.name,
    orthogonal: layer.embedding ? init.name : 'orthogonal',
    lsuv: layer.embedding ? init.name : 'lsuv',
  };
  let recurrentWeight: Record<SimInit, Sampler | null> | undefined;
  if (kind === 'recurrent') {
    const rInit = layer.recurrentInit ?? FRAMEWORK_DEFAULT_INIT[fw];
    const h = outFeatures;
    // PyTorch draws every RNN weight from U(±1/√hidden) (fanOut = hidden); the others' recurrent kernel is (units, gates·units).
    const rCur = samplerFor(fw, rInit, h, fw === 'pytorch' ? h : h * (gates ?? 1), kindFlags) ?? { kind: 'orthogonal', gain: 1 };
    recurrentWeight = { current: rCur, recommended: { kind: 'orthogonal', gain: 1 }, orthogonal: { kind: 'orthogonal', gain: 1 }, lsuv: { kind: 'orthogonal', gain: 1 } };
  }
  const perInit = options.inits?.[index];
  if (perInit) for (const i of SIM_INITS) if (perInit[i]) weight[i] = perInit[i]!;

  let bias: Sampler | null = null;
  if (options.bias !== false && layer.bias !== false) {
    if (layer.biasInit && layer.biasInit.name !== 'zeros') bias = samplerFor(fw, layer.biasInit, fanIn, fanOut, kindFlags);
    else if (!layer.biasInit) bias = defaultBiasSampler(fw, fanIn, kind === 'recurrent' ? outFeatures : fanOut, kindFlags);
    if (bias?.kind === 'constant' && bias.value === 0) bias = null;
  }

  // Very wide layers: simulated narrower, weights rescaled so fan_in·Var(W) is unchanged.
  if (kind === 'dense' && (inFeatures > MAX_SIM_WIDTH || outFeatures > MAX_SIM_WIDTH)) {
    const nIn = Math.min(inFeatures, MAX_SIM_WIDTH);
    const nOut = Math.min(outFeatures, MAX_SIM_WIDTH);
    const f = Math.sqrt(inFeatures / nIn);
    for (const i of SIM_INITS) if (weight[i] && weight[i]!.kind !== 'orthogonal') weight[i] = scaleSampler(weight[i]!, f);
    assumptions.push({ key: `reduced:layer:${index}`, value: `${nIn}x${nOut}`, message: `${what} (${inFeatures} → ${outFeatures}) is simulated at ${nIn} → ${nOut} with its weights rescaled to keep fan_in·Var(W)` });
    inFeatures = nIn;
    outFeatures = nOut;
  }

  const sim: SimLayer = {
    index,
    layerId: layer.id,
    line: null,
    layer: layer.layer,
    name: layer.name,
    kind,
    fanIn,
    fanOut,
    inFeatures,
    outFeatures,
    activation: act.param !== undefined ? { name: act.name, param: act.param } : { name: act.name },
    normalization: layer.normalization,
    residual: layer.residual,
    head: layer.head === true,
    weight,
    bias,
    initName,
  };
  // The recommended init as the fix writes it: PyTorch's fix zeros the bias too.
  if (bias !== null && rec.spec && recommendedBiasZeroed(layer)) sim.biasByInit = { recommended: null };
  if (kernel) sim.kernel = kernel;
  if (stride) sim.stride = stride;
  if (gates !== undefined) sim.gates = gates;
  if (recurrentWeight) sim.recurrentWeight = recurrentWeight;
  return { layer: sim };
}

/** Attach 1-based source lines to a spec's layers (the builder has no text; callers that do, pass a line lookup). */
export function withLines(spec: NetworkSpec, result: AnalysisResult, lineOf: (offset: number) => number): NetworkSpec {
  const byId = new Map(result.layers.map((l) => [l.id, l] as const));
  return {
    ...spec,
    layers: spec.layers.map((l) => {
      const src = l.layerId === null ? undefined : byId.get(l.layerId);
      return src ? { ...l, line: lineOf(src.span.from) } : l;
    }),
  };
}
