/**
 * The variance panels: one webview per model (reused when opened again),
 * titled with the model and its file. The host builds the network spec and the
 * analytic curves (logic/panel.ts), the webview (webview/variance/) draws them
 * and runs the Monte Carlo simulation. The panel follows its document (after the
 * debounced analysis), says when the document was closed or the model deleted,
 * and applies "Apply recommended init" with the quick fixes' edits to the
 * document version it was built from only. Every message from the webview goes
 * through parseFromWebview (src/shared/protocol.ts) first; the rest is dropped.
 */
import * as vscode from 'vscode';
import type { ModelInfo } from '../core/types.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../core/sim/types.js';
import { parseFromWebview, type FromWebview, type LoadMessage, type PanelState, type ToWebview, type WebviewStrings } from '../shared/protocol.js';
import { locateInTarget, targetFor, type Target } from './target.js';
import { currentAnalysis, toWorkspaceEdit } from './providers.js';
import type { ModelKey } from './logic/panel.js';
import { loadEngine } from './engine.js';
import type { AnalysisService } from './service.js';
import type { DiagnosticsController } from './diagnostics.js';

function nonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function panelStrings(): WebviewStrings {
  const t = vscode.l10n.t;
  return {
    forwardTitle: t('Forward: second moment of the activations per layer'),
    backwardTitle: t('Backward: variance of the gradient per layer'),
    forwardAxis: t('E[x²] (log scale)'),
    backwardAxis: t('Var(∂L/∂x) (log scale)'),
    layerAxis: t('Layer (0 = input)'),
    inputLabel: t('input'),
    reference: t('reference 1'),
    initCurrent: t('current'),
    initRecommended: t('recommended'),
    initOrthogonal: t('orthogonal'),
    initLsuv: t('LSUV'),
    analytic: t('analytic'),
    monteCarlo: t('Monte Carlo'),
    band: t('seed band'),
    line: t('Line'),
    layer: t('Layer'),
    activation: t('Activation'),
    normalization: t('Norm.'),
    fans: t('fan_in → fan_out'),
    initNow: t('Init now'),
    initRecommendedCol: t('Recommended'),
    gainCurrent: t('Gain (current)'),
    gainRecommended: t('Gain (recommended)'),
    gainOrthogonal: t('Gain (orthogonal)'),
    gainLsuv: t('Gain (LSUV)'),
    dead: t('Dead units'),
    apply: t('Apply recommended init'),
    applyAll: t('Apply recommended init to the whole model'),
    stop: t('Stop'),
    rerun: t('Run simulation'),
    exportCsv: t('Export CSV'),
    exportPng: t('Export PNG'),
    controls: t('Simulation settings'),
    batch: t('Batch size'),
    seeds: t('Seeds (0 = until converged)'),
    input: t('Input distribution'),
    seedsAuto: t('until converged'),
    inputNormal: t('normal'),
    inputUniform: t('uniform'),
    inputShifted: t('shifted (mean 1)'),
    depthMultiplier: t('Depth multiplier'),
    widthDefault: t('Default width (unknown widths)'),
    spatial: t('Spatial size (convolutions)'),
    steps: t('Steps (recurrent layers)'),
    override: t('Init override'),
    overrideNone: t('as written'),
    assumptions: t('Assumptions'),
    noAssumptions: t('No assumption beyond the code.'),
    backend: t('Backend: {0}'),
    firstCurve: t('first curve after {0} ms'),
    progress: t('{0} of {1} seeds'),
    analyticOnly: t('Analytic curves only: the Monte Carlo simulator is not available in this build.'),
    analyticReady: t('Analytic curves (mean field). Run simulation for the Monte Carlo curves.'),
    stopped: t('Stopped.'),
    running: t('Simulating…'),
    done: t('Done.'),
    outOfRange: t('gain outside [0.9, 1.1]'),
    reveal: t('Go to line {0}'),
    empty: t('This model has no weight layers InitLens can read.'),
    closed: t('The document was closed: the panel shows its last state.'),
    gone: t('The model is no longer in the document: the panel shows its last state.'),
    stale: t('The document changed since the panel was built: nothing applied. The panel is refreshing.'),
    applied: t('Applied: {0}'),
    noFix: t('No safe fix for this layer: nothing applied.'),
    meaningDecay: t('Under the current init the signal shrinks ×{0} per layer: after {1} layers it is {2} of the input.'),
    meaningGrow: t('Under the current init the signal grows ×{0} per layer: after {1} layers it is {2} times the input.'),
    meaningFlat: t('Under the current init the signal keeps its scale (×{0} per layer over {1} layers).'),
    meaningTanhEdge: t('tanh with Glorot sits at the edge of chaos: the forward signal decays slowly (polynomially) while gradients are preserved.'),
    meaningTanhChaos: t('He init makes tanh chaotic: per-layer gradient gain above 1, so nearby inputs are driven apart.'),
    meaningHead: t('The output head ({0}, layer {1}) is judged by its own target, the scale of its outputs ({2} under the current init), not by unit gain: the shaded layer of the charts.'),
    headZone: t('output head: own target'),
    meaningBackward: t('Under the current init the gradient is multiplied by {0} from the last layer to the first.'),
    updating: t('The document changed: updating…'),
    simError: t('The simulation failed: {0}'),
  };
}

