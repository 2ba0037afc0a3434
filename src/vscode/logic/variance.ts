/**
 * The analytic variance view of a layer or a model: Var(W) of the current and of
 * the recommended init, the per-layer unit-input gain fan_in·Var(W)·E[φ(z)²], and
 * the second moment after each layer from the mean-field recursion over the whole
 * stack. The numbers come from src/core/sim/analytic.ts (layerTable), the one
 * place that builds these tables (the CLI's simulate uses it too).
 * Used by the hover and by the "Simulate variance" table.
 */
import type { AnalysisResult, Layer } from '../../core/types.js';
import { layerTable, type TableRow } from '../../core/sim/analytic.js';
import { isHead, tfjsName } from '../../core/analysis/numbers.js';
import { where } from '../../core/workspace/analyze.js';
import type { InitColumn, VarianceRow, VarianceTable } from '../../shared/protocol.js';
import { format, type Translate } from './l10n.js';

export interface LayerVariance {
  /** The fans were not both known: fan_in = fan_out was assumed (like the engine's messages). */
  assumedFans: boolean;
  current: { init: string; variance: number | null; factor: number | null };
  recommended: { init: string; variance: number | null; factor: number | null; reason: string };
}

function fromRow(row: TableRow): LayerVariance {
  return {
    assumedFans: row.assumedFans,
    current: { init: row.current.init, variance: row.current.variance, factor: row.current.factor },
    recommended: { init: row.recommended.init, variance: row.recommended.variance, factor: row.recommended.factor, reason: row.recommended.reason },
  };
}

/** The init name as the layer's framework spells it (TF.js: heNormal). */
export function initSpelling(layer: Layer, init: string): string {
  return layer.framework === 'tfjs' ? tfjsName(init as Parameters<typeof tfjsName>[0]) : init;
}

/** One layer's Var(W) and unit-input gain, current and recommended (src/core/sim/analytic.ts builds the numbers). */
export function layerVariance(layer: Layer, distribution: 'normal' | 'uniform'): LayerVariance {
  return fromRow(layerTable([layer], distribution)[0]!);
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
  // cumulative: the second moment after the layer from the mean-field recursion over
  // the whole stack, evaluated at each layer's actual pre-activation variance (so
  // saturating activations are followed), not the product of unit-input gains.
  const table = layerTable(layers, distribution);
  const rows: VarianceRow[] = table.map((row, index) => {
    const layer = row.layer;
    const current: InitColumn = { init: row.current.init, variance: row.current.variance, factor: row.current.factor, cumulative: row.current.forward };
    const recommended: InitColumn = {
      init: row.recommended.init,
      variance: row.recommended.variance,
      factor: row.recommended.factor,
      cumulative: row.recommended.forward,
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
      assumedFans: row.assumedFans,
      head: isHead(layer, result.layers, result.models),
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
  const place = where;
  const applied = layer.init.siteOrigin ?? layer.init.origin;
  if (applied) lines.push(t('init applied in `{0}`', place(applied)) + '  ');
  if (act.origin) lines.push(t('activation written in `{0}`', place(act.origin)) + '  ');
  if (applied || act.origin) lines.push('');
  // The full explanation of each finding on this layer (the Problems panel shows its first sentence).
  for (const f of input.result.findings) if (f.layer === layer.id) lines.push(`**${f.code}** ${f.message}`, '');
  const fanIn = v.assumedFans ? (layer.fanIn ?? layer.fanOut) : layer.fanIn;
  const coeff = (x: number | null) => (x !== null && fanIn !== null ? x * fanIn : null);
  lines.push(`| | ${t('init')} | Var(W) | fan_in·Var(W) | ${t('gain per layer')} |`, '|---|---|---|---|---|');
  lines.push(`| ${t('current')} | \`${initSpelling(layer, v.current.init)}\` | ${fmt(v.current.variance)} | ${fmt(coeff(v.current.variance))} | ${fmt(v.current.factor)} |`);
  lines.push(
    `| ${t('recommended')} | \`${initSpelling(layer, v.recommended.init)}\` | ${fmt(v.recommended.variance)} | ${fmt(coeff(v.recommended.variance))} | ${fmt(v.recommended.factor)} |`,
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
