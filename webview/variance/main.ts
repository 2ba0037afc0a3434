/**
 * The variance panel (webview side). The host (src/vscode/varianceView.ts)
 * sends a `load` with the network spec, the analytic curves and the options;
 * this page draws the two charts and the layer table at once, runs the Monte
 * Carlo simulation (./sim.ts) and redraws as seeds are pooled, and sends back
 * reveal / apply / options / export requests. Messages: src/shared/protocol.ts.
 * The page state is mirrored in data-* attributes of #app (state, backend,
 * seq, version, mc-points and mc-seq: what the charts draw) for the end-to-end tests.
 */
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { Sampler, SimInit, SimLayer, SimOptions, SimulationResult } from '../../src/core/sim/types.js';
import { OPTION_LIMITS, type FromWebview, type LoadMessage, type ToWebview, type WebviewStrings } from '../../src/shared/protocol.js';
import { chartData, createChart, INITS, initColor, initLabel, type ChartHandle, type ChartKind, type Visible } from './charts.js';
import { exportCsv, gains } from './csv.js';
import { fill, meaning, num } from './meaning.js';
import { monteCarloAvailable, SimClient, type RunHandle } from './simClient.js';
import './variance.css';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const assets = app.dataset.assets ?? '';

let msg: LoadMessage | null = null;
let mc: SimulationResult | null = null;
/** The load (seq) whose run produced `mc`. */
let mcSeq = -1;
const simulator = new SimClient(assets);
let active: RunHandle | null = null;
let firstCurveMs: number | null = null;
let backend: string | null = null;
/** The user started Monte Carlo and has not stopped it: every reload (edit, new settings) re-simulates. */
let following = false;
const visible: Visible = { inits: { current: true, recommended: true, orthogonal: true, lsuv: true }, monteCarlo: true, analytic: true };
const charts: Partial<Record<ChartKind, ChartHandle>> = {};
let chartLayers = -1;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K];
function el(tag: string, text?: string, cls?: string): HTMLElement;
function el(tag: string, text?: string, cls?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function button(label: string, onClick: () => void, opts: { secondary?: boolean; id?: string; title?: string } = {}): HTMLElement {
  const b = el('vscode-button', label);
  if (opts.secondary) b.setAttribute('secondary', '');
  if (opts.id) b.id = opts.id;
  if (opts.title) b.title = opts.title;
  b.addEventListener('click', onClick);
  return b;
}

// ---------------------------------------------------------------- skeleton
const title = el('h2', '', 'title');
const runLine = el('div', undefined, 'run-line');
const backendText = el('span', '', 'backend');
const progressText = el('span', '', 'progress-text');
const progressBar = el('vscode-progress-bar');
progressBar.hidden = true;
const stopButton = button('Stop', () => {
  following = false;
  stop();
}, { id: 'stop' });
const runButton = button('Run', () => {
  following = true;
  void startRun();
}, { id: 'run', secondary: true });
const applyAllButton = button('Apply', () => apply(null), { id: 'apply-all' });
const csvButton = button('CSV', () => exportCsvFile(), { id: 'export-csv', secondary: true });
runLine.append(backendText, progressText, stopButton, runButton, applyAllButton, csvButton);
const notice = el('p', '', 'notice');
notice.setAttribute('role', 'status');
notice.setAttribute('aria-live', 'polite');
notice.hidden = true;
const legend = el('div', undefined, 'legend');
legend.setAttribute('role', 'group');
const chartSections: Record<ChartKind, { section: HTMLElement; heading: HTMLElement; host: HTMLElement; words: HTMLElement; png: HTMLElement; tip: HTMLElement }> = {
  forward: makeChartSection('forward'),
  backward: makeChartSection('backward'),
};
const tableHost = el('div', undefined, 'table-host');
const settings = el('vscode-collapsible');
settings.id = 'settings';
const settingsBody = el('div', undefined, 'settings');
settings.append(settingsBody);
const assumptions = el('vscode-collapsible');
assumptions.id = 'assumptions';
assumptions.setAttribute('open', '');
const assumptionsBody = el('div', undefined, 'assumptions');
assumptions.append(assumptionsBody);
const empty = el('p', '', 'empty');
empty.hidden = true;

function makeChartSection(kind: ChartKind) {
  const section = el('section', undefined, `chart-section ${kind}`);
  section.id = `chart-${kind}`;
  const head = el('div', undefined, 'chart-head');
  const heading = el('h3', '');
  const png = button('PNG', () => exportPng(kind), { secondary: true, id: `export-png-${kind}` });
  head.append(heading, png);
  const host = el('div', undefined, 'chart');
  host.setAttribute('role', 'img');
  const tip = el('div', '', 'tooltip');
  tip.hidden = true;
  const words = el('div', undefined, 'meaning');
  section.append(head, host, words);
  return { section, heading, host, words, png, tip };
}

app.replaceChildren(title, runLine, progressBar, notice, empty, legend, chartSections.forward.section, chartSections.backward.section, tableHost, assumptions, settings);

// ---------------------------------------------------------------- state → page
function strings(): WebviewStrings | null {
  return msg?.strings ?? null;
}

function setState(state: string): void {
  app.dataset.state = state;
}

function say(text: string | null, kind = 'info'): void {
  notice.hidden = !text;
  notice.textContent = text ?? '';
  notice.dataset.kind = kind;
}

function hasMonteCarlo(): boolean {
  return !!mc && mc.series.some((s) => s.seeds > 0);
}

function renderLegend(s: WebviewStrings): void {
  legend.replaceChildren();
  legend.setAttribute('aria-label', `${s.monteCarlo} / ${s.analytic}`);
  const toggle = (label: string, pressed: boolean, color: string | null, onToggle: () => void, id: string) => {
    const b = el('button', undefined, 'legend-item');
    b.type = 'button';
    b.id = id;
    b.setAttribute('aria-pressed', String(pressed));
    if (color) {
      const swatch = el('span', undefined, 'swatch');
      swatch.style.background = color;
      b.append(swatch);
    }
    b.append(document.createTextNode(label));
    b.addEventListener('click', () => {
      onToggle();
      renderLegend(s);
      applyVisibility();
    });
    legend.append(b);
  };
  const present = new Set(msg?.analytic.series.map((x) => x.init) ?? []);
  for (const init of INITS) {
    if (!present.has(init)) continue;
    toggle(initLabel(init, s), visible.inits[init], initColor(init), () => (visible.inits[init] = !visible.inits[init]), `legend-${init}`);
  }
  toggle(`━ ${s.monteCarlo} + ${s.band}`, visible.monteCarlo, null, () => (visible.monteCarlo = !visible.monteCarlo), 'legend-mc');
  toggle(`┅ ${s.analytic}`, visible.analytic, null, () => (visible.analytic = !visible.analytic), 'legend-analytic');
}

function applyVisibility(): void {
  for (const c of Object.values(charts)) c?.applyVisibility(visible, hasMonteCarlo());
}

function drawCharts(rebuild: boolean): void {
  if (!msg) return;
  const s = msg.strings;
  const n = msg.spec.layers.length;
  for (const kind of ['forward', 'backward'] as const) {
    const sec = chartSections[kind];
    sec.heading.textContent = kind === 'forward' ? s.forwardTitle : s.backwardTitle;
    // The axes are drawn on a canvas: their labels are also said in words.
    const heads = msg.spec.layers.flatMap((l, i) => (l.head ? [i + 1] : []));
    const headWords = heads.length ? ` ${s.headZone}: ${s.layer} ${heads.join(', ')}.` : '';
    sec.host.setAttribute('aria-label', `${sec.heading.textContent}. x: ${s.layerAxis}. y: ${kind === 'forward' ? s.forwardAxis : s.backwardAxis}.${headWords}`);
    const headsChanged = sec.host.dataset.heads !== heads.join(',');
    sec.host.dataset.heads = heads.join(',');
    sec.png.textContent = s.exportPng;
    const data = chartData(mc, msg.analytic, kind);
    if (rebuild || headsChanged || chartLayers !== n || !charts[kind]) {
      charts[kind]?.destroy();
      sec.host.replaceChildren();
      charts[kind] = createChart(sec.host, kind, s, data, sec.tip, heads);
    } else {
      charts[kind]!.setData(data);
    }
  }
  chartLayers = n;
  // What the charts draw, for the end-to-end tests: the Monte Carlo points of the current init on the
  // forward chart (read back from uPlot's data) and the run (load seq) those curves come from.
  const drawn = charts.forward?.plot.data[1 + INITS.indexOf('current') * 4] as (number | null | undefined)[] | undefined;
  app.dataset.mcPoints = String(drawn ? drawn.slice(1).filter((v) => typeof v === 'number').length : 0);
  app.dataset.mcSeq = mc ? String(mcSeq) : '';
  // The colours the charts were drawn with (the end-to-end test checks a theme switch recolours them).
  app.dataset.chartForeground = charts.forward?.foreground ?? '';
  applyVisibility();
  const words = meaning(msg.spec, hasMonteCarlo() ? mc! : msg.analytic, s);
  chartSections.forward.words.replaceChildren(...words.forward.map((w) => el('p', w)));
  chartSections.backward.words.replaceChildren(...words.backward.map((w) => el('p', w)));
}

function health(g: number | null): string {
  if (g === null) return 'unknown';
  return g < 0.9 ? 'low' : g > 1.1 ? 'high' : 'ok';
}

/** Lets a narrow column break snake_case names after their underscores rather than anywhere. */
function breakable(text: string): string {
  return text.replace(/_/g, '_\u200b');
}

function textCell(text: string, cls?: string, titleText?: string): HTMLElement {
  const c = el('vscode-table-cell');
  const span = el('span', text, cls);
  c.title = titleText ?? text;
  c.append(span);
  return c;
}

function renderTable(): void {
  if (!msg) return;
  const s = msg.strings;
  const result = hasMonteCarlo() ? mc! : msg.analytic;
  const table = el('vscode-table');
  table.setAttribute('zebra', '');
  table.setAttribute('bordered-columns', '');
  table.setAttribute('resizable', '');
  // Nine columns that fit the default side-by-side split (line, layer, findings and the apply button share one);
  // the gain columns are the widest numbers' width (numbers never wrap).
  table.setAttribute('columns', JSON.stringify(['16%', '9%', '12%', '19%', '9%', '9%', '9%', '9%', '8%']));
  const header = el('vscode-table-header');
  header.setAttribute('slot', 'header');
  const heads: [string, string][] = [
    [`${s.line} · ${s.layer}`, `${s.line} · ${s.layer}`],
    [s.activation, `${s.activation} · ${s.normalization}`],
    [s.fans, s.fans],
    [`${s.initNow} → ${s.initRecommendedCol}`, `${s.initNow} → ${s.initRecommendedCol}`],
    [initLabel('current', s), s.gainCurrent],
    [initLabel('recommended', s), s.gainRecommended],
    [initLabel('orthogonal', s), s.gainOrthogonal],
    [initLabel('lsuv', s), s.gainLsuv],
    [s.dead, s.dead],
  ];
  for (const [h, t] of heads) {
    const c = el('vscode-table-header-cell', breakable(h));
    c.title = t;
    header.append(c);
  }
  table.append(header);
  const body = el('vscode-table-body');
  body.setAttribute('slot', 'body');
  // Shown: the Monte Carlo gain once there is one. Judged (marked out of [0.9, 1.1]): the analytic gain, the
  // mean over networks, so seed noise in a finished or half-finished run does not flip the marks.
  const g = Object.fromEntries(INITS.map((i) => [i, gains(result, i)])) as Record<SimInit, (number | null)[]>;
  const ga = Object.fromEntries(INITS.map((i) => [i, gains(msg!.analytic, i)])) as Record<SimInit, (number | null)[]>;
  const info = new Map(msg.layers.map((l) => [l.layerId, l]));
  const cur = result.series.find((x) => x.init === 'current');
  msg.spec.layers.forEach((layer, k) => {
    const row = el('vscode-table-row');
    row.dataset.index = String(layer.index);
    row.tabIndex = 0;
    const gc = ga.current[k] ?? null;
    const judged = !layer.head;
    if (judged && health(gc) !== 'ok' && gc !== null) row.classList.add('out-of-range');
    const li = layer.layerId !== null ? info.get(layer.layerId) : undefined;
    const reveal = () => {
      if (layer.layerId !== null) vscode.postMessage({ kind: 'reveal', layerId: layer.layerId });
    };
    row.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).closest('vscode-button')) return;
      reveal();
    });
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.target === row) reveal();
    });
    row.title = layer.line !== null ? fill(s.reveal, layer.line) : '';
    const gainCell = (init: SimInit) => {
      const v = g[init][k] ?? null;
      const a = ga[init][k] ?? null;
      const h = judged ? health(a) : 'unknown';
      const detail = result === msg!.analytic ? `${s.analytic} ${num(a)}` : `${s.monteCarlo} ${num(v)} · ${s.analytic} ${num(a)}`;
      return textCell(num(v), `${h} num`, h === 'low' || h === 'high' ? `${detail}: ${s.outOfRange}` : detail);
    };
    const layerCell = el('vscode-table-cell');
    layerCell.title = row.title;
    layerCell.append(el('span', `${layer.line !== null ? `${layer.line}: ` : ''}${layer.layer}${layer.name ? ` ${layer.name}` : ''}`));
    if (li && li.findings.length) layerCell.append(el('span', ` ${li.findings.join(' ')}`, 'has-finding'));
    if (li?.fix) {
      const b = button('✓', () => apply(layer.layerId), { title: `${s.apply}: ${li.fix}` });
      b.setAttribute('aria-label', `${s.apply}: ${li.fix}`);
      b.classList.add('apply');
      b.dataset.layerId = String(layer.layerId);
      layerCell.append(b);
    }
    const dead = cur?.layers[k]?.deadFraction;
    row.append(
      layerCell,
      textCell(`${layer.activation.name}${layer.normalization ? ` · ${layer.normalization}` : ''}${layer.head ? ' · head' : ''}`),
      textCell(`${layer.fanIn}→${layer.fanOut}`, 'num'),
      textCell(breakable(`${layer.initName.current} → ${layer.initName.recommended}`)),
      gainCell('current'),
      gainCell('recommended'),
      gainCell('orthogonal'),
      gainCell('lsuv'),
      textCell(hasMonteCarlo() && dead !== undefined ? `${(dead * 100).toFixed(1)}%` : '—', 'num'),
    );
    body.append(row);
  });
  table.append(body);
  tableHost.replaceChildren(table);
}

