/**
 * One language-server session: every LSP handler, over a connection made by
 * main.ts (stdio or a socket). The analysis is the extension's: the same
 * on-type `IncrementalAnalyzer` per document (through `AnalysisService`), the
 * same settings, findings → diagnostics, quick fixes, ignore comments, fix-all,
 * hover and CodeLens data (src/vscode/logic/), so the two never disagree. This
 * file only converts offsets to LSP positions and talks the protocol.
 *
 * Diagnostics are pulled (`textDocument/diagnostic`, `workspace/diagnostic`)
 * when the client says it can, and pushed (`textDocument/publishDiagnostics`,
 * debounced by `initlens.debounceMs`) otherwise.
 */
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  LSPErrorCodes,
  MarkupKind,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type ClientCapabilities,
  type CodeAction,
  type CodeLens,
  type Connection,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Hover,
  type InitializeParams,
  type InitializeResult,
  type Range,
  type TextDocumentEdit,
  type TextEdit as LspTextEdit,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
  type WorkspaceEdit,
  WorkDoneProgressReporter,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as nodePath from 'node:path';
import type { AnalysisResult, Severity, TextEdit } from '../core/types.js';
import { fixAll, DEFAULT_MAX_FILE_SIZE } from '../core/index.js';
import { editsForCells } from '../vscode/logic/cellEdits.js';
import { IncrementalAnalyzer } from '../core/analysis/incremental.js';
import { WorkspaceAnalyzer, affectedBy, analyzeInWorkspace } from '../core/workspace/analyze.js';
import { ServerWorkspace } from './workspace.js';
import { AnalysisService, type Analysis } from '../vscode/service.js';
import {
  defaultSettings,
  settingsFromConfig,
  skipReason,
  toAnalysisOptions,
  type InitLensSettings,
} from '../vscode/logic/settings.js';
import { codeLenses, FIX_ALL_KIND, hoverAt, modelAt, SOURCE, toDiagnostics, type DiagnosticData } from '../vscode/logic/present.js';
import { fixAllQuickFix, minimalEdits, quickFixes, sourceFixAll, type ActionContext, type ActionData } from '../vscode/logic/actions.js';
import { hoverMarkdown, modelTable } from '../vscode/logic/variance.js';
import { compileGlobs, type PathMatcher } from '../vscode/logic/glob.js';
import { Scheduler } from '../vscode/logic/scheduler.js';
import { DocumentStore, locateInTarget, toTargetOffset, type ServerTarget } from './documents.js';
import { curvesMarkdown, tableMarkdown, tableText } from './simulate.js';
import { panelModel } from '../vscode/logic/panel.js';
import type { SimOptions, SimulationResult } from '../core/sim/types.js';
import { monteCarloMarkdown, monteCarloText, parseSimulateRequest, reducedNote, runMonteCarlo } from './montecarlo.js';
import { scanWorkspace, type ScannedFile } from './scan.js';

export const COMMANDS = {
  simulate: 'initlens.simulateModel',
  fixAll: 'initlens.fixAllInFile',
  analyzeWorkspace: 'initlens.analyzeWorkspace',
} as const;

const engine = { IncrementalAnalyzer, WorkspaceAnalyzer };

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * Settings from an `initlens` object, nested as in VS Code's settings
 * (`{"codeAction": {"disableRuleComment": false}}`) or with dotted keys
 * (`{"codeAction.disableRuleComment": false, "severity.IL001": "off"}`), or both.
 */
