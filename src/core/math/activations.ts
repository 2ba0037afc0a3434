/**
 * Activation functions φ, their derivatives φ', and the Gaussian moments that
 * drive signal propagation at initialization:
 *
 *   secondMoment(φ, q)      = E[φ(z)²],  z ~ N(0, q)   (forward factor)
 *   derivSecondMoment(φ, q) = E[φ'(z)²], z ~ N(0, q)   (backward factor)
 *
 * Closed forms for the piecewise-linear activations; Gaussian quadrature
 * (gauss.ts) for everything else, cached per (activation, param, q).
 *
 * Parameters (`param`): leaky_relu negative slope (default 0.01, PyTorch's
 * `nn.LeakyReLU`; Keras `LeakyReLU` defaults to 0.3 and `keras.activations.leaky_relu`
 * to 0.2, so callers pass the slope they found), elu alpha (default 1). Ignored
 * elsewhere. `'gelu'` is the exact erf form x·Φ(x) (the default of PyTorch
 * `nn.GELU()` and Keras `activations.gelu`); `'gelu_tanh'` is the tanh
 * approximation 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (the default of
 * `jax.nn.gelu`, hence Flax `nn.gelu`). The two differ by < 1e-3 in every moment
 * computed here.
 *
 * Pure, no I/O, never throws. `'unknown'` yields null.
 */
import type { ActivationName } from '../types.js';
import { normalCdf, normalExpectation, normalPdf } from './gauss.js';

/** Every activation the math knows, plus the tanh approximation of GELU. */
export type MathActivation = ActivationName | 'gelu_tanh';
/** A MathActivation other than 'unknown': every function returns a number for these. */
export type KnownActivation = Exclude<MathActivation, 'unknown'>;

/** SELU constants (Klambauer et al. 2017; torch.nn.SELU, keras.activations.selu). */
export const SELU_LAMBDA = 1.0507009873554805;
export const SELU_ALPHA = 1.6732632423543772;
/** Default leaky ReLU slope (PyTorch `nn.LeakyReLU(negative_slope=0.01)`). */
export const DEFAULT_LEAKY_SLOPE = 0.01;
/** Default ELU alpha (all frameworks). */
export const DEFAULT_ELU_ALPHA = 1;

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_TANH_C = 0.044715;

export function isKnownActivation(act: MathActivation): act is KnownActivation {
  return act !== 'unknown';
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + eˣ) without overflow. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function leakySlope(param: number | undefined): number {
  return param !== undefined && Number.isFinite(param) ? param : DEFAULT_LEAKY_SLOPE;
}

function eluAlpha(param: number | undefined): number {
  return param !== undefined && Number.isFinite(param) ? param : DEFAULT_ELU_ALPHA;
}

/**
 * φ(x). Softmax is treated as the identity: it is a normalisation over the last
 * layer's logits, not an elementwise map, and what the initializer controls is
 * the logits' variance (which is what a linear output sees), so for variance
 * purposes a softmax layer behaves like a linear one.
 */
export function activationFn(act: KnownActivation, param?: number): (x: number) => number {
  switch (act) {
    case 'relu':
      return (x) => (x > 0 ? x : 0);
    case 'leaky_relu': {
      const a = leakySlope(param);
      return (x) => (x > 0 ? x : a * x);
    }
    case 'elu': {
      const a = eluAlpha(param);
      return (x) => (x > 0 ? x : a * Math.expm1(x));
    }
    case 'selu':
      return (x) => SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case 'gelu':
      return (x) => x * normalCdf(x);
    case 'gelu_tanh':
      return (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x)));
    case 'silu':
      return (x) => x * sigmoid(x);
    case 'mish':
      return (x) => x * Math.tanh(softplus(x));
    case 'softplus':
      return softplus;
    case 'tanh':
      return Math.tanh;
    case 'sigmoid':
      return sigmoid;
    case 'softmax':
    case 'linear':
      return (x) => x;
  }
}

/** φ'(x) (the right derivative at kinks; a null set under any Gaussian). */
export function activationDeriv(act: KnownActivation, param?: number): (x: number) => number {
  switch (act) {
    case 'relu':
      return (x) => (x > 0 ? 1 : 0);
    case 'leaky_relu': {
      const a = leakySlope(param);
      return (x) => (x > 0 ? 1 : a);
    }
    case 'elu': {
      const a = eluAlpha(param);
      return (x) => (x > 0 ? 1 : a * Math.exp(x));
    }
    case 'selu':
      return (x) => SELU_LAMBDA * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x));
    case 'gelu':
      // d/dx xΦ(x) = Φ(x) + xϕ(x)
      return (x) => normalCdf(x) + x * normalPdf(x);
    case 'gelu_tanh':
      return (x) => {
        const u = SQRT_2_OVER_PI * (x + GELU_TANH_C * x * x * x);
        const t = Math.tanh(u);
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_C * x * x);
      };
    case 'silu':
      // σ(x)·(1 + x(1 − σ(x)))
      return (x) => {
        const s = sigmoid(x);
        return s * (1 + x * (1 - s));
      };
    case 'mish':
      // tanh(sp(x)) + x·sech²(sp(x))·σ(x)
      return (x) => {
        const t = Math.tanh(softplus(x));
        return t + x * (1 - t * t) * sigmoid(x);
      };
    case 'softplus':
      return sigmoid;
    case 'tanh':
      return (x) => {
        const t = Math.tanh(x);
        return 1 - t * t;
      };
    case 'sigmoid':
      return (x) => {
        const s = sigmoid(x);
        return s * (1 - s);
      };
    case 'softmax':
    case 'linear':
      return () => 1;
  }
}

// ---------------------------------------------------------------------------
// Moments, cached.

