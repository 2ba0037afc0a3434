/**
 * The recommended initializer of a layer for its activation (math/recommendInit), as the fix
 * target every framework writes and as the init spec the rules compare against. Shared by the
 * rules (analysis/) and the frameworks' own fixes.
 */
import type { AnalysisOptions, InitSpec, Layer } from '../../types.js';
import type { InitTarget } from '../adapter.js';
import { recommendInit } from '../../math/index.js';

/** The init InitLens recommends after this layer's activation, as an InitSpec (for numbers) and a target (for fixes). */
export function recommendation(layer: Layer, options: AnalysisOptions): { target: InitTarget; spec: InitSpec; reason: string } | null {
  const act = layer.activation.name;
  if (act === 'unknown') return null;
  const rec = recommendInit(act, layer.activation.param, options.distribution);
  if (rec.init === 'unknown') return null;
  const target: InitTarget = { init: rec.init, which: 'kernel', activation: act, slope: act === 'leaky_relu' ? layer.activation.param ?? defaultSlope(layer) : undefined, scale: rec.scale };
  const spec: InitSpec = { name: rec.init, explicit: true, source: 'argument', scale: rec.scale, mode: rec.init === 'variance_scaling' ? 'fan_in' : undefined };
  if (layer.framework === 'pytorch') {
    // What the PyTorch fix writes: kaiming_* with the activation's gain, xavier_* (tanh gain for tanh).
    if (rec.init.startsWith('he') || rec.init === 'variance_scaling') {
      spec.name = options.distribution === 'uniform' ? 'he_uniform' : 'he_normal';
      spec.nonlinearity = act === 'leaky_relu' ? 'leaky_relu' : 'relu';
      spec.a = act === 'leaky_relu' ? target.slope : 0;
      spec.scale = undefined;
    } else if (rec.init.startsWith('glorot') && act === 'tanh') spec.gain = 5 / 3;
  }
  if (layer.framework === 'tfjs' && !rec.init.endsWith('uniform') && rec.init !== 'variance_scaling' && rec.init !== 'orthogonal') {
    spec.uncorrectedTruncation = true;
  }
  return { target, spec, reason: rec.reason };
}

function defaultSlope(layer: Layer): number {
  return layer.framework === 'keras' || layer.framework === 'tfjs' ? 0.3 : 0.01;
}
