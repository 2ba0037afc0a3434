/** Markdown helpers shared by the evaluation scripts (scripts/eval.ts, scripts/eval-wild.ts). */

/** A Markdown table: the header row, the separator, then one row per entry (cells already written; an empty cell is `| |`). */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const line = (cells: readonly (string | number)[]): string => `|${cells.map((c) => (c === '' ? ' ' : ` ${c} `)).join('|')}|`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

/** `n` of `d` as "12.3% (n/d)"; `none` when `d` is 0. */
export function percentOf(n: number, d: number, none: string): string {
  return d === 0 ? none : `${((100 * n) / d).toFixed(1)}% (${n}/${d})`;
}
