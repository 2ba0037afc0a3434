/**
 * The numbers a user reads, computed in one place: Var(W), fan_in·Var(W) and
 * the per-layer gain fan_in·Var(W)·E[φ(z)²] of a layer under its current init
 * and under the init the preferred fix writes, and their product over a model.
 *
 * Rule messages, the hover, the variance table, `initlens simulate` and SARIF
 * all read these functions (they in turn use src/core/math: weightVariance,
 * forwardFactor, backwardFactor), so the same layer shows the same numbers
 * everywhere. Every number is what the framework REALLY draws (TensorFlow.js's
 * uncorrected truncation included); the recommendation is framework-aware, so
 * its real variance keeps the signal.
 */
import type { ActivationName, AnalysisOptions, InitSpec, Layer, ModelInfo } from '../types.js';
import { TFJS_TRUNCATED } from '../frameworks/shared/initializers.js';
import { recommendation, type Recommendation } from '../frameworks/shared/recommend.js';
import { propagate, propagationLayerOf, backwardFactor, forwardFactor, secondMoment, derivSecondMoment, weightVariance } from '../math/index.js';



export interface LayerNumbers {
  /** Var(W) under the init (with the fans used). */
  varW: number | null;
  /** fan_in · Var(W). */
  coeff: number | null;
  /** Per-layer gain of the signal's second moment: fan_in·Var(W)·E[φ(z)²] at unit variance. */
  forward: number | null;
  /** Per-layer gain of the gradient's second moment: fan_out·Var(W)·E[φ′(z)²]. */
  backward: number | null;
  fanIn: number;
  fanOut: number;
  fansKnown: boolean;
  /** E[φ(z)²] at unit variance. */
  m2: number | null;
}

/**
 * Numbers for one layer and one init, as the framework draws it. Unknown fans
 * are assumed equal (the other one, or 256 when both are unknown), as messages
 * and the hover say.
 */
export function layerNumbers(layer: Layer, init: InitSpec, act: ActivationName = layer.activation.name, param = layer.activation.param): LayerNumbers {
  const known = layer.fanIn !== null && layer.fanOut !== null;
  const fanIn = layer.fanIn ?? layer.fanOut ?? 256;
  const fanOut = layer.fanOut ?? layer.fanIn ?? 256;
  const varW = init.unknownArgs ? null : weightVariance(layer.framework, init, fanIn, fanOut, { recurrent: layer.recurrent, embedding: layer.embedding, kernelSize: layer.kernelSize });
  const mact = act === 'unknown' ? null : act;
  const m2 = mact ? secondMoment(mact, param, 1) : null;
  return {
    varW,
    coeff: varW === null ? null : fanIn * varW,
    forward: mact ? forwardFactor(varW, fanIn, mact, param) : null,
    backward: mact ? backwardFactor(varW, fanOut, mact, param) : null,
    fanIn,
    fanOut,
    fansKnown: known,
    m2,
  };
}

/**
 * The numbers of the init FAMILY the user chose, as Keras defines it: a
 * TensorFlow.js `heNormal` is judged as He (a rule decides whether the family
 * suits the activation), while layerNumbers states what tfjs really draws.
 */
export function familyNumbers(layer: Layer, init: InitSpec, act: ActivationName = layer.activation.name): LayerNumbers {
  if (layer.framework === 'tfjs' && init.explicit && TFJS_TRUNCATED.has(init.name)) {
    return layerNumbers({ ...layer, framework: 'keras' }, { ...init, uncorrectedTruncation: false }, act);
  }
  return layerNumbers(layer, init, act);
}

export type { Recommendation } from '../frameworks/shared/recommend.js';
export { recommendation } from '../frameworks/shared/recommend.js';
export { TFJS_TRUNCATED, tfjsName } from '../frameworks/shared/initializers.js';

/** The last weight layer of its model (an output head). */
export function isHead(layer: Layer, layers: readonly Layer[], models: readonly ModelInfo[]): boolean {
  if (layer.head !== undefined) return layer.head;
  const m = layer.model !== null ? models.find((x) => x.id === layer.model) : undefined;
  if (!m) return false;
  const byId = new Map(layers.map((l) => [l.id, l]));
  const ids = m.layers.filter((id) => !byId.get(id)?.embedding);
  return ids[ids.length - 1] === layer.id && m.layers.length > 1;
}

