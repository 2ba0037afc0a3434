/**
 * The language server's workspace index (src/core/workspace): built once, after
 * `initialized`, from the files under the workspace folders read with Node's fs
 * (the CLI's walk and reader, src/cli/files.ts: the same skipped folders, size
 * and encoding checks), then kept current with the open documents (their text
 * wins, fed before each analysis), `workspace/didChangeWatchedFiles` and the
 * disk text again when a document is closed. Each update says which indexed
 * file changed; the session re-publishes the open files whose analysis reads it
 * (`affectedBy`). The index itself stays pure: this file does the I/O.
 */
import * as nodePath from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkspaceIndex, indexableText, type CellStart } from '../core/index.js';
import { collect, kindOf, load } from '../cli/files.js';
import { nodeIO } from '../cli/io.js';
import type { ServerTarget } from './documents.js';

/** Most files indexed, as in the extension (the rest are analysed alone). */
const MAX_FILES = 5000;

export interface ServerProject {
  index: WorkspaceIndex;
  rel: string;
}

function pathOfUri(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

export class ServerWorkspace {
  private index: WorkspaceIndex | null = null;
  private building: Promise<WorkspaceIndex | null> | null = null;
  /** Absolute folder paths, in the client's order. */
  private roots: string[] = [];

  constructor(private readonly log: (message: string) => void) {}

  get current(): WorkspaceIndex | null {
    return this.index;
  }

  /** The workspace folders changed: the next build reads them (the index built so far is dropped). */
  setFolders(folderUris: readonly string[]): void {
    const roots = folderUris.map(pathOfUri).filter((p): p is string => p !== null);
    if (JSON.stringify(roots) === JSON.stringify(this.roots)) return;
    this.roots = roots;
    this.index = null;
    this.building = null;
  }

  /** `a/b.py` relative to its folder (prefixed by the folder's name when there are several), or null outside them. */
  relOf(uri: string): string | null {
    const path = pathOfUri(uri);
    if (path === null) return null;
    for (const root of this.roots) {
      const rel = nodePath.relative(root, path);
      if (rel === '' || rel.startsWith('..') || nodePath.isAbsolute(rel)) continue;
      const posix = rel.split(nodePath.sep).join('/');
      return this.roots.length > 1 ? `${nodePath.basename(root)}/${posix}` : posix;
    }
    return null;
  }

  private absOf(rel: string): string | null {
    if (this.roots.length === 1) return nodePath.join(this.roots[0]!, rel);
    const slash = rel.indexOf('/');
    const root = this.roots.find((r) => nodePath.basename(r) === rel.slice(0, slash));
    return root ? nodePath.join(root, rel.slice(slash + 1)) : null;
  }

  /** Builds the index (once); resolves when done. Open documents are fed by the session afterwards. */
  ensure(maxSize: number): Promise<WorkspaceIndex | null> {
    this.building ??= this.build(maxSize).then(
      (ix) => (this.index = ix),
      (e) => {
        this.log(`workspace index: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      },
    );
    return this.building;
  }

  private async build(maxSize: number): Promise<WorkspaceIndex | null> {
    if (this.roots.length === 0) return null;
    const start = performance.now();
    const io = nodeIO();
    const index = new WorkspaceIndex(maxSize);
    for (const root of this.roots) {
      const files = await collect(io, [root], []);
      for (const f of files) {
        if (index.size >= MAX_FILES) break;
        const abs = nodePath.resolve(io.cwd, f.path);
        const rel = this.relOf(pathToFileURL(abs).href);
        if (rel === null || !index.accepts(rel, 0)) continue;
        const loaded = await load(io, f, maxSize);
        if (!('bytes' in loaded)) continue;
        const it = indexableText(rel, loaded.text);
        if (it) index.update(rel, it.text, it.language, it.cells);
      }
    }
    this.log(`workspace index: ${index.size} files in ${(performance.now() - start).toFixed(0)} ms (≈${(index.approximateBytes() / 1048576).toFixed(1)} MB)`);
    return index;
  }

  /** The project of an open target, with its current text put into the index first; `changed`: the index entry changed. */
  contextFor(target: ServerTarget): { project: ServerProject; changed: boolean } | null {
    if (!this.index) return null;
    const rel = this.relOf(target.uri);
    if (rel === null) return null;
    const notebook = target.notebook !== null;
    let cells: CellStart[] | undefined;
    if (notebook && target.joined) {
      const index = new Map(target.notebook!.cells.map((c, i) => [c.document, i] as const));
      cells = target.docs.map((d, i) => ({ cell: index.get(d.uri) ?? i, start: target.joined!.starts[i]! }));
    }
    const changed = this.index.update(rel, target.text, notebook ? 'notebook' : undefined, cells).changed;
    return { project: { index: this.index, rel }, changed };
  }

  /** A file changed, appeared or was deleted on disk (or an open document was closed): read it again. Returns its rel path when the index changed. */
  async reread(uri: string): Promise<string | null> {
    const index = this.index;
    const rel = this.relOf(uri);
    if (!index || rel === null) return null;
    const abs = this.absOf(rel);
    if (abs === null) return null;
    const io = nodeIO();
    let text: string | null = null;
    let cells: CellStart[] | undefined;
    let language;
    try {
      const loaded = await load(io, { path: abs, kind: kindOf(abs) }, index.maxFileSize);
      if ('bytes' in loaded) {
        const it = indexableText(rel, loaded.text);
        if (it) ({ text, cells, language } = it);
      }
    } catch {
      text = null;
    }
    if (text === null) {
      if (!index.get(rel)) return null;
      index.remove(rel);
      return rel;
    }
    return index.update(rel, text, language, cells).changed ? rel : null;
  }
}
