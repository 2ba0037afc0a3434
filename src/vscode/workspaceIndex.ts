/**
 * The editor's workspace index (src/core/workspace): built lazily, on the first
 * analysis after activation, from the files of the workspace folders read with
 * `vscode.workspace.fs` (so it works in the web extension and in virtual
 * workspaces) and the open documents (open, unsaved text wins). Folders like
 * `node_modules`, `.venv` and `build` and files over the size limit are skipped;
 * a large workspace shows progress in the status bar.
 *
 * Afterwards it follows the disk (a file system watcher; open documents are fed
 * by the diagnostics controller as they are analysed) and reports which file
 * changed, so the controller re-analyses the open files that depend on it.
 */
import * as vscode from 'vscode';
import type { CellStart, WorkspaceIndex } from '../core/workspace/index.js';
import type { Engine } from './engine.js';
import { notebookTarget, type Target } from './target.js';

const GLOB = '**/*.{py,ipynb,ts,mts,cts,js,mjs,cjs}';
const EXCLUDE = '**/{node_modules,.venv,venv,env,build,dist,.git,__pycache__,.tox,.mypy_cache,.pytest_cache,site-packages,.e2e,.ipynb_checkpoints}/**';
/** Most files indexed (the rest are analysed alone). */
const MAX_FILES = 5000;
/** Above this many files, indexing shows progress. */
const PROGRESS_FROM = 200;

/** A notebook target's code cells (index among all cells) and where each starts in its joined text. */
function cellStarts(target: Target): CellStart[] | undefined {
  if (!target.notebook || !target.joined) return undefined;
  const byDoc = new Map(target.notebook.getCells().map((c) => [c.document, c.index] as const));
  return target.docs.map((d, i) => ({ cell: byDoc.get(d) ?? i, start: target.joined!.starts[i] }));
}

export interface ProjectContext {
  index: WorkspaceIndex;
  rel: string;
}