interface ModelPanel {
  id: string;
  panel: vscode.WebviewPanel;
  target: Target;
  key: ModelKey;
  fileName: string;
  version: string;
  seq: number;
  options: SimOptions;
  ready: boolean;
  last: ToWebview | null;
  refresh: ReturnType<typeof setTimeout> | null;
  state: 'live' | 'closed' | 'gone';
}

export class VarianceView implements vscode.Disposable {
  private readonly panels = new Map<string, ModelPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly service: AnalysisService,
    private readonly controller: DiagnosticsController,
  ) {
    this.disposables.push(
      controller.onDidAnalyze(() => this.followEdits()),
      vscode.workspace.onDidCloseTextDocument((doc) => this.documentClosed(doc)),
    );
  }

  /** Opens (or reveals and reloads) the panel of `model` in `target`. */
  async open(target: Target, model: ModelInfo): Promise<void> {
    const engine = await loadEngine();
    const doc = target.docs[0];
    if (!doc) return;
    const current = await currentAnalysis(doc, this.service, this.controller);
    if (!current) return;
    const key = engine.modelKey(current.analysis.result, model);
    const id = `${target.key}#${key.framework}:${key.kind}:${key.name ?? ''}:${key.rank}`;
    let p = this.panels.get(id);
    if (!p) {
      const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
      const panel = vscode.window.createWebviewPanel(
        'initlens.variance',
        vscode.l10n.t('InitLens: variance'),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [root], retainContextWhenHidden: true },
      );
      const created: ModelPanel = {
        id,
        panel,
        target: current.target,
        key,
        fileName: target.uri.path.slice(target.uri.path.lastIndexOf('/') + 1),
        version: current.target.version,
        seq: 0,
        // Seeds until converged, at most 8 per init: a first answer in seconds (more seeds from the settings).
        options: { ...DEFAULT_SIM_OPTIONS, maxSeeds: 8 },
        ready: false,
        last: null,
        refresh: null,
        state: 'live',
      };
      p = created;
      this.panels.set(id, created);
      panel.webview.html = this.html(panel.webview, root);
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(created, m));
      panel.onDidDispose(() => {
        if (created.refresh) clearTimeout(created.refresh);
        this.panels.delete(id);
      });
    } else {
      p.panel.reveal(undefined, true);
    }
    p.state = 'live';
    p.target = current.target;
    p.key = key;
    await this.load(p, true);
  }

  /** Rebuilds the panel's spec from the current analysis of its document and sends it. */
  private async load(p: ModelPanel, _refresh: boolean): Promise<void> {
    const doc = p.target.docs[0];
    if (!doc || doc.isClosed) return;
    const current = await currentAnalysis(doc, this.service, this.controller);
    if (!current) return;
    const { engine, target, analysis } = current;
    const model = engine.findModel(analysis.result, p.key);
    if (!model) {
      p.state = 'gone';
      p.version = target.version;
      this.post(p, { kind: 'status', state: 'gone', message: panelStrings().gone });
      return;
    }
    p.target = target;
    p.key = engine.modelKey(analysis.result, model);
    p.version = target.version;
    const options: SimOptions = { ...p.options, distribution: this.controller.currentSettings().distribution };
    const built = engine.panelModel(analysis.result, model.id, options, p.fileName, (offset) => {
      const at = locateInTarget(target, offset, offset);
      return at ? at.doc.positionAt(at.from).line + 1 : 0;
    });
    if ('error' in built) {
      this.post(p, { kind: 'status', state: 'error', message: built.error });
      return;
    }
    p.seq++;
    p.panel.title = vscode.l10n.t('Variance: {0}', built.spec.title);
    const message: LoadMessage = {
      kind: 'load',
      seq: p.seq,
      version: target.version,
      spec: built.spec,
      analytic: built.analytic,
      options,
      layers: built.layers,
      strings: panelStrings(),
      // The panel simulates as soon as it opens and after every edit (issue 10: "drawn as it computes").
      autoRun: true,
    };
    p.last = message;
    this.log.info(`variance panel: ${built.spec.title}, ${built.spec.layers.length} layers, document version ${target.version}`);
    if (p.ready) void p.panel.webview.postMessage(message);
  }

  private post(p: ModelPanel, message: ToWebview): void {
    if (message.kind === 'status') this.log.info(`variance panel ${p.key.name ?? p.key.kind}: ${message.state}: ${message.message}`);
    if (p.ready) void p.panel.webview.postMessage(message);
  }

  /** After a (debounced) analysis: every panel whose document moved on reloads, keeping its curves until then. */
  private followEdits(): void {
    for (const p of this.panels.values()) {
      if (p.state === 'closed') continue;
      const doc = p.target.docs[0];
      if (!doc || doc.isClosed) continue;
      const fresh = targetFor(doc);
      if (!fresh || fresh.version === p.version) continue;
      if (p.refresh) clearTimeout(p.refresh);
      p.refresh = setTimeout(() => {
        p.refresh = null;
        void this.load(p, true);
      }, 150);
    }
  }

  private documentClosed(doc: vscode.TextDocument): void {
    for (const p of this.panels.values()) {
      if (!p.target.docs.includes(doc)) continue;
      p.state = 'closed';
      this.post(p, { kind: 'stop' });
      this.post(p, { kind: 'status', state: 'closed', message: panelStrings().closed });
    }
  }

  private async receive(p: ModelPanel, raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (typeof message === 'string') {
      this.log.warn(`variance panel: dropped a malformed message (${message})`);
      return;
    }
    await this.handle(p, message);
  }

  private async handle(p: ModelPanel, message: FromWebview): Promise<void> {
    switch (message.kind) {
      case 'ready':
        p.ready = true;
        if (p.last) void p.panel.webview.postMessage(p.last);
        return;
      case 'reveal': {
        const doc = p.target.docs[0];
        if (!doc || doc.isClosed) return;
        const current = await currentAnalysis(doc, this.service, this.controller);
        const layer = current?.analysis.result.layers.find((l) => l.id === message.layerId);
        if (!current || !layer) return;
        const at = locateInTarget(current.target, layer.span.from, layer.span.from);
        if (!at) return;
        const pos = at.doc.positionAt(at.from);
        await vscode.window.showTextDocument(at.doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
        return;
      }
      case 'apply':
        await this.apply(p, message.layerId, message.version);
        return;
      case 'options':
        p.options = message.options;
        await this.load(p, true);
        return;
      case 'export':
        await this.export(message.format, message.name, message.data);
        return;
      case 'event':
        if (message.seq === p.seq) this.log.info(`variance panel ${p.key.name ?? p.key.kind}: ${message.event} ${message.detail}`);
        return;
    }
  }

  private status(p: ModelPanel, state: PanelState, message: string): void {
    this.post(p, { kind: 'status', state, message });
  }

  private async apply(p: ModelPanel, layerId: number | null, version: string): Promise<void> {
    const s = panelStrings();
    const doc = p.target.docs[0];
    const fresh = doc && !doc.isClosed ? targetFor(doc) : null;
    if (!doc || !fresh || p.state !== 'live' || version !== p.version || fresh.version !== version) {
      this.log.warn(`variance panel: apply refused, the panel was built from version ${version}, the document is at ${fresh?.version ?? 'closed'}`);
      void vscode.window.showWarningMessage(s.stale);
      if (fresh && fresh.version !== p.version && p.state === 'live') await this.load(p, true);
      this.status(p, 'stale', s.stale);
      return;
    }
    const current = await currentAnalysis(doc, this.service, this.controller);
    if (!current || current.target.version !== version) {
      this.status(p, 'stale', s.stale);
      return;
    }
    const { engine, analysis, target } = current;
    const model = engine.findModel(analysis.result, p.key);
    if (!model) {
      this.status(p, 'gone', s.gone);
      return;
    }
    const { edits, titles } = engine.recommendedEdits(analysis.result, model.id, layerId);
    if (edits.length === 0) {
      this.status(p, 'noFix', s.noFix);
      return;
    }
    const we = toWorkspaceEdit(target, edits);
    const again = targetFor(doc);
    if (!we || !again || again.version !== version) {
      this.status(p, 'stale', s.stale);
      return;
    }
    const ok = await vscode.workspace.applyEdit(we);
    this.log.info(`variance panel: apply ${layerId === null ? 'to the model' : `to layer ${layerId}`}: ${titles.join('; ')} (${ok ? 'applied' : 'rejected'})`);
    if (ok) this.status(p, 'applied', vscode.l10n.t('Applied: {0}', titles.join('; ')));
  }

  private async export(format: 'csv' | 'png', name: string, data: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'csv' ? { CSV: ['csv'] } : { PNG: ['png'] },
    });
    if (!uri) return;
    const bytes =
      format === 'csv'
        ? new TextEncoder().encode(data)
        : Uint8Array.from(atob(data.slice('data:image/png;base64,'.length)), (c) => c.charCodeAt(0));
    await vscode.workspace.fs.writeFile(uri, bytes);
    this.log.info(`variance panel: exported ${uri.toString(true)} (${bytes.length} bytes)`);
  }

  private html(webview: vscode.Webview, root: vscode.Uri): string {
    const n = nonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'variance.js'));
    const css = webview.asWebviewUri(vscode.Uri.joinPath(root, 'variance.css'));
    const uplotCss = webview.asWebviewUri(vscode.Uri.joinPath(root, 'uPlot.min.css'));
    const assets = webview.asWebviewUri(root);
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource} 'nonce-${n}'`,
      // 'wasm-unsafe-eval' compiles the simulator's WASM backend (no JavaScript eval). The simulator runs in a
      // worker started from a blob: URL of its bundle (the page fetches it and the WASM binaries: connect-src),
      // and the worker reads the binaries from blob: URLs the page made.
      `script-src 'nonce-${n}' 'wasm-unsafe-eval'`,
      `worker-src blob:`,
      `connect-src ${webview.cspSource} blob:`,
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uplotCss}">
<link rel="stylesheet" href="${css}">
<title>InitLens</title>
</head>
<body>
<main id="app" data-state="loading" data-assets="${assets}"></main>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const p of this.panels.values()) p.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
