/**
 * What every rule shares: the Rule shape, the numbers of one layer (Var(W),
 * forward factor), labels for messages, and the fix builder.
 */
import type { ActivationName, AnalysisOptions, Finding, Fix, InitName, InitSpec, Layer, ModelInfo, RelatedPlace, RuleCode, Severity, Span } from '../../types.js';
import type { FrameworkAnalysis, InitTarget } from '../../frameworks/adapter.js';
import { secondMoment, derivSecondMoment, isConstantInit } from '../../math/index.js';
import { TFJS_TRUNCATED, otherDistribution, tfjsName, varianceScalingLaw, varianceScalingSpelling } from '../../frameworks/shared/initializers.js';
import { isHead, layerNumbers, modelCompound } from '../numbers.js';

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
  /** Default severity. */
  severity: Severity;
  /** When the rule reports another severity than its default (docs/rules.md prints these; a test checks that findings follow them). */
  severityRules?: readonly { severity: Severity; when: string }[];
  docs: RuleDocs;
  /**
   * The rule judges the layer's kernel initializer: once one such rule has reported a layer,
   * the later ones (in precedence order) leave it alone, so a layer gets one kernel finding.
   */
  claimsKernel?: boolean;
  checkLayer?(layer: Layer, ctx: RuleContext): Finding[];
  checkModel?(model: ModelInfo, ctx: RuleContext): Finding[];
}

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
  const base = init.name === 'pytorch_default' ? 'kaiming_uniform(a=√5)' : layer.framework === 'tfjs' ? tfjsName(init.name) : init.name;
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

export type { LayerNumbers, Recommendation } from '../numbers.js';
export { layerNumbers, familyNumbers, recommendation } from '../numbers.js';

/** Build the fixes of a finding: the preferred distribution first, then the other one. */
export function initFixes(layer: Layer, ctx: RuleContext, target: InitTarget, safety: 'safe' | 'unsafe' = 'safe'): Fix[] {
  const out: Fix[] = [];
  const variants: InitTarget[] = [target];
  const other = otherDistribution(target.init);
  // TensorFlow.js's *Normal variants lose 23% of the variance: never offered as the alternative.
  if (other && !(layer.framework === 'tfjs' && TFJS_TRUNCATED.has(other))) variants.push({ ...target, init: other });
  for (const [i, t] of variants.entries()) {
    const edits = ctx.fa.fix(layer, t);
    if (!edits || !edits.length) continue;
    // The PyTorch fix also writes nn.init.zeros_ for the bias: the title says so.
    const zeroesBias = layer.framework === 'pytorch' && edits.some((e) => e.newText.includes('zeros_('));
    out.push({ description: fixTitle(t, layer.framework) + (zeroesBias ? ' and zero the bias' : ''), edits, safety, init: t.init, preferred: i === 0 });
  }
  return out;
}

export function fixTitle(t: InitTarget, framework?: Layer['framework']): string {
  if (t.which === 'recurrent') return 'Use orthogonal init for the recurrent kernel';
  const act = t.activation === 'unknown' ? '' : ` (${actLabel(t.activation)})`;
  if (t.init === 'variance_scaling') {
    if (t.activation === 'leaky_relu') return `Use He init with the leaky slope${act}`;
    if (framework === 'tfjs' && t.scale !== undefined) return `Use varianceScaling (scale ${sig3(t.scale)}, normal)${act}`;
    return `Use variance scaling${t.scale !== undefined ? ` (scale ${sig3(t.scale)})` : ''}${act}`;
  }
  if (framework === 'tfjs') return `Use '${tfjsName(t.init)}' init${act}`;
  return `Use ${initLabel(t.init)} init${act}`;
}

/**
 * TensorFlow.js: why the recommendation is a *Uniform initializer (or a
 * compensated varianceScaling) and not the *Normal one of the same family.
 */
