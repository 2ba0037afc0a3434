/**
 * Per-document analysis state: one engine IncrementalAnalyzer per document (or
 * notebook), the last result keyed by the exact version it was computed for.
 * Shared by the extension and the language server (src/server): it imports no
 * `vscode` value.
 */
import type { AnalysisResult, Finding, Language } from '../core/types.js';
import type { IncrementalAnalyzer } from '../core/analysis/incremental.js';
import type { holdBrokenModels, isGood } from '../core/analysis/hold.js';
import { defaultOptions } from '../core/types.js';
import { optionsFor } from '../core/config/discover.js';
import type { ProjectConfig } from '../core/config/parse.js';
import { settingsOverrides, type InitLensSettings } from './logic/settings.js';
import type { WorkspaceAnalyzer, TrackedFile, prepareInWorkspace } from '../core/workspace/analyze.js';
import type { WorkspaceIndex } from '../core/workspace/index.js';
import { visibleFindings } from './logic/present.js';

/** What the service needs of a document or notebook (the extension's `Target`, the language server's). */
export interface AnalysisTarget {
  /** Cache key: the document's or the notebook's URI. */
  key: string;
  language: Language;
  text: string;
  /** Changes whenever any analysed text changes. */
  version: string;
  /** The file's path, for per-file-ignores of the project configuration (else the URI's path, else the key). */
  filePath?: string;
}

/** The engine's on-type analyzer class (passed in, so this file loads no parser). */
export interface AnalyzerFactory {
  IncrementalAnalyzer: typeof IncrementalAnalyzer;
  /** Half-typed code keeps its model's last good findings (src/core/analysis/hold.ts); without it, the fresh result is shown. */
  holdBrokenModels?: typeof holdBrokenModels;
  isGood?: typeof isGood;
  /** Workspace-aware analysis (the extension's engine has it). */
  WorkspaceAnalyzer?: typeof WorkspaceAnalyzer;
  /** The same in two halves, for an analysis computed elsewhere (`analyzeRemote`). */
  prepareInWorkspace?: typeof prepareInWorkspace;
}

/**
 * Documents at least this long (UTF-16 code units) are analysed off the extension host where a
 * worker thread exists (desktop: offThread.ts). Below it an analysis takes a few milliseconds on
 * real model files, less than the round trip.
 */
export const OFF_THREAD_CHARS = 100_000;

/** An analysis computed elsewhere (a worker thread): the engine's `analyze(text, language, options)`, or null when it failed. */
export type RemoteAnalyze = (text: string, language: Language, options: ReturnType<typeof optionsFor>) => Promise<AnalysisResult | null>;

function pathOf(target: AnalysisTarget): string {
  if (target.filePath) return target.filePath;
  const uri = (target as { uri?: unknown }).uri;
  if (uri && typeof uri === 'object' && typeof (uri as { path?: unknown }).path === 'string') return (uri as { path: string }).path;
  return target.key;
}

export interface Analysis {
  version: string;
  result: AnalysisResult;
  /** Findings shown to the user (framework enabled, severity not off). */
  findings: Finding[];
  ms: number;
}

interface Entry {
  analyzer: IncrementalAnalyzer | null;
  /** In a workspace: the analyzer that links the file with the files it imports and that import it. */
  linked: WorkspaceAnalyzer | null;
  /** Its workspace-relative path, when analysed in the workspace. */
  rel: string | null;
  project: { index: WorkspaceIndex; rel: string } | null;
  text: string;
  language: Language;
  settingsKey: string;
  options: ReturnType<typeof optionsFor>;
  last: Analysis | null;
  /** The last analysis with no syntax error inside a model (half-typed code keeps its findings). */
  lastGood: { text: string; result: AnalysisResult } | null;
  /** Text changes since the last analysis, when they are known exactly (one change). */
  pending: { from: number; to: number; insert: string }[] | null | undefined;
  /** The last analysis was computed elsewhere (`analyzeRemote`): this entry's analyzers have not seen its text. */
  remote: boolean;
  /** The remote analysis under way, by version. */
  inFlight: { version: string; done: Promise<Analysis | null> } | null;
  /** The link of the last remote analysis in a workspace (what it read, for `tracked`). */
  remoteLinked: { signature: string; files: readonly string[] } | null;
}

