/**
 * Var(W): the variance each framework REALLY draws for an initializer, and the
 * per-layer forward/backward factors it implies.
 *
 * Source of every default and formula: the libraries themselves (read
 * from Keras 3 `keras/src/initializers/random_initializers.py`, tfjs-layers
 * `src/initializers.ts`, PyTorch `torch/nn/init.py` + module `reset_parameters`,
 * JAX `jax/_src/nn/initializers.py`). Cross-checked against real PyTorch and
 * TensorFlow.js draws in test/math/crosscheck-*.test.ts.
 *
 * Conventions:
 * - `fanIn`/`fanOut` are the framework's fans (conv: channels × receptive field).
 * - The result is the central variance of one weight entry. A `mean` is not
 *   folded in (no framework's fan-based initializer has one).
 * - null when a needed number is unknown (missing fan, unknown initializer, an
 *   argument PyTorch would reject...). Never throws.
 */
import type { Framework, InitSpec } from '../types.js';
import { secondMoment, derivSecondMoment, varianceGain, torchCalculateGain } from './activations.js';
import type { MathActivation } from './activations.js';
import { TRUNC2_VARIANCE, truncatedStdNormalVariance } from './gauss.js';
import type { InitName } from '../types.js';
import { varianceScalingLaw } from '../frameworks/shared/initializers.js';

export { TRUNC2_VARIANCE };

/**
 * Extra facts about the layer that only PyTorch's built-in defaults depend on.
 * A detected `Layer` fits as is: `weightVariance(l.framework, l.init, l.fanIn, l.fanOut, l)`.
 */
export interface LayerKind {
  /** nn.RNN/LSTM/GRU (+ cells): every weight is U(±1/√hidden). Pass hidden_size as fanOut. */
  recurrent?: boolean;
  /** nn.Embedding: N(0, 1). */
  embedding?: boolean;
  /** Convolutions: kernel size per spatial axis, when known (orthogonal's variance depends on it). */
  kernelSize?: readonly number[];
}

/** zeros / ones / constant (or an explicit constant distribution): every entry equal, Var(W) = 0. */
export function isConstantInit(init: Pick<InitSpec, 'name' | 'distribution'>): boolean {
  return (
    init.name === 'zeros' ||
    init.name === 'ones' ||
    init.name === 'constant' ||
    init.distribution === 'constant'
  );
}

