/**
 * Analytic signal propagation through a stack of layers at initialization (the
 * "Simulate variance" table).
 *
 * Forward (mean-field recursion, Poole et al. 2016 "Exponential expressivity in
 * deep neural networks through transient chaos", eq. 3):
 *
 *   q_l   = fanIn_l·Var(W_l)·m_{l−1} + Var(b_l)      pre-activation variance
 *   q_l   ← 1 when the layer is normalized (BatchNorm/LayerNorm… between the
 *           linear map and the activation, at init: γ = 1, β = 0)
 *   m_l   = E[φ(√q_l·z)²], z ~ N(0,1)                  second moment of the activations
 *   m_l   ← m_{l−1} + m_l for a residual layer (x_l = x_{l−1} + φ(h_l), branch
 *           uncorrelated with the skip, so second moments add)
 *
 * E[φ²] is evaluated at the actual q_l, not at 1: for tanh, sigmoid, GELU… the
 * factor depends on the scale (tanh saturates, GELU is nearly linear for small
 * inputs, nearly ReLU for large ones).
 *
 * Backward (Schoenholz et al. 2017 "Deep Information Propagation", gradient
 * independence assumption): with the gradient second moment at the network output
 * set to 1, crossing layer l multiplies it by
 *
 *   χ_l   = fanOut_l·Var(W_l)·E[φ'(√q_l·z)²] / (normalized ? q_raw_l : 1)
 *   χ_l   ← 1 + χ_l for a residual layer
 *
 * (a normalization divides by σ = √q_raw, so the gradient through it is scaled by
 * 1/q_raw in second moment; the O(1/width) mean-subtraction term is ignored).
 * `backward` of layer l is the product of χ_k for k ≥ l: the gradient second moment
 * at the layer's input relative to the output gradient.
 *
 * Assumptions: zero-mean i.i.d. weights, large width (Gaussian pre-activations),
 * independent layers, biases as given (default 0), square residual blocks.
 * Pure, never throws; unknown quantities give null (and everything depending on
 * them is null too).
 */
import type { Layer } from '../types.js';
import type { MathActivation } from './activations.js';
import { derivSecondMoment, secondMoment } from './activations.js';
import { isConstantInit, weightVariance } from './variance.js';

export interface PropagationLayer {
  fanIn: number | null;
  fanOut: number | null;
  /** Var(W), e.g. from weightVariance(). */
  varW: number | null;
  act: MathActivation;
  /** leaky_relu slope / elu alpha. */
  param?: number;
  /** A normalization sits between this layer's linear map and its activation. */
  normalized: boolean;
  /** The activated output is added to the layer's input (skip connection). */
  residual: boolean;
  /** Bias variance (PyTorch's default bias: pytorchDefaultBiasVariance). Default 0. */
  varB?: number | null;
  /**
   * An embedding lookup: the output is a row of W, so the pre-activation variance
   * is Var(W) whatever the input, and no gradient flows to the (integer) input
   * (factorBackward null, which only blanks this step's `backward`).
   */
  lookup?: boolean;
}

export interface PropagationStep {
  /** Second moment of the activations after the layer (m_l). */
  forward: number | null;
  /** Pre-activation variance q_l (after normalization when there is one). */
  preActivation: number | null;
  /** Gradient second moment at the layer input, relative to the network's output gradient = 1. */
  backward: number | null;
  /** m_l / m_{l−1}: the per-layer forward multiplier. */
  factorForward: number | null;
  /** χ_l: the per-layer backward multiplier. */
  factorBackward: number | null;
}

export interface PropagationOptions {
  /** Second moment of the network input, E[x²]. Default 1 (standardized inputs). */
  inputSecondMoment?: number;
}

function finite(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Run the forward and backward recursions over `layers` (in forward order). */
export function propagate(layers: readonly PropagationLayer[], options: PropagationOptions = {}): PropagationStep[] {
  const input = finite(options.inputSecondMoment) && options.inputSecondMoment >= 0 ? options.inputSecondMoment : 1;
  const steps: PropagationStep[] = [];
  let mPrev: number | null = input;

  for (const L of layers) {
    const varB = L.varB === undefined ? 0 : L.varB;
    let q: number | null = null;
    let chi: number | null = null;
    let m: number | null = null;
    const fanInOk = finite(L.fanIn) && L.fanIn >= 0;
    const fanOutOk = finite(L.fanOut) && L.fanOut >= 0;

    if (L.lookup) {
      // Embedding: q = Var(W); starts a fresh signal, independent of mPrev.
      q = finite(L.varW) && L.varW >= 0 ? (L.normalized && L.varW > 0 ? 1 : L.varW) : null;
      m = q === null || L.act === 'unknown' ? null : secondMoment(L.act, L.param, q);
      steps.push({ forward: m, preActivation: q, backward: null, factorForward: null, factorBackward: null });
      mPrev = m;
      continue;
    }

    if (mPrev !== null && L.act !== 'unknown') {
      const qRaw: number | null = fanInOk && finite(L.varW) && finite(varB) ? L.fanIn! * L.varW! * mPrev + varB : null;
      if (L.normalized) {
        // Any non-degenerate pre-activation is rescaled to unit variance.
        if (qRaw === null) q = L.varW === 0 ? null : 1;
        else q = qRaw > 0 ? 1 : 0;
      } else {
        q = qRaw;
      }
      if (q !== null) {
        const phi2: number = secondMoment(L.act, L.param, q);
        const dphi2: number = derivSecondMoment(L.act, L.param, q);
        m = L.residual ? mPrev + phi2 : phi2;
        // Backward multiplier of the branch.
        let branch: number | null = null;
        if (fanOutOk) {
          if (L.normalized && q === 1) {
            if (qRaw !== null) branch = (L.fanOut! * L.varW! * dphi2) / qRaw;
            else if (fanInOk && L.fanIn! > 0 && mPrev > 0 && (varB ?? 0) === 0) {
              // Var(W) cancels: fanOut·Var(W)·d / (fanIn·Var(W)·m_{l−1}).
              branch = (L.fanOut! * dphi2) / (L.fanIn! * mPrev);
            }
          } else if (finite(L.varW)) {
            branch = L.fanOut! * L.varW * dphi2;
          }
        }
        chi = branch === null ? null : L.residual ? 1 + branch : branch;
      }
    }

    steps.push({
      forward: m,
      preActivation: q,
      backward: null,
      factorForward: m !== null && mPrev !== null && mPrev > 0 ? m / mPrev : null,
      factorBackward: chi,
    });
    mPrev = m;
  }

  // Backward: cumulative products from the output.
  let g: number | null = 1;
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    if (layers[i]!.lookup) {
      // Nothing flows to token ids; layers before a lookup get no gradient from after it.
      s.backward = null;
      g = null;
      continue;
    }
    g = g !== null && s.factorBackward !== null ? g * s.factorBackward : null;
    s.backward = g;
  }
  return steps;
}