const CACHE_LIMIT = 4096;
const cache = new Map<string, number>();
const cacheCounts = { hits: 0, computed: 0 };

/** How many moment look-ups were served from the cache and how many were computed by quadrature (for tests and profiling). */
export function momentCacheStats(): { hits: number; computed: number } {
  return { ...cacheCounts };
}

function cached(key: string, compute: () => number): number {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cacheCounts.hits++;
    return hit;
  }
  cacheCounts.computed++;
  const v = compute();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, v);
  return v;
}

function validVar(q: number): boolean {
  return Number.isFinite(q) && q >= 0;
}

/**
 * E[φ(z)²], z ~ N(0, inputVar): the second moment of the activations when the
 * pre-activations have variance `inputVar`. It is the second moment, not the
 * variance, that the next linear layer sees: for zero-mean weights independent
 * of x, Var(Σ W_i x_i) = fan_in·Var(W)·E[x²], whatever E[x] is. This matters for
 * sigmoid, softplus, ReLU... whose outputs have a non-zero mean.
 *
 * Closed forms: relu q/2; leaky_relu(a) (1+a²)q/2; linear/softmax q.
 * Quadrature otherwise. Returns null for 'unknown', NaN for a negative or
 * non-finite inputVar.
 */
export function secondMoment(act: KnownActivation, param?: number, inputVar?: number): number;
export function secondMoment(act: MathActivation, param?: number, inputVar?: number): number | null;
export function secondMoment(act: MathActivation, param?: number, inputVar = 1): number | null {
  if (act === 'unknown') return null;
  if (!validVar(inputVar)) return NaN;
  switch (act) {
    case 'relu':
      return inputVar / 2;
    case 'leaky_relu': {
      const a = leakySlope(param);
      return ((1 + a * a) * inputVar) / 2;
    }
    case 'linear':
    case 'softmax':
      return inputVar;
    default: {
      const p = act === 'elu' ? eluAlpha(param) : undefined;
      return cached(`m|${act}|${p}|${inputVar}`, () => {
        const f = activationFn(act, p);
        return normalExpectation((x) => {
          const y = f(x);
          return y * y;
        }, inputVar);
      });
    }
  }
}

/**
 * E[φ'(z)²], z ~ N(0, inputVar): the factor by which the gradient's second
 * moment is multiplied when it crosses the activation backwards.
 *
 * Closed forms: relu 1/2; leaky_relu(a) (1+a²)/2; linear/softmax 1.
 * Quadrature otherwise. null for 'unknown', NaN for a bad inputVar.
 */
export function derivSecondMoment(act: KnownActivation, param?: number, inputVar?: number): number;
export function derivSecondMoment(act: MathActivation, param?: number, inputVar?: number): number | null;
export function derivSecondMoment(act: MathActivation, param?: number, inputVar = 1): number | null {
  if (act === 'unknown') return null;
  if (!validVar(inputVar)) return NaN;
  switch (act) {
    case 'relu':
      return 0.5;
    case 'leaky_relu': {
      const a = leakySlope(param);
      return (1 + a * a) / 2;
    }
    case 'linear':
    case 'softmax':
      return 1;
    default: {
      const p = act === 'elu' ? eluAlpha(param) : undefined;
      return cached(`d|${act}|${p}|${inputVar}`, () => {
        const f = activationDeriv(act, p);
        return normalExpectation((x) => {
          const y = f(x);
          return y * y;
        }, inputVar);
      });
    }
  }
}

/**
 * The "variance-preserving gain" g with g² = 1/E[φ(z)²], z ~ N(0, 1): drawing
 * Var(W) = g²/fan_in keeps the pre-activation second moment at 1 from layer to
 * layer (He et al. 2015 derive g = √2 for ReLU this way).
 *
 * Exact: relu √2, leaky_relu(a) √(2/(1+a²)), linear/softmax 1, selu ≈ 1 (the
 * self-normalizing fixed point). Numeric: gelu ≈ 1.534, silu ≈ 1.676, tanh ≈ 1.593,
 * sigmoid ≈ 1.848 (second moment, see secondMoment), elu ≈ 1.245...
 *
 * Not PyTorch's `calculate_gain` (tanh 5/3, sigmoid 1, selu 3/4 are heuristics
 * there): see torchCalculateGain for that table.
 */
export function varianceGain(act: KnownActivation, param?: number): number;
export function varianceGain(act: MathActivation, param?: number): number | null;
export function varianceGain(act: MathActivation, param?: number): number | null {
  switch (act) {
    case 'unknown':
      return null;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const a = leakySlope(param);
      return Math.sqrt(2 / (1 + a * a));
    }
    case 'linear':
    case 'softmax':
      return 1;
    default:
      return 1 / Math.sqrt(secondMoment(act, param, 1));
  }
}

/**
 * PyTorch `torch.nn.init.calculate_gain(nonlinearity, param=None)`, reproduced
 * exactly (torch/nn/init.py):
 *
 *   linear, conv1d/2d/3d, conv_transpose1d/2d/3d, sigmoid → 1
 *   tanh → 5/3
 *   relu → √2
 *   leaky_relu → √(2/(1 + slope²)), slope = param ?? 0.01
 *   selu → 3/4 ("value found empirically", pytorch#50664)
 *   anything else → null (PyTorch raises ValueError "Unsupported nonlinearity").
 *
 * Like PyTorch, a non-numeric param for leaky_relu is an error (null; NaN is
 * treated as non-numeric here); for the other nonlinearities param is ignored.
 */
export function torchCalculateGain(nonlinearity: string, param?: number | null): number | null {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      let slope: number;
      if (param === undefined || param === null) slope = 0.01;
      else if (typeof param === 'number' && !Number.isNaN(param)) slope = param;
      else return null;
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu':
      return 3.0 / 4;
    default:
      return null;
  }
}