/** A finite number. */
export function num(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** A known fan (finite, not negative). */
export function fanOk(f: number | null | undefined): f is number {
  return num(f) && f >= 0;
}

/** Variance of U(lo, hi): (hi − lo)²/12. */
export function uniformVariance(lo: number, hi: number): number {
  const d = hi - lo;
  return (d * d) / 12;
}

/**
 * Variance of N(mean, std²) truncated to the ABSOLUTE interval [lo, hi], with no
 * rescaling (PyTorch `trunc_normal_(tensor, mean, std, a, b)`).
 * std²·v((lo−mean)/std, (hi−mean)/std) with v from truncatedStdNormalVariance.
 */
export function truncNormalVariance(std: number, lo: number, hi: number, mean = 0): number {
  if (!(std > 0)) return std === 0 ? 0 : NaN;
  return std * std * truncatedStdNormalVariance((lo - mean) / std, (hi - mean) / std);
}

/** The fan a mode divides by. `clampToOne` reproduces Keras/tfjs `max(1, fan)`. */
function modeFan(
  mode: InitSpec['mode'],
  fanIn: number | null,
  fanOut: number | null,
  clampToOne: boolean,
): number | null {
  let fan: number | null;
  switch (mode ?? 'fan_in') {
    case 'fan_in':
      fan = fanOk(fanIn) ? fanIn : null;
      break;
    case 'fan_out':
      fan = fanOk(fanOut) ? fanOut : null;
      break;
    case 'fan_avg':
      fan = fanOk(fanIn) && fanOk(fanOut) ? (fanIn + fanOut) / 2 : null;
      break;
    default:
      fan = null;
  }
  if (fan === null) return null;
  if (clampToOne) return Math.max(1, fan);
  return fan > 0 ? fan : null;
}

/**
 * Orthogonal: with gain g, a (rows × cols) matrix with orthonormal columns
 * (rows ≥ cols) has unit-norm columns, so the mean entry variance is g²/rows; with
 * orthonormal rows (rows < cols) it is g²/cols. Either way g²/max(rows, cols).
 * Every framework flattens a kernel to out_channels × (in_channels · k) (PyTorch) or
 * its transpose (Keras, Flax, tfjs), k the receptive field, and its fans are
 * fanIn = in·k and fanOut = out·k (transposed convs swap in and out in both), so the
 * exact value is g²/max(fanIn, fanOut/k). Without a known kernel size (k = 1 for dense
 * kernels and 1×1 convs) it is g²/max(fanIn, fanOut). With it fanIn·Var(W) = g² when
 * the flattened kernel is wide (fanIn ≥ fanOut/k) and g²·fanIn·k/fanOut otherwise (a
 * tall orthogonal map is an isometry into more units, over which its output energy
 * spreads: `Conv2d(1, 64, 5)` has fanIn 25 and 64 rows, fanIn·Var(W) = 25/64·g²).
 */
function orthogonalVariance(gain: number, fanIn: number | null, fanOut: number | null, kernelSize?: readonly number[]): number | null {
  if (!fanOk(fanIn) || !fanOk(fanOut)) return null;
  const k = kernelSize && kernelSize.length > 0 && kernelSize.every((x) => Number.isInteger(x) && x > 0) ? kernelSize.reduce((a, b) => a * b, 1) : 1;
  const m = Math.max(fanIn, fanOut / k);
  return m > 0 ? (gain * gain) / m : null;
}

/** A normal / truncated / uniform law whose variance is `v`, as drawn by `framework`. */
function scaledVariance(
  framework: Framework,
  v: number,
  dist: 'normal' | 'truncated' | 'uniform',
  uncorrected: boolean,
): number {
  // Keras and JAX divide the truncated normal's std by 0.8796…, tfjs does not.
  if (dist === 'truncated' && (uncorrected || framework === 'tfjs')) return v * TRUNC2_VARIANCE;
  return v;
}

/**
 * Var(W) for one weight tensor.
 *
 * Keras 3 (VarianceScaling, random_initializers.py L298-318):
 *   glorot_* 2/(fi+fo); he_* 2/fi; lecun_* 1/fi; the truncated normals are corrected
 *   (std/0.8796…) so exact; fans clamped to ≥ 1. variance_scaling: scale/fan(mode),
 *   default scale 1, mode fan_in, distribution truncated_normal ("normal" is mapped
 *   to it), all exact. random_normal std² (default 0.05); random_uniform (b−a)²/12
 *   (default ±0.05); truncated_normal 0.05²·0.7737 (2σ cut, NOT corrected);
 *   orthogonal gain²/max(fi, fo/k), k the kernel's receptive field (1 for dense).
 * tfjs (initializers.ts VarianceScaling.apply): same names, but 'normal' draws
 *   tf.truncatedNormal(0, √(scale/fan)) WITHOUT correction, so glorotNormal/heNormal/
 *   leCunNormal/varianceScaling-normal give 0.7737·scale/fan; uniform variants exact;
 *   distribution 'truncatedNormal' falls into the uniform branch (tfjs quirk) so it
 *   is exact. randomNormal/randomUniform/truncatedNormal use `arg || default`, so an
 *   explicit 0 means the default (±0.05, std 0.05).
 * PyTorch (torch/nn/init.py):
 *   pytorch_default: Linear/Conv kaiming_uniform_(a=√5) → 1/(3·fi); RNN U(±1/√hidden)
 *   → 1/(3·hidden) with hidden passed as fanOut (kind.recurrent); Embedding N(0,1) → 1
 *   (kind.embedding, or distribution 'normal'/'untruncated_normal').
 *   he_* = kaiming_{normal,uniform}_(a, mode, nonlinearity): calculate_gain(nonlinearity
 *   ?? 'leaky_relu', a ?? 0)²/fan, mode fan_in|fan_out (fan_avg → null, PyTorch raises).
 *   lecun_* = kaiming with nonlinearity 'linear' unless one is given.
 *   glorot_* = xavier_*(gain): gain²·2/(fi+fo), untruncated. random_normal = normal_(std)
 *   → std² (default 1); random_uniform = uniform_(a, b) → (b−a)²/12 (default 0, 1);
 *   truncated_normal = trunc_normal_(mean, std, a, b), ABSOLUTE cutoffs (minval/maxval,
 *   default −2, 2; `a` accepted as the lower cutoff), no correction → exact truncated
 *   variance; orthogonal = orthogonal_(gain); variance_scaling (not a torch name) exact.
 * Flax / JAX:
 *   he_*, glorot_*, lecun_* exact (corrected truncation; fans not clamped);
 *   variance_scaling(scale, mode, distribution): "normal" = UNtruncated, "truncated_normal"
 *   corrected, "uniform" → all exact scale/fan. random_normal = normal(stddev) untruncated,
 *   default 0.01; random_uniform = uniform(scale) on [0, scale), default 0.01 (minval/maxval
 *   used when given); truncated_normal(stddev=0.01, lower=−2, upper=2) has cutoffs in units
 *   of stddev, uncorrected: stddev²·v(lower, upper). Embed's default is
 *   variance_scaling(1, 'fan_in', 'normal') → 1/features: pass features as fanIn.
 *
 * InitSpec.uncorrectedTruncation = true forces the ×0.7737 for any truncated normal.
 * Constant inits (zeros/ones/constant) → 0.
 */
export function weightVariance(
  framework: Framework,
  init: InitSpec,
  fanIn: number | null,
  fanOut: number | null,
  kind: LayerKind = {},
): number | null {
  return initLaw(framework, init, fanIn, fanOut, kind).variance;
}

/**
 * How one weight tensor is drawn, exactly as its framework draws it. Bounds and
 * standard deviations are absolute (already scaled by the fans), so a runner
 * needs no framework knowledge.
 */
export type Sampler =
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'normal'; mean: number; std: number }
  /** Normal(mean, std) restricted to [mean − cut·std, mean + cut·std] by redrawing (std is the pre-truncation parameter). */
  | {
      kind: 'truncated_normal';
      mean: number;
      std: number;
      cut: number;
      /** Absolute bounds when the truncation is not symmetric around the mean (PyTorch trunc_normal_(a, b), Flax lower/upper); they override `cut`. */
      low?: number;
      high?: number;
    }
  /** QR of a Gaussian matrix, sign-corrected, times gain; rectangular kernels flattened as the framework does. */
  | { kind: 'orthogonal'; gain: number }
  | { kind: 'constant'; value: number };

