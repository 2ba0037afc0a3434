/**
 * Keeps the Problems view in sync: analyses on open and while typing
 * (debounced, latest version only), on save in `onSave` mode, clears on close.
 * Also owns the status bar item, which shows the active file's state.
 */
import * as vscode from 'vscode';
import { Scheduler } from './logic/scheduler.js';
import { compileGlobs } from './logic/glob.js';
import { skipReason, type InitLensSettings, type SkipReason } from './logic/settings.js';
import { statusText, toDiagnostics, worstSeverity, type AnalysisState } from './logic/present.js';
import { loadEngine, loadedEngine, type Engine } from './engine.js';
import { ProjectIndex } from './workspaceIndex.js';
import { notebookOf, notebookTarget, targetFor, locateInTarget, type Target } from './target.js';
import { toRange, toSeverity } from './convert.js';
import { readSettings } from './settings.js';
import { OFF_THREAD_CHARS, type Analysis, type AnalysisService } from './service.js';
import type { OffThread } from './offThread.js';
import { ConfigResolver, formatProblem, type ConfigProblem, type ProjectConfig } from '../core/config/index.js';

const decoder = new TextDecoder('utf-8');
const CONFIG_NAMES = ['pyproject.toml', 'initlens.toml', '.initlens.toml'];

const SKIP_TEXT: Record<SkipReason, string> = {
  disabled: 'InitLens is disabled (initlens.enable)',
  language: 'its language is disabled (initlens.languages)',
  excluded: 'it matches initlens.exclude',
  tooLarge: 'it is larger than initlens.maxFileSize',
};

