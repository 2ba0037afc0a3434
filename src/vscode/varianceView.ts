/**
 * The "Simulate variance" panel. Until the tfjs simulation lands it shows the
 * analytic per-layer table (read-only): Var(W), forward factor and cumulative
 * second moment under the current and the recommended init, plus a chart.
 * Talks to webview/variance/main.ts only through src/shared/protocol.ts.
 */
import * as vscode from 'vscode';
import type { FromWebview, ToWebview, VarianceTable, WebviewStrings } from '../shared/protocol.js';
import { locateInTarget, type Target } from './target.js';

function nonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function strings(): WebviewStrings {
  const t = vscode.l10n.t;
  return {
    layer: t('Layer'),
    fans: t('fan_in → fan_out'),
    activation: t('Activation'),
    current: t('Current init'),
    recommended: t('Recommended init'),
    init: t('Init'),
    variance: t('Var(W)'),
    factor: t('Gain per layer'),
    cumulative: t('Cumulative second moment'),
    chartTitle: t('Cumulative second moment by layer (log scale)'),
    note: t(
      'Analytic mean-field estimate at initialization (zero biases, unit-variance Gaussian pre-activations, E[φ(z)²] at z ~ N(0,1)): each layer multiplies the second moment by fan_in·Var(W)·E[φ(z)²]. 1 is ideal; below 1 the signal vanishes, above 1 it explodes. The tfjs simulation on random inputs comes in a later version.',
    ),
    empty: t('This model has no weight layers InitLens can read.'),
    reveal: t('Go to layer'),
    assumedFans: t('fan_in unknown: computed with fan_in = fan_out'),
  };
}

export class VarianceView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private target: Target | null = null;
  private last: ToWebview | null = null;
  private ready = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  show(table: VarianceTable, target: Target): void {
    this.target = target;
    this.last = { kind: 'show', table, strings: strings() };
    if (!this.panel) {
      const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
      this.panel = vscode.window.createWebviewPanel(
        'initlens.variance',
        vscode.l10n.t('InitLens: variance'),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [root], retainContextWhenHidden: false },
      );
      this.ready = false;
      this.panel.webview.html = this.html(this.panel.webview, root);
      this.panel.webview.onDidReceiveMessage((m: FromWebview) => this.receive(m));
      this.panel.onDidDispose(() => {
        this.panel = null;
        this.ready = false;
      });
    } else {
      this.panel.reveal(undefined, true);
    }
    this.panel.title = vscode.l10n.t('Variance: {0}', table.title);
    if (this.ready) void this.panel.webview.postMessage(this.last);
  }

  private receive(message: FromWebview): void {
    if (message.kind === 'ready') {
      this.ready = true;
      if (this.last && this.panel) void this.panel.webview.postMessage(this.last);
      this.log.debug('variance view ready');
    } else if (message.kind === 'reveal' && this.target) {
      const at = locateInTarget(this.target, message.offset, message.offset);
      if (!at) return;
      const pos = at.doc.positionAt(at.from);
      void vscode.window.showTextDocument(at.doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
    }
  }

  private html(webview: vscode.Webview, root: vscode.Uri): string {
    const n = nonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'variance.js'));
    const css = webview.asWebviewUri(vscode.Uri.joinPath(root, 'variance.css'));
    const uplotCss = webview.asWebviewUri(vscode.Uri.joinPath(root, 'uPlot.min.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource} 'nonce-${n}'`,
      `script-src 'nonce-${n}'`,
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
<main id="app" data-state="loading"></main>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