/**
 * E[b²] of a layer's bias as its framework draws it: PyTorch's default
 * U(±1/√fan_in) (recurrent layers: 1/√hidden) gives 1/(3·fan); an explicit
 * bias_init its variance plus its squared mean; no bias (`bias=False`), zeros,
 * and the Keras/TF.js/Flax default (zeros) give 0. The one bias assumption of the
 * numbers users read (messages, table, simulate) and of the simulator's network
 * (src/core/sim/samplers.ts defaultBiasSampler draws the same law).
 */
export function biasSecondMoment(layer: Pick<Layer, 'framework' | 'bias' | 'biasInit' | 'fanIn' | 'fanOut' | 'recurrent' | 'embedding'>): number {
  if (layer.bias === false || layer.embedding) return 0;
  const b = layer.biasInit;
  if (b) {
    if (isConstantInit(b)) {
      const v = b.name === 'ones' ? 1 : b.name === 'zeros' ? 0 : typeof b.value === 'number' && Number.isFinite(b.value) ? b.value : 0;
      return v * v;
    }
    const v = weightVariance(layer.framework, b, layer.fanIn, layer.fanOut, layer);
    const mean = typeof b.mean === 'number' && Number.isFinite(b.mean) ? b.mean : 0;
    return (v !== null && Number.isFinite(v) ? v : 0) + mean * mean;
  }
  if (layer.framework !== 'pytorch') return 0;
  const fan = layer.recurrent ? layer.fanOut : layer.fanIn;
  return fan !== null && fan > 0 ? 1 / (3 * fan) : 0;
}

/**
 * The fans the signal sees, from the framework's fans (which weightVariance reads):
 * a transposed convolution's forward sum runs over its INPUT channels × taps (PyTorch,
 * Keras and TF.js store the kernel out-major, so their fan_in counts the output
 * channels; Flax's does not), and strides spread the taps: a strided convolution's
 * input feeds ∏s fewer outputs (backward fan / ∏s), a strided transposed one's output
 * sums ∏s fewer taps (forward fan / ∏s). The simulator's network (src/core/sim) runs
 * the same geometry.
 */
export function signalFans(layer: Pick<Layer, 'framework' | 'layer' | 'fanIn' | 'fanOut' | 'stride' | 'recurrent' | 'embedding'>): { fanIn: number | null; fanOut: number | null } {
  const name = layer.layer.toLowerCase();
  if (layer.recurrent || layer.embedding || !name.includes('conv')) return { fanIn: layer.fanIn, fanOut: layer.fanOut };
  const transposed = name.includes('transpose');
  const sp = layer.stride ? layer.stride.reduce((a, b) => a * b, 1) : 1;
  if (!transposed) return { fanIn: layer.fanIn, fanOut: layer.fanOut === null ? null : layer.fanOut / sp };
  const swap = layer.framework !== 'flax';
  const inTaps = swap ? layer.fanOut : layer.fanIn;
  const outTaps = swap ? layer.fanIn : layer.fanOut;
  return { fanIn: inTaps === null ? null : inTaps / sp, fanOut: outTaps };
}

/**
 * The propagation input for a detected layer: Var(W) from weightVariance (with
 * the layer's own recurrent/embedding flags), the attributed activation, a
 * normalization assumed between the linear map and the activation, the
 * residual flag, and the bias as the framework draws it (biasSecondMoment).
 * Recurrent layers are treated as one application of their input kernel (no
 * unrolling in time).
 */
export function propagationLayerOf(layer: Layer): PropagationLayer {
  const fans = signalFans(layer);
  return {
    fanIn: fans.fanIn,
    fanOut: fans.fanOut,
    varW: weightVariance(layer.framework, layer.init, layer.fanIn, layer.fanOut, layer),
    act: layer.activation.name,
    param: layer.activation.param,
    normalized: layer.normalization !== null,
    residual: layer.residual,
    varB: biasSecondMoment(layer),
    lookup: layer.embedding,
  };
}

/** propagate() over detected layers, in the order given. */
export function propagateLayers(layers: readonly Layer[], options: PropagationOptions = {}): PropagationStep[] {
  return propagate(layers.map(propagationLayerOf), options);
}