export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('initlens');
  private readonly scheduler = new Scheduler();
  private readonly states = new Map<string, AnalysisState>();
  private readonly status: vscode.StatusBarItem;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after diagnostics of any document were updated (CodeLens refresh). */
  readonly onDidAnalyze = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private settings: InitLensSettings;
  private excluded: (path: string) => boolean;
  /** One configuration resolver per file system (scheme + authority): each file read once until one changes. */
  private readonly resolvers = new Map<string, ConfigResolver>();
  /** Problems of configuration files, shown on the files themselves. */
  readonly configDiagnostics = vscode.languages.createDiagnosticCollection('initlens-config');
  private readonly configProblems = new Map<string, ConfigProblem[]>();
  /** What the output channel last said about each target (said again only when it changes). */
  private readonly said = new Map<string, string>();
  /** The workspace index: files are analysed with what they import and what imports them. */
  readonly projects: ProjectIndex;

  constructor(
    private readonly service: AnalysisService,
    private readonly log: vscode.LogOutputChannel,
    /** Where documents of OFF_THREAD_CHARS or more are analysed (desktop: a worker thread; null: here). */
    private readonly offThread: OffThread | null = null,
  ) {
    this.settings = readSettings();
    this.excluded = compileGlobs(this.settings.exclude);
    this.status = vscode.window.createStatusBarItem('initlens.status', vscode.StatusBarAlignment.Right, 100);
    this.status.name = vscode.l10n.t('InitLens');
    this.status.command = 'workbench.actions.view.problems';
    this.projects = new ProjectIndex(log);
    this.disposables.push(
      this.projects,
      // the index is built: every open file is analysed again with its workspace
      this.projects.onDidBuild(() => {
        for (const doc of vscode.workspace.textDocuments) {
          if (notebookOf(doc)) continue;
          this.service.invalidate(doc.uri.toString());
          this.request(doc, 0);
        }
        for (const nb of vscode.workspace.notebookDocuments) {
          this.service.invalidate(nb.uri.toString());
          this.requestNotebook(nb, 0);
        }
      }),
      // a file changed on disk (not open): the open files that depend on it
      this.projects.onDidChangeFile((rel) => {
        const engine = loadedEngine();
        if (engine) this.dependantsChanged(engine, rel);
      }),
      this.collection,
      this.status,
      this.changed,
      vscode.workspace.onDidOpenTextDocument((doc) => this.request(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length === 0) return;
        if (!notebookOf(e.document)) this.service.noteChanges(e.document.uri.toString(), e.contentChanges);
        // onSave mode: the shown diagnostics stay until the next save.
        if (this.settings.run === 'onType') this.request(e.document, this.settings.debounceMs);
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (this.settings.run === 'onSave') this.request(doc, 0);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.close(doc);
        const engine = loadedEngine();
        if (engine && doc.uri.scheme !== 'vscode-notebook-cell') void this.projects.noteClosed(engine, doc.uri);
      }),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.requestNotebook(nb, 0)),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.contentChanges.length > 0) this.requestNotebook(e.notebook, this.settings.debounceMs);
      }),
      vscode.workspace.onDidCloseNotebookDocument((nb) => {
        const key = nb.uri.toString();
        this.scheduler.cancel(key);
        this.service.forget(key);
        this.offThread?.forget(key);
        this.states.delete(key);
        for (const cell of nb.getCells()) this.collection.delete(cell.document.uri);
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
      this.configDiagnostics,
    );
    // A configuration file changed: read them again and re-analyse.
    const watcher = vscode.workspace.createFileSystemWatcher('**/{pyproject.toml,initlens.toml,.initlens.toml}');
    const changed = (uri: vscode.Uri) => this.configChanged(uri);
    this.disposables.push(
      watcher,
      watcher.onDidChange(changed),
      watcher.onDidCreate(changed),
      watcher.onDidDelete(changed),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (CONFIG_NAMES.includes(doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1))) changed(doc.uri);
      }),
    );
  }

  private configChanged(uri: vscode.Uri): void {
    this.log.info(`configuration ${vscode.workspace.asRelativePath(uri)} changed: reading it again`);
    this.resolvers.clear();
    this.configProblems.clear();
    this.configDiagnostics.clear();
    this.reload();
  }

  /**
   * The project configuration of a file: the nearest initlens.toml, or pyproject.toml with
   * [tool.initlens], from its directory upwards (read with vscode.workspace.fs, so virtual and
   * web workspaces work too). Its problems are shown on the configuration file and logged.
   */
  async projectFor(uri: vscode.Uri): Promise<ProjectConfig | null> {
    if (uri.scheme === 'untitled' || !uri.path.startsWith('/')) return null;
    const fsKey = `${uri.scheme}://${uri.authority}`;
    let resolver = this.resolvers.get(fsKey);
    if (!resolver) {
      resolver = new ConfigResolver(async (path) => {
        try {
          return decoder.decode(await vscode.workspace.fs.readFile(uri.with({ path, query: '', fragment: '' })));
        } catch {
          return null;
        }
      });
      this.resolvers.set(fsKey, resolver);
    }
    const r = await resolver.resolve(uri.path);
    for (const p of r.problems) this.noteConfigProblem(uri, p);
    return r.config;
  }

  private noteConfigProblem(base: vscode.Uri, p: ConfigProblem): void {
    const list = this.configProblems.get(p.file) ?? [];
    const text = formatProblem(p);
    if (list.some((x) => formatProblem(x) === text)) return;
    list.push(p);
    this.configProblems.set(p.file, list);
    this.log.warn(`configuration: ${vscode.workspace.asRelativePath(base.with({ path: p.file }))}:${p.line}:${p.column}: ${p.key ? `${p.key}: ` : ''}${p.message} (${p.key ? 'this key is ignored' : 'this file is ignored'}; defaults used)`);
    const diags = list.map((x) => {
      const l = Math.max(0, x.line - 1);
      const c = Math.max(0, x.column - 1);
      const d = new vscode.Diagnostic(new vscode.Range(l, c, l, c + Math.max(1, (x.key ?? '').split('.').pop()!.length)), `${x.key ? `${x.key}: ` : ''}${x.message} (defaults used)`, vscode.DiagnosticSeverity.Warning);
      d.source = 'InitLens';
      return d;
    });
    this.configDiagnostics.set(base.with({ path: p.file, query: '', fragment: '' }), diags);
  }

  /** Re-reads settings and re-analyses every open document (settings changed). */
  reload(): void {
    this.said.clear();
    this.settings = readSettings();
    this.excluded = compileGlobs(this.settings.exclude);
    this.service.clear();
    this.collection.clear();
    this.states.clear();
    this.analyzeOpenDocuments();
  }

  analyzeOpenDocuments(): void {
    for (const doc of vscode.workspace.textDocuments) if (!notebookOf(doc)) this.request(doc, 0);
    for (const nb of vscode.workspace.notebookDocuments) this.requestNotebook(nb, 0);
    this.updateStatus();
  }

  currentSettings(): InitLensSettings {
    return this.settings;
  }

  isExcluded(uri: vscode.Uri): boolean {
    return this.excluded(vscode.workspace.asRelativePath(uri, false)) || this.excluded(uri.path);
  }

  /** Why `target` is not analysed, or null. */
  skip(target: Target): SkipReason | null {
    return skipReason(this.settings, {
      languageId: target.languageId,
      length: target.text.length,
      excluded: this.isExcluded(target.uri),
    });
  }

  private request(doc: vscode.TextDocument, delay: number): void {
    const target = targetFor(doc);
    if (!target) return;
    this.schedule(target, delay);
  }

  private requestNotebook(nb: vscode.NotebookDocument, delay: number): void {
    const target = notebookTarget(nb);
    if (target) this.schedule(target, delay);
  }

  private schedule(target: Target, delay: number): void {
    this.scheduler.reset(target.key);
    const version = this.versionNumber(target);
    this.setState(target.key, { kind: 'analyzing' });
    this.scheduler.schedule(target.key, version, delay, () => void this.run(target.key, target.docs[0]!, target.notebook));
  }

  /** A monotonic number for the scheduler: the sum of the analysed documents' versions. */
  private versionNumber(target: Target): number {
    return target.docs.reduce((sum, d) => sum + d.version, 0) * 1000 + target.docs.length;
  }

  /** Analyses the latest text (re-read now, so a superseded version is never shown). */
  private async run(key: string, doc: vscode.TextDocument, nb: vscode.NotebookDocument | null): Promise<void> {
    let engine: Engine;
    try {
      engine = await loadEngine();
    } catch (e) {
      this.log.error(`could not load the engine: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const configFile = await this.projectFor(nb ? nb.uri : doc.uri);
    const target = nb ? notebookTarget(nb) : doc.isClosed ? null : targetFor(doc);
    if (!target || target.key !== key) return;
    const rel = vscode.workspace.asRelativePath(target.uri);
    const reason = this.skip(target);
    if (reason) {
      for (const d of target.docs) this.collection.delete(d.uri);
      this.setState(key, { kind: 'skipped', reason });
      this.say(key, `skipped ${rel}: ${SKIP_TEXT[reason]}`);
      return;
    }
    this.service.setProject(key, configFile);
    try {
      const project = this.projects.contextFor(engine, target);
      // the open text goes into the index; files whose analysis read this one follow (debounced)
      if (project && this.projects.noteOpenText(project.rel, target)) this.dependantsChanged(engine, project.rel);
      const analysis = await this.analysisOf(engine, target, project);
      // Stale-result guard: the text may have changed while we ran.
      if (!this.scheduler.isCurrent(key, this.versionNumber(target))) {
        this.log.debug(`dropped stale result for ${target.uri.toString(true)}`);
        return;
      }
      this.publish(target, analysis.findings);
      this.setState(key, { kind: 'done', findings: analysis.findings.length, ms: analysis.ms, worst: worstSeverity(toDiagnostics(analysis.findings, this.settings)) });
      const r = analysis.result;
      const config = configFile ? vscode.workspace.asRelativePath(target.uri.with({ path: configFile.path })) : 'none (defaults)';
      const what =
        r.layers.length === 0
          ? 'no Keras, PyTorch, Flax or TensorFlow.js layer found (no framework import recognised)'
          : `${r.layers.length} layer${r.layers.length === 1 ? '' : 's'} in ${r.models.length} model${r.models.length === 1 ? '' : 's'}, ${analysis.findings.length} finding${analysis.findings.length === 1 ? '' : 's'}`;
      this.say(key, `analysed ${rel} (${target.language}): ${what}${r.errors.length ? `, ${r.errors.length} syntax error${r.errors.length === 1 ? '' : 's'} (analysis continued)` : ''}; configuration: ${config}`);
      this.log.trace(`${rel} v${target.version}: analysed in ${analysis.ms.toFixed(2)} ms`);
      this.changed.fire();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log.error(`analysis of ${target.uri.toString(true)} failed: ${message}`);
      this.setState(key, { kind: 'error', message });
    }
  }

  /**
   * The analysis of `target` at its version: a large document's on the off-thread analyzer (the
   * extension host only links it and receives the result), any other here. `project` as in
   * `AnalysisService.analyze` (omitted: the document keeps the mode of its last analysis).
   */
  async analysisOf(engine: Engine, target: Target, project?: ReturnType<ProjectIndex['contextFor']>): Promise<Analysis> {
    const off = this.offThread;
    if (off && target.text.length >= OFF_THREAD_CHARS) {
      const key = target.key;
      this.say(`${key}#thread`, `${vscode.workspace.asRelativePath(target.uri)}: ${target.text.length} characters, analysed on a worker thread (documents of ${OFF_THREAD_CHARS} or more)`);
      // Null: the worker stopped (then the second try is null at once), or the entry was dropped
      // meanwhile (settings changed: the second try analyses with the new ones).
      for (let attempt = 0; attempt < 2; attempt++) {
        const remote = await this.service.analyzeRemote(engine, target, this.settings, (text, language, options) => off.analyze(key, text, language, options), project);
        if (remote) return remote;
      }
    }
    return this.service.analyze(engine, target, this.settings, project);
  }

  /** Re-analyse the open files whose workspace analysis reads `rel` and changes with it. */
  private dependantsChanged(engine: Engine, rel: string): void {
    const index = this.projects.current;
    if (!index) return;
    const { files, keys } = this.service.tracked();
    let affected: string[];
    try {
      affected = engine.affectedBy(index, rel, files);
    } catch (e) {
      this.log.error(`workspace dependants of ${rel}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    for (const r of affected) {
      const key = keys.get(r);
      if (!key) continue;
      this.service.invalidate(key);
      this.log.debug(`${r} depends on ${rel}: analysed again`);
      const nb = vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === key);
      if (nb) this.requestNotebook(nb, this.settings.debounceMs);
      else {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
        if (doc) this.request(doc, this.settings.debounceMs);
      }
    }
  }

  private publish(target: Target, findings: Parameters<typeof toDiagnostics>[0]): void {
    const perDoc = new Map<vscode.TextDocument, vscode.Diagnostic[]>();
    for (const d of target.docs) perDoc.set(d, []);
    for (const data of toDiagnostics(findings, this.settings)) {
      const at = locateInTarget(target, data.from, data.to);
      if (!at) continue;
      const diag = new vscode.Diagnostic(toRange(at.doc, at.from, at.to), data.message, toSeverity(data.severity));
      diag.source = 'InitLens';
      diag.code = { value: data.code, target: vscode.Uri.parse(data.docsUrl) };
      const related = data.related.flatMap((r) => {
        const place = locateInTarget(target, r.from, r.to);
        return place ? [new vscode.DiagnosticRelatedInformation(new vscode.Location(place.doc.uri, toRange(place.doc, place.from, place.to)), r.message)] : [];
      });
      if (related.length) diag.relatedInformation = related;
      perDoc.get(at.doc)?.push(diag);
    }
    for (const [doc, diags] of perDoc) this.collection.set(doc.uri, diags);
  }

  /** Info line for a target, written when it differs from the last one said about it. */
  private say(key: string, line: string): void {
    if (this.said.get(key) === line) return;
    this.said.set(key, line);
    this.log.info(line);
  }

  private close(doc: vscode.TextDocument): void {
    if (doc.uri.scheme === 'vscode-notebook-cell') return; // handled with the notebook
    const key = doc.uri.toString();
    this.scheduler.cancel(key);
    this.service.forget(key);
    this.offThread?.forget(key);
    this.states.delete(key);
    this.said.delete(key);
    this.said.delete(`${key}#thread`);
    this.collection.delete(doc.uri);
    this.updateStatus();
  }

  private setState(key: string, state: AnalysisState): void {
    this.states.set(key, state);
    this.updateStatus();
  }

  private updateStatus(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const target = doc ? targetFor(doc) : null;
    if (!target) {
      this.status.hide();
      return;
    }
    const state = this.states.get(target.key) ?? { kind: 'idle' };
    const data = statusText(state, vscode.l10n.t);
    this.status.text = data.text;
    this.status.tooltip = data.tooltip;
    this.status.accessibilityInformation = { label: data.tooltip };
    this.status.backgroundColor =
      data.level === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.status.show();
  }

  dispose(): void {
    this.scheduler.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
