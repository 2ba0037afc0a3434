/**
 * Per-document analysis state: one engine IncrementalAnalyzer per document (or
 * notebook), the last result keyed by the exact version it was computed for.
 * Shared by the extension and the language server (src/server): it imports no
 * `vscode` value.
 */
import type { AnalysisResult, Finding, Language } from '../core/types.js';
import type { IncrementalAnalyzer } from '../core/analysis/incremental.js';
import { toAnalysisOptions, type InitLensSettings } from './logic/settings.js';
import { visibleFindings } from './logic/present.js';

/** What the service needs of a document or notebook (the extension's `Target`, the language server's). */
export interface AnalysisTarget {
  /** Cache key: the document's or the notebook's URI. */
  key: string;
  language: Language;
  text: string;
  /** Changes whenever any analysed text changes. */
  version: string;
}

/** The engine's on-type analyzer class (passed in, so this file loads no parser). */
export interface AnalyzerFactory {
  IncrementalAnalyzer: typeof IncrementalAnalyzer;
}

export interface Analysis {
  version: string;
  result: AnalysisResult;
  /** Findings shown to the user (framework enabled, severity not off). */
  findings: Finding[];
  ms: number;
}

interface Entry {
  analyzer: IncrementalAnalyzer;
  language: Language;
  settingsKey: string;
  last: Analysis | null;
  /** Text changes since the last analysis, when they are known exactly (one change). */
  pending: { from: number; to: number; insert: string }[] | null | undefined;
}

export class AnalysisService {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The analysis of `target` at its current version (cached, or computed now). */
  analyze(engine: AnalyzerFactory, target: AnalysisTarget, settings: InitLensSettings): Analysis {
    const settingsKey = JSON.stringify(settings);
    let entry = this.entries.get(target.key);
    if (!entry || entry.language !== target.language || entry.settingsKey !== settingsKey) {
      entry = {
        analyzer: new engine.IncrementalAnalyzer(target.language, toAnalysisOptions(settings)),
        language: target.language,
        settingsKey,
        last: null,
        pending: undefined,
      };
      this.entries.set(target.key, entry);
    }
    if (entry.last && entry.last.version === target.version) return entry.last;
    const start = this.now();
    const changes = entry.last && entry.pending ? entry.pending : undefined;
    const result = entry.analyzer.update(target.text, changes);
    entry.pending = undefined;
    const analysis: Analysis = {
      version: target.version,
      result,
      findings: visibleFindings(result, settings),
      ms: this.now() - start,
    };
    entry.last = analysis;
    return analysis;
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

  forget(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