export class AnalysisService {
  private readonly entries = new Map<string, Entry>();
  /** The project configuration file (pyproject.toml / initlens.toml) of each target, resolved by the controller. */
  private readonly projects = new Map<string, ProjectConfig | null>();

  setProject(key: string, project: ProjectConfig | null): void {
    this.projects.set(key, project);
  }

  project(key: string): ProjectConfig | null {
    return this.projects.get(key) ?? null;
  }

  /** The options a target is analysed with (defaults < project configuration < VS Code settings the user set). */
  optionsFor(target: AnalysisTarget, settings: InitLensSettings): ReturnType<typeof optionsFor> {
    return optionsFor(defaultOptions, this.projects.get(target.key) ?? null, pathOf(target), settingsOverrides(settings));
  }

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * The analysis of `target` at its current version (cached, or computed now);
   * with `project` (and an engine that has WorkspaceAnalyzer), in its workspace (src/core/workspace).
   * Without the argument (hover, code actions, CodeLens), the document keeps the mode of its last
   * analysis: a provider never turns a workspace analysis back into a single-file one.
   */
  analyze(engine: AnalyzerFactory, target: AnalysisTarget, settings: InitLensSettings, project?: { index: WorkspaceIndex; rel: string } | null): Analysis {
    const { entry, project: p } = this.entryFor(engine, target, settings, project);
    if (entry.last && entry.last.version === target.version) return entry.last;
    const start = this.now();
    // After a remote analysis the analyzers last saw an older text: they find the change themselves.
    const changes = entry.last && entry.pending && !entry.remote ? entry.pending : undefined;
    entry.text = target.text;
    const fresh = p && entry.linked ? entry.linked.update(p.index, p.rel, target.text, changes) : entry.analyzer!.update(target.text, changes);
    entry.pending = undefined;
    entry.remote = false;
    return this.adopt(engine, entry, target, settings, fresh, start);
  }

  /**
   * The same analysis as `analyze`, computed by `remote` (a worker thread: the extension host is not
   * blocked by it). In a workspace the file is linked here (`prepareInWorkspace`; the index lives in
   * this thread) and the linked text analysed remotely. Null when the remote analysis failed (the
   * caller may fall back to `analyze`). Concurrent calls for one version share one remote analysis.
   */
  analyzeRemote(engine: AnalyzerFactory, target: AnalysisTarget, settings: InitLensSettings, remote: RemoteAnalyze, project?: { index: WorkspaceIndex; rel: string } | null): Promise<Analysis | null> {
    const { entry, project: p } = this.entryFor(engine, target, settings, project);
    if (entry.last && entry.last.version === target.version) return Promise.resolve(entry.last);
    if (entry.inFlight && entry.inFlight.version === target.version) return entry.inFlight.done;
    const start = this.now();
    const prepared = p && engine.prepareInWorkspace ? engine.prepareInWorkspace(p.index, p.rel, target.text, target.language) : null;
    const done = remote(prepared ? prepared.text : target.text, target.language, entry.options).then((r) => {
      if (entry.inFlight?.done === done) entry.inFlight = null;
      if (!r || this.entries.get(target.key) !== entry) return null;
      const fresh = prepared ? prepared.finish(r) : r;
      entry.text = target.text;
      entry.pending = undefined;
      entry.remote = true;
      entry.remoteLinked = prepared?.linked ?? null;
      return this.adopt(engine, entry, target, settings, fresh, start);
    });
    entry.inFlight = { version: target.version, done };
    return done;
  }

