/**
 * How each framework draws a weight tensor, as a plain `Sampler` (absolute bounds
 * and standard deviations), and the exact variance of a sampler.
 *
 * One rule: `samplerVariance(samplerFor(fw, init, fi, fo, kind), fi, fo)` equals
 * `weightVariance(fw, init, fi, fo, kind)` from src/core/math for every
 * initializer the engine names (test/sim/samplers.test.ts checks both that
 * identity and the empirical variance of real draws). The laws follow
 * /work/shared/docs/initializers.md: PyTorch's default U(±1/√fan_in), kaiming/
 * xavier with gain and mode (untruncated), Keras/Flax truncated normals with the
 * std divided by 0.87962566, TF.js truncated normals without that correction,
 * variance_scaling's distributions, orthogonal with gain, constants.
 *
 * Pure, no I/O, never throws: null when a needed number is unknown.
 */
import { recommendation } from '../analysis/numbers.js';
import type { Framework, InitSpec } from '../types.js';
import type { LayerKind } from '../math/variance.js';
import { isConstantInit, recommendInit } from '../math/variance.js';
import { torchCalculateGain } from '../math/activations.js';
import { normalCdf, normalPdf, truncatedStdNormalVariance } from '../math/gauss.js';
import type { Layer } from '../types.js';
import type { Sampler } from './types.js';

/** Std of N(0,1) truncated to (−2, 2): Keras and JAX divide by it. */
export const TRUNC2_STD = 0.87962566103423978;