/**
 * The law one weight tensor is drawn from, as `framework` draws `init`: the sampler (what is
 * drawn) and its exact variance, Var(W). Orthogonal is the one law whose variance is not the
 * sampler's alone (it depends on the matrix shape: null without both fans). Either is null when a
 * needed number is unknown (PyTorch's truncated normal with std 0 has variance 0 and no sampler).
 */
export interface InitLaw {
  sampler: Sampler | null;
  variance: number | null;
}

const NO_LAW: InitLaw = { sampler: null, variance: null };

/** Std of N(0,1) truncated to (−2, 2): Keras and JAX divide by it. */
export const TRUNC2_STD = 0.87962566103423978;

/** U(−limit, limit). */
export const uniformSym = (limit: number): Sampler => ({ kind: 'uniform', low: -limit, high: limit });

/**
 * The one description of what each framework draws for each initializer (see the summary above
 * `weightVariance`); `weightVariance` is its variance and the simulator's `samplerFor` its sampler.
 */
export function initLaw(
  framework: Framework,
  init: InitSpec,
  fanIn: number | null,
  fanOut: number | null,
  kind: LayerKind = {},
): InitLaw {
  if (init.unknownArgs) return NO_LAW; // a numeric argument could not be evaluated
  if (isConstantInit(init)) {
    const value = init.name === 'ones' ? 1 : init.name === 'zeros' ? 0 : num(init.value) ? init.value : 0;
    return { sampler: { kind: 'constant', value }, variance: 0 };
  }
  const clamp = framework === 'keras' || framework === 'tfjs';
  const uncorrected = init.uncorrectedTruncation === true;

  switch (init.name) {
    case 'pytorch_default': {
      if (kind.embedding || init.distribution === 'normal' || init.distribution === 'untruncated_normal') {
        return { sampler: { kind: 'normal', mean: 0, std: 1 }, variance: 1 };
      }
      const fan = kind.recurrent ? fanOut : fanIn;
      return fanOk(fan) && fan > 0 ? { sampler: uniformSym(1 / Math.sqrt(fan)), variance: 1 / (3 * fan) } : NO_LAW;
    }
    case 'he_normal':
    case 'he_uniform':
    case 'lecun_normal':
    case 'lecun_uniform':
    case 'glorot_normal':
    case 'glorot_uniform':
    case 'variance_scaling':
      return varianceScalingLawOf(framework, init, fanIn, fanOut, clamp, uncorrected);
    case 'orthogonal': {
      const g = num(init.gain) ? init.gain : num(init.scale) && framework === 'flax' ? init.scale : 1;
      return { sampler: { kind: 'orthogonal', gain: g }, variance: orthogonalVariance(g, fanIn, fanOut, kind.kernelSize) };
    }
    case 'random_normal': {
      const def = framework === 'pytorch' ? 1 : framework === 'flax' ? 0.01 : 0.05;
      const std = framework === 'tfjs' ? (init.std || def) : num(init.std) ? init.std : def;
      const mean = num(init.mean) ? init.mean : 0;
      if (!num(std)) return NO_LAW;
      if (init.distribution === 'truncated_normal') {
        const corrected = !(uncorrected || framework === 'tfjs');
        return { sampler: { kind: 'truncated_normal', mean, std: corrected ? std / TRUNC2_STD : std, cut: 2 }, variance: scaledVariance(framework, std * std, 'truncated', uncorrected) };
      }
      return { sampler: { kind: 'normal', mean, std }, variance: std * std };
    }
    case 'random_uniform': {
      const uniform = (lo: number, hi: number): InitLaw => ({ sampler: { kind: 'uniform', low: lo, high: hi }, variance: uniformVariance(lo, hi) });
      if (framework === 'tfjs') {
        const lo = init.minval || -0.05;
        const hi = init.maxval || 0.05;
        return num(lo) && num(hi) ? uniform(lo, hi) : NO_LAW;
      }
      if (framework === 'flax') {
        if (num(init.minval) || num(init.maxval)) return uniform(num(init.minval) ? init.minval : 0, num(init.maxval) ? init.maxval : 0.01);
        return uniform(0, num(init.scale) ? init.scale : 0.01);
      }
      const def = framework === 'pytorch' ? [0, 1] : [-0.05, 0.05];
      return uniform(num(init.minval) ? init.minval : def[0]!, num(init.maxval) ? init.maxval : def[1]!);
    }
    case 'truncated_normal': {
      if (framework === 'pytorch') {
        // trunc_normal_(mean, std, a, b): ABSOLUTE cutoffs, no correction.
        const std = num(init.std) ? init.std : 1;
        const mean = num(init.mean) ? init.mean : 0;
        const lo = num(init.minval) ? init.minval : num(init.a) ? init.a : -2;
        const hi = num(init.maxval) ? init.maxval : 2;
        const v = truncNormalVariance(std, lo, hi, mean);
        return {
          sampler: std > 0 && lo < hi ? { kind: 'truncated_normal', mean, std, cut: Math.max(hi - mean, mean - lo) / std, low: lo, high: hi } : null,
          variance: Number.isFinite(v) ? v : null,
        };
      }
      if (framework === 'flax') {
        // truncated_normal(stddev, lower, upper): cutoffs in units of stddev, no correction.
        const std = num(init.std) ? init.std : 0.01;
        const lo = num(init.minval) ? init.minval : -2;
        const hi = num(init.maxval) ? init.maxval : 2;
        const v = std * std * truncatedStdNormalVariance(lo, hi);
        return {
          sampler: std > 0 && lo < hi ? { kind: 'truncated_normal', mean: 0, std, cut: Math.max(hi, -lo), low: lo * std, high: hi * std } : null,
          variance: Number.isFinite(v) ? v : null,
        };
      }
      // Keras TruncatedNormal(stddev=0.05) and tfjs truncatedNormal({stddev}) cut at
      // ±2·stddev and do not rescale.
      const std = framework === 'tfjs' ? (init.std || 0.05) : num(init.std) ? init.std : 0.05;
      return num(std) ? { sampler: { kind: 'truncated_normal', mean: 0, std, cut: 2 }, variance: std * std * TRUNC2_VARIANCE } : NO_LAW;
    }
    case 'unknown':
    default:
      return NO_LAW;
  }
}