  /** The remote analysis under way for `key` at `version`, if any. */
  inFlight(key: string, version: string): Promise<Analysis | null> | null {
    const f = this.entries.get(key)?.inFlight;
    return f && f.version === version ? f.done : null;
  }

  private adopt(engine: AnalyzerFactory, entry: Entry, target: AnalysisTarget, settings: InitLensSettings, fresh: AnalysisResult, start: number): Analysis {
    // A statement being typed (a syntax error inside a model) keeps that model's last good findings.
    const result = engine.holdBrokenModels ? engine.holdBrokenModels(entry.lastGood, { text: target.text, result: fresh }) : fresh;
    if (engine.isGood?.(fresh)) entry.lastGood = { text: target.text, result: fresh };
    const analysis: Analysis = {
      version: target.version,
      result,
      findings: visibleFindings(result, settings),
      ms: this.now() - start,
    };
    entry.last = analysis;
    return analysis;
  }

  private entryFor(engine: AnalyzerFactory, target: AnalysisTarget, settings: InitLensSettings, project: { index: WorkspaceIndex; rel: string } | null | undefined): { entry: Entry; project: { index: WorkspaceIndex; rel: string } | null } {
    const config = this.projects.get(target.key) ?? null;
    const settingsKey = JSON.stringify([settings, config]);
    let entry = this.entries.get(target.key);
    if (project === undefined) project = entry?.project ?? null;
    if (!engine.WorkspaceAnalyzer) project = null;
    if (!entry || entry.language !== target.language || entry.settingsKey !== settingsKey || (entry.linked !== null) !== (project !== null)) {
      // Defaults < the project's configuration file < what the user set in VS Code.
      const options = this.optionsFor(target, settings);
      entry = {
        analyzer: project ? null : new engine.IncrementalAnalyzer(target.language, options),
        linked: project && engine.WorkspaceAnalyzer ? new engine.WorkspaceAnalyzer(target.language, options) : null,
        rel: project?.rel ?? null,
        project,
        text: target.text,
        language: target.language,
        settingsKey,
        options,
        last: null,
        lastGood: null,
        pending: undefined,
        remote: false,
        inFlight: null,
        remoteLinked: null,
      };
      this.entries.set(target.key, entry);
    }
    return { entry, project };
  }

  /** The engine options the analysis of `key` uses (for fix-all). */
  options(key: string): ReturnType<typeof optionsFor> | null {
    return this.entries.get(key)?.options ?? null;
  }

  /** The last analysis if it is for `version`, without computing. */
  cached(key: string, version: string): Analysis | null {
    const last = this.entries.get(key)?.last;
    return last && last.version === version ? last : null;
  }

  /** Records the edits of one change event of a plain document. */
  noteChanges(key: string, changes: readonly { rangeOffset: number; rangeLength: number; text: string }[]): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (entry.pending === undefined && changes.length === 1) {
      const c = changes[0]!;
      entry.pending = [{ from: c.rangeOffset, to: c.rangeOffset + c.rangeLength, insert: c.text }];
    } else {
      entry.pending = null; // more than one step: let the analyzer find the change itself
    }
  }

  /** Drop the cached result of `key` (a file it depends on changed); the next analyze() recomputes it. */
  invalidate(key: string): void {
    const entry = this.entries.get(key);
    if (entry) entry.last = null;
  }

  /** What each document analysed in the workspace read, by workspace path → its key and link (see affectedBy). */
  tracked(): { files: Map<string, TrackedFile>; keys: Map<string, string> } {
    const files = new Map<string, TrackedFile>();
    const keys = new Map<string, string>();
    for (const [key, e] of this.entries) {
      const l = e.remote ? e.remoteLinked : e.linked?.linked;
      if (!e.rel || !l) continue;
      files.set(e.rel, { text: e.text, language: e.language, signature: l.signature, files: l.files });
      keys.set(e.rel, key);
    }
    return { files, keys };
  }

  forget(key: string): void {
    this.entries.delete(key);
    this.projects.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.projects.clear();
  }
}
