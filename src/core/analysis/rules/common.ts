/**
 * What every rule shares: the Rule shape, the numbers of one layer (Var(W),
 * forward factor), labels for messages, and the fix builder.
 */
import type { ActivationName, AnalysisOptions, Finding, Fix, InitName, InitSpec, Layer, ModelInfo, RuleCode, Severity } from '../../types.js';
import type { FrameworkAnalysis, InitTarget } from '../../frameworks/adapter.js';
import { weightVariance, secondMoment, derivSecondMoment, varianceGain } from '../../math/index.js';

export interface RuleDocs {
  whatItDoes: string;
  whyBad: string;
  example: string;
  fix: string;
  fixSafety: string;
}

export interface RuleContext {
  options: AnalysisOptions;
  fa: FrameworkAnalysis;
  layers: Layer[];
  models: ModelInfo[];
  /** Codes already reported for a layer (precedence: a layer gets its most specific finding). */
  reported: Map<number, Set<RuleCode>>;
}

export interface Rule {
  code: RuleCode;
  name: string;
  title: string;
  severity: Severity;
  docs: RuleDocs;
  /**
   * The rule judges the layer's kernel initializer: once one such rule has reported a layer,
   * the later ones (in precedence order) leave it alone, so a layer gets one kernel finding.
   */
  claimsKernel?: boolean;
  checkLayer?(layer: Layer, ctx: RuleContext): Finding[];
  checkModel?(model: ModelInfo, ctx: RuleContext): Finding[];
}

const TFJS_NAMED = new Set<InitName>(['he_normal', 'glorot_normal', 'lecun_normal']);

export const RELU_FAMILY = new Set<ActivationName>(['relu', 'leaky_relu', 'elu', 'gelu', 'silu', 'mish', 'softplus']);
export const SATURATING = new Set<ActivationName>(['tanh', 'sigmoid']);

const ACT_LABEL: Record<ActivationName, string> = {
  relu: 'ReLU', leaky_relu: 'Leaky ReLU', elu: 'ELU', gelu: 'GELU', silu: 'SiLU', mish: 'Mish', softplus: 'Softplus', selu: 'SELU',
  tanh: 'tanh', sigmoid: 'sigmoid', softmax: 'softmax', linear: 'linear', unknown: 'unknown',
};
export function actLabel(a: ActivationName): string {
  return ACT_LABEL[a];
}

const INIT_LABEL: Record<InitName, string> = {
  he_normal: 'He normal', he_uniform: 'He uniform', glorot_uniform: 'Glorot uniform', glorot_normal: 'Glorot normal',
  lecun_normal: 'LeCun normal', lecun_uniform: 'LeCun uniform', orthogonal: 'orthogonal', zeros: 'zeros', ones: 'ones',
  constant: 'constant', random_normal: 'random normal', random_uniform: 'random uniform', truncated_normal: 'truncated normal',
  variance_scaling: 'variance scaling', pytorch_default: "PyTorch's default (kaiming_uniform, a=√5)", unknown: 'unknown',
};
export function initLabel(i: InitName): string {
  return INIT_LABEL[i];
}

/** How the current init is spelled in messages: "glorot_uniform (the Keras default)". */
export function describeInit(layer: Layer, init: InitSpec = layer.init): string {
  const fw = { keras: 'Keras', pytorch: 'PyTorch', flax: 'Flax', tfjs: 'TensorFlow.js' }[layer.framework];
  const base = init.name === 'pytorch_default' ? 'kaiming_uniform(a=√5)' : init.name;
  if (!init.explicit && init.text === 'None') return `${base} (None: the ${fw} default)`;
  return init.explicit ? base : `${base} (the ${fw} default)`;
}

export function r2(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e4 || a < 0.01)) return x.toExponential(1).replace('e+', 'e');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 0.995 || a === 0) return x.toFixed(2);
  // Below 1: two significant digits (0.064, not 0.06; never 0.00).
  return x.toPrecision(2);
}

/** Three significant digits, for scales (2.35, 1.55, 1.09). */
export function sig3(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(3) : String(x);
}

export interface LayerNumbers {
  /** Var(W) under the current init (with the fans used). */
  varW: number | null;
  /** fan_in · Var(W). */
  coeff: number | null;
  /** Forward factor of the second moment per layer. */
  forward: number | null;
  /** Backward factor (gradients). */
  backward: number | null;
  fanIn: number;
  fanOut: number;
  fansKnown: boolean;
  /** E[φ(z)²] at unit variance. */
  m2: number | null;
}

