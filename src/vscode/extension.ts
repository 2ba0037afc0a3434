/**
 * Entry point (desktop/server: dist/extension.cjs; web: dist/web/extension.js).
 * Only wiring: every provider lives in its own file, every disposable goes to
 * context.subscriptions, and no analysis runs before activate() returns.
 */
import * as vscode from 'vscode';
import { AnalysisService } from './service.js';
import { DiagnosticsController } from './diagnostics.js';
import { CodeActions, Hovers, Lenses } from './providers.js';
import { registerCommands } from './commands.js';
import { VarianceView } from './varianceView.js';
import { startOffThread } from './offThread.js';

/** Set by the bundle's banner and footer (scripts/build.mjs): when its evaluation started and ended. */
declare const __initlensLoadStart: number | undefined;
declare const __initlensLoadEnd: number | undefined;
/** CPU time (ms) spent evaluating the bundle, -1 where process.cpuUsage does not exist (web). */
declare const __initlensLoadCpu: number | undefined;

function cpuNow(): { user: number; system: number } | null {
  return typeof process !== 'undefined' && typeof process.cpuUsage === 'function' ? process.cpuUsage() : null;
}

const SELECTOR: vscode.DocumentSelector = [
  { language: 'python' },
  { language: 'typescript' },
  { language: 'typescriptreact' },
  { language: 'javascript' },
  { language: 'javascriptreact' },
  { notebookType: 'jupyter-notebook', language: 'python' },
];

export function activate(context: vscode.ExtensionContext): void {
  const start = performance.now();
  const cpuStart = cpuNow();
  const log = vscode.window.createOutputChannel('InitLens', { log: true });
  const service = new AnalysisService();
  // Desktop: large documents are analysed on a worker thread (started on the first one); web: null.
  const offThread =
    context.extensionUri.scheme === 'file'
      ? startOffThread({ script: vscode.Uri.joinPath(context.extensionUri, 'dist', 'scanWorker.cjs').fsPath, warn: (m) => log.warn(m) })
      : null;
  const controller = new DiagnosticsController(service, log, offThread);
  const view = new VarianceView(context.extensionUri, log, service, controller);
  context.subscriptions.push(
    log,
    controller,
    { dispose: () => void offThread?.dispose() },
    view,
    vscode.languages.registerCodeActionsProvider(SELECTOR, new CodeActions(service, controller, log), CodeActions.metadata),
    vscode.languages.registerHoverProvider(SELECTOR, new Hovers(service, controller)),
    vscode.languages.registerCodeLensProvider(SELECTOR, new Lenses(service, controller)),
    ...registerCommands(service, controller, view, log, context.extensionUri),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('initlens')) {
        log.info('settings changed, re-analysing open documents');
        controller.reload();
      }
    }),
  );
  // First analysis after activation returns, so activation stays cheap.
  setTimeout(() => controller.analyzeOpenDocuments(), 0);
  const end = performance.now();
  const cpuEnd = cpuNow();
  // Our own cost: evaluating the bundle + activate(). The time VS Code spends between
  // loading the module and calling activate() (context, storage) is not ours and is logged apart.
  // CPU time is logged too: on a loaded machine the wall-clock time includes waiting for a core.
  const loadStart = typeof __initlensLoadStart === 'number' ? __initlensLoadStart : start;
  const loadEnd = typeof __initlensLoadEnd === 'number' && __initlensLoadEnd > 0 ? __initlensLoadEnd : start;
  const evaluation = loadEnd - loadStart;
  const own = end - start;
  const loadCpu = typeof __initlensLoadCpu === 'number' ? __initlensLoadCpu : -1;
  const ownCpu = cpuStart && cpuEnd ? (cpuEnd.user - cpuStart.user + cpuEnd.system - cpuStart.system) / 1000 : -1;
  const cpuText = loadCpu >= 0 && ownCpu >= 0 ? ` (CPU ${(loadCpu + ownCpu).toFixed(1)} ms)` : '';
  log.info(
    `activated in ${(evaluation + own).toFixed(1)} ms${cpuText}: bundle evaluation ${evaluation.toFixed(1)} ms, ` +
      `activate() ${own.toFixed(1)} ms; host wait before activate() ${(start - loadEnd).toFixed(1)} ms`,
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