/** Per-layer overrides offered in the settings: plain draws with the named variance. */
function overrideSampler(kind: string, layer: SimLayer): Sampler | null {
  const fi = Math.max(1, layer.fanIn);
  const fo = Math.max(1, layer.fanOut);
  switch (kind) {
    case 'he':
      return { kind: 'normal', mean: 0, std: Math.sqrt(2 / fi) };
    case 'lecun':
      return { kind: 'normal', mean: 0, std: Math.sqrt(1 / fi) };
    case 'glorot':
      return { kind: 'normal', mean: 0, std: Math.sqrt(2 / (fi + fo)) };
    case 'orthogonal':
      return { kind: 'orthogonal', gain: 1 };
    default:
      return null;
  }
}
const overrideChoice = new Map<number, string>();

function numberField(id: string, label: string, value: number, [min, max]: readonly [number, number]): HTMLElement {
  const wrap = el('label', undefined, 'field');
  wrap.htmlFor = id;
  wrap.append(el('span', label));
  const f = el('vscode-textfield') as HTMLElement & { value: string };
  f.id = id;
  f.setAttribute('type', 'number');
  f.setAttribute('min', String(min));
  f.setAttribute('max', String(max));
  f.setAttribute('aria-label', label);
  f.value = String(value);
  f.addEventListener('change', () => sendOptions());
  wrap.append(f);
  return wrap;
}