export class ProjectIndex implements vscode.Disposable {
  private index: WorkspaceIndex | null = null;
  private building: Promise<WorkspaceIndex | null> | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<string>();
  /** A file's entry in the index changed (its workspace-relative path). */
  readonly onDidChangeFile = this.changed.event;
  /** Fires once, when the first build is done. */
  private readonly ready = new vscode.EventEmitter<void>();
  readonly onDidBuild = this.ready.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(this.changed, this.ready);
  }

  /** The index, once built. */
  get current(): WorkspaceIndex | null {
    return this.index;
  }

  /** `folder/a/b.py` relative to its workspace folder (prefixed by the folder's name in a multi-root workspace). */
  relPath(uri: vscode.Uri): string | null {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return null;
    const base = folder.uri.path.endsWith('/') ? folder.uri.path : folder.uri.path + '/';
    if (!uri.path.startsWith(base)) return null;
    const rel = uri.path.slice(base.length);
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    return multi ? `${folder.name}/${rel}` : rel;
  }

  /** The project of a target, or null (index not built yet: the build starts; or the file is outside the folders). */
  contextFor(engine: Engine, target: Target): ProjectContext | null {
    const rel = this.relPath(target.uri);
    if (rel === null) return null;
    if (!this.index) {
      void this.ensure(engine);
      return null;
    }
    return { index: this.index, rel };
  }

  ensure(engine: Engine): Promise<WorkspaceIndex | null> {
    this.building ??= this.build(engine).then(
      (ix) => {
        this.index = ix;
        if (ix) this.ready.fire();
        return ix;
      },
      (e) => {
        this.log.error(`workspace index: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      },
    );
    return this.building;
  }

  private async build(engine: Engine): Promise<WorkspaceIndex | null> {
    if (!vscode.workspace.workspaceFolders?.length) return null;
    const start = performance.now();
    const index = new engine.WorkspaceIndex();
    const uris = await vscode.workspace.findFiles(GLOB, EXCLUDE, MAX_FILES);
    const open = new Map<string, { text: string; cells?: CellStart[] }>();
    for (const d of vscode.workspace.textDocuments) if (d.uri.scheme !== 'vscode-notebook-cell') open.set(d.uri.toString(), { text: d.getText() });
    for (const nb of vscode.workspace.notebookDocuments) {
      const t = notebookTarget(nb);
      if (t) open.set(nb.uri.toString(), { text: t.text, cells: cellStarts(t) });
    }
    const decoder = new TextDecoder('utf-8', { fatal: false });
    const readAll = async (report?: (n: number) => void) => {
      let n = 0;
      for (const uri of uris) {
        n++;
        if (report && n % 50 === 0) report(n);
        const rel = this.relPath(uri);
        if (rel === null || engine.inSkippedFolder(rel)) continue;
        const openText = open.get(uri.toString());
        if (openText !== undefined) {
          index.update(rel, openText.text, rel.endsWith('.ipynb') ? 'notebook' : undefined, openText.cells);
          continue;
        }
        try {
          const st = await vscode.workspace.fs.stat(uri);
          if (st.size > index.maxFileSize) continue;
          const it = engine.indexableText(rel, decoder.decode(await vscode.workspace.fs.readFile(uri)));
          if (it) index.update(rel, it.text, it.language, it.cells);
        } catch {
          // unreadable: analysed alone if opened
        }
      }
    };
    if (uris.length >= PROGRESS_FROM) {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('InitLens: indexing the workspace') }, async (progress) => {
        await readAll((n) => progress.report({ message: `${n}/${uris.length}` }));
      });
    } else await readAll();
    this.watch(engine, index);
    this.log.info(`workspace index: ${index.size} files in ${(performance.now() - start).toFixed(0)} ms (≈${(index.approximateBytes() / 1048576).toFixed(1)} MB)`);
    return index;
  }

  private watch(engine: Engine, index: WorkspaceIndex): void {
    const w = vscode.workspace.createFileSystemWatcher(GLOB);
    const isOpen = (uri: vscode.Uri) =>
      vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && !d.isClosed) ||
      vscode.workspace.notebookDocuments.some((nb) => nb.uri.toString() === uri.toString());
    const reread = async (uri: vscode.Uri) => {
      const rel = this.relPath(uri);
      if (rel === null || isOpen(uri)) return; // open, unsaved text wins (fed by the controller)
      try {
        const st = await vscode.workspace.fs.stat(uri);
        const it = st.size > index.maxFileSize ? null : engine.indexableText(rel, new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
        if (it) {
          if (index.update(rel, it.text, it.language, it.cells).changed) this.changed.fire(rel);
        } else if (index.get(rel)) {
          index.remove(rel);
          this.changed.fire(rel);
        }
      } catch {
        // gone meanwhile: the delete event follows
      }
    };
    this.disposables.push(
      w,
      w.onDidChange((u) => void reread(u)),
      w.onDidCreate((u) => void reread(u)),
      w.onDidDelete((u) => {
        const rel = this.relPath(u);
        if (rel !== null && index.get(rel)) {
          index.remove(rel);
          this.changed.fire(rel);
        }
      }),
    );
  }

  /** An open document's current text (called before it is analysed). Returns whether the index entry changed. */
  noteOpenText(rel: string, target: Target): boolean {
    if (!this.index) return false;
    return this.index.update(rel, target.text, target.notebook ? 'notebook' : undefined, cellStarts(target)).changed;
  }

  /** A document was closed: the index goes back to the disk's text. */
  async noteClosed(engine: Engine, uri: vscode.Uri): Promise<void> {
    const index = this.index;
    const rel = this.relPath(uri);
    if (!index || rel === null || !index.get(rel)) return;
    try {
      const it = engine.indexableText(rel, new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
      if (it && index.update(rel, it.text, it.language, it.cells).changed) this.changed.fire(rel);
    } catch {
      index.remove(rel);
      this.changed.fire(rel);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