function num(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function fanOk(f: number | null | undefined): f is number {
  return num(f) && f >= 0;
}

const uniformSym = (limit: number): Sampler => ({ kind: 'uniform', low: -limit, high: limit });

const FAMILY: Record<string, { scale: number; mode: 'fan_in' | 'fan_avg'; uniform: boolean }> = {
  he_normal: { scale: 2, mode: 'fan_in', uniform: false },
  he_uniform: { scale: 2, mode: 'fan_in', uniform: true },
  glorot_normal: { scale: 1, mode: 'fan_avg', uniform: false },
  glorot_uniform: { scale: 1, mode: 'fan_avg', uniform: true },
  lecun_normal: { scale: 1, mode: 'fan_in', uniform: false },
  lecun_uniform: { scale: 1, mode: 'fan_in', uniform: true },
};

function modeFan(mode: InitSpec['mode'], fanIn: number | null, fanOut: number | null, clamp: boolean): number | null {
  let fan: number | null = null;
  if ((mode ?? 'fan_in') === 'fan_in') fan = fanOk(fanIn) ? fanIn : null;
  else if (mode === 'fan_out') fan = fanOk(fanOut) ? fanOut : null;
  else if (mode === 'fan_avg') fan = fanOk(fanIn) && fanOk(fanOut) ? (fanIn + fanOut) / 2 : null;
  if (fan === null) return null;
  if (clamp) return Math.max(1, fan);
  return fan > 0 ? fan : null;
}

/** A law of variance v (zero mean) in the requested family. */
function lawOfVariance(v: number, dist: 'normal' | 'truncated' | 'uniform', corrected: boolean): Sampler {
  const s = Math.sqrt(v);
  if (dist === 'uniform') return uniformSym(Math.sqrt(3 * v));
  if (dist === 'normal') return { kind: 'normal', mean: 0, std: s };
  return { kind: 'truncated_normal', mean: 0, std: corrected ? s / TRUNC2_STD : s, cut: 2 };
}

/** The weight sampler of one tensor, exactly as `framework` draws `init`. */
export function samplerFor(
  framework: Framework,
  init: InitSpec,
  fanIn: number | null,
  fanOut: number | null,
  kind: LayerKind = {},
): Sampler | null {
  if (init.unknownArgs) return null;
  if (isConstantInit(init)) {
    const value = init.name === 'ones' ? 1 : init.name === 'zeros' ? 0 : num(init.value) ? init.value : 0;
    return { kind: 'constant', value };
  }
  const clamp = framework === 'keras' || framework === 'tfjs';
  const uncorrected = init.uncorrectedTruncation === true;
  switch (init.name) {
    case 'pytorch_default': {
      if (kind.embedding || init.distribution === 'normal' || init.distribution === 'untruncated_normal') {
        return { kind: 'normal', mean: 0, std: 1 };
      }
      const fan = kind.recurrent ? fanOut : fanIn;
      return fanOk(fan) && fan > 0 ? uniformSym(1 / Math.sqrt(fan)) : null;
    }
    case 'he_normal':
    case 'he_uniform':
    case 'lecun_normal':
    case 'lecun_uniform':
    case 'glorot_normal':
    case 'glorot_uniform':
    case 'variance_scaling':
      return familySampler(framework, init, fanIn, fanOut, clamp, uncorrected);
    case 'orthogonal': {
      const g = num(init.gain) ? init.gain : num(init.scale) && framework === 'flax' ? init.scale : 1;
      return { kind: 'orthogonal', gain: g };
    }
    case 'random_normal': {
      const def = framework === 'pytorch' ? 1 : framework === 'flax' ? 0.01 : 0.05;
      const std = framework === 'tfjs' ? init.std || def : num(init.std) ? init.std : def;
      const mean = num(init.mean) ? init.mean : 0;
      if (!num(std)) return null;
      if (init.distribution === 'truncated_normal') {
        const corrected = !(uncorrected || framework === 'tfjs');
        return { kind: 'truncated_normal', mean, std: corrected ? std / TRUNC2_STD : std, cut: 2 };
      }
      return { kind: 'normal', mean, std };
    }
    case 'random_uniform': {
      if (framework === 'tfjs') {
        const lo = init.minval || -0.05;
        const hi = init.maxval || 0.05;
        return num(lo) && num(hi) ? { kind: 'uniform', low: lo, high: hi } : null;
      }
      if (framework === 'flax') {
        if (num(init.minval) || num(init.maxval)) {
          return { kind: 'uniform', low: num(init.minval) ? init.minval : 0, high: num(init.maxval) ? init.maxval : 0.01 };
        }
        return { kind: 'uniform', low: 0, high: num(init.scale) ? init.scale : 0.01 };
      }
      const def = framework === 'pytorch' ? [0, 1] : [-0.05, 0.05];
      return { kind: 'uniform', low: num(init.minval) ? init.minval : def[0]!, high: num(init.maxval) ? init.maxval : def[1]! };
    }
    case 'truncated_normal': {
      if (framework === 'pytorch') {
        // trunc_normal_(mean, std, a, b): ABSOLUTE cutoffs, no correction.
        const std = num(init.std) ? init.std : 1;
        const mean = num(init.mean) ? init.mean : 0;
        const lo = num(init.minval) ? init.minval : num(init.a) ? init.a : -2;
        const hi = num(init.maxval) ? init.maxval : 2;
        if (!(std > 0) || !(lo < hi)) return null;
        return { kind: 'truncated_normal', mean, std, cut: Math.max(hi - mean, mean - lo) / std, low: lo, high: hi };
      }
      if (framework === 'flax') {
        const std = num(init.std) ? init.std : 0.01;
        const lo = num(init.minval) ? init.minval : -2;
        const hi = num(init.maxval) ? init.maxval : 2;
        if (!(std > 0) || !(lo < hi)) return null;
        return { kind: 'truncated_normal', mean: 0, std, cut: Math.max(hi, -lo), low: lo * std, high: hi * std };
      }
      const std = framework === 'tfjs' ? init.std || 0.05 : num(init.std) ? init.std : 0.05;
      return num(std) ? { kind: 'truncated_normal', mean: 0, std, cut: 2 } : null;
    }
    default:
      return null;
  }
}

function familySampler(
  framework: Framework,
  init: InitSpec,
  fanIn: number | null,
  fanOut: number | null,
  clamp: boolean,
  uncorrected: boolean,
): Sampler | null {
  const fam = FAMILY[init.name];
  if (framework === 'pytorch' && init.name !== 'variance_scaling') {
    const uniform = init.name.endsWith('_uniform');
    if (init.name === 'glorot_normal' || init.name === 'glorot_uniform') {
      const g = num(init.gain) ? init.gain : 1;
      if (!fanOk(fanIn) || !fanOk(fanOut) || fanIn + fanOut <= 0) return null;
      return lawOfVariance((g * g * 2) / (fanIn + fanOut), uniform ? 'uniform' : 'normal', false);
    }
    const isLecun = init.name === 'lecun_normal' || init.name === 'lecun_uniform';
    let gain: number | null;
    if (num(init.gain) && init.nonlinearity === undefined) gain = init.gain;
    else gain = torchCalculateGain(init.nonlinearity ?? (isLecun ? 'linear' : 'leaky_relu'), init.a ?? 0);
    if (gain === null) return null;
    const mode = init.mode ?? 'fan_in';
    if (mode !== 'fan_in' && mode !== 'fan_out') return null;
    const fan = modeFan(mode, fanIn, fanOut, false);
    if (fan === null) return null;
    return lawOfVariance((gain * gain) / fan, uniform ? 'uniform' : 'normal', false);
  }
  const scale = num(init.scale) ? init.scale : fam ? fam.scale : 1;
  const mode = init.mode ?? (fam ? fam.mode : 'fan_in');
  const fan = modeFan(mode, fanIn, fanOut, clamp);
  if (fan === null || scale < 0) return null;
  const v = scale / fan;
  let dist: 'normal' | 'truncated' | 'uniform';
  const d = init.distribution;
  if (d === 'uniform') dist = 'uniform';
  else if (d === 'untruncated_normal') dist = 'normal';
  else if (d === 'truncated_normal') dist = framework === 'tfjs' && init.name === 'variance_scaling' ? 'uniform' : 'truncated';
  else if (d === 'normal') dist = framework === 'flax' && init.name === 'variance_scaling' ? 'normal' : 'truncated';
  else if (fam) dist = fam.uniform ? 'uniform' : 'truncated';
  else dist = 'truncated';
  const corrected = !(uncorrected || framework === 'tfjs');
  return lawOfVariance(v, dist, corrected);
}

/**
 * The exact central variance of one entry drawn by `s`. Orthogonal needs the
 * matrix shape: gain²/max(rows, cols), with the fans standing for rows and cols
 * (the same convention as weightVariance).
 */
export function samplerVariance(s: Sampler, fanIn?: number | null, fanOut?: number | null): number | null {
  switch (s.kind) {
    case 'uniform': {
      const d = s.high - s.low;
      return (d * d) / 12;
    }
    case 'normal':
      return s.std * s.std;
    case 'truncated_normal': {
      if (!(s.std > 0)) return 0;
      const lo = s.low !== undefined ? (s.low - s.mean) / s.std : -s.cut;
      const hi = s.high !== undefined ? (s.high - s.mean) / s.std : s.cut;
      const v = s.std * s.std * truncatedStdNormalVariance(lo, hi);
      return Number.isFinite(v) ? v : null;
    }
    case 'orthogonal': {
      if (!fanOk(fanIn) || !fanOk(fanOut)) return null;
      const m = Math.max(fanIn, fanOut);
      return m > 0 ? (s.gain * s.gain) / m : null;
    }
    case 'constant':
      return 0;
  }
}

/** The mean of one entry drawn by `s` (truncations symmetric unless bounds are given). */
export function samplerMean(s: Sampler): number {
  switch (s.kind) {
    case 'uniform':
      return (s.low + s.high) / 2;
    case 'normal':
      return s.mean;
    case 'truncated_normal': {
      if (s.low === undefined || s.high === undefined || !(s.std > 0)) return s.mean;
      // mean + std·(ϕ(α) − ϕ(β))/(Φ(β) − Φ(α))
      const a = (s.low - s.mean) / s.std;
      const b = (s.high - s.mean) / s.std;
      const z = normalCdf(b) - normalCdf(a);
      return z > 0 ? s.mean + (s.std * (normalPdf(a) - normalPdf(b))) / z : s.mean;
    }
    case 'orthogonal':
      return 0;
    case 'constant':
      return s.value;
  }
}

/**
 * The initializer InitLens's fix would write for a layer (the same choice as the
 * quick fix: recommendInit), as an InitSpec. null when the activation is unknown.
 */
export function recommendedInitSpec(layer: Pick<Layer, 'activation' | 'framework'>, distribution: 'normal' | 'uniform'): { spec: InitSpec | null; reason: string } {
  // The framework-aware recommendation the rules' preferred fix writes (src/core/analysis/numbers.ts):
  // e.g. TF.js heUniform, since its heNormal draws 0.774 of He's variance.
  const rec = recommendation(layer, { distribution });
  if (!rec) return { spec: null, reason: 'The activation is unknown, so no initializer can be recommended.' };
  return { spec: rec.spec, reason: rec.reason };
}

/**
 * The bias as the framework draws it: PyTorch Linear/Conv U(±1/√fan_in), PyTorch
 * RNNs U(±1/√hidden); Keras, TF.js and Flax start at zero (null).
 */
export function defaultBiasSampler(framework: Framework, fanIn: number | null, fanOut: number | null, kind: LayerKind): Sampler | null {
  if (framework !== 'pytorch' || kind.embedding) return null;
  const fan = kind.recurrent ? fanOut : fanIn;
  return fanOk(fan) && fan > 0 ? uniformSym(1 / Math.sqrt(fan)) : null;
}
