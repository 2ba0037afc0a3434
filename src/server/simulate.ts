/**
 * The variance tables of a model as text, for editors without a webview: the
 * `initlens.simulateModel` command returns them, and a hover on a model
 * (outside its layers) shows the first. The numbers are the extension's: the
 * per-layer table of the hover (`modelTable`, src/vscode/logic/variance.ts) and
 * the panel's analytic curves (`panelModel` → src/core/sim/analytic.ts).
 */
import type { VarianceTable } from '../shared/protocol.js';
import type { SimulationResult } from '../core/sim/types.js';
import { fmt } from '../vscode/logic/variance.js';

/** A Markdown table: one row per layer, current and recommended init. */
export function tableMarkdown(table: VarianceTable): string {
  const lines = [
    `**${table.title}**`,
    '',
    'Forward factor per layer: fan_in·Var(W)·E[φ(z)²] (1 keeps the signal\'s second moment); cumulative: product up to the layer (input = 1).',
    '',
    '| # | layer | fans | activation | init | Var(W) | factor | cumulative | recommended | Var(W) | factor | cumulative | findings |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of table.rows) {
    const layer = r.name ? `${r.layer} \`${r.name}\`` : r.layer;
    const fans = `${fmt(r.fanIn)}→${fmt(r.fanOut)}${r.assumedFans ? ' (assumed)' : ''}`;
    lines.push(
      `| ${r.index} | ${layer} | ${fans} | ${r.activation} | \`${r.current.init}\` | ${fmt(r.current.variance)} | ${fmt(r.current.factor)} | ${fmt(r.current.cumulative)} | \`${r.recommended.init}\` | ${fmt(r.recommended.variance)} | ${fmt(r.recommended.factor)} | ${fmt(r.recommended.cumulative)} | ${r.findings.join(', ')} |`,
    );
  }
  return lines.join('\n');
}

/** The same table as aligned plain text (for `window/showMessage` and terminals). */
export function tableText(table: VarianceTable): string {
  const header = ['#', 'layer', 'fans', 'activation', 'init', 'Var(W)', 'cumulative', 'recommended', 'Var(W)', 'cumulative'];
  const rows = table.rows.map((r) => [
    String(r.index),
    r.name ? `${r.layer} ${r.name}` : r.layer,
    `${fmt(r.fanIn)}->${fmt(r.fanOut)}`,
    r.activation,
    r.current.init,
    fmt(r.current.variance),
    fmt(r.current.cumulative),
    r.recommended.init,
    fmt(r.recommended.variance),
    fmt(r.recommended.cumulative),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [table.title, line(header), ...rows.map(line)].join('\n');
}

const INIT_LABEL: Record<string, string> = { current: 'current', recommended: 'recommended', orthogonal: 'orthogonal', lsuv: 'LSUV' };

/**
 * The panel's analytic curves as a Markdown table: the forward second moment
 * after each layer (input = 1) and the last layer's backward ratio, per init.
 */
export function curvesMarkdown(sim: SimulationResult): string {
  const series = sim.series;
  if (series.length === 0) return '';
  const head = ['#', 'layer', 'activation', ...series.map((s) => INIT_LABEL[s.init] ?? s.init)];
  const lines = [
    `**Signal through the stack (analytic, mean-field): forward second moment after each layer, input = 1** — ${sim.title}`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
  ];
  const n = Math.max(...series.map((s) => s.layers.length));
  for (let i = 0; i < n; i++) {
    const l = series[0]!.layers[i];
    const cells = series.map((s) => fmt(s.layers[i]?.analyticForwardSecondMoment ?? null));
    lines.push(`| ${i} | ${l?.layer ?? ''} | ${l?.activation ?? ''} | ${cells.join(' | ')} |`);
  }
  lines.push(`| | backward ratio (last ÷ first) | | ${series.map((s) => fmt(s.backwardRatio)).join(' | ')} |`);
  if (sim.assumptions.length > 0) lines.push('', ...sim.assumptions.map((a) => `- ${a}`));
  return lines.join('\n');
}