function selectField(id: string, label: string, value: string, choices: [string, string][], onChange: () => void): HTMLElement {
  const wrap = el('label', undefined, 'field');
  wrap.append(el('span', label));
  const sel = el('vscode-single-select') as HTMLElement & { value: string };
  sel.id = id;
  sel.setAttribute('aria-label', label);
  for (const [v, t] of choices) {
    const o = el('vscode-option', t);
    o.setAttribute('value', v);
    if (v === value) o.setAttribute('selected', '');
    sel.append(o);
  }
  sel.addEventListener('change', onChange);
  wrap.append(sel);
  return wrap;
}

function renderSettings(): void {
  if (!msg) return;
  const s = msg.strings;
  const o = msg.options;
  settings.setAttribute('title', s.controls);
  const grid = el('div', undefined, 'fields');
  grid.append(
    numberField('opt-batch', s.batch, o.batch, OPTION_LIMITS.batch),
    numberField('opt-seeds', s.seeds, o.seeds, OPTION_LIMITS.seeds),
    selectField('opt-input', s.input, o.input, [['normal', s.inputNormal], ['uniform', s.inputUniform], ['shifted', s.inputShifted]], () => sendOptions()),
    numberField('opt-depthMultiplier', s.depthMultiplier, o.depthMultiplier, OPTION_LIMITS.depthMultiplier),
    numberField('opt-widthDefault', s.widthDefault, o.widthDefault, OPTION_LIMITS.widthDefault),
    numberField('opt-spatial', s.spatial, o.spatial, OPTION_LIMITS.spatial),
    numberField('opt-steps', s.steps, o.steps, OPTION_LIMITS.steps),
  );
  const overrides = el('div', undefined, 'overrides');
  overrides.append(el('h4', s.override));
  const originals = msg.spec.layers.filter((l) => l.index < msg!.spec.layers.length / Math.max(1, o.depthMultiplier));
  for (const layer of originals) {
    const choice = overrideChoice.get(layer.index) ?? 'none';
    overrides.append(
      selectField(
        `opt-override-${layer.index}`,
        `${layer.index + 1}. ${layer.layer}${layer.name ? ` ${layer.name}` : ''} (${layer.initName.current})`,
        choice,
        [
          ['none', s.overrideNone],
          ['he', 'N(0, 2/fan_in) — He'],
          ['lecun', 'N(0, 1/fan_in) — LeCun'],
          ['glorot', 'N(0, 2/(fan_in+fan_out)) — Glorot'],
          ['orthogonal', 'orthogonal (gain 1)'],
        ],
        () => {
          const v = (document.getElementById(`opt-override-${layer.index}`) as HTMLElement & { value: string }).value;
          overrideChoice.set(layer.index, v);
          sendOptions();
        },
      ),
    );
  }
  settingsBody.replaceChildren(grid, overrides);
}

