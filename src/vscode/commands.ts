/** The palette commands: analyze workspace, fix all in file, simulate variance, show output. */
import * as vscode from 'vscode';
import { settingsOverrides } from './logic/settings.js';
import { scanWorkspaceFiles } from './logic/workspaceScan.js';
import { startScanThreads, type ScanJob } from './scanThreads.js';
import { optionsFor } from '../core/config/discover.js';
import { defaultOptions } from '../core/types.js';
import { SHOW_RULE_DOCS } from './logic/present.js';
import { loadEngine } from './engine.js';
import { targetFor, toTargetOffset } from './target.js';
import { toRangeIn, toSeverity } from './convert.js';
import { currentAnalysis, toWorkspaceEdit, SIMULATE_COMMAND } from './providers.js';

import type { AnalysisService } from './service.js';
import type { DiagnosticsController } from './diagnostics.js';
import type { VarianceView } from './varianceView.js';

export function registerCommands(
  service: AnalysisService,
  controller: DiagnosticsController,
  view: VarianceView,
  log: vscode.LogOutputChannel,
  /** The extension's folder: dist/scanWorker.cjs, the workspace scan's worker thread, is there. */
  extensionUri: vscode.Uri,
): vscode.Disposable[] {
  const workspaceDiagnostics = vscode.languages.createDiagnosticCollection('initlens-workspace');
  return [
    workspaceDiagnostics,
    // A document opened in the editor is analysed live; drop its workspace-scan entry.
    vscode.workspace.onDidOpenTextDocument((doc) => workspaceDiagnostics.delete(doc.uri)),
    // An opened notebook is analysed live, cell by cell: drop the whole-file entries.
    vscode.workspace.onDidOpenNotebookDocument((nb) => workspaceDiagnostics.delete(nb.uri)),
    vscode.commands.registerCommand('initlens.showOutput', () => log.show(true)),
    vscode.workspace.registerTextDocumentContentProvider(DOCS_SCHEME, new RuleDocs()),
    vscode.commands.registerCommand(SHOW_RULE_DOCS, (code?: unknown) => showRuleDocs(typeof code === 'string' ? code : undefined, log)),
    vscode.commands.registerCommand('initlens.fixAllInFile', () => fixAllInFile(service, controller, log)),
    vscode.commands.registerCommand('initlens.analyzeWorkspace', () => analyzeWorkspace(controller, workspaceDiagnostics, log, extensionUri)),
    vscode.commands.registerCommand(SIMULATE_COMMAND, (uri?: unknown, model?: unknown) =>
      simulate(service, controller, view, typeof uri === 'string' ? uri : undefined, typeof model === 'number' ? model : undefined),
    ),
  ];
}

/** Rule documentation, bundled with the extension (rendered from the rule registry: offline, same text as docs/rules.md). */
const DOCS_SCHEME = 'initlens-docs';

class RuleDocs implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const engine = await loadEngine();
    const code = uri.path.replace(/^\//, '').replace(/\.md$/, '');
    return engine.ruleDocPage(code) ?? vscode.l10n.t('No InitLens rule {0}.', code);
  }
}

/** "Show documentation for IL001": the rule's page in a Markdown preview (a quick pick of rules without a code). */
async function showRuleDocs(code: string | undefined, log: vscode.LogOutputChannel): Promise<void> {
  const engine = await loadEngine();
  if (!code) {
    const pick = await vscode.window.showQuickPick(
      engine.allRules.map((r) => ({ label: r.code, description: r.title })),
      { placeHolder: vscode.l10n.t('InitLens rule') },
    );
    if (!pick) return;
    code = pick.label;
  }
  const uri = vscode.Uri.from({ scheme: DOCS_SCHEME, path: `/${code}.md` });
  log.info(`showing the documentation of ${code}`);
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    // No Markdown preview (a minimal editor): the Markdown source itself.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }
}

