/**
 * The two uPlot charts (forward second moment, backward gradient variance),
 * logarithmic y, layer 0 = the input. Per init: the Monte Carlo curve (solid),
 * its seed band (95% interval, filled) and the analytic curve (dashed); a
 * reference line at 1; output heads shaded and labelled (a head is judged by
 * its own target, the scale of its outputs, not by the reference); a tooltip with the numbers at the cursor; a legend of
 * buttons that toggles an init or a kind of curve. Colours come from VS Code's
 * theme variables and are re-read on every (re)build, so a theme switch
 * recolours the charts.
 */
import uPlot from 'uplot';
import type { SimInit, SimulationResult } from '../../src/core/sim/types.js';
import type { WebviewStrings } from '../../src/shared/protocol.js';
import { num } from './meaning.js';

export type ChartKind = 'forward' | 'backward';
export const INITS: readonly SimInit[] = ['current', 'recommended', 'orthogonal', 'lsuv'];
const COLOR_VAR: Record<SimInit, [string, string]> = {
  current: ['--vscode-charts-red', '#e51400'],
  recommended: ['--vscode-charts-green', '#388a34'],
  orthogonal: ['--vscode-charts-blue', '#1a85ff'],
  lsuv: ['--vscode-charts-purple', '#652d90'],
};

export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function initColor(init: SimInit): string {
  const [v, f] = COLOR_VAR[init];
  return cssVar(v, f);
}

function withAlpha(color: string, a: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
  }
  return `color-mix(in srgb, ${color} ${Math.round(a * 100)}%, transparent)`;
}

export function initLabel(init: SimInit, s: WebviewStrings): string {
  return { current: s.initCurrent, recommended: s.initRecommended, orthogonal: s.initOrthogonal, lsuv: s.initLsuv }[init];
}

/** Visibility shared by both charts. */
export interface Visible {
  inits: Record<SimInit, boolean>;
  monteCarlo: boolean;
  analytic: boolean;
}

const positive = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : null);

/** Columns: x, then per init (in INITS order, present or not): MC, lo95, hi95, analytic. */
export function chartData(result: SimulationResult | null, analytic: SimulationResult, kind: ChartKind): uPlot.AlignedData {
  const n = analytic.series[0]?.layers.length ?? 0;
  const xs = Array.from({ length: n + 1 }, (_, i) => i);
  const cols: (number | null)[][] = [];
  for (const init of INITS) {
    const mc = result?.series.find((s) => s.init === init);
    const an = analytic.series.find((s) => s.init === init);
    const pick = (f: (l: SimulationResult['series'][number]['layers'][number]) => number | null) => (s: typeof mc) =>
      xs.map((x) => (x === 0 ? (kind === 'forward' ? (s ? 1 : null) : null) : s?.layers[x - 1] ? positive(f(s.layers[x - 1]!)) : null));
    const v = kind === 'forward' ? (l: { forwardSecondMoment: number }) => l.forwardSecondMoment : (l: { backwardVar: number }) => l.backwardVar;
    const sp = kind === 'forward' ? 'forwardSecondMoment' : 'backwardVar';
    cols.push(pick(v)(mc));
    cols.push(pick((l) => l.spread[sp].lo95)(mc));
    cols.push(pick((l) => l.spread[sp].hi95)(mc));
    cols.push(
      pick((l) => (kind === 'forward' ? l.analyticForwardSecondMoment : l.analyticBackwardVar) ?? (kind === 'forward' ? l.forwardSecondMoment : l.backwardVar))(an),
    );
  }
  return [xs, ...cols] as uPlot.AlignedData;
}

export interface ChartHandle {
  plot: uPlot;
  kind: ChartKind;
  /** The theme's foreground colour the axes were drawn with. */
  foreground: string;
  setData(data: uPlot.AlignedData): void;
  applyVisibility(v: Visible, hasMonteCarlo: boolean): void;
  toPng(title: string): string;
  destroy(): void;
}

/**
 * `heads`: the x (layer number, 1-based) of every output head; the segment that
 * ends at a head is shaded and labelled.
 */