function renderAssumptions(): void {
  if (!msg) return;
  const s = msg.strings;
  assumptions.setAttribute('title', s.assumptions);
  const list = (mc?.assumptions.length ? mc.assumptions : msg.spec.assumptions) ?? [];
  if (list.length === 0) {
    assumptionsBody.replaceChildren(el('p', s.noAssumptions));
    return;
  }
  const ul = el('ul');
  for (const a of list) {
    const li = el('li');
    li.dataset.key = a.key;
    li.append(el('span', a.message));
    // Where the assumption is a setting, a field to change it right there.
    const control = assumptionControl(a.key, a.value);
    if (control) li.append(control);
    ul.append(li);
  }
  assumptionsBody.replaceChildren(ul);
}

function assumptionControl(key: string, value: number | string): HTMLElement | null {
  if (!msg) return null;
  const s = msg.strings;
  const direct: Partial<Record<string, [string, readonly [number, number]]>> = {
    widthDefault: [s.widthDefault, OPTION_LIMITS.widthDefault],
    spatial: [s.spatial, OPTION_LIMITS.spatial],
    steps: [s.steps, OPTION_LIMITS.steps],
    depthMultiplier: [s.depthMultiplier, OPTION_LIMITS.depthMultiplier],
  };
  const d = direct[key];
  if (d) {
    const b = button('…', () => focusField(`opt-${key}`), { secondary: true, title: d[0] });
    return b;
  }
  if (key === 'input') return button('…', () => focusField('opt-input'), { secondary: true, title: s.input });
  const m = /^layer:(\d+):fan(In|Out)$/.exec(key);
  if (m) {
    const index = Number(m[1]);
    const f = el('vscode-textfield') as HTMLElement & { value: string };
    f.setAttribute('type', 'number');
    f.setAttribute('aria-label', key);
    f.className = 'inline';
    f.value = String(value);
    f.addEventListener('change', () => {
      const v = Number(f.value);
      if (Number.isInteger(v) && v >= 1 && v <= 8192) {
        widths[index] = v;
        sendOptions();
      }
    });
    return f;
  }
  return null;
}
const widths: Record<number, number> = {};