/**
 * The recommended init as the fix writes it also zeros the bias: PyTorch's fix
 * adds `zeros_(….bias)` to the kernel init of non-recurrent layers
 * (frameworks/python/fix/torch.ts); the other frameworks' default bias is zeros.
 */
export function recommendedBiasZeroed(layer: Pick<Layer, 'framework' | 'recurrent' | 'embedding'>): boolean {
  return layer.framework === 'pytorch' && !layer.recurrent && !layer.embedding;
}

/** Layers that count in a model's compound gain: embeddings start a signal and recurrent layers are not one map. */
export function countsInCompound(layer: Layer): boolean {
  return !layer.embedding && !layer.recurrent;
}

export interface ModelGainRow {
  layer: Layer;
  current: LayerNumbers;
  recommended: LayerNumbers | null;
  rec: Recommendation | null;
  /** Running product of the per-layer gains of the counted layers up to this one (null once one is unknown). */
  currentCumulative: number | null;
  recommendedCumulative: number | null;
  head: boolean;
}

/**
 * Per-layer gains of a model under its current and recommended inits and their
 * running products. The last row's currentCumulative is the "compounds to ×F"
 * of the rule messages.
 */
export function modelGains(layers: readonly Layer[], models: readonly ModelInfo[], modelId: number, options: Pick<AnalysisOptions, 'distribution'>): ModelGainRow[] | null {
  const model = models.find((m) => m.id === modelId);
  if (!model) return null;
  const byId = new Map(layers.map((l) => [l.id, l]));
  let cur: number | null = 1;
  let recCum: number | null = 1;
  return model.layers
    .map((id) => byId.get(id))
    .filter((l): l is Layer => l !== undefined)
    .map((layer) => {
      const current = layerNumbers(layer, layer.init);
      const rec = recommendation(layer, options);
      const recommended = rec ? layerNumbers(layer, rec.spec) : null;
      if (countsInCompound(layer)) {
        cur = cur !== null && current.forward !== null ? cur * current.forward : null;
        recCum = recCum !== null && recommended?.forward != null ? recCum * recommended.forward : null;
      }
      return { layer, current, recommended, rec, currentCumulative: cur, recommendedCumulative: recCum, head: isHead(layer, layers, models) };
    });
}

/**
 * The real compound of a layer's model: the second moment of the signal after
 * its last layer (input 1), from the mean-field recursion over every layer with
 * its own init and activation (src/core/sim/analytic.ts layerTable, the
 * variance panel's and `initlens simulate`'s "cumulative"); null when unknown
 * or when the model has fewer than 3 layers.
 */
export function modelCompound(layer: Layer, layers: readonly Layer[], models: readonly ModelInfo[]): { layers: number; factor: number } | null {
  if (layer.model === null) return null;
  // The current-init half of sim/analytic.ts layerTable (same fans, same recursion), without the recommended run.
  const model = models.find((m) => m.id === layer.model);
  if (!model || model.layers.length < 3) return null;
  const byId = new Map(layers.map((l) => [l.id, l]));
  const rows = model.layers.map((id) => byId.get(id)).filter((l): l is Layer => l !== undefined).map((l) => {
    if (l.fanIn !== null && l.fanOut !== null) return l;
    const n = l.fanIn ?? l.fanOut ?? 256;
    return { ...l, fanIn: l.fanIn ?? n, fanOut: l.fanOut ?? n };
  });
  if (rows.length < 3) return null;
  const steps = propagate(rows.map(propagationLayerOf));
  const f = steps[steps.length - 1]?.forward ?? null;
  return f === null || !Number.isFinite(f) ? null : { layers: rows.length, factor: f };
}

/** E[φ′(z)²] or E[φ(z)²] of an activation at unit variance (null when unknown). */
export function moment(act: ActivationName, param: number | undefined, direction: 'forward' | 'backward'): number | null {
  if (act === 'unknown') return null;
  return direction === 'backward' ? derivSecondMoment(act, param, 1) : secondMoment(act, param, 1);
}
