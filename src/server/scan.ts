/**
 * The workspace scan of the language server: every model file under the
 * workspace folders that is not open, analysed from disk
 * (`closedFileDiagnostics`, shared with the extension) after the CLI's walk
 * and reader (src/cli/files.ts), with progress and cancellation checked between
 * files. Unreadable, binary and non-UTF-8 files are skipped; nothing is written.
 */
import * as nodePath from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CancellationToken, Diagnostic, DiagnosticRelatedInformation, Range } from 'vscode-languageserver';
import { analyze, LineIndex } from '../core/index.js';
import { parseNotebook, toFileOffset } from '../core/notebook.js';
import { closedFileDiagnostics } from '../vscode/logic/closedFile.js';
import { collect, load } from '../cli/files.js';
import { nodeIO } from '../cli/io.js';
import type { DiagnosticData } from '../vscode/logic/present.js';
import type { InitLensSettings } from '../vscode/logic/settings.js';

export interface ScannedFile {
  uri: string;
  /** Names this version of the file (modification time and size): unchanged files are not read again. */
  resultId: string;
  /** null: the same as the client's previous result (`previous` had this resultId). */
  diagnostics: Diagnostic[] | null;
}

export interface ScanOptions {
  settings: InitLensSettings;
  isExcluded(path: string): boolean;
  /** Files to leave out (open in the editor: their diagnostics are live). */
  skip(path: string): boolean;
  token: CancellationToken;
  onProgress(done: number, total: number, path: string): void;
  toDiagnostic(data: DiagnosticData, range: Range, related?: DiagnosticRelatedInformation[]): Diagnostic;
  /** The client's previous result ids by URI (workspace/diagnostic's previousResultIds). */
  previous?: ReadonlyMap<string, string>;
  /** Prefix of every result id (changes with the settings). */
  idPrefix?: string;
}

const engine = { analyze, parseNotebook, toFileOffset };

export async function scanWorkspace(roots: readonly string[], opts: ScanOptions): Promise<ScannedFile[]> {
  // The CLI's walk and reader: same folders skipped (node_modules, .git, .venv...), same
  // binary / UTF-8 / size checks, so `initlens check .` and the editor agree.
  const io = nodeIO();
  const files = roots.length === 0 ? [] : await collect(io, [...roots], []);
  const out: ScannedFile[] = [];
  for (const [i, file] of files.entries()) {
    // Yield between files: a `$/cancelRequest` (or any other message) is handled meanwhile.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.token.isCancellationRequested) break;
    const path = nodePath.resolve(io.cwd, file.path);
    opts.onProgress(i, files.length, path);
    if (opts.skip(path)) continue;
    const uri = pathToFileURL(path).href;
    let resultId: string;
    try {
      const st = await io.stat(path);
      resultId = `${opts.idPrefix ?? ''}${st.mtimeMs}:${st.size}`;
    } catch {
      continue;
    }
    if (opts.previous?.get(uri) === resultId) {
      out.push({ uri, resultId, diagnostics: null });
      continue;
    }
    const loaded = await load(io, file, opts.settings.maxFileSize * 4);
    if (!('bom' in loaded)) continue; // unreadable, binary, not UTF-8 or too large
    const text = loaded.text;
    const data = closedFileDiagnostics(engine, path, text, opts.settings, opts.isExcluded(path));
    if (data === null) continue;
    const index = new LineIndex(text);
    const pos = (o: number) => {
      const p = index.lineCol(o);
      return { line: p.line, character: p.column };
    };
    const range = (from: number, to: number) => ({ start: pos(from), end: pos(Math.max(from, to)) });
    out.push({ uri, resultId, diagnostics: data.map((d) => opts.toDiagnostic(d, range(d.from, d.to), d.related.map((r) => ({ location: { uri, range: range(r.from, r.to) }, message: r.message })))) });
  }
  opts.onProgress(files.length, files.length, '');
  return out;
}