export function settingsFromObject(value: unknown): InitLensSettings {
  const nested: Record<string, unknown> = {};
  if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      const parts = key.split('.');
      let cur = nested;
      for (const part of parts.slice(0, -1)) {
        if (!isRecord(cur[part])) cur[part] = {};
        cur = cur[part] as Record<string, unknown>;
      }
      const last = parts[parts.length - 1]!;
      cur[last] = isRecord(v) && isRecord(cur[last]) ? { ...(cur[last] as object), ...v } : v;
    }
  }
  return settingsFromConfig((key) => {
    let cur: unknown = nested;
    for (const part of key.split('.')) {
      if (!isRecord(cur)) return undefined;
      cur = cur[part];
    }
    return cur;
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `initializationOptions` may be the `initlens` section itself or `{ initlens: {...} }`. */
function sectionOf(options: unknown): unknown {
  if (options !== null && typeof options === 'object' && 'initlens' in options) return (options as { initlens: unknown }).initlens;
  return options;
}

/** A tick of the event loop, so that a `$/cancelRequest` sent meanwhile is seen. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

export interface Session {
  /** Whether the client sent `shutdown` (the exit status is then 0). */
  shutdownReceived(): boolean;
}

export function startSession(connection: Connection): Session {
  const store = new DocumentStore();
  const service = new AnalysisService();
  const scheduler = new Scheduler();
  let settings: InitLensSettings = defaultSettings;
  let initSettings: InitLensSettings = defaultSettings;
  let settingsGeneration = 0;
  let excluded: PathMatcher = compileGlobs(settings.exclude);
  let caps: ClientCapabilities = {};
  let folders: string[] = [];
  let pull = false;
  /** Closed files whose diagnostics were pushed by a workspace scan. */
  const scanned = new Set<string>();
  const log = (message: string) => connection.console.log(message);
  /** The workspace index (src/core/workspace), for analysis across files. */
  const workspace = new ServerWorkspace(log);
  /** Bumped when a file an open document's analysis reads changes: the document's pull result id changes with it. */
  const dependencyGeneration = new Map<string, number>();

  const setSettings = (next: InitLensSettings) => {
    settings = next;
    settingsGeneration++;
    excluded = compileGlobs(settings.exclude);
    service.clear();
  };

  // --- lifecycle ----------------------------------------------------------------

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    caps = params.capabilities;
    pull = !!caps.textDocument?.diagnostic;
    folders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (folders.length === 0 && params.rootUri) folders = [params.rootUri];
    workspace.setFolders(folders);
    const opts = sectionOf(params.initializationOptions);
    if (opts !== undefined && opts !== null) {
      initSettings = settingsFromObject(opts);
      setSettings(initSettings);
    }
    return {
      capabilities: {
        positionEncoding: 'utf-16',
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        notebookDocumentSync: { notebookSelector: [{ notebook: '*', cells: [{ language: 'python' }] }] },
        diagnosticProvider: pull ? { identifier: 'initlens', interFileDependencies: true, workspaceDiagnostics: true, workDoneProgress: true } : undefined,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: Object.values(COMMANDS) },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'initlens', version: process.env.INITLENS_VERSION ?? undefined },
    };
  });

  connection.onInitialized(async () => {
    if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'initlens' }).catch(() => undefined);
    }
    if (caps.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        folders = folders.filter((f) => !e.removed.some((r) => r.uri === f)).concat(e.added.map((a) => a.uri));
        workspace.setFolders(folders);
        void buildIndex();
      });
    }
    if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{py,pyi,ipynb,ts,mts,cts,js,mjs,cjs}' }] })
        .catch(() => undefined);
    }
    await reloadConfiguration();
    void buildIndex();
  });

  let shutdown = false;
  connection.onShutdown(() => {
    shutdown = true;
    scheduler.dispose();
  });

  /** Settings from `workspace/configuration` (section `initlens`), else the initialization options. */
  async function reloadConfiguration(pushed?: unknown): Promise<void> {
    let next = initSettings;
    if (caps.workspace?.configuration) {
      try {
        const [section] = (await connection.workspace.getConfiguration([{ section: 'initlens' }])) as unknown[];
        if (section !== null && section !== undefined) next = settingsFromObject(section);
      } catch (e) {
        log(`workspace/configuration failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    } else if (pushed !== undefined && pushed !== null) {
      next = settingsFromObject(sectionOf(pushed));
    }
    if (JSON.stringify(next) === JSON.stringify(settings)) return;
    setSettings(next);
    refreshAll();
  }

  connection.onDidChangeConfiguration((params) => void reloadConfiguration(params.settings));

  /** Builds the workspace index; when it is there, every open file is analysed again with its workspace. */
  async function buildIndex(): Promise<void> {
    const before = workspace.current;
    const index = await workspace.ensure(DEFAULT_MAX_FILE_SIZE);
    if (!index || index === before) return;
    for (const uri of [...store.textUris(), ...store.notebookUris()]) {
      service.invalidate(uri);
      dependencyGeneration.set(uri, (dependencyGeneration.get(uri) ?? 0) + 1);
    }
    refreshAll();
  }

  /** `rel` changed in the index: the open files whose workspace analysis reads it and changes with it are analysed again. */
  function dependantsChanged(rel: string): void {
    const index = workspace.current;
    if (!index) return;
    const { files, keys } = service.tracked();
    let affected: string[];
    try {
      affected = affectedBy(index, rel, files);
    } catch (e) {
      log(`workspace dependants of ${rel}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    let any = false;
    for (const r of affected) {
      const key = keys.get(r);
      if (!key) continue;
      any = true;
      service.invalidate(key);
      dependencyGeneration.set(key, (dependencyGeneration.get(key) ?? 0) + 1);
      schedulePush(key, settings.debounceMs);
    }
    if (any && pull && caps.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh().catch(() => undefined);
  }

  connection.onDidChangeWatchedFiles(async ({ changes }) => {
    for (const c of changes) {
      if (store.target(c.uri)) continue; // open: its text wins (fed before each analysis)
      const rel = await workspace.reread(c.uri);
      if (rel !== null) dependantsChanged(rel);
    }
  });

  /** Everything shown may have changed (settings): ask the client again, or push again. */
  function refreshAll(): void {
    if (pull) {
      if (caps.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh().catch(() => undefined);
    } else {
      for (const uri of [...store.textUris(), ...store.notebookUris()]) schedulePush(uri, 0);
    }
    if (caps.workspace?.codeLens?.refreshSupport) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  }

  // --- documents ------------------------------------------------------------------

  connection.onDidOpenTextDocument(({ textDocument }) => {
    store.open(textDocument);
    clearScanned(textDocument.uri);
    schedulePush(textDocument.uri, 0);
  });
  connection.onDidChangeTextDocument((params) => {
    const offsets = store.change(params);
    const uri = params.textDocument.uri;
    if (offsets) service.noteChanges(uri, offsets);
    else service.noteChanges(uri, []); // not one exact range change: the analyzer finds the change itself
    if (settings.run === 'onType') schedulePush(uri, settings.debounceMs);
  });
  connection.onDidSaveTextDocument(({ textDocument }) => {
    if (settings.run === 'onSave') schedulePush(textDocument.uri, 0);
  });
  connection.onDidCloseTextDocument(({ textDocument }) => {
    store.close(textDocument.uri);
    scheduler.cancel(textDocument.uri);
    service.forget(textDocument.uri);
    if (!pull) void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
    // the index goes back to the disk's text (unsaved edits are gone)
    void workspace.reread(textDocument.uri).then((rel) => rel !== null && dependantsChanged(rel));
  });

  connection.notebooks.synchronization.onDidOpenNotebookDocument((params) => {
    store.openNotebook(params);
    clearScanned(params.notebookDocument.uri);
    schedulePush(params.notebookDocument.uri, 0);
  });
  connection.notebooks.synchronization.onDidChangeNotebookDocument((params) => {
    const uri = params.notebookDocument.uri;
    const analysed = () => store.target(uri)?.docs.map((d) => d.uri) ?? [];
    const before = analysed();
    if (!store.changeNotebook(params)) return;
    // Cells no longer analysed (removed, or turned into markdown by a cell data change) lose their diagnostics.
    const after = new Set(analysed());
    if (!pull) for (const cell of before) if (!after.has(cell)) void connection.sendDiagnostics({ uri: cell, diagnostics: [] });
    if (settings.run === 'onType') schedulePush(uri, settings.debounceMs);
    // Pull clients ask per cell: an edit in one cell can change another cell's findings.
    if (pull && caps.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh().catch(() => undefined);
  });
  connection.notebooks.synchronization.onDidSaveNotebookDocument((params) => {
    if (settings.run === 'onSave') schedulePush(params.notebookDocument.uri, 0);
  });
  connection.notebooks.synchronization.onDidCloseNotebookDocument((params) => {
    const nb = store.closeNotebook(params);
    if (!nb) return;
    scheduler.cancel(nb.uri);
    service.forget(nb.uri);
    if (!pull) for (const uri of nb.cells.map((c) => c.document)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  // --- analysis -------------------------------------------------------------------

  function isExcluded(uri: string): boolean {
    const path = uriPath(uri);
    if (path === null) return false;
    for (const folder of folders) {
      const root = uriPath(folder);
      if (root && (path === root || path.startsWith(root.endsWith('/') ? root : root + '/'))) {
        if (excluded(nodePath.posix.relative(root, path))) return true;
      }
    }
    return excluded(path);
  }

  /** The analysis of a target at its current version, or null when InitLens skips it. */
  function analysisOf(target: ServerTarget): Analysis | null {
    const reason = skipReason(settings, { languageId: target.languageId, length: target.text.length, excluded: isExcluded(target.uri) });
    if (reason) return null;
    // in the workspace: the open text goes into the index first, and the files that read it follow
    const ctx = workspace.contextFor(target);
    if (ctx?.changed) dependantsChanged(ctx.project.rel);
    return service.analyze(engine, target, settings, ctx?.project ?? null);
  }

  /** Diagnostics of every document of the target (cells: one list each). */
  function diagnosticsOf(target: ServerTarget, analysis: Analysis | null): Map<string, Diagnostic[]> {
    const out = new Map<string, Diagnostic[]>();
    for (const d of target.docs) out.set(d.uri, []);
    if (!analysis) return out;
    for (const data of toDiagnostics(analysis.findings, settings)) {
      const at = locateInTarget(target, data.from, data.to);
      if (!at) continue;
      out.get(at.doc.uri)?.push(toLspDiagnostic(data, rangeIn(at.doc, at.from, at.to), relatedIn(target, data)));
    }
    return out;
  }

  function schedulePush(uri: string, delay: number): void {
    if (pull) return;
    const target = store.target(uri);
    if (!target) return;
    scheduler.reset(target.key);
    scheduler.schedule(target.key, versionNumber(target), delay, () => push(target.key));
  }

  function push(key: string): void {
    const target = store.target(key);
    if (!target) return;
    let diags: Map<string, Diagnostic[]>;
    try {
      diags = diagnosticsOf(target, analysisOf(target));
    } catch (e) {
      log(`analysis of ${key} failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    for (const doc of target.docs) {
      void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: diags.get(doc.uri) ?? [] });
    }
  }

  function resultId(target: ServerTarget): string {
    return `${settingsGeneration}:${dependencyGeneration.get(target.key) ?? 0}:${target.version}`;
  }

  connection.languages.diagnostics.on(async (params, token) => {
    await tick();
    if (token.isCancellationRequested) throw cancelled();
    const target = store.target(params.textDocument.uri);
    if (!target) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const id = resultId(target);
    if (params.previousResultId === id) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: id };
    const diags = diagnosticsOf(target, analysisOf(target));
    return { kind: DocumentDiagnosticReportKind.Full, resultId: id, items: diags.get(params.textDocument.uri) ?? [] };
  });

  connection.languages.diagnostics.onWorkspace(async (params, token, progress): Promise<WorkspaceDiagnosticReport> => {
    const previous = new Map(params.previousResultIds.map((p) => [p.uri, p.value]));
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    const open = new Set<string>();
    for (const uri of [...store.textUris(), ...store.notebookUris()]) {
      const target = store.target(uri);
      if (!target) continue;
      const diags = diagnosticsOf(target, analysisOf(target));
      for (const doc of target.docs) {
        open.add(doc.uri);
        const id = resultId(target);
        if (previous.get(doc.uri) === id) items.push({ kind: 'unchanged', uri: doc.uri, version: doc.version, resultId: id });
        else items.push({ kind: 'full', uri: doc.uri, version: doc.version, resultId: id, items: diags.get(doc.uri) ?? [] });
      }
      open.add(uri);
    }
    const files = await scan(token, progress, open, previous);
    if (token.isCancellationRequested) throw cancelled();
    for (const f of files) {
      if (f.diagnostics === null) items.push({ kind: 'unchanged', uri: f.uri, version: null, resultId: f.resultId });
      else items.push({ kind: 'full', uri: f.uri, version: null, resultId: f.resultId, items: f.diagnostics });
    }
    return { items };
  });

  /** Analyses the closed model files of the workspace folders, with `$/progress`; cancellable. */
  async function scan(
    token: CancellationToken,
    progress: { begin(title: string, percentage?: number, message?: string, cancellable?: boolean): void; report(p: number, m?: string): void; done(): void },
    open: Set<string>,
    previous?: ReadonlyMap<string, string>,
  ): Promise<ScannedFile[]> {
    progress.begin('InitLens: analyzing workspace', 0, undefined, true);
    try {
      const roots = folders.map(uriPath).filter((p): p is string => p !== null);
      return await scanWorkspace(roots, {
        settings,
        isExcluded: (path) => isExcluded(pathToFileURL(path).href),
        skip: (path) => open.has(pathToFileURL(path).href),
        token,
        onProgress: (done, total, path) => progress.report(total === 0 ? 100 : Math.floor((done * 100) / total), nodePath.basename(path)),
        toDiagnostic: toLspDiagnostic,
        previous,
        idPrefix: `${settingsGeneration}:`,
      });
    } finally {
      progress.done();
    }
  }

  function clearScanned(uri: string): void {
    if (scanned.delete(uri) && !pull) void connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  // --- code actions ---------------------------------------------------------------

  /** Fix-all rounds analyse with the workspace, as the diagnostics do (an init applied in another file is not "fixed" here). */
  function workspaceAnalyzer(target: ServerTarget): ((text: string) => AnalysisResult) | undefined {
    const ctx = workspace.contextFor(target);
    if (!ctx) return undefined;
    const options = toAnalysisOptions(settings);
    return (text) => analyzeInWorkspace(ctx.project.index, ctx.project.rel, text, target.language, options);
  }

  function actionContext(target: ServerTarget, analysis: Analysis): ActionContext {
    return {
      text: target.text,
      language: target.language,
      findings: analysis.findings,
      settings,
      fixAll: (text) => fixAll(text, target.language, toAnalysisOptions(settings), workspaceAnalyzer(target)),
    };
  }

  /** Engine edits (offsets of the analysed text) → a WorkspaceEdit pinned to the documents' versions. */
  function workspaceEdit(target: ServerTarget, edits: readonly TextEdit[]): WorkspaceEdit | null {
    const perDoc = new Map<TextDocument, LspTextEdit[]>();
    // Notebook fix-all: the engine's whole-text edit spans cells; one edit per changed run of lines.
    for (const e of editsForCells(target.text, target.joined, edits)) {
      const at = locateInTarget(target, e.from, e.to);
      if (!at) return null;
      const list = perDoc.get(at.doc) ?? [];
      list.push({ range: rangeIn(at.doc, at.from, at.to), newText: e.newText });
      perDoc.set(at.doc, list);
    }
    if (caps.workspace?.workspaceEdit?.documentChanges) {
      const documentChanges: TextDocumentEdit[] = [...perDoc].map(([doc, list]) => ({ textDocument: { uri: doc.uri, version: doc.version }, edits: list }));
      return { documentChanges };
    }
    const changes: Record<string, LspTextEdit[]> = {};
    for (const [doc, list] of perDoc) changes[doc.uri] = list;
    return { changes };
  }

  function toAction(target: ServerTarget, data: ActionData, kind: string, diagnostics: Diagnostic[]): CodeAction | null {
    const edit = workspaceEdit(target, data.edits);
    if (!edit) return null;
    const action: CodeAction = { title: data.title, kind, edit };
    if (data.isPreferred) action.isPreferred = true;
    if (diagnostics.length > 0) action.diagnostics = diagnostics;
    return action;
  }

  connection.onCodeAction(async (params, token) => {
    await tick();
    if (token.isCancellationRequested) throw cancelled();
    const uri = params.textDocument.uri;
    const doc = store.text(uri);
    const target = store.target(uri);
    if (!doc || !target) return [];
    const analysis = analysisOf(target);
    if (!analysis) return [];
    const ctx = actionContext(target, analysis);
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
    if (only && only.some((o) => o !== CodeActionKind.QuickFix && wants(FIX_ALL_KIND))) {
      const data = sourceFixAll(ctx);
      const action = data && toAction(target, data, FIX_ALL_KIND, []);
      return action ? [action] : [];
    }
    if (!wants(CodeActionKind.QuickFix)) return [];
    const out: CodeAction[] = [];
    const all = toDiagnostics(analysis.findings, settings);
    const here = new Map<DiagnosticData, Diagnostic>();
    for (const data of all) {
      const at = locateInTarget(target, data.from, data.to);
      if (!at || at.doc.uri !== uri) continue;
      const diag = toLspDiagnostic(data, rangeIn(at.doc, at.from, at.to), relatedIn(target, data));
      here.set(data, diag);
    }
    // The client's diagnostics in the context, matched by code and range; else every finding overlapping the range.
    const ours = params.context.diagnostics.filter((d) => d.source === SOURCE);
    const matched = [...here].filter(([, diag]) =>
      ours.length > 0
        ? ours.some((d) => codeOf(d) === diag.code && !!d.range && sameRange(d.range, diag.range))
        : !params.range || overlaps(diag.range, params.range),
    );
    for (const [data, diag] of matched) {
      for (const fix of quickFixes(ctx, data.finding)) {
        // "Show documentation" runs an editor command of the VS Code extension; LSP clients link the rule's docs instead.
        if (fix.command) continue;
        const action = toAction(target, fix, CodeActionKind.QuickFix, [diag]);
        if (action) out.push(action);
      }
    }
    if (matched.length > 0) {
      const fixAllAction = fixAllQuickFix(ctx);
      const action = fixAllAction && toAction(target, fixAllAction, CodeActionKind.QuickFix, []);
      if (action) out.push(action);
    }
    return out;
  });

  // --- hover and code lens ---------------------------------------------------------

  connection.onHover(async (params, token): Promise<Hover | null> => {
    await tick();
    if (token.isCancellationRequested) throw cancelled();
    const doc = store.text(params.textDocument.uri);
    const target = store.target(params.textDocument.uri);
    if (!doc || !target) return null;
    const analysis = analysisOf(target);
    if (!analysis) return null;
    const offset = toTargetOffset(target, doc, doc.offsetAt(params.position));
    if (offset === null) return null;
    const result = analysis.result;
    const markdown = caps.textDocument?.hover?.contentFormat?.includes(MarkupKind.Markdown) ?? true;
    const hovered = hoverAt(result, offset, settings);
    if (hovered) {
      const layer = hovered.layer;
      const at = locateInTarget(target, hovered.span.from, hovered.span.to);
      if (!at) return null;
      let activationLine: number | null = null;
      if (layer.activation.span) {
        const a = locateInTarget(target, layer.activation.span.from, layer.activation.span.to);
        if (a) activationLine = a.doc.positionAt(a.from).line;
      }
      const value = hoverMarkdown({ layer, result, distribution: settings.distribution, activationLine, simulateUri: null });
      return { contents: { kind: markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value }, range: rangeIn(at.doc, at.from, at.to) };
    }
    // On a model, outside its layers: the variance table (editors without a webview).
    const model = modelAt(result, offset, settings);
    if (!model) return null;
    const table = modelTable(result, model.id, settings.distribution, fileName(target.uri));
    const at = locateInTarget(target, model.span.from, model.span.to);
    if (!table) return null;
    const value = markdown ? tableMarkdown(table) : tableText(table);
    return { contents: { kind: markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value }, range: at ? rangeIn(at.doc, at.from, at.from) : undefined };
  });

  connection.onCodeLens(async (params, token): Promise<CodeLens[]> => {
    await tick();
    if (token.isCancellationRequested) throw cancelled();
    const uri = params.textDocument.uri;
    const target = store.target(uri);
    if (!target) return [];
    const analysis = analysisOf(target);
    if (!analysis) return [];
    const out: CodeLens[] = [];
    for (const lens of codeLenses(analysis.result, settings)) {
      const at = locateInTarget(target, lens.from, lens.to);
      if (!at || at.doc.uri !== uri) continue;
      out.push({ range: rangeIn(at.doc, at.from, at.to), command: { title: lens.title, command: COMMANDS.simulate, arguments: [uri, lens.model] } });
    }
    return out;
  });

  // --- commands ---------------------------------------------------------------------

  connection.onExecuteCommand(async (params, token, workDone) => {
    const args = params.arguments ?? [];
    switch (params.command) {
      case COMMANDS.simulate:
        return simulate(args[0], args[1], args[2], token, workDone);
      case COMMANDS.fixAll:
        return fixAllCommand(args[0], args[1]);
      case COMMANDS.analyzeWorkspace: {
        const progress = await connection.window.createWorkDoneProgress().catch(() => null);
        const reporter = progress ?? { begin() {}, report() {}, done() {} };
        const open = new Set<string>();
        for (const uri of [...store.textUris(), ...store.notebookUris()]) {
          open.add(uri);
          const t = store.target(uri);
          for (const d of t?.docs ?? []) open.add(d.uri);
        }
        const both = mergeTokens(token, progress?.token);
        const files = await scan(both, reporter, open);
        let findings = 0;
        let withFindings = 0;
        for (const f of files) {
          const diagnostics = f.diagnostics ?? [];
          findings += diagnostics.length;
          if (diagnostics.length > 0) withFindings++;
          if (!pull) {
            scanned.add(f.uri);
            void connection.sendDiagnostics({ uri: f.uri, diagnostics });
          }
        }
        if (pull && caps.workspace?.diagnostics?.refreshSupport) void connection.languages.diagnostics.refresh().catch(() => undefined);
        if (both.isCancellationRequested) throw cancelled();
        return { files: files.length, findings, withFindings };
      }
      default:
        throw new ResponseError(ErrorCodes.InvalidParams, `unknown command: ${params.command}`);
    }
  });

  /**
   * The variance tables of a model: the hover's per-layer table, the panel's
   * analytic curves and (unless `method` is `analytic`) the panel's Monte Carlo,
   * run in worker threads with `$/progress` and cancellation (src/server/montecarlo.ts).
   */
  async function simulate(uriArg: unknown, modelArg: unknown, optionsArg: unknown, token: CancellationToken, workDone: WorkDoneProgressReporter) {
    if (typeof uriArg !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${COMMANDS.simulate}: expected [uri, model?, options?]`);
    const request = parseSimulateRequest(optionsArg, settings.distribution);
    if (typeof request === 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${COMMANDS.simulate}: ${request}`);
    const target = store.target(uriArg);
    if (!target) throw new ResponseError(ErrorCodes.InvalidParams, `${COMMANDS.simulate}: ${uriArg} is not open`);
    const analysis = analysisOf(target);
    const models = analysis?.result.models.filter((m) => m.layers.length > 0 && settings.frameworks[m.framework]) ?? [];
    const model = models.find((m) => m.id === modelArg) ?? (modelArg === undefined || modelArg === null ? models[0] : undefined);
    if (!analysis || !model) throw new ResponseError(ErrorCodes.InvalidParams, `${COMMANDS.simulate}: no model ${String(modelArg ?? '')} in ${uriArg}`);
    const table = modelTable(analysis.result, model.id, settings.distribution, fileName(target.uri));
    if (!table) throw new ResponseError(ErrorCodes.InternalError, `${COMMANDS.simulate}: no table for model ${model.id}`);
    // The panel's analytic curves (current, recommended, orthogonal, LSUV); a model the simulator
    // cannot build (a width unknown with no default) keeps the table and says why.
    const doc = store.text(uriArg) ?? target.docs[0]!;
    const panel = panelModel(analysis.result, model.id, request.options, fileName(target.uri), (offset) => {
      const at = locateInTarget(target, offset, offset);
      return (at ? at.doc : doc).positionAt(at ? at.from : offset).line + 1;
    });
    const analytic = 'error' in panel ? null : panel.analytic;
    const curves = analytic ? curvesMarkdown(analytic) : `(no analytic curves: ${'error' in panel ? panel.error : ''})`;
    let montecarlo: SimulationResult | null = null;
    let montecarloError: string | undefined;
    if (request.method !== 'analytic' && !('error' in panel)) {
      // Progress: the client's token when it gave one, else one the server creates (when the client can show it).
      const created = WorkDoneProgressReporter.isNullInstance(workDone) ? await connection.window.createWorkDoneProgress().catch(() => null) : null;
      const reporter = created ?? workDone;
      const both = mergeTokens(token, created?.token);
      const abort = new AbortController();
      const sub = both.onCancellationRequested(() => abort.abort());
      if (both.isCancellationRequested) abort.abort();
      reporter.begin('InitLens: Monte Carlo simulation', 0, table.title, true);
      try {
        montecarlo = await runMonteCarlo(panel.spec, request.options, {
          signal: abort.signal,
          onProgress: (p) => reporter.report(Math.min(100, Math.floor((100 * p.done) / Math.max(1, p.total))), `${p.done} seed runs`),
        });
      } catch (e) {
        if (abort.signal.aborted) throw cancelled();
        montecarloError = e instanceof Error ? e.message : String(e);
        log(`Monte Carlo simulation of ${uriArg} failed: ${montecarloError}`);
      } finally {
        sub.dispose();
        reporter.done();
      }
    }
    const withAnalytic = request.method === 'both';
    // The reductions the run made (the work budget per seed, as the panel and the CLI make them, and the server's seed cap).
    const note = montecarlo ? reducedNote(montecarlo) : null;
    const mcMarkdown = montecarlo ? monteCarloMarkdown(montecarlo, withAnalytic) + (note ? `\n\n*${note}*` : '') : montecarloError ? `(no Monte Carlo: ${montecarloError})` : '';
    const markdown = [tableMarkdown(table), request.method === 'montecarlo' ? '' : curves, mcMarkdown].filter((x) => x !== '').join('\n\n');
    const text = [tableText(table), montecarlo ? monteCarloText(montecarlo, withAnalytic) : '', note ?? ''].filter((x) => x !== '').join('\n\n');
    return { title: table.title, method: request.method, markdown, text, table, analytic, montecarlo, montecarloError, reduced: note ?? undefined };
  }

  async function fixAllCommand(uriArg: unknown, versionArg: unknown) {
    if (typeof uriArg !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${COMMANDS.fixAll}: expected [uri, version?]`);
    const target = store.target(uriArg);
    const doc = store.text(uriArg);
    if (!target || !doc) throw new ResponseError(ErrorCodes.InvalidParams, `${COMMANDS.fixAll}: ${uriArg} is not open`);
    if (typeof versionArg === 'number' && versionArg !== doc.version) {
      throw new ResponseError(LSPErrorCodes.ContentModified, `${COMMANDS.fixAll}: the document changed (version ${doc.version}, asked for ${versionArg})`);
    }
    if (!analysisOf(target)) return { applied: 0, edits: 0 };
    const { edits: raw, applied } = fixAll(target.text, target.language, toAnalysisOptions(settings), workspaceAnalyzer(target));
    const edits = minimalEdits(target.text, raw);
    if (applied === 0 || edits.length === 0) return { applied: 0, edits: 0 };
    const edit = workspaceEdit(target, edits);
    if (!edit) return { applied: 0, edits: 0 };
    const response = await connection.workspace.applyEdit({ label: 'InitLens: fix all', edit });
    return { applied: response.applied ? applied : 0, edits: edits.length, rejected: response.applied ? undefined : response.failureReason ?? 'rejected by the client' };
  }

  connection.listen();
  return { shutdownReceived: () => shutdown };

  function toLspDiagnostic(data: DiagnosticData, range: Range, related: DiagnosticRelatedInformation[] = []): Diagnostic {
    return {
      range,
      severity: SEVERITY[data.severity],
      code: data.code,
      codeDescription: { href: data.docsUrl },
      source: SOURCE,
      message: data.message,
      ...(related.length ? { relatedInformation: related } : {}),
    };
  }

  /** The finding's other places (the layer, the activation, the init code), in the target's documents. */
  function relatedIn(target: ServerTarget, data: DiagnosticData): DiagnosticRelatedInformation[] {
    return data.related.flatMap((r) => {
      const at = locateInTarget(target, r.from, r.to);
      return at ? [{ location: { uri: at.doc.uri, range: rangeIn(at.doc, at.from, at.to) }, message: r.message }] : [];
    });
  }
}

function versionNumber(target: ServerTarget): number {
  return target.docs.reduce((sum, d) => sum + d.version, 0) * 1000 + target.docs.length;
}

function rangeIn(doc: TextDocument, from: number, to: number): Range {
  return { start: doc.positionAt(from), end: doc.positionAt(Math.max(from, to)) };
}

function codeOf(d: Diagnostic): string | number | undefined {
  return d.code;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Ranges that share a position (an empty range at a diagnostic's edge counts). */
function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function uriPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri).replace(/\\/g, '/');
  } catch {
    return null;
  }
}

function fileName(uri: string): string {
  const path = uri.split(/[?#]/)[0]!;
  return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
}

/** A token cancelled when either is. */
function mergeTokens(a: CancellationToken, b: CancellationToken | undefined): CancellationToken {
  if (!b) return a;
  return {
    get isCancellationRequested() {
      return a.isCancellationRequested || b.isCancellationRequested;
    },
    onCancellationRequested: (listener, thisArgs, disposables) => {
      const d1 = a.onCancellationRequested(listener, thisArgs, disposables);
      const d2 = b.onCancellationRequested(listener, thisArgs, disposables);
      return { dispose: () => (d1.dispose(), d2.dispose()) };
    },
  };
}

