/**
 * How each framework draws a weight tensor, as a plain `Sampler` (absolute bounds
 * and standard deviations), and the exact variance and mean of a sampler.
 *
 * The law itself is one function, `initLaw` in src/core/math/variance.ts: `samplerFor`
 * is its sampler and `weightVariance` its variance, so
 * `samplerVariance(samplerFor(fw, init, fi, fo, kind), fi, fo)` equals
 * `weightVariance(fw, init, fi, fo, kind)` (test/sim/samplers.test.ts checks that identity
 * and the empirical variance of real draws). Orthogonal is the exception whose variance
 * needs the matrix shape (the fans).
 *
 * Pure, no I/O, never throws: null when a needed number is unknown.
 */
import { recommendation } from '../analysis/numbers.js';
import type { Framework, InitSpec } from '../types.js';
import type { LayerKind } from '../math/variance.js';
import { TRUNC2_STD, fanOk, initLaw, uniformSym } from '../math/variance.js';
import { normalCdf, normalPdf, truncatedStdNormalVariance } from '../math/gauss.js';
import type { Layer } from '../types.js';
import type { Sampler } from '../math/variance.js';

export { TRUNC2_STD };

/** The weight sampler of one tensor, exactly as `framework` draws `init` (math/variance.ts `initLaw`). */
export function samplerFor(
  framework: Framework,
  init: InitSpec,
  fanIn: number | null,
  fanOut: number | null,
  kind: LayerKind = {},
): Sampler | null {
  return initLaw(framework, init, fanIn, fanOut, kind).sampler;
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