/** Numbers for one layer and one init; unknown fans are assumed equal (stated in messages). */
export function layerNumbers(layer: Layer, init: InitSpec, act: ActivationName = layer.activation.name, param = layer.activation.param): LayerNumbers {
  const known = layer.fanIn !== null && layer.fanOut !== null;
  const fanIn = layer.fanIn ?? layer.fanOut ?? 256;
  const fanOut = layer.fanOut ?? layer.fanIn ?? 256;
  // TensorFlow.js draws its *Normal families from a truncated normal without the
  // variance correction (×0.774). The rules judge the family the user chose, as
  // Keras defines it; the hover shows what tfjs really draws.
  const fw = layer.framework === 'tfjs' && init.explicit && TFJS_NAMED.has(init.name) ? 'keras' : layer.framework;
  const judged = fw !== layer.framework ? { ...init, uncorrectedTruncation: false } : init;
  const varW = init.unknownArgs ? null : weightVariance(fw, judged, fanIn, fanOut, { recurrent: layer.recurrent, embedding: layer.embedding });
  const mact = act === 'unknown' ? null : act;
  const m2 = mact ? secondMoment(mact, param, 1) : null;
  const d2 = mact ? derivSecondMoment(mact, param, 1) : null;
  const coeff = varW === null ? null : fanIn * varW;
  return {
    varW,
    coeff,
    forward: coeff !== null && m2 !== null ? coeff * m2 : null,
    backward: varW !== null && d2 !== null ? fanOut * varW * d2 : null,
    fanIn,
    fanOut,
    fansKnown: known,
    m2,
  };
}

export { recommendation } from '../../frameworks/shared/recommend.js';

/** Build the fixes of a finding: the preferred distribution first, then the other one. */
export function initFixes(layer: Layer, ctx: RuleContext, target: InitTarget, safety: 'safe' | 'unsafe' = 'safe'): Fix[] {
  const out: Fix[] = [];
  const variants: InitTarget[] = [target];
  const other = otherDistribution(target.init);
  if (other) variants.push({ ...target, init: other });
  for (const [i, t] of variants.entries()) {
    const edits = ctx.fa.fix(layer, t);
    if (!edits || !edits.length) continue;
    out.push({ description: fixTitle(t), edits, safety, init: t.init, preferred: i === 0 });
  }
  return out;
}

function otherDistribution(i: InitName): InitName | null {
  const pairs: Partial<Record<InitName, InitName>> = {
    he_normal: 'he_uniform', he_uniform: 'he_normal', glorot_normal: 'glorot_uniform', glorot_uniform: 'glorot_normal',
    lecun_normal: 'lecun_uniform', lecun_uniform: 'lecun_normal',
  };
  return pairs[i] ?? null;
}

export function fixTitle(t: InitTarget): string {
  if (t.which === 'recurrent') return 'Use orthogonal init for the recurrent kernel';
  const act = t.activation === 'unknown' ? '' : ` (${actLabel(t.activation)})`;
  if (t.init === 'variance_scaling') return `Use He init with the leaky slope${act}`;
  return `Use ${initLabel(t.init)} init${act}`;
}

/** TensorFlow.js draws its *Normal initializers truncated at 2σ without correcting the variance. */
export function tfjsTruncationNote(layer: Layer, target: InitName, stated: number | null = null): string {
  if (layer.framework !== 'tfjs' || !TFJS_NAMED.has(target)) return '';
  const real = layerNumbers(layer, { name: target, explicit: false, source: 'default', distribution: 'truncated_normal', uncorrectedTruncation: true });
  const label = target === 'he_normal' ? 'heNormal' : target === 'glorot_normal' ? 'glorotNormal' : 'leCunNormal';
  const uniLabel = label.replace('Normal', 'Uniform');
  if (real.forward === null) return '';
  const full = stated !== null ? ` (≈${r2(stated)})` : '';
  return ` In TensorFlow.js, '${label}' truncates at 2σ without correcting the variance, so it really gives ≈${r2(real.forward)} per layer; '${uniLabel}' draws the full variance${full}.`;
}

/**
 * What the recommended init gives per layer, as the end of a message. When it
 * preserves the second moment (ReLU with He, leaky ReLU with its slope, SELU…)
 * it "keeps it ≈1.00"; otherwise (ELU, GELU, SiLU, Mish, Softplus) the named
 * init is only the closest one, so its real factor is stated, followed by the
 * exact variance-preserving scale in the framework's spelling.
 */
