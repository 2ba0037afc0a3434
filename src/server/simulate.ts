/**
 * The variance table of a model as text, for editors without a webview: the
 * `initlens.simulateModel` command returns it, and a hover on a model (outside
 * its layers) shows it. The numbers are the extension panel's
 * (`modelTable`, src/vscode/logic/variance.ts).
 */
import type { VarianceTable } from '../shared/protocol.js';
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
