/** A tfjs initializer argument (`'heNormal'`, `tf.initializers.varianceScaling({...})`) → InitSpec. */
import type { InitSpec } from '../../types.js';
import { WEIGHT_LAYERS } from './vocab.js';
import type { SyntaxNode } from '@lezer/common';

/** What reading an initializer's config needs of the analyzer (TfjsAnalyzer implements it). */
export interface ConfigReader {
  configValue(config: SyntaxNode | null, key: string): SyntaxNode | null;
  evalNumber(n: SyntaxNode | null): number | null;
  evalString(n: SyntaxNode | null): string | null;
}

/** Initializer config property names of a factory, for one weight. */
export function initKeys(factory: string, which: 'kernel' | 'recurrent'): string[] | null {
  const desc = WEIGHT_LAYERS[factory];
  if (!desc) return null;
  if (which === 'recurrent') return desc.kind === 'rnn' || desc.kind === 'convrnn' ? ['recurrentInitializer'] : null;
  switch (desc.kind) {
    case 'depthwise':
      return ['depthwiseInitializer'];
    case 'separable':
      return ['depthwiseInitializer', 'pointwiseInitializer'];
    case 'embedding':
      return ['embeddingsInitializer'];
    default:
      return ['kernelInitializer'];
  }
}

export type InitFields = Omit<InitSpec, 'explicit' | 'source' | 'span' | 'text'>;

/**
 * The law a tfjs initializer factory draws from, given its config object (null = no args).
 * A parameter that is written but not statically known makes the whole spec 'unknown'.
 */
export function initFields(factory: string, cfg: SyntaxNode | null, a: ConfigReader): InitFields {
  let unknownParam = false;
  const num = (key: string): number | undefined => {
    const v = cfg ? a.configValue(cfg, key) : null;
    if (!v) return undefined;
    const n = a.evalNumber(v);
    if (n === null) unknownParam = true;
    return n ?? undefined;
  };
  const str = (key: string): string | undefined => {
    const v = cfg ? a.configValue(cfg, key) : null;
    if (!v) return undefined;
    const s = a.evalString(v);
    if (s === null) unknownParam = true;
    return s ?? undefined;
  };
  // VarianceScaling 'normal' draws tf.truncatedNormal(0, sqrt(scale/n)) with no correction.
  const tn = { distribution: 'truncated_normal' as const, uncorrectedTruncation: true };
  const uni = { distribution: 'uniform' as const };
  let out: InitFields;
  switch (factory) {
    case 'heNormal':
      out = { name: 'he_normal', ...tn, scale: 2, mode: 'fan_in' };
      break;
    case 'heUniform':
      out = { name: 'he_uniform', ...uni, scale: 2, mode: 'fan_in' };
      break;
    case 'glorotNormal':
      out = { name: 'glorot_normal', ...tn, scale: 1, mode: 'fan_avg' };
      break;
    case 'glorotUniform':
      out = { name: 'glorot_uniform', ...uni, scale: 1, mode: 'fan_avg' };
      break;
    case 'leCunNormal':
      out = { name: 'lecun_normal', ...tn, scale: 1, mode: 'fan_in' };
      break;
    case 'leCunUniform':
      out = { name: 'lecun_uniform', ...uni, scale: 1, mode: 'fan_in' };
      break;
    case 'orthogonal':
      out = { name: 'orthogonal', distribution: 'orthogonal', gain: num('gain') ?? 1 };
      break;
    case 'zeros':
      out = { name: 'zeros', distribution: 'constant', value: 0 };
      break;
    case 'ones':
      out = { name: 'ones', distribution: 'constant', value: 1 };
      break;
    case 'constant': {
      const v = num('value');
      out = { name: 'constant', distribution: 'constant' };
      if (v !== undefined) out.value = v;
      break;
    }
    case 'randomNormal':
      // `args.mean || 0`, `args.stddev || 0.05`: an explicit 0 becomes the default.
      out = { name: 'random_normal', distribution: 'normal', mean: num('mean') || 0, std: num('stddev') || 0.05 };
      break;
    case 'truncatedNormal':
      out = { name: 'truncated_normal', ...tn, mean: num('mean') || 0, std: num('stddev') || 0.05 };
      break;
    case 'randomUniform':
      out = { name: 'random_uniform', ...uni, minval: num('minval') || -0.05, maxval: num('maxval') || 0.05 };
      break;
    case 'varianceScaling': {
      const scale = num('scale') ?? 1;
      const modeStr = str('mode') ?? 'fanIn';
      const distStr = str('distribution') ?? 'normal';
      const mode = modeStr === 'fanIn' ? 'fan_in' : modeStr === 'fanOut' ? 'fan_out' : modeStr === 'fanAvg' ? 'fan_avg' : null;
      // tfjs apply() only branches on 'normal' (a truncated normal, uncorrected); 'uniform'
      // and (quirk) 'truncatedNormal' draw uniform. For variance_scaling the spec keeps the
      // tfjs spelling 'normal' (+ uncorrectedTruncation), which is what src/core/math reads:
      // there a tfjs variance_scaling with 'truncated_normal' means the uniform quirk.
      const dist =
        distStr === 'normal'
          ? { distribution: 'normal' as const, uncorrectedTruncation: true }
          : distStr === 'uniform' || distStr === 'truncatedNormal'
            ? uni
            : null;
      if (!mode || !dist) return { name: 'unknown' };
      out = { name: 'variance_scaling', ...dist, scale, mode };
      break;
    }
    default:
      // identity (no canonical name) and anything else.
      return { name: 'unknown' };
  }
  return unknownParam ? { name: 'unknown' } : out;
}
