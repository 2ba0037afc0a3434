/**
 * TensorFlow.js initializers: an initializer argument (`'heNormal'`, `tf.initializers.
 * varianceScaling({...})`, or a variable bound to one) → InitSpec, and the tfjs default of each
 * weight of a layer.
 */
import type { InitSpec } from '../../types.js';
import { calleePath, callArgs, deref, resolveKey, stringValue } from './bindings.js';
import { configValue, evalNumber, evalString, hasSpread, objectProps, propValue } from './evaluate.js';
import type { LayerCall } from './records.js';
import type { TfjsFile } from './state.js';
import { INIT_IDENTIFIERS, WEIGHT_LAYERS } from './vocab.js';
import type { SyntaxNode } from '@lezer/common';

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
export function initFields(factory: string, cfg: SyntaxNode | null, file: TfjsFile): InitFields {
  let unknownParam = false;
  const num = (key: string): number | undefined => {
    const v = cfg ? configValue(file, cfg, key) : null;
    if (!v) return undefined;
    const n = evalNumber(file, v);
    if (n === null) unknownParam = true;
    return n ?? undefined;
  };
  const str = (key: string): string | undefined => {
    const v = cfg ? configValue(file, cfg, key) : null;
    if (!v) return undefined;
    const s = evalString(file, v);
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

/** Initializer written as a value (string identifier, `tf.initializers.x(...)` call, or a variable bound to one). */
export function initFrom(file: TfjsFile, value: SyntaxNode): InitSpec {
  const span = { from: value.from, to: value.to };
  const text = file.textOf(value);
  const base = { explicit: true, source: 'argument' as const, span, text };
  const e = deref(file, value);
  if (!e) return { name: 'unknown', ...base };
  const s = stringValue(file, e);
  if (s !== null) {
    const f = INIT_IDENTIFIERS[s];
    return f ? { ...base, ...initFields(f, null, file) } : { name: 'unknown', ...base };
  }
  if (e.name === 'CallExpression') {
    const path = calleePath(file, e);
    if (path && path.length === 2 && path[0] === 'initializers' && INIT_IDENTIFIERS[path[1]!] === path[1]) {
      const arg = callArgs(file, e)[0] ?? null;
      const cfg = arg ? deref(file, arg) : null;
      if (arg && cfg?.name !== 'ObjectExpression') return { name: 'unknown', ...base };
      return { ...base, ...initFields(path[1]!, cfg, file) };
    }
  }
  return { name: 'unknown', ...base };
}

export function defaultInit(file: TfjsFile, factory: string, which: 'kernel' | 'recurrent'): InitSpec {
  const d = { explicit: false, source: 'default' as const };
  if (which === 'recurrent') return { ...d, ...initFields('orthogonal', null, file), text: 'orthogonal' };
  if (factory === 'embedding') return { ...d, ...initFields('randomUniform', null, file), text: 'randomUniform' };
  if (factory === 'separableConv2d') return { ...d, ...initFields('glorotUniform', null, file), text: 'glorotUniform' };
  return { ...d, ...initFields('glorotNormal', null, file), text: 'glorotNormal' };
}

/** The init of one weight of a layer: the property written in its config, else the tfjs default. */
export function layerInit(file: TfjsFile, lc: LayerCall, which: 'kernel' | 'recurrent'): InitSpec {
  const key = initKeys(lc.factory, which)?.[which === 'kernel' && lc.factory === 'separableConv2d' ? 1 : 0];
  if (key) {
    const p = objectProps(file, lc.config).get(key);
    const v = propValue(file, p);
    if (p && v) {
      // The whole `kernelInitializer: …` option: where findings about this init are shown.
      const optionSpan = { from: p.from, to: p.to };
      if (v.name === 'PropertyDefinition') {
        const d = resolveKey(file, file.textOf(v), v);
        const spec = d?.value ? initFrom(file, d.value) : ({ name: 'unknown', explicit: true, source: 'argument' } as InitSpec);
        return { ...spec, span: { from: v.from, to: v.to }, text: file.textOf(v), optionSpan };
      }
      return { ...initFrom(file, v), optionSpan };
    }
  }
  if (lc.configOpaque || hasSpread(file, lc.config)) {
    // The config may carry an initializer we cannot see.
    return { name: 'unknown', explicit: false, source: 'default' };
  }
  return defaultInit(file, lc.factory, which);
}
