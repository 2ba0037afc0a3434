/**
 * Diagnostics of a file that is not open in the editor (workspace scans of the
 * extension and of the language server): a source file is analysed as is; a
 * notebook's code cells are analysed together and each finding is placed at
 * its layer inside the .ipynb JSON. Offsets are offsets of the file's text.
 * The engine is passed in (this module loads no parser).
 */
import type { AnalysisOptions, AnalysisResult, Language } from '../../core/types.js';
import type { NotebookParseResult, Notebook } from '../../core/notebook.js';
import { engineLanguage, skipReason, toAnalysisOptions, type InitLensSettings } from './settings.js';
import { toDiagnostics, visibleFindings, type DiagnosticData } from './present.js';

export interface ClosedFileEngine {
  analyze(text: string, language: Language, options?: Partial<AnalysisOptions>): AnalysisResult;
  parseNotebook(fileText: string): NotebookParseResult;
  toFileOffset(nb: Notebook, offset: number): number | null;
}

/** The language id of a model file from its name, or null when it is not one. */
export function languageIdOfPath(path: string): string | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.d.ts') || lower.endsWith('.d.mts') || lower.endsWith('.d.cts')) return null;
  const ext = lower.slice(lower.lastIndexOf('.') + 1);
  if (ext === 'py') return 'python';
  if (ext === 'ipynb') return 'jupyter';
  if (ext === 'ts' || ext === 'mts' || ext === 'cts') return 'typescript';
  if (ext === 'tsx') return 'typescriptreact';
  if (ext === 'jsx') return 'javascriptreact';
  if (ext === 'js' || ext === 'mjs' || ext === 'cjs') return 'javascript';
  return null;
}

/**
 * Diagnostics (file offsets) of a closed file, or null when InitLens skips it
 * (not a model file, disabled language, excluded, too large, unreadable notebook).
 */
export function closedFileDiagnostics(
  engine: ClosedFileEngine,
  path: string,
  text: string,
  settings: InitLensSettings,
  excluded: boolean,
  /** Engine options (the project configuration merged with the settings); default: the settings alone. */
  options: Partial<AnalysisOptions> = toAnalysisOptions(settings),
): DiagnosticData[] | null {
  const languageId = languageIdOfPath(path);
  if (languageId === null) return null;
  if (languageId === 'jupyter') {
    // JSON carries more than the code: allow four times the size limit, like the code cells' text.
    if (!settings.enable || excluded || text.length > settings.maxFileSize * 4) return null;
    const parsed = engine.parseNotebook(text);
    if (!parsed.notebook || parsed.notebook.language !== 'python' || !settings.languages.python) return null;
    const nb = parsed.notebook;
    const result = engine.analyze(nb.text, 'python', options);
    const out: DiagnosticData[] = [];
    for (const d of toDiagnostics(visibleFindings(result, settings), settings)) {
      const a = engine.toFileOffset(nb, d.from);
      const b = engine.toFileOffset(nb, Math.max(d.from, d.to - 1));
      if (a === null || b === null) continue;
      const related = d.related.flatMap((r) => {
        const ra = engine.toFileOffset(nb, r.from);
        const rb = engine.toFileOffset(nb, Math.max(r.from, r.to - 1));
        return ra === null || rb === null ? [] : [{ ...r, from: ra, to: rb + 1 }];
      });
      out.push({ ...d, from: a, to: b + 1, related });
    }
    return out;
  }
  const language = engineLanguage(languageId);
  if (!language || skipReason(settings, { languageId, length: text.length, excluded })) return null;
  const result = engine.analyze(text, language, options);
  return toDiagnostics(visibleFindings(result, settings), settings);
}
