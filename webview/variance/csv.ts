/**
 * CSV export of the panel: the layer table (one row per layer) and every series
 * (one row per init × layer, forward and backward, Monte Carlo with its seed
 * spread and the analytic value). RFC 4180 quoting; numbers at full precision;
 * empty cells for unknown values. Pure, imported by the webview and the tests.
 */
import type { NetworkSpec, SimulationResult } from '../../src/core/sim/types.js';

function cell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function rows(header: string[], body: (string | number | null | undefined)[][]): string {
  return [header, ...body].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Per-layer gain E[x_l²]/E[x_{l−1}²] of one series (the input has second moment 1). */
export function gains(result: SimulationResult, init: string): (number | null)[] {
  const s = result.series.find((x) => x.init === init);
  if (!s) return [];
  let prev = 1;
  return s.layers.map((l) => {
    const m = l.forwardSecondMoment;
    const g = Number.isFinite(m) && prev > 0 && Number.isFinite(prev) ? m / prev : null;
    prev = m;
    return g;
  });
}

/** The layer table: what the panel's table shows, one row per simulated layer. */
export function tableCsv(spec: NetworkSpec, result: SimulationResult): string {
  const inits = result.series.map((s) => s.init);
  const g = Object.fromEntries(inits.map((i) => [i, gains(result, i)]));
  const dead = result.series.find((s) => s.init === 'current')?.layers;
  return rows(
    ['index', 'line', 'layer', 'name', 'activation', 'normalization', 'fan_in', 'fan_out', 'init_now', 'init_recommended', ...inits.map((i) => `gain_${i}`), 'dead_fraction_current'],
    spec.layers.map((l, k) => [
      l.index + 1,
      l.line,
      l.layer,
      l.name,
      l.activation.name,
      l.normalization,
      l.fanIn,
      l.fanOut,
      l.initName.current,
      l.initName.recommended,
      ...inits.map((i) => g[i]![k] ?? null),
      dead?.[k]?.deadFraction ?? null,
    ]),
  );
}

/** Every series: layer 0 is the input (second moment 1, backward as at layer 1's input is not measured). */
export function seriesCsv(result: SimulationResult): string {
  const body: (string | number | null)[][] = [];
  for (const s of result.series) {
    for (const l of s.layers) {
      const f = l.spread.forwardSecondMoment;
      const b = l.spread.backwardVar;
      body.push([
        s.init,
        l.index + 1,
        l.line,
        l.layer,
        s.seeds,
        l.forwardSecondMoment,
        f.lo95,
        f.hi95,
        l.analyticForwardSecondMoment,
        l.backwardVar,
        b.lo95,
        b.hi95,
        l.analyticBackwardVar,
        l.deadFraction,
      ]);
    }
  }
  return rows(
    ['init', 'layer', 'line', 'class', 'seeds', 'forward_second_moment', 'forward_lo95', 'forward_hi95', 'forward_analytic', 'backward_var', 'backward_lo95', 'backward_hi95', 'backward_analytic', 'dead_fraction'],
    body,
  );
}

/** Both tables in one file, separated by a blank line, each with its own header. */
export function exportCsv(spec: NetworkSpec, result: SimulationResult): string {
  return `${tableCsv(spec, result)}\r\n${seriesCsv(result)}`;
}