export function recommendationText(layer: Layer, rec: { target: InitTarget }, recFactor: number | null, direction: 'forward' | 'backward' = 'forward'): string {
  const act = layer.activation.name;
  const param = layer.activation.param;
  const t = rec.target;
  const named = t.init === 'variance_scaling' && t.scale !== undefined
    ? `He init with the leaky slope (Var(W) = ${sig3(t.scale)}/fan_in)`
    : `${initLabel(t.init)} init`;
  if (recFactor === null || Math.abs(recFactor - 1) < 0.02 || act === 'unknown') return `${named} keeps it ≈${recFactor === null ? '1' : r2(recFactor)}.`;
  const m2 = direction === 'backward' ? derivSecondMoment(act, param, 1) : secondMoment(act, param, 1);
  if (m2 === null || !(m2 > 0)) return `${named} gives ≈${r2(recFactor)} per layer.`;
  const scale = 1 / m2;
  const mode = direction === 'backward' ? 'fan_out' : 'fan_in';
  const moment = direction === 'backward' ? "E[φ′(z)²]" : 'E[φ(z)²]';
  return `${named}, the closest named initializer, gives ≈${r2(recFactor)} per layer. Exact for ${actLabel(act)} (${moment} = ${m2.toFixed(4)}): Var(W) = ${sig3(scale)}/${mode}, ${exactSpelling(layer, scale, mode)}.`;
}

/** The exact variance-scaling initializer in the layer's framework. */
function exactSpelling(layer: Layer, scale: number, mode: 'fan_in' | 'fan_out'): string {
  const s = sig3(scale);
  switch (layer.framework) {
    case 'keras':
      return `\`VarianceScaling(scale=${s}, mode="${mode}")\``;
    case 'flax':
      return `\`variance_scaling(${s}, "${mode}", "truncated_normal")\``;
    case 'tfjs':
      // tfjs's 'normal' distribution is truncated without correction: uniform is exact.
      return `\`varianceScaling({scale: ${s}, mode: '${mode === 'fan_in' ? 'fanIn' : 'fanOut'}', distribution: 'uniform'})\``;
    case 'pytorch':
    default: {
      const fan = mode === 'fan_in' ? layer.fanIn : layer.fanOut;
      const g = sig3(Math.sqrt(scale));
      return fan !== null ? `\`nn.init.normal_(w, std=${sig3(Math.sqrt(scale / fan))})\` (std = ${g}/√${mode})` : `\`nn.init.normal_\` with std = ${g}/√${mode}`;
    }
  }
}

/** The last weight layer of its model (an output head). */
export function isOutputLayer(layer: Layer, ctx: RuleContext): boolean {
  if (layer.head !== undefined) return layer.head;
  const m = layer.model !== null ? ctx.models.find((x) => x.id === layer.model) : undefined;
  if (!m) return false;
  const ids = m.layers.filter((id) => !ctx.layers[id]?.embedding);
  return ids[ids.length - 1] === layer.id && m.layers.length > 1;
}

export function depthNote(layer: Layer, ctx: RuleContext, factor: number): string {
  const m = layer.model !== null ? ctx.models.find((x) => x.id === layer.model) : undefined;
  if (!m) return '';
  const n = m.layers.filter((id) => {
    const l = ctx.layers[id];
    return l && !l.embedding && !l.recurrent;
  }).length;
  if (n < 3) return '';
  return `; over the ${n} weight layers of this model that compounds to ×${r2(Math.pow(factor, n))}`;
}

export function normNote(layer: Layer): string {
  if (!layer.normalization) return '';
  const n = { batchnorm: 'BatchNorm', layernorm: 'LayerNorm', groupnorm: 'GroupNorm', instancenorm: 'InstanceNorm', rmsnorm: 'RMSNorm' }[layer.normalization];
  return ` A ${n} follows this layer and rescales its output, so this matters less (mostly the first training steps and the gradient of this layer's weights).`;
}

export function finding(
  rule: Rule,
  layer: Layer | null,
  model: ModelInfo | null,
  message: string,
  recommended: InitName | null,
  fixes: Fix[],
  severity: Severity = rule.severity,
): Finding {
  const span = layer ? layer.span : model!.span;
  return { code: rule.code, severity, message, span: { ...span }, layer: layer ? layer.id : null, model: model ? model.id : layer?.model ?? null, recommended, fixes };
}