export function tfjsTruncationNote(layer: Layer, target: InitName): string {
  if (layer.framework !== 'tfjs') return '';
  const normal = varianceScalingLaw(target)?.uniform ? otherDistribution(target) : null;
  if (!normal || !TFJS_TRUNCATED.has(normal)) return '';
  const real = layerNumbers(layer, { name: normal, explicit: false, source: 'default', distribution: 'truncated_normal', uncorrectedTruncation: true });
  if (real.forward === null) return '';
  return ` ('${tfjsName(normal)}' would really give ≈${r2(real.forward)}: TensorFlow.js truncates it at 2σ without correcting the variance; '${tfjsName(target)}' draws the full variance.)`;
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
    : layer.framework === 'tfjs' ? `'${tfjsName(t.init)}'` : `${initLabel(t.init)} init`;
  if (recFactor === null || Math.abs(recFactor - 1) < 0.02 || act === 'unknown') return `${named} keeps it ≈${recFactor === null ? '1' : r2(recFactor)}.`;
  const m2 = direction === 'backward' ? derivSecondMoment(act, param, 1) : secondMoment(act, param, 1);
  if (m2 === null || !(m2 > 0)) return `${named} gives ≈${r2(recFactor)} per layer.`;
  const scale = 1 / m2;
  const mode = direction === 'backward' ? 'fan_out' : 'fan_in';
  const moment = direction === 'backward' ? "E[φ′(z)²]" : 'E[φ(z)²]';
  return `${named}, the closest named initializer, gives ≈${r2(recFactor)} per layer. Exact for ${actLabel(act)} (${moment} = ${m2.toFixed(4)}): Var(W) = ${sig3(scale)}/${mode}, ${varianceScalingSpelling(layer.framework, scale, mode, mode === 'fan_in' ? layer.fanIn : layer.fanOut, sig3)}.`;
}

/** The last weight layer of its model (an output head). */
/** Activations of a readout (an output layer whose small or zero start is a deliberate choice). */
export const READOUT_ACTIVATIONS: ReadonlySet<ActivationName> = new Set(['linear', 'softmax', 'sigmoid', 'tanh']);

export function isOutputLayer(layer: Layer, ctx: RuleContext): boolean {
  return isHead(layer, ctx.layers, ctx.models);
}

const compoundCache = new WeakMap<readonly Layer[], Map<number, { layers: number; factor: number } | null>>();

/**
 * "; over the N weight layers of this model the signal's second moment compounds
 * to ×F": F is the real product of every counted layer's own gain (its own init
 * and activation), the last cumulative of the variance table; '' when unknown.
 */
export function depthNote(layer: Layer, ctx: RuleContext): string {
  if (layer.model === null) return '';
  let cache = compoundCache.get(ctx.layers);
  if (!cache) compoundCache.set(ctx.layers, (cache = new Map()));
  let c = cache.get(layer.model);
  if (c === undefined) {
    c = modelCompound(layer, ctx.layers, ctx.models);
    cache.set(layer.model, c);
  }
  if (!c) return '';
  if (c.factor === 0) {
    // A zero-initialized output layer (a diffusion model's noise head, a residual branch's last
    // projection) is a deliberate start from 0, not a signal that dies on the way: no clause.
    const model = ctx.models.find((m) => m.id === layer.model);
    const byId = new Map(ctx.layers.map((l) => [l.id, l]));
    const constant = (model?.layers ?? []).map((id) => byId.get(id)).filter((l): l is Layer => l !== undefined && isConstantInit(l.init));
    if (constant.length > 0 && constant.every((l) => isOutputLayer(l, ctx))) return '';
    return `; over the ${c.layers} weight layers of this model, the signal's second moment falls to 0 (a layer of it starts with constant weights)`;
  }
  return `; over the ${c.layers} weight layers of this model, the signal's second moment compounds to ×${r2(c.factor)}`;
}

export function normNote(layer: Layer): string {
  if (!layer.normalization) return '';
  const n = { batchnorm: 'BatchNorm', layernorm: 'LayerNorm', groupnorm: 'GroupNorm', instancenorm: 'InstanceNorm', rmsnorm: 'RMSNorm' }[layer.normalization];
  const article = n === 'InstanceNorm' || n === 'RMSNorm' ? 'An' : 'A';
  return ` ${article} ${n} follows this layer and rescales its output, so this matters less (mostly the first training steps and the gradient of this layer's weights).`;
}