/** A zero-mean law of variance v in the requested family, and the variance the framework then draws. */
function lawOfVariance(framework: Framework, v: number, dist: 'normal' | 'truncated' | 'uniform', uncorrected: boolean): InitLaw {
  const s = Math.sqrt(v);
  const variance = scaledVariance(framework, v, dist, uncorrected);
  if (dist === 'uniform') return { sampler: uniformSym(Math.sqrt(3 * v)), variance };
  if (dist === 'normal') return { sampler: { kind: 'normal', mean: 0, std: s }, variance };
  // Keras and JAX divide the truncated normal's std by 0.8796…, tfjs does not.
  const corrected = !(uncorrected || framework === 'tfjs');
  return { sampler: { kind: 'truncated_normal', mean: 0, std: corrected ? s / TRUNC2_STD : s, cut: 2 }, variance };
}

function varianceScalingLawOf(
  framework: Framework,
  init: InitSpec,
  fanIn: number | null,
  fanOut: number | null,
  clamp: boolean,
  uncorrected: boolean,
): InitLaw {
  const fam = varianceScalingLaw(init.name);

  if (framework === 'pytorch' && init.name !== 'variance_scaling') {
    const dist = init.name.endsWith('_uniform') ? 'uniform' : 'normal';
    if (init.name === 'glorot_normal' || init.name === 'glorot_uniform') {
      // xavier_*_(gain): std = gain·√(2/(fi+fo)); uniform bound √3·std → same variance.
      const g = num(init.gain) ? init.gain : 1;
      if (!fanOk(fanIn) || !fanOk(fanOut) || fanIn + fanOut <= 0) return NO_LAW;
      return lawOfVariance(framework, (g * g * 2) / (fanIn + fanOut), dist, false);
    }
    // kaiming_{normal,uniform}_: gain = calculate_gain(nonlinearity, a), std = gain/√fan.
    const isLecun = init.name === 'lecun_normal' || init.name === 'lecun_uniform';
    let gain: number | null;
    if (num(init.gain) && init.nonlinearity === undefined) gain = init.gain;
    else gain = torchCalculateGain(init.nonlinearity ?? (isLecun ? 'linear' : 'leaky_relu'), init.a ?? 0);
    if (gain === null) return NO_LAW;
    const mode = init.mode ?? 'fan_in';
    if (mode !== 'fan_in' && mode !== 'fan_out') return NO_LAW;
    const fan = modeFan(mode, fanIn, fanOut, false);
    if (fan === null) return NO_LAW;
    return lawOfVariance(framework, (gain * gain) / fan, dist, false);
  }

  const scale = num(init.scale) ? init.scale : fam ? fam.scale : 1;
  const mode = init.mode ?? (fam ? fam.mode : 'fan_in');
  const fan = modeFan(mode, fanIn, fanOut, clamp);
  if (fan === null || scale < 0) return NO_LAW;
  const v = scale / fan;

  // Which law is drawn?
  let dist: 'normal' | 'truncated' | 'uniform';
  const d = init.distribution;
  if (d === 'uniform') dist = 'uniform';
  else if (d === 'untruncated_normal') dist = 'normal';
  else if (d === 'truncated_normal') {
    // tfjs 'truncatedNormal' is accepted but apply() only branches on 'normal': uniform.
    dist = framework === 'tfjs' && init.name === 'variance_scaling' ? 'uniform' : 'truncated';
  } else if (d === 'normal') dist = framework === 'flax' && init.name === 'variance_scaling' ? 'normal' : 'truncated';
  else if (fam) dist = fam.uniform ? 'uniform' : 'truncated';
  // variance_scaling without a distribution: Keras default truncated_normal (corrected),
  // tfjs default 'normal' (truncated, uncorrected); JAX has no default.
  else dist = 'truncated';
  return lawOfVariance(framework, v, dist, uncorrected);
}

