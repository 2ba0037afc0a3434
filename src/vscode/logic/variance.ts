/**
 * The analytic variance view of a layer or a model, from the engine's math
 * (src/core/math): Var(W) of the current and of the recommended init, the
 * per-layer forward factor fan_in·Var(W)·E[φ(z)²] and its running product.
 * Used by the hover and by the "Simulate variance" table.
 */
import type { AnalysisResult, Layer } from '../../core/types.js';
import { isHead, layerNumbers, modelGains, recommendation, tfjsName } from '../../core/analysis/numbers.js';
import type { InitColumn, VarianceRow, VarianceTable } from '../../shared/protocol.js';
import { format, type Translate } from './l10n.js';

export interface LayerVariance {
  /** The fans were not both known: fan_in = fan_out was assumed (like the engine's messages). */
  assumedFans: boolean;
  current: { init: string; variance: number | null; coeff: number | null; factor: number | null };
  recommended: { init: string; variance: number | null; coeff: number | null; factor: number | null; reason: string };
}

/** The init name as the layer's framework spells it (TF.js: heNormal). */
export function initSpelling(layer: Layer, init: string): string {
  return layer.framework === 'tfjs' ? tfjsName(init as Parameters<typeof tfjsName>[0]) : init;
}

/** The numbers of one layer, from the engine's one implementation (src/core/analysis/numbers.ts). */
export function layerVariance(layer: Layer, distribution: 'normal' | 'uniform'): LayerVariance {
  const cur = layerNumbers(layer, layer.init);
  const rec = recommendation(layer, { distribution });
  const recN = rec ? layerNumbers(layer, rec.spec) : null;
  return {
    assumedFans: !cur.fansKnown,
    current: { init: layer.init.name, variance: cur.varW, coeff: cur.coeff, factor: cur.forward },
    recommended: {
      init: rec?.spec.name ?? 'unknown',
      variance: recN?.varW ?? null,
      coeff: recN?.coeff ?? null,
      factor: recN?.forward ?? null,
      reason: rec?.reason ?? 'The activation is unknown, so no initializer can be recommended.',
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
  const gains = modelGains(result.layers, result.models, modelId, { distribution });
  if (!model || !gains) return null;
  const rows: VarianceRow[] = gains.map((g, index) => {
    const { layer } = g;
    const current: InitColumn = { init: layer.init.name, variance: g.current.varW, factor: g.current.forward, cumulative: g.currentCumulative };
    const recommended: InitColumn = {
      init: g.rec?.spec.name ?? 'unknown',
      variance: g.recommended?.varW ?? null,
      factor: g.recommended?.forward ?? null,
      cumulative: g.recommendedCumulative,
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
      assumedFans: !g.current.fansKnown,
      head: g.head,
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
  // The full explanation of each finding on this layer (the Problems panel shows its first sentence).
  for (const f of input.result.findings) if (f.layer === layer.id) lines.push(`**${f.code}** ${f.message}`, '');
  lines.push(`| | ${t('init')} | Var(W) | fan_in·Var(W) | ${t('gain per layer')} |`, '|---|---|---|---|---|');
  lines.push(`| ${t('current')} | \`${initSpelling(layer, v.current.init)}\` | ${fmt(v.current.variance)} | ${fmt(v.current.coeff)} | ${fmt(v.current.factor)} |`);
  lines.push(
    `| ${t('recommended')} | \`${initSpelling(layer, v.recommended.init)}\` | ${fmt(v.recommended.variance)} | ${fmt(v.recommended.coeff)} | ${fmt(v.recommended.factor)} |`,
  );
  if (v.assumedFans) lines.push('', t('(fan_in unknown: computed with fan_in = fan_out)'));
  if (isHead(layer, input.result.layers, input.result.models)) {
    lines.push('', t('Output head: its target is the scale of its output (logits, probabilities), not a gain of 1, so this layer is not judged by the unit-gain rule.'));
  }
  lines.push('');
  // One line of why: the reason for the recommendation (the finding's own message is
  // already shown by VS Code in the same hover).
  lines.push(t('Why: {0}', v.recommended.reason));
  if (input.simulateUri) {
    lines.push('', `[${t('Simulate variance of this model')}](${input.simulateUri})`);
  }
  return lines.join('\n');
}