function focusField(id: string): void {
  settings.setAttribute('open', '');
  document.getElementById(id)?.focus();
}

function readNumber(id: string, fallback: number, [min, max]: readonly [number, number]): number {
  const e = document.getElementById(id) as (HTMLElement & { value: string }) | null;
  const v = e ? Math.round(Number(e.value)) : NaN;
  return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

let optionsTimer: ReturnType<typeof setTimeout> | null = null;
function sendOptions(): void {
  if (!msg) return;
  if (optionsTimer) clearTimeout(optionsTimer);
  optionsTimer = setTimeout(() => {
    if (!msg) return;
    const o = msg.options;
    const input = (document.getElementById('opt-input') as (HTMLElement & { value: string }) | null)?.value;
    const inits: NonNullable<SimOptions['inits']> = {};
    for (const [index, choice] of overrideChoice) {
      const layer = msg.spec.layers[index];
      const sampler = layer ? overrideSampler(choice, layer) : null;
      if (sampler) inits[index] = { current: sampler };
    }
    const options: SimOptions = {
      ...o,
      batch: readNumber('opt-batch', o.batch, OPTION_LIMITS.batch),
      seeds: readNumber('opt-seeds', o.seeds, OPTION_LIMITS.seeds),
      depthMultiplier: readNumber('opt-depthMultiplier', o.depthMultiplier, OPTION_LIMITS.depthMultiplier),
      widthDefault: readNumber('opt-widthDefault', o.widthDefault, OPTION_LIMITS.widthDefault),
      spatial: readNumber('opt-spatial', o.spatial, OPTION_LIMITS.spatial),
      steps: readNumber('opt-steps', o.steps, OPTION_LIMITS.steps),
      input: input === 'uniform' || input === 'shifted' ? input : 'normal',
      ...(input === 'shifted' ? { inputShift: 1 } : {}),
      inits,
      widths: { ...widths },
    };
    stop();
    vscode.postMessage({ kind: 'options', options });
  }, 250);
}

function renderRunLine(state: 'analytic' | 'running' | 'done' | 'stopped' | 'error', progress?: { done: number; total: number }): void {
  const s = strings();
  if (!s) return;
  stopButton.textContent = s.stop;
  runButton.textContent = s.rerun;
  applyAllButton.textContent = s.applyAll;
  csvButton.textContent = s.exportCsv;
  const parts: string[] = [];
  if (backend) parts.push(fill(s.backend, backend === 'webgl' ? 'WebGL' : backend.toUpperCase()));
  if (firstCurveMs !== null) parts.push(fill(s.firstCurve, Math.round(firstCurveMs)));
  backendText.textContent = parts.join(' · ');
  const stateText =
    state === 'running' ? (progress ? `${s.running} ${fill(s.progress, progress.done, progress.total)}` : s.running)
    : state === 'stopped' ? s.stopped
    : state === 'done' ? s.done
    : state === 'analytic' && !monteCarloAvailable ? s.analyticOnly
    : state === 'analytic' ? s.analyticReady
    : '';
  progressText.textContent = stateText;
  progressBar.hidden = state !== 'running';
  stopButton.hidden = state !== 'running';
  runButton.hidden = state === 'running' || !monteCarloAvailable;
  applyAllButton.hidden = !msg?.layers.some((l) => l.fix);
  setState(state);
}

// ---------------------------------------------------------------- running
function stop(): void {
  if (!active) return;
  active.cancel();
  active = null;
}

async function startRun(): Promise<void> {
  if (!msg || !monteCarloAvailable) return;
  stop();
  const seq = msg.seq;
  const spec = msg.spec;
  const options = msg.options;
  renderRunLine('running');
  const t0 = performance.now();
  let first = true;
  let updates = 0;
  const handle = simulator.run(spec, options, (p) => {
    if (!msg || msg.seq !== seq || active !== handle) return;
    if (first) {
      first = false;
      firstCurveMs = performance.now() - t0;
      app.dataset.firstCurveMs = String(Math.round(firstCurveMs));
      vscode.postMessage({ kind: 'event', event: 'firstCurve', seq, detail: `${Math.round(firstCurveMs)} ms on ${backend}` });
    }
    mc = p.partial;
    mcSeq = seq;
    // Workers started so far (two for a costly seed): read by the end-to-end test.
    app.dataset.workers = String(simulator.workersStarted);
    // Counted for the end-to-end test of Stop: nothing is drawn after it.
    app.dataset.updates = String(++updates);
    drawCharts(false);
    renderTable();
    renderRunLine('running', { done: p.done, total: p.total });
  });
  active = handle;
  void simulator.backend().then(
    (info) => {
      app.dataset.workers = String(simulator.workersStarted);
      if (backend === info.backend) return;
      backend = info.backend;
      app.dataset.backend = backend ?? '';
      app.dataset.offscreen = String(info.offscreen);
      vscode.postMessage({ kind: 'event', event: 'backend', seq, detail: `${backend ?? 'none'} (in a worker${info.offscreen ? ', OffscreenCanvas' : ''})` });
      if (active === handle) renderRunLine('running');
    },
    () => undefined,
  );
  try {
    const result = await handle.result;
    if (!msg || msg.seq !== seq || active !== handle) return;
    mc = result;
    mcSeq = seq;
    if (first) {
      firstCurveMs = performance.now() - t0;
      app.dataset.firstCurveMs = String(Math.round(firstCurveMs));
    }
    drawCharts(false);
    renderTable();
    renderAssumptions();
    renderRunLine('done');
    vscode.postMessage({ kind: 'event', event: 'done', seq, detail: `${Math.round(performance.now() - t0)} ms, ${result.series[0]?.seeds ?? 0} seeds` });
  } catch (e) {
    if (!msg || msg.seq !== seq) return;
    if (e instanceof Error && e.name === 'AbortError') {
      // Stopped by the user (a reload stops the old run and starts its own: nothing to say then).
      if (active === handle || active === null) {
        renderRunLine('stopped');
        vscode.postMessage({ kind: 'event', event: 'stopped', seq, detail: `after ${Math.round(performance.now() - t0)} ms` });
      }
    } else if (active === handle) {
      const text = e instanceof Error ? e.message : String(e);
      renderRunLine('error');
      say(fill(msg.strings.simError, text), 'error');
      vscode.postMessage({ kind: 'event', event: 'error', seq, detail: text.slice(0, 500) });
    }
  } finally {
    if (active === handle) active = null;
  }
}

// ---------------------------------------------------------------- actions
function apply(layerId: number | null): void {
  if (!msg) return;
  vscode.postMessage({ kind: 'apply', layerId, version: msg.version });
}

function exportCsvFile(): void {
  if (!msg) return;
  const result = hasMonteCarlo() ? mc! : msg.analytic;
  vscode.postMessage({ kind: 'export', format: 'csv', name: `${fileStem()}-variance.csv`, data: exportCsv(msg.spec, result) });
}

function exportPng(kind: ChartKind): void {
  const c = charts[kind];
  if (!msg || !c) return;
  const heading = kind === 'forward' ? msg.strings.forwardTitle : msg.strings.backwardTitle;
  vscode.postMessage({ kind: 'export', format: 'png', name: `${fileStem()}-${kind}.png`, data: c.toPng(`${msg.spec.title}: ${heading}`) });
}

function fileStem(): string {
  return (msg?.spec.title ?? 'model').replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'model';
}

// ---------------------------------------------------------------- messages
function load(next: LoadMessage): void {
  const sameShape = msg !== null && msg.spec.layers.length === next.spec.layers.length && msg.spec.title === next.spec.title;
  stop();
  msg = next;
  // Keep the previous Monte Carlo curves until new ones arrive (same model, same depth).
  if (!sameShape) mc = null;
  app.dataset.seq = String(next.seq);
  app.dataset.version = next.version;
  app.dataset.layers = String(next.spec.layers.length);
  document.documentElement.lang = document.documentElement.lang || 'en';
  title.textContent = next.spec.title;
  empty.hidden = next.spec.layers.length > 0;
  empty.textContent = next.strings.empty;
  // Notices about the document (closed, model gone) end with a fresh load; the outcome of the user's last apply stays.
  if (!['stale', 'applied', 'noFix'].includes(notice.dataset.kind ?? '')) say(null);
  renderLegend(next.strings);
  drawCharts(false);
  renderTable();
  renderSettings();
  renderAssumptions();
  renderRunLine('analytic');
  if ((next.autoRun || following) && monteCarloAvailable) void startRun();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data as ToWebview | null;
  if (!data || typeof data !== 'object' || typeof (data as { kind?: unknown }).kind !== 'string') return;
  if (data.kind === 'load') load(data);
  else if (data.kind === 'stop') stop();
  else if (data.kind === 'status') {
    say(data.message, data.state);
    app.dataset.status = data.state;
  }
});

// Recolour on theme change: VS Code swaps the body's class and the CSS variables on <html>'s style
// (in two steps), so both are observed and the charts are rebuilt once, on the next frame.
let recolour = 0;
const themeObserver = new MutationObserver(() => {
  cancelAnimationFrame(recolour);
  recolour = requestAnimationFrame(() => {
    if (!msg) return;
    renderLegend(msg.strings);
    drawCharts(true);
  });
});
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

// Follow the panel's width (side-by-side split, resized editor groups), once per frame. The page always
// keeps its scrollbar's room (variance.css): otherwise a notice or a table that makes the page taller
// than the panel brings the scrollbar, narrows the charts, shortens the page, removes the scrollbar,
// widens the charts… and the layout never settles.
let resizeFrame = 0;
new ResizeObserver(() => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => {
    for (const kind of ['forward', 'backward'] as const) {
      const c = charts[kind];
      const w = Math.max(280, chartSections[kind].host.clientWidth);
      if (c && chartSections[kind].host.clientWidth > 0 && Math.abs(c.plot.width - w) > 4) c.plot.setSize({ width: w, height: 240 });
    }
  });
}).observe(app);

vscode.postMessage({ kind: 'ready' });