/**
 * Var(W) for an embedding table with each framework's default initializer:
 * Keras/tfjs U(±0.05) → 0.05²/3; PyTorch N(0,1) → 1; Flax
 * variance_scaling(1, 'fan_in', 'normal', out_axis=0) → 1/features.
 */
export function embeddingDefaultVariance(framework: Framework, features: number | null): number | null {
  switch (framework) {
    case 'keras':
    case 'tfjs':
      return uniformVariance(-0.05, 0.05);
    case 'pytorch':
      return 1;
    case 'flax':
      return fanOk(features) && features > 0 ? 1 / features : null;
  }
}

/** Variance of PyTorch's default Linear/Conv bias U(±1/√fan_in): 1/(3·fan_in). Keras/tfjs/Flax biases start at 0. */
export function pytorchDefaultBiasVariance(fanIn: number | null): number | null {
  return fanOk(fanIn) && fanIn > 0 ? 1 / (3 * fanIn) : null;
}

/**
 * Forward factor fanIn·Var(W)·E[φ(z)²], z ~ N(0,1): the multiplier of the
 * pre-activation second moment from one layer to the next.
 *
 * Mean-field assumptions (Poole et al. 2016; Schoenholz et al. 2017; He et al.
 * 2015): weights i.i.d., zero mean, independent of the inputs; width large enough
 * that pre-activations are Gaussian (CLT); zero biases; pre-activations of unit
 * variance (E[φ²] evaluated at q = 1 — see propagate.ts for the exact recursion at
 * the actual q, which matters for saturating activations). 1 means preserved, < 1
 * vanishing, > 1 exploding, compounded over depth.
 */
