/**
 * The workspace scan of the language server: every model file under the
 * workspace folders that is not open, analysed from disk
 * (`closedFileDiagnostics`, shared with the extension), with progress and
 * cancellation checked between files. Unreadable, binary and non-UTF-8 files are
 * skipped (logged by the caller's progress only); nothing is written.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CancellationToken, Diagnostic, Range } from 'vscode-languageserver';
import { analyze, LineIndex } from '../core/index.js';
import { parseNotebook, toFileOffset } from '../core/notebook.js';
import { closedFileDiagnostics, languageIdOfPath } from '../vscode/logic/closedFile.js';
import type { DiagnosticData } from '../vscode/logic/present.js';
import type { InitLensSettings } from '../vscode/logic/settings.js';

export interface ScannedFile {
  uri: string;
  diagnostics: Diagnostic[];
}

export interface ScanOptions {
  settings: InitLensSettings;
  isExcluded(path: string): boolean;
  /** Files to leave out (open in the editor: their diagnostics are live). */
  skip(path: string): boolean;
  token: CancellationToken;
  onProgress(done: number, total: number, path: string): void;
  toDiagnostic(data: DiagnosticData, range: Range): Diagnostic;
}

/** Folders never entered (dependencies, caches, VCS). */
const IGNORED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.ipynb_checkpoints', 'site-packages']);
/** A bound on the walk, so a huge home folder opened by mistake cannot hang the server. */
const MAX_FILES = 20_000;

const engine = { analyze, parseNotebook, toFileOffset };

async function listModelFiles(roots: readonly string[], opts: ScanOptions): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    if (out.length >= MAX_FILES || opts.token.isCancellationRequested) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = nodePath.join(dir, e.name);
      if (e.isDirectory()) {
        if (!IGNORED_DIRS.has(e.name) && !opts.isExcluded(path + '/')) await walk(path);
      } else if ((e.isFile() || e.isSymbolicLink()) && languageIdOfPath(e.name) !== null && !seen.has(path)) {
        seen.add(path);
        out.push(path);
      }
    }
  };
  for (const root of roots) await walk(root);
  return out;
}

export async function scanWorkspace(roots: readonly string[], opts: ScanOptions): Promise<ScannedFile[]> {
  const files = await listModelFiles(roots, opts);
  const out: ScannedFile[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (const [i, path] of files.entries()) {
    // Yield between files: a `$/cancelRequest` (or any other message) is handled meanwhile.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.token.isCancellationRequested) break;
    opts.onProgress(i, files.length, path);
    if (opts.skip(path)) continue;
    let text: string;
    try {
      const st = await stat(path);
      if (!st.isFile() || st.size > opts.settings.maxFileSize * 4) continue;
      const bytes = await readFile(path);
      if (bytes.includes(0)) continue;
      text = decoder.decode(bytes);
    } catch {
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const data = closedFileDiagnostics(engine, path, text, opts.settings, opts.isExcluded(path));
    if (data === null) continue;
    const index = new LineIndex(text);
    const pos = (o: number) => {
      const p = index.lineCol(o);
      return { line: p.line, character: p.column };
    };
    out.push({ uri: pathToFileURL(path).href, diagnostics: data.map((d) => opts.toDiagnostic(d, { start: pos(d.from), end: pos(Math.max(d.from, d.to)) })) });
  }
  opts.onProgress(files.length, files.length, '');
  return out;
}
