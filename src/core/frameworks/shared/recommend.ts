/**
 * The recommended initializer of a layer for its activation (math/recommendInit), as the fix
 * target every framework writes and as the init spec the rules and numbers compare against.
 * Shared by the rules and numbers (analysis/) and the frameworks' own fixes.
 */
import type { AnalysisOptions, InitName, InitSpec, Layer } from '../../types.js';
import type { InitTarget } from '../adapter.js';
import { recommendInit, TRUNC2_VARIANCE } from '../../math/index.js';
import { otherDistribution, tfjsName, varianceScalingLaw } from './initializers.js';

/** The uniform member of a name's family (he_normal → he_uniform), for TF.js; null when it is no *Normal of the family. */
function uniformCounterpart(name: InitName): InitName | null {
  return varianceScalingLaw(name)?.uniform === false ? otherDistribution(name) : null;
}

export interface Recommendation {
  /** What the preferred fix writes. */
  target: InitTarget;
  /** The same init as an InitSpec, for numbers: exactly what the fix makes the framework draw. */
  spec: InitSpec;
  /** One sentence for hovers. */
  reason: string;
}

/**
 * The init InitLens recommends for a layer (after its activation) in its
 * framework, such that what the framework really draws keeps the signal:
 * - PyTorch writes kaiming_*_ with the activation's gain, xavier_*_ with gain 1 for tanh
 *   and sigmoid (Glorot: fan_in·Var(W) = 1 at equal fans, the edge of chaos for tanh; PyTorch's
 *   calculate_gain('tanh') = 5/3 gives 2.78, deeper in tanh's chaotic phase than He's 2.00);
 * - TensorFlow.js draws its *Normal initializers truncated without correction
 *   (Var ≈ 0.774 of the nominal), so it gets the *Uniform variant (exact), and SELU,
 *   which needs a normal law, gets varianceScaling with the scale 1/0.774 that
 *   compensates the truncation.
 */
export function recommendation(layer: Pick<Layer, 'activation' | 'framework'>, options: Pick<AnalysisOptions, 'distribution'>): Recommendation | null {
  const act = layer.activation.name;
  if (act === 'unknown') return null;
  const rec = recommendInit(act, layer.activation.param, options.distribution);
  if (rec.init === 'unknown') return null;
  const slope = act === 'leaky_relu' ? layer.activation.param ?? defaultSlope(layer) : undefined;
  const target: InitTarget = { init: rec.init, which: 'kernel', activation: act, slope, scale: rec.scale };
  const spec: InitSpec = { name: rec.init, explicit: true, source: 'argument', scale: rec.scale, mode: rec.init === 'variance_scaling' ? 'fan_in' : undefined };
  let reason = rec.reason;
  if (layer.framework === 'pytorch') {
    if (rec.init.startsWith('he') || rec.init === 'variance_scaling') {
      spec.name = options.distribution === 'uniform' ? 'he_uniform' : 'he_normal';
      spec.nonlinearity = act === 'leaky_relu' ? 'leaky_relu' : 'relu';
      spec.a = act === 'leaky_relu' ? slope : 0;
      spec.scale = undefined;
    } else if (rec.init.startsWith('lecun')) spec.nonlinearity = 'linear';
  } else if (layer.framework === 'tfjs') {
    if (act === 'selu') {
      const scale = 1 / TRUNC2_VARIANCE;
      target.init = 'variance_scaling';
      target.scale = scale;
      target.distribution = 'normal';
      spec.name = 'variance_scaling';
      spec.scale = scale;
      spec.mode = 'fan_in';
      spec.distribution = 'normal';
      reason += ` TensorFlow.js's leCunNormal truncates at 2σ without correcting the variance (×${TRUNC2_VARIANCE.toFixed(3)}), so varianceScaling with scale ${(1 / TRUNC2_VARIANCE).toFixed(3)} restores Var(W) = 1/fan_in.`;
    } else if (uniformCounterpart(rec.init)) {
      const was = rec.init;
      target.init = uniformCounterpart(rec.init)!;
      spec.name = target.init;
      if (options.distribution !== 'uniform') {
        reason += ` In TensorFlow.js, '${tfjsName(was)}' truncates at 2σ without correcting the variance (×${TRUNC2_VARIANCE.toFixed(3)}), so '${tfjsName(target.init)}', which draws the full variance, is recommended.`;
      }
    } else if (rec.init === 'variance_scaling') {
      target.distribution = 'uniform';
      spec.distribution = 'uniform';
    }
  } else if (rec.init === 'variance_scaling') {
    // Leaky ReLU's He-with-slope: the preferred law, as for the named initializers.
    spec.distribution = options.distribution === 'uniform' ? 'uniform' : 'truncated_normal';
  }
  // Leaky ReLU's He-with-slope (variance_scaling): written in the preferred law, as the named initializers are.
  if (target.init === 'variance_scaling' && !target.distribution) target.distribution = options.distribution;
  return { target, spec, reason };
}

function defaultSlope(layer: Pick<Layer, 'framework'>): number {
  return layer.framework === 'keras' || layer.framework === 'tfjs' ? 0.3 : 0.01;
}