async function fixAllInFile(service: AnalysisService, controller: DiagnosticsController, log: vscode.LogOutputChannel): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showInformationMessage(vscode.l10n.t('InitLens: open a Python, TypeScript or JavaScript file first.'));
    return;
  }
  // Edits are computed for one exact version; if the text moved on meanwhile, recompute (twice at most).
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await currentAnalysis(doc, service, controller);
    if (!current) {
      void vscode.window.showInformationMessage(vscode.l10n.t('InitLens does not analyse this file.'));
      return;
    }
    const { engine, target } = current;
    const settings = controller.currentSettings();
    const options = service.optionsFor(target, settings);
    // with the workspace, as the diagnostics (an init applied in another file is not "fixed" here)
    const project = controller.projects.current ? controller.projects.contextFor(engine, target) : null;
    const { edits: raw, applied } = engine.fixAll(target.text, target.language, options, project ? (t) => engine.analyzeInWorkspace(project.index, project.rel, t, target.language, options) : undefined);
    const edits = engine.minimalEdits(target.text, raw);
    if (applied === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('InitLens: nothing to fix in this file.'));
      return;
    }
    const we = toWorkspaceEdit(target, edits);
    const fresh = targetFor(doc);
    if (!we || !fresh || fresh.version !== target.version) continue;
    const ok = await vscode.workspace.applyEdit(we);
    log.info(`fix all: ${applied} fixes in ${vscode.workspace.asRelativePath(doc.uri)} (${ok ? 'applied' : 'rejected'})`);
    return;
  }
  log.warn('fix all: the document kept changing, gave up');
}

const MODEL_FILES = '**/*.{py,ipynb,ts,tsx,js,jsx,mjs,cjs,mts,cts}';

async function analyzeWorkspace(
  controller: DiagnosticsController,
  collection: vscode.DiagnosticCollection,
  log: vscode.LogOutputChannel,
  extensionUri: vscode.Uri,
): Promise<void> {
  const settings = controller.currentSettings();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('InitLens: analyzing workspace'), cancellable: true },
    async (progress, token) => {
      const engine = await loadEngine();
      const exclude = settings.exclude.length > 0 ? `{${settings.exclude.join(',')}}` : undefined;
      // A closed notebook is reported on the .ipynb file itself, at each layer's place in the JSON
      // (the same analysis as the language server's workspace scan: logic/closedFile.ts).
      const inThread = (job: ScanJob) => engine.closedFileDiagnostics(engine, job.path, job.text, job.settings, job.excluded, job.options);
      // Desktop: the analysis runs on worker threads, one per core (null in the web extension: in this
      // thread). Started before the file search, so that they load the engine meanwhile.
      const threads =
        extensionUri.scheme === 'file'
          ? startScanThreads({ script: vscode.Uri.joinPath(extensionUri, 'dist', 'scanWorker.cjs').fsPath, fallback: inThread, warn: (m) => log.warn(m) })
          : null;
      let uris: vscode.Uri[];
      try {
        uris = await vscode.workspace.findFiles(MODEL_FILES, exclude, undefined, token);
      } catch (e) {
        await threads?.close();
        throw e;
      }
      const started = performance.now();
      const open = new Set([
        ...vscode.workspace.textDocuments.map((d) => d.uri.toString()),
        ...vscode.workspace.notebookDocuments.map((d) => d.uri.toString()),
      ]);
      const decoder = new TextDecoder();
      collection.clear();
      const cancel = token.onCancellationRequested(() => void threads?.close());
      let summary;
      try {
        summary = await scanWorkspaceFiles(
          uris,
          {
            isOpen: (uri) => open.has(uri.toString()),
            read: async (uri) => {
              try {
                return decoder.decode(await vscode.workspace.fs.readFile(uri));
              } catch {
                return null;
              }
            },
            analyze: async (uri, text) => {
              // The project configuration is read here (it reads files); the analysis itself is plain data in, plain data out.
              const job: ScanJob = { path: uri.path, text, settings, excluded: controller.isExcluded(uri), options: optionsFor(defaultOptions, await controller.projectFor(uri), uri.path, settingsOverrides(settings)) };
              return threads ? threads.analyze(job) : inThread(job);
            },
            // Not opened as a document (that would start live analysis and duplicate the entries).
            publish: (uri, text, found) => {
              const index = new engine.LineIndex(text);
              collection.set(
                uri,
                found.map((d) => {
                  const diag = new vscode.Diagnostic(toRangeIn(index, d.from, d.to), d.message, toSeverity(d.severity));
                  diag.source = 'InitLens';
                  diag.code = { value: d.code, target: vscode.Uri.parse(d.docsUrl) };
                  if (d.related.length) diag.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRangeIn(index, r.from, r.to)), r.message));
                  return diag;
                }),
              );
            },
            progress: (uri, increment) => progress.report({ message: vscode.workspace.asRelativePath(uri), increment }),
            isCancelled: () => token.isCancellationRequested,
            now: () => performance.now(),
            yieldToHost: () => new Promise((r) => setTimeout(r, 0)),
          },
          // Two files in flight per worker: the host reads the next file while the workers analyse.
          { lanes: threads ? threads.size * 2 : 1 },
        );
      } finally {
        cancel.dispose();
        await threads?.close();
      }
      const { files, withFindings, findings: total } = summary;
      const ms = performance.now() - started;
      const cancelled = token.isCancellationRequested ? ' (cancelled)' : '';
      const where = threads ? `${threads.size} worker threads` : 'in the extension host';
      log.info(`workspace: ${files} files analysed (${where}), ${total} findings in ${withFindings} files, ${ms.toFixed(0)} ms${cancelled}`);
      if (total > 0) void vscode.commands.executeCommand('workbench.actions.view.problems');
      else if (!token.isCancellationRequested) {
        void vscode.window.showInformationMessage(vscode.l10n.t('InitLens: no problems found in {0} files.', files));
      }
    },
  );
}

