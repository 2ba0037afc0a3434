/**
 * The variance webview: renders the analytic per-layer table sent by the host
 * (src/vscode/varianceView.ts) with VS Code Elements, and a uPlot chart of the
 * cumulative second moment. Messages: src/shared/protocol.ts only.
 */
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import uPlot from 'uplot';
import type { FromWebview, ToWebview, VarianceRow, VarianceTable, WebviewStrings } from '../../src/shared/protocol.js';
import './variance.css';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let chart: uPlot | null = null;

function fmt(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(4)));
  return x.toExponential(2);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K];
function el(tag: string, text?: string, cls?: string): HTMLElement;
function el(tag: string, text?: string, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/** 'ok' when the factor keeps the signal (±10 %), 'low' / 'high' otherwise. */
function health(x: number | null): string {
  if (x === null) return 'unknown';
  if (x < 0.9) return 'low';
  if (x > 1.1) return 'high';
  return 'ok';
}

function cell(text: string, cls?: string): HTMLElement {
  const c = el('vscode-table-cell');
  const span = el('span', text, cls);
  c.append(span);
  return c;
}

function withTitle(e: HTMLElement, title: string): HTMLElement {
  e.title = title;
  return e;
}

function renderTable(table: VarianceTable, s: WebviewStrings): HTMLElement {
  const t = el('vscode-table');
  t.setAttribute('zebra', '');
  t.setAttribute('bordered-columns', '');
  t.setAttribute('resizable', '');
  t.setAttribute('columns', JSON.stringify(['18%', '12%', '10%', '12%', '8%', '8%', '8%', '12%', '8%', '8%']));
  const header = el('vscode-table-header');
  header.setAttribute('slot', 'header');
  const heads = [
    s.layer,
    s.fans,
    s.activation,
    `${s.current}`,
    s.variance,
    s.factor,
    s.cumulative,
    `${s.recommended}`,
    s.variance,
    s.factor,
  ];
  for (const h of heads) header.append(el('vscode-table-header-cell', h));
  t.append(header);
  const body = el('vscode-table-body');
  body.setAttribute('slot', 'body');
  for (const row of table.rows) body.append(renderRow(row, s));
  t.append(body);
  return t;
}

function renderRow(row: VarianceRow, s: WebviewStrings): HTMLElement {
  const r = el('vscode-table-row');
  r.dataset.layer = String(row.index);
  const nameCell = el('vscode-table-cell');
  const link = el('a', `${row.index + 1}. ${row.layer}${row.name ? ` (${row.name})` : ''}`);
  link.href = '#';
  link.title = s.reveal;
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    vscode.postMessage({ kind: 'reveal', offset: row.offset });
  });
  nameCell.append(link);
  if (row.findings.length > 0) nameCell.append(el('span', ` ${row.findings.join(' ')}`, 'finding'));
  r.append(
    nameCell,
    row.assumedFans ? withTitle(cell(`${fmt(row.fanIn)} → ${fmt(row.fanOut)} *`), s.assumedFans) : cell(`${fmt(row.fanIn)} → ${fmt(row.fanOut)}`),
    cell(row.activation + (row.activationVia !== 'argument' && row.activationVia !== 'none' ? ` (${row.activationVia})` : '')),
    cell(row.current.init),
    cell(fmt(row.current.variance)),
    cell(fmt(row.current.factor), health(row.current.factor)),
    cell(fmt(row.current.cumulative)),
    cell(row.recommended.init),
    cell(fmt(row.recommended.variance)),
    cell(fmt(row.recommended.factor), health(row.recommended.factor)),
  );
  return r;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

function renderChart(table: VarianceTable, s: WebviewStrings, host: HTMLElement): void {
  chart?.destroy();
  chart = null;
  const xs = [0, ...table.rows.map((r) => r.index + 1)];
  const positive = (x: number | null): number | null => (x !== null && x > 0 && Number.isFinite(x) ? x : null);
  const cur = [1, ...table.rows.map((r) => positive(r.current.cumulative))];
  const rec = [1, ...table.rows.map((r) => positive(r.recommended.cumulative))];
  if (cur.every((v) => v === null || v === 1) && rec.every((v) => v === null || v === 1) && table.rows.length === 0) return;
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', '#444');
  const width = Math.max(320, Math.min(900, host.clientWidth || 640));
  chart = new uPlot(
    {
      title: s.chartTitle,
      width,
      height: 260,
      scales: {
        x: { time: false, range: [0, Math.max(1, table.rows.length)] },
        // Log scale; at least one decade either side of 1 so a flat, healthy curve stays visible.
        y: { distr: 3, range: (_u, min, max) => [Math.min(min ?? 1, 0.1), Math.max(max ?? 1, 10)] },
      },
      axes: [
        { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid }, label: s.layer, incrs: [1, 2, 5, 10, 20, 50, 100] },
        { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid } },
      ],
      series: [
        {},
        { label: s.current, stroke: cssVar('--vscode-charts-red', '#f14c4c'), width: 2, points: { show: true } },
        { label: s.recommended, stroke: cssVar('--vscode-charts-green', '#89d185'), width: 2, points: { show: true } },
      ],
    },
    [xs, cur, rec] as uPlot.AlignedData,
    host,
  );
}

function show(message: ToWebview): void {
  const { table, strings: s } = message;
  app.replaceChildren();
  app.dataset.state = 'ready';
  app.append(el('h2', table.title));
  if (table.rows.length === 0) {
    app.append(el('p', s.empty));
    return;
  }
  const scroller = el('div', undefined, 'table-scroll');
  scroller.append(renderTable(table, s));
  app.append(scroller);
  const chartHost = el('div', undefined, 'chart');
  app.append(chartHost);
  app.append(el('p', s.note, 'note'));
  renderChart(table, s, chartHost);
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  if (event.data && event.data.kind === 'show') show(event.data);
});
vscode.postMessage({ kind: 'ready' });