export function forwardFactor(
  varW: number | null,
  fanIn: number | null,
  act: MathActivation,
  param?: number,
): number | null {
  if (varW === null || !num(varW) || !fanOk(fanIn)) return null;
  const m = secondMoment(act, param, 1);
  return m === null ? null : fanIn * varW * m;
}

/**
 * Backward factor fanOut·Var(W)·E[φ'(z)²], z ~ N(0,1): the multiplier of the
 * gradient second moment when it crosses one layer backwards (each input feeds
 * fanOut units). Same assumptions as forwardFactor, plus gradient independence
 * (weights used backwards treated as independent of the forward ones).
 */
export function backwardFactor(
  varW: number | null,
  fanOut: number | null,
  act: MathActivation,
  param?: number,
): number | null {
  if (varW === null || !num(varW) || !fanOk(fanOut)) return null;
  const m = derivSecondMoment(act, param, 1);
  return m === null ? null : fanOut * varW * m;
}

/**
 * The Var(W) that makes forwardFactor exactly 1: 1/(fanIn·E[φ(z)²]).
 * relu → 2/fanIn (He), selu/linear/softmax → 1/fanIn (LeCun), leaky_relu(a) →
 * 2/((1+a²)fanIn), tanh ≈ 2.536/fanIn, gelu ≈ 2.352/fanIn... fanOut is accepted
 * for symmetry with the fan-avg families and is not used by this forward criterion.
 */
export function recommendedVariance(
  act: MathActivation,
  fanIn: number | null,
  _fanOut?: number | null,
  param?: number,
): number | null {
  if (!fanOk(fanIn) || fanIn <= 0) return null;
  const g = varianceGain(act, param);
  return g === null ? null : (g * g) / fanIn;
}

export interface InitRecommendation {
  /** The family to write, snake_case. */
  init: InitName;
  /** variance_scaling scale (leaky ReLU: 2/(1+α²)). */
  scale?: number;
  /** One sentence for messages and hovers. */
  reason: string;
}