export function createChart(host: HTMLElement, kind: ChartKind, s: WebviewStrings, data: uPlot.AlignedData, tooltip: HTMLElement, heads: readonly number[] = []): ChartHandle {
  const fg = cssVar('--vscode-foreground', '#333');
  const grid = cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#8884'));
  const refColor = cssVar('--vscode-descriptionForeground', fg);
  const background = cssVar('--vscode-editor-background', '#ffffff');
  const headFill = withAlpha(cssVar('--vscode-editorWarning-foreground', '#cca700'), 0.1);
  const series: uPlot.Series[] = [{ label: s.layerAxis }];
  const bands: uPlot.Band[] = [];
  INITS.forEach((init, i) => {
    const c = initColor(init);
    const base = 1 + i * 4;
    series.push(
      { label: `${initLabel(init, s)} · ${s.monteCarlo}`, stroke: c, width: 2, points: { show: true, size: 4 } },
      { label: `${initLabel(init, s)} · lo`, stroke: 'transparent', width: 0, points: { show: false } },
      { label: `${initLabel(init, s)} · hi`, stroke: 'transparent', width: 0, points: { show: false } },
      { label: `${initLabel(init, s)} · ${s.analytic}`, stroke: c, width: 1.5, dash: [6, 4], points: { show: false } },
    );
    bands.push({ series: [base + 2, base + 1], fill: withAlpha(c, 0.18) });
  });
  const width = Math.max(280, host.clientWidth || 600);
  const axisFont = `${cssVar('--vscode-font-size', '12px')} ${cssVar('--vscode-font-family', 'sans-serif')}`;
  const opts: uPlot.Options = {
    width,
    height: 240,
    series,
    bands,
    legend: { show: false },
    cursor: { points: { size: 6 } },
    scales: {
      x: { time: false, range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, max ?? 1)] },
      y: {
        distr: 3,
        // At least a decade either side of the reference 1 so a healthy flat curve stays visible.
        range: (_u, min, max) => [Math.min(min ?? 1, 0.1), Math.max(max ?? 1, 10)],
      },
    },
    axes: [
      {
        stroke: fg,
        font: axisFont,
        labelFont: axisFont,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid },
        label: s.layerAxis,
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
        values: (_u, vals) => vals.map((v) => (v === 0 ? s.inputLabel : String(v))),
      },
      {
        stroke: fg,
        font: axisFont,
        labelFont: axisFont,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid },
        label: kind === 'forward' ? s.forwardAxis : s.backwardAxis,
        size: 60,
        values: (_u, vals) => vals.map((v) => num(v)),
      },
    ],
    hooks: {
      drawClear: [
        (u) => {
          // Output heads: behind the curves, the segment from the layer before the head to the head.
          if (heads.length === 0) return;
          const ctx = u.ctx;
          ctx.save();
          for (const x of heads) {
            const a = u.valToPos(x - 1, 'x', true);
            const b = u.valToPos(x, 'x', true);
            if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
            ctx.fillStyle = headFill;
            ctx.fillRect(a, u.bbox.top, b - a, u.bbox.height);
          }
          ctx.restore();
        },
      ],
      draw: [
        (u) => {
          // The heads' label, over the grid on a patch of the background.
          const ctx = u.ctx;
          ctx.save();
          ctx.font = axisFont;
          ctx.textAlign = 'right';
          ctx.textBaseline = 'top';
          for (const x of heads) {
            const b = u.valToPos(x, 'x', true);
            if (!Number.isFinite(b)) continue;
            const m = ctx.measureText(s.headZone);
            const h = m.actualBoundingBoxAscent + m.actualBoundingBoxDescent || 12;
            ctx.fillStyle = background;
            ctx.fillRect(b - 6 - m.width, u.bbox.top + 2, m.width + 4, h + 6);
            ctx.fillStyle = refColor;
            ctx.fillText(s.headZone, b - 4, u.bbox.top + 4);
          }
          ctx.restore();
        },
        (u) => {
          // The reference at 1.
          const y = u.valToPos(1, 'y', true);
          if (!Number.isFinite(y) || y < u.bbox.top || y > u.bbox.top + u.bbox.height) return;
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = refColor;
          ctx.setLineDash([2, 3]);
          ctx.lineWidth = 1;
          ctx.beginPath();
          ctx.moveTo(u.bbox.left, y);
          ctx.lineTo(u.bbox.left + u.bbox.width, y);
          ctx.stroke();
          ctx.fillStyle = refColor;
          ctx.font = axisFont;
          ctx.textAlign = 'left';
          ctx.textBaseline = 'bottom';
          ctx.fillText(s.reference, u.bbox.left + 4, y - 4);
          ctx.restore();
        },
      ],
      setCursor: [
        (u) => {
          const idx = u.cursor.idx;
          if (idx === null || idx === undefined) {
            tooltip.hidden = true;
            return;
          }
          const lines: string[] = [`${s.layer} ${idx === 0 ? s.inputLabel : idx}`];
          INITS.forEach((init, i) => {
            const base = 1 + i * 4;
            if (!u.series[base]!.show && !u.series[base + 3]!.show) return;
            const mc = u.data[base]![idx];
            const lo = u.data[base + 1]![idx];
            const hi = u.data[base + 2]![idx];
            const an = u.data[base + 3]![idx];
            if (mc == null && an == null) return;
            const parts = [initLabel(init, s) + ':'];
            if (u.series[base]!.show && mc != null) parts.push(`${num(mc)}${lo != null && hi != null && lo !== hi ? ` [${num(lo)}, ${num(hi)}]` : ''}`);
            if (u.series[base + 3]!.show && an != null) parts.push(`${s.analytic} ${num(an)}`);
            lines.push(parts.join(' '));
          });
          tooltip.textContent = lines.join('\n');
          tooltip.hidden = false;
          const left = (u.cursor.left ?? 0) + 12;
          tooltip.style.left = `${Math.min(left, u.over.clientWidth - 160)}px`;
          tooltip.style.top = `${(u.cursor.top ?? 0) + 12}px`;
        },
      ],
    },
  };
  const plot = new uPlot(opts, data, host);
  plot.over.append(tooltip);
  return {
    plot,
    kind,
    foreground: fg,
    setData: (d) => plot.setData(d),
    applyVisibility(v, hasMonteCarlo) {
      INITS.forEach((init, i) => {
        const base = 1 + i * 4;
        const on = v.inits[init];
        const mc = on && v.monteCarlo && hasMonteCarlo;
        plot.setSeries(base, { show: mc });
        plot.setSeries(base + 1, { show: mc });
        plot.setSeries(base + 2, { show: mc });
        plot.setSeries(base + 3, { show: on && v.analytic });
      });
    },
    toPng(title) {
      const src = plot.ctx.canvas;
      const out = document.createElement('canvas');
      const pad = 28;
      out.width = src.width;
      out.height = src.height + pad;
      const ctx = out.getContext('2d')!;
      ctx.fillStyle = cssVar('--vscode-editor-background', '#ffffff');
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.fillStyle = fg;
      ctx.font = `bold 14px ${cssVar('--vscode-font-family', 'sans-serif')}`;
      ctx.fillText(title, 8, 18);
      ctx.drawImage(src, 0, pad);
      return out.toDataURL('image/png');
    },
    destroy: () => plot.destroy(),
  };
}