async function simulate(
  service: AnalysisService,
  controller: DiagnosticsController,
  view: VarianceView,
  uriArg: string | undefined,
  modelArg: number | undefined,
): Promise<void> {
  let doc: vscode.TextDocument | undefined;
  if (uriArg) doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uriArg);
  doc ??= vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showInformationMessage(vscode.l10n.t('InitLens: open a file with a model first.'));
    return;
  }
  const current = await currentAnalysis(doc, service, controller);
  const models = current?.analysis.result.models.filter((m) => m.layers.length > 0) ?? [];
  if (!current || models.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('InitLens found no model in this file.'));
    return;
  }
  const { engine, target, analysis } = current;
  let model = models.find((m) => m.id === modelArg);
  if (!model) {
    // The model under the cursor, else the only one, else ask.
    const editor = vscode.window.activeTextEditor;
    const offset = editor && editor.document === doc ? toTargetOffset(target, doc, doc.offsetAt(editor.selection.active)) : null;
    const byId = new Map(analysis.result.layers.map((l) => [l.id, l]));
    if (offset !== null) {
      model = models.find(
        (m) =>
          (m.span.from <= offset && offset <= m.span.to) ||
          m.layers.some((id) => {
            const l = byId.get(id);
            return !!l && l.span.from <= offset && offset <= l.span.to;
          }),
      );
    }
    if (!model && models.length === 1) model = models[0];
    if (!model) {
      const pick = await vscode.window.showQuickPick(
        models.map((m) => ({
          label: m.name ?? m.kind,
          description: vscode.l10n.t('{0}, {1} layers', m.framework, m.layers.length),
          model: m,
        })),
        { placeHolder: vscode.l10n.t('Which model?') },
      );
      if (!pick) return;
      model = pick.model;
    }
  }
  await view.open(target, model);
}