/**
 * The initializer family to recommend after an activation:
 * - relu, elu, gelu, silu, mish → He (`he_normal`/`he_uniform` per
 *   `distribution`): Var(W) = 2/fan_in, the rectifier family (He et al. 2015).
 *   Only ReLU is exact; for the others He is the closest named init (per-layer
 *   factor 2·E[φ(z)²]: ELU 1.29, GELU 0.85, SiLU 0.71, Mish 0.90).
 * - softplus → LeCun (`lecun_normal`/`lecun_uniform`): E[φ(z)²] = 0.921, so LeCun
 *   gives 0.92 per layer and He 1.84; LeCun is the closest named init.
 * - leaky_relu(α) → variance_scaling(scale = 2/(1+α²), fan_in). When that scale is
 *   within 1% of 2 (|α| ≤ 0.1, e.g. PyTorch's default 0.01) plain He is returned,
 *   with `scale` still set, because the difference is below what any rule measures.
 * - tanh, sigmoid, linear, softmax → Glorot (`glorot_normal`/`glorot_uniform`),
 *   Glorot & Bengio 2010.
 * - selu → `lecun_normal` (Klambauer et al. 2017 require a normal law with
 *   Var = 1/fan_in for the self-normalizing fixed point).
 * - unknown → 'unknown'.
 */
export function recommendInit(
  act: MathActivation,
  param?: number,
  distribution: 'normal' | 'uniform' = 'normal',
): InitRecommendation {
  const he: InitName = distribution === 'uniform' ? 'he_uniform' : 'he_normal';
  const glorot: InitName = distribution === 'uniform' ? 'glorot_uniform' : 'glorot_normal';
  switch (act) {
    case 'relu':
      return { init: he, reason: 'ReLU zeroes half of its input, so Var(W) = 2/fan_in (He) keeps the signal variance constant.' };
    case 'leaky_relu': {
      const a = num(param) ? param : 0.01;
      const scale = 2 / (1 + a * a);
      if (Math.abs(scale - 2) <= 0.02) {
        return {
          init: he,
          scale,
          reason: `Leaky ReLU with slope ${a} is within 1% of ReLU: Var(W) = 2/fan_in (He).`,
        };
      }
      return {
        init: 'variance_scaling',
        scale,
        reason: `Leaky ReLU with slope ${a} keeps (1+α²)/2 of its input's second moment, so Var(W) = ${round(scale)}/fan_in (He with the leaky gain).`,
      };
    }
    case 'elu':
    case 'gelu':
    case 'gelu_tanh':
    case 'silu':
    case 'mish': {
      const name = { elu: 'ELU', gelu: 'GELU', gelu_tanh: 'GELU', silu: 'SiLU', mish: 'Mish' }[act];
      return {
        init: he,
        reason: `${name} is rectifier-like: He initialization (Var(W) = 2/fan_in) is the closest named initializer; the exact variance-preserving choice is Var(W) = ${round3(1 / secondMoment(act, param, 1))}/fan_in.`,
      };
    }
    case 'softplus':
      return {
        init: distribution === 'uniform' ? 'lecun_uniform' : 'lecun_normal',
        reason: `Softplus keeps E[φ(z)²] = ${round3(secondMoment(act, param, 1))} of a unit-variance input, so LeCun initialization (Var(W) = 1/fan_in) is the closest named initializer (He would grow the signal ×1.84 per layer); exact: Var(W) = ${round3(1 / secondMoment(act, param, 1))}/fan_in.`,
      };
    case 'tanh':
    case 'sigmoid':
    case 'linear':
    case 'softmax':
      return { init: glorot, reason: `${act === 'linear' ? 'A linear' : act === 'softmax' ? 'A softmax' : `A ${act}`} layer is best served by Glorot initialization (Var(W) = 2/(fan_in+fan_out)).` };
    case 'selu':
      return { init: 'lecun_normal', reason: 'SELU self-normalizes only with LeCun normal initialization (Var(W) = 1/fan_in).' };
    case 'unknown':
    default:
      return { init: 'unknown', reason: 'The activation is unknown, so no initializer can be recommended.' };
  }
}

function round3(x: number): string {
  return x.toPrecision(3);
}

function round(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}