/**
 * Where a layer finding is shown:
 *   'kernel'    the layer's kernel init is judged against its activation (TF.js: the
 *               `kernelInitializer:` option, else the factory's name; Python: the layer call)
 *   'init'      the init as written is the problem (IL002, IL003): the argument or the
 *               `nn.init` call written for this layer alone (init code shared by several
 *               layers, a loop or `apply`, keeps the squiggle on each layer)
 *   'recurrent' the recurrent kernel's init (TF.js: `recurrentInitializer:`, else the name)
 */
export type Placement = 'kernel' | 'init' | 'recurrent';

export function findingSpan(layer: Layer, at: Placement): Span {
  const init = at === 'recurrent' ? layer.recurrentInit : layer.init;
  if (layer.framework === 'tfjs') return { ...(init?.optionSpan ?? layer.nameSpan ?? layer.span) };
  if (at === 'init' && init?.explicit && init.span && !init.origin && (init.source === 'argument' || init.source === 'init-call')) return { ...init.span };
  return { ...layer.span };
}

const overlaps = (a: Span, b: Span) => a.from < b.to && b.from < a.to;

/**
 * The other places of this text a layer finding is about, outside its squiggle: the layer
 * (when the squiggle is on its init call), the initializer and the statement that applied it,
 * the activation that follows.
 */
export function relatedPlaces(layer: Layer, span: Span, at: Placement): RelatedPlace[] {
  const out: RelatedPlace[] = [];
  const add = (s: Span | undefined, message: string) => {
    if (!s || s.to <= s.from || overlaps(s, span) || out.some((r) => overlaps(r.span, s))) return;
    out.push({ span: { ...s }, message });
  };
  const init = at === 'recurrent' ? layer.recurrentInit : layer.init;
  add(layer.span, `the ${layer.layer} layer${layer.name ? ` ${layer.name}` : ''}`);
  if (init?.explicit && !init.origin) {
    add(init.optionSpan ?? init.span, `its ${at === 'recurrent' ? 'recurrent ' : ''}initializer: ${clip(init.text ?? init.name)}`);
    if (!init.siteOrigin) add(init.site, 'where the init code is applied');
  }
  const act = layer.activation;
  if (at !== 'recurrent' && act.span && !act.origin && act.name !== 'unknown') add(act.span, `the activation that follows: ${actLabel(act.name)}`);
  return out;
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

export function finding(
  rule: Rule,
  layer: Layer | null,
  model: ModelInfo | null,
  message: string,
  recommended: InitName | null,
  fixes: Fix[],
  severity: Severity = rule.severity,
  at: Placement = 'kernel',
): Finding {
  const span = layer ? findingSpan(layer, at) : { ...model!.span };
  const related = layer ? relatedPlaces(layer, span, at) : [];
  return {
    code: rule.code, severity, message, summary: firstSentence(message), span, layer: layer ? layer.id : null, model: model ? model.id : layer?.model ?? null, recommended, fixes,
    ...(related.length ? { related } : {}),
  };
}

/**
 * The first sentence of a message, for one-line displays: up to the first ". "
 * or "; " outside parentheses and backquotes (numbers like ≈0.60 have no space
 * after their dot). Without such a break, the whole message.
 */
export function firstSentence(message: string): string {
  let depth = 0;
  let code = false;
  for (let i = 0; i < message.length - 1; i++) {
    const c = message[i]!;
    if (c === '`') code = !code;
    else if (code) continue;
    else if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (depth === 0 && (c === '.' || c === ';') && message[i + 1] === ' ') return message.slice(0, i) + (c === '.' ? '.' : '');
  }
  return message;
}

/**
 * Issue 12, idiom 9: a finding about a layer's default init, in a file that defines an init
 * function of one module (`def weights_init(m)`) and applies it nowhere: another file may apply
 * it, so the finding says so and is `info` (IL001, IL005, IL006 document this case).
 */
export function withInitElsewhere(f: Finding, layer: Layer, fnName: string): Finding {
  if (f.code !== 'IL001' && f.code !== 'IL005' && f.code !== 'IL006') return f;
  const judged = f.code === 'IL005' ? layer.recurrentInit : layer.init;
  if (!judged || judged.explicit) return f;
  const message = `${f.message} This file defines \`${fnName}\` but applies it nowhere: if another file does (\`model.apply(${fnName})\`), the init may be set there.`;
  return { ...f, message, severity: 'info' };
}
