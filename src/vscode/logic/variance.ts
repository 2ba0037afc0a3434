/**
 * The analytic variance view of a layer or a model, from the engine's math
 * (src/core/math): Var(W) of the current and of the recommended init, the
 * per-layer forward factor fan_in·Var(W)·E[φ(z)²] and its running product.
 * Used by the hover and by the "Simulate variance" table.
 */
import type { AnalysisResult, InitSpec, Layer } from '../../core/types.js';
import { forwardFactor, recommendInit, weightVariance } from '../../core/math/variance.js';
import type { InitColumn, VarianceRow, VarianceTable } from '../../shared/protocol.js';
import { format, type Translate } from './l10n.js';

export interface LayerVariance {
  /** The fans were not both known: fan_in = fan_out was assumed (like the engine's messages). */
  assumedFans: boolean;
  current: { init: string; variance: number | null; factor: number | null };
  recommended: { init: string; variance: number | null; factor: number | null; reason: string };
}

function kindOf(layer: Layer) {
  return { recurrent: layer.recurrent, embedding: layer.embedding };
}

function recommendedSpec(layer: Layer, distribution: 'normal' | 'uniform'): { spec: InitSpec | null; reason: string } {
  const rec = recommendInit(layer.activation.name, layer.activation.param, distribution);
  if (rec.init === 'unknown') return { spec: null, reason: rec.reason };
  const spec: InitSpec = { name: rec.init, explicit: true, source: 'argument' };
  if (rec.init === 'variance_scaling') {
    spec.scale = rec.scale;
    spec.mode = 'fan_in';
    spec.distribution = distribution === 'uniform' ? 'uniform' : 'truncated_normal';
  }
  return { spec, reason: rec.reason };
}

export function layerVariance(layer: Layer, distribution: 'normal' | 'uniform'): LayerVariance {
  const act = layer.activation.name;
  const assumedFans = (layer.fanIn === null) !== (layer.fanOut === null);
  if (assumedFans) layer = { ...layer, fanIn: layer.fanIn ?? layer.fanOut, fanOut: layer.fanOut ?? layer.fanIn };
  const varW = weightVariance(layer.framework, layer.init, layer.fanIn, layer.fanOut, kindOf(layer));
  const rec = recommendedSpec(layer, distribution);
  const recVar = rec.spec ? weightVariance(layer.framework, rec.spec, layer.fanIn, layer.fanOut, kindOf(layer)) : null;
  return {
    assumedFans,
    current: { init: layer.init.name, variance: varW, factor: forwardFactor(varW, layer.fanIn, act, layer.activation.param) },
    recommended: {
      init: rec.spec?.name ?? 'unknown',
      variance: recVar,
      factor: forwardFactor(recVar, layer.fanIn, act, layer.activation.param),
      reason: rec.reason,
    },
  };
}

/** A number for humans: 4 significant digits, exponent notation when tiny or huge. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(4)));
  return x.toExponential(2);
}

export function modelTable(
  result: AnalysisResult,
  modelId: number,
  distribution: 'normal' | 'uniform',
  fileName: string,
): VarianceTable | null {
  const model = result.models.find((m) => m.id === modelId);
  if (!model) return null;
  const byId = new Map(result.layers.map((l) => [l.id, l]));
  const layers = model.layers.map((id) => byId.get(id)).filter((l): l is Layer => !!l);
  let curCum: number | null = 1;
  let recCum: number | null = 1;
  const rows: VarianceRow[] = layers.map((layer, index) => {
    const v = layerVariance(layer, distribution);
    curCum = curCum !== null && v.current.factor !== null ? curCum * v.current.factor : null;
    recCum = recCum !== null && v.recommended.factor !== null ? recCum * v.recommended.factor : null;
    const current: InitColumn = { ...v.current, cumulative: curCum };
    const recommended: InitColumn = {
      init: v.recommended.init,
      variance: v.recommended.variance,
      factor: v.recommended.factor,
      cumulative: recCum,
    };
    return {
      index,
      layer: layer.layer,
      name: layer.name,
      fanIn: layer.fanIn,
      fanOut: layer.fanOut,
      activation: layer.activation.name,
      activationVia: layer.activation.via,
      current,
      recommended,
      findings: result.findings.filter((f) => f.layer === layer.id).map((f) => f.code),
      offset: layer.span.from,
      assumedFans: v.assumedFans,
    };
  });
  const label = model.name ?? model.kind;
  return { title: `${label} (${model.framework}) — ${fileName}`, framework: model.framework, rows };
}

const FRAMEWORK_LABEL: Record<string, string> = { keras: 'Keras', pytorch: 'PyTorch', flax: 'Flax', tfjs: 'TensorFlow.js' };

export interface HoverInput {
  layer: Layer;
  result: AnalysisResult;
  distribution: 'normal' | 'uniform';
  /** 0-based line of the activation, when it has a span. */
  activationLine: number | null;
  /** Command URI that opens the variance table of the layer's model, null when the layer has none. */
  simulateUri: string | null;
  t?: Translate;
}

/** Markdown for a hover on a layer. */
export function hoverMarkdown(input: HoverInput): string {
  const t = input.t ?? format;
  const { layer } = input;
  const v = layerVariance(layer, input.distribution);
  const fw = FRAMEWORK_LABEL[layer.framework] ?? layer.framework;
  const title = layer.name ? `${fw} \`${layer.layer}\` · \`${layer.name}\`` : `${fw} \`${layer.layer}\``;
  const lines: string[] = [`**InitLens** · ${title}`, ''];
  lines.push(t('fan_in {0} · fan_out {1}', fmt(layer.fanIn), fmt(layer.fanOut)) + '  ');

  const act = layer.activation;
  let actText: string;
  if (act.via === 'none' || act.name === 'unknown') actText = t('activation: not found');
  else {
    const where =
      input.activationLine !== null ? t('{0}, line {1}', act.via, input.activationLine + 1) : act.via;
    actText = t('activation: **{0}** ({1})', act.name, where);
    if (act.text && act.text !== act.name) actText += ` — \`${act.text}\``;
  }
  lines.push(actText, '');
  // workspace-aware analysis: where another file decided the init or the activation
  const place = (o: { file: string; line: number }) => (o.line > 0 ? `${o.file}:${o.line}` : o.file);
  const applied = layer.init.siteOrigin ?? layer.init.origin;
  if (applied) lines.push(t('init applied in `{0}`', place(applied)) + '  ');
  if (act.origin) lines.push(t('activation written in `{0}`', place(act.origin)) + '  ');
  if (applied || act.origin) lines.push('');
  lines.push(`| | ${t('init')} | Var(W) | ${t('gain per layer')} |`, '|---|---|---|---|');
  lines.push(`| ${t('current')} | \`${v.current.init}\` | ${fmt(v.current.variance)} | ${fmt(v.current.factor)} |`);
  lines.push(
    `| ${t('recommended')} | \`${v.recommended.init}\` | ${fmt(v.recommended.variance)} | ${fmt(v.recommended.factor)} |`,
  );
  if (v.assumedFans) lines.push('', t('(fan_in unknown: computed with fan_in = fan_out)'));
  lines.push('');
  // One line of why: the reason for the recommendation (the finding's own message is
  // already shown by VS Code in the same hover).
  lines.push(t('Why: {0}', v.recommended.reason));
  if (input.simulateUri) {
    lines.push('', `[${t('Simulate variance of this model')}](${input.simulateUri})`);
  }
  return lines.join('\n');
}
