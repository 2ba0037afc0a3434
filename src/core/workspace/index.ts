/**
 * The workspace index: every Python, notebook and TypeScript/JavaScript file of a
 * project, summarized (top-level definitions and imports), with import
 * resolution inside the workspace.
 *
 * Pure: it is given paths and texts (`update`, `remove`) and answers questions;
 * it never reads a file. Paths are workspace-relative with `/` separators
 * (`pkg/models.py`). Notebooks are given as their code (cells joined, see
 * src/core/notebook.ts): they import from the workspace but nothing imports them.
 *
 * Python resolution (like the interpreter's `sys.path`, without running anything):
 * an absolute import `a.b` is looked up from the importing file's folder (a
 * script importing its neighbour), then from the workspace root, then from each
 * package root (the folder above a top-level package: `src/` in a src layout);
 * `a/b.py` or `a/b/__init__.py`. Relative imports climb from the file's package.
 * A name is followed through re-exports (`from .models import Generator` in an
 * `__init__.py`) and star imports, with a visited set: cycles end, they do not hang.
 *
 * TypeScript/JavaScript: relative specifiers (`./layers`, `../config.js`) with
 * the usual extension and `index` candidates, `export { a as b }`,
 * `export * from`, `export { x } from`.
 */
import { summarizePython, type PyModuleSummary, type DefKind } from './python.js';
import { summarizeJs, type JsModuleSummary, type JsDeclKind } from './javascript.js';
import { parseNotebook } from '../notebook.js';
import { LineIndex } from '../text.js';
import { isFrameworkModule } from '../frameworks/python/vocab.js';

export type WorkspaceLanguage = 'python' | 'notebook' | 'javascript' | 'typescript';

/** Files larger than this are not indexed (generated code, vendored bundles). */
export const DEFAULT_MAX_FILE_SIZE = 512 * 1024;

/** Folders never indexed. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules',
  '.venv',
  'venv',
  'env',
  '.env',
  'build',
  'dist',
  '.git',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  'site-packages',
  '.e2e',
]);

export interface IndexedFile {
  path: string;
  language: WorkspaceLanguage;
  text: string;
  /** Bumped on every change of the text. */
  version: number;
  py?: PyModuleSummary;
  js?: JsModuleSummary;
  /** A notebook's code cells in its joined text (for places: "train.ipynb cell 3, line 2"). */
  cells?: readonly CellStart[];
}

/** Where a notebook code cell starts in the joined text; `cell` is its index among all cells (0-based). */
export interface CellStart {
  cell: number;
  start: number;
}

/** A top-level definition another file can use. */
export interface Definition {
  file: string;
  name: string;
  kind: DefKind | JsDeclKind;
  /** Index of its statement in the file's summary (chunks / statements). */
  statement: number;
}

/** The result of resolving an imported name: a definition, or a whole module (`from pkg import models`). */
export type Resolved = { definition: Definition } | { module: string };

export interface UpdateResult {
  /** The text differed from the indexed one. */
  changed: boolean;
  /** Top-level names whose statement text changed, appeared or disappeared. */
  changedNames: string[];
  /** The file's imports changed (their targets may differ). */
  importsChanged: boolean;
}

export function languageOfPath(path: string): WorkspaceLanguage | null {
  const dot = path.lastIndexOf('.');
  const ext = dot < 0 ? '' : path.slice(dot).toLowerCase();
  switch (ext) {
    case '.py':
    case '.pyi':
      return 'python';
    case '.ipynb':
      return 'notebook';
    case '.ts':
    case '.mts':
    case '.cts':
      return path.endsWith('.d.ts') ? null : 'typescript';
    case '.js':
    case '.mjs':
    case '.cjs':
      return 'javascript';
    default:
      return null;
  }
}

/**
 * The text the index keeps for a file as stored on disk: a notebook's code cells
 * joined (magics blanked, see src/core/notebook.ts), other files as they are.
 * Null when the file is not indexed (unknown language, a notebook that does not
 * parse or whose kernel is not Python).
 */
export function indexableText(path: string, fileText: string): { text: string; language: WorkspaceLanguage; cells?: CellStart[] } | null {
  const language = languageOfPath(path);
  if (language === null) return null;
  if (language !== 'notebook') return { text: fileText.charCodeAt(0) === 0xfeff ? fileText.slice(1) : fileText, language };
  const parsed = parseNotebook(fileText);
  if (!parsed.notebook || parsed.notebook.language !== 'python') return null;
  return { text: parsed.notebook.text, language, cells: parsed.notebook.slices.map((s) => ({ cell: s.cell, start: s.start })) };
}

/** A file's summary (what `update` computes for it), as plain data. */
export interface FileSummary {
  py?: PyModuleSummary;
  js?: JsModuleSummary;
}

/**
 * The summary `update(path, text, language)` computes, computed apart: the CLI computes the
 * summaries of a project's files on its worker threads and hands them to `update`.
 */
export function summarizeFile(text: string, language: WorkspaceLanguage): FileSummary {
  return language === 'python' || language === 'notebook' ? { py: summarizePython(text) } : { js: summarizeJs(text, language === 'typescript') };
}

/** `a\\b/./c/../d.py` → `a/b/d.py`; a path that climbs above the root → null. */
export function normalizePath(p: string): string | null {
  const out: string[] = [];
  for (const part of p.split('\\').join('/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** Whether a workspace-relative path lies in a folder that is never indexed. */
export function inSkippedFolder(path: string): boolean {
  const parts = path.split('/');
  for (let i = 0; i < parts.length - 1; i++) if (SKIPPED_FOLDERS.has(parts[i])) return true;
  return false;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function join(dir: string, rest: string): string {
  return dir ? dir + '/' + rest : rest;
}

const JS_EXTS = ['.ts', '.tsx', '.mts', '.js', '.mjs', '.jsx', '.cjs'];

export class WorkspaceIndex {
  private files = new Map<string, IndexedFile>();
  /** Folders that hold an `__init__.py`. */
  private packages = new Map<string, number>();
  private rootsCache: string[] | null = null;
  /** Direct import edges, recomputed lazily: file → files it imports. */
  private edges: Map<string, Set<string>> | null = null;
  private reverse: Map<string, Set<string>> | null = null;

  constructor(readonly maxFileSize = DEFAULT_MAX_FILE_SIZE) {}

  /** Whether a file would be indexed (language known, size within the limit, not in a skipped folder). */
  accepts(path: string, size: number): boolean {
    return languageOfPath(path) !== null && size <= this.maxFileSize && !inSkippedFolder(path);
  }

  /**
   * Add or replace a file. Returns what changed (for re-analysing dependants). `summary`, when
   * given, must be `summarizeFile(text, language)` (computed elsewhere, e.g. on a worker thread).
   */
  update(path: string, text: string, language?: WorkspaceLanguage, cells?: readonly CellStart[], summary?: FileSummary): UpdateResult {
    const lang = language ?? languageOfPath(path);
    if (lang === null || text.length > this.maxFileSize || inSkippedFolder(path)) {
      const had = this.files.has(path);
      if (had) this.remove(path);
      return { changed: had, changedNames: [], importsChanged: had };
    }
    const old = this.files.get(path);
    if (old && old.text === text && old.language === lang) {
      // same code, cells moved (a markdown cell added above): only the places change
      if (lang === 'notebook' && cells && JSON.stringify(cells) !== JSON.stringify(old.cells ?? null)) {
        this.files.set(path, { ...old, cells, version: old.version + 1 });
        return { changed: true, changedNames: [], importsChanged: false };
      }
      return { changed: false, changedNames: [], importsChanged: false };
    }
    const entry: IndexedFile = { path, language: lang, text, version: (old?.version ?? 0) + 1, ...(lang === 'notebook' && cells ? { cells } : {}) };
    let changedNames: string[] = [];
    let importsChanged = true;
    if (lang === 'python' || lang === 'notebook') {
      entry.py = summary?.py ?? summarizePython(text, old?.py ? { text: old.text, summary: old.py } : undefined);
      if (old?.py) {
        changedNames = diffPy(old.text, old.py, text, entry.py);
        importsChanged = !sameImports(old.py, entry.py);
      } else changedNames = [...entry.py.defs.keys()];
    } else {
      entry.js = summary?.js ?? summarizeJs(text, lang === 'typescript');
      if (old?.js) {
        changedNames = diffJs(old.text, old.js, text, entry.js);
        importsChanged = JSON.stringify([old.js.imports.map((i) => [i.spec, i.name, i.local]), old.js.exports]) !== JSON.stringify([entry.js.imports.map((i) => [i.spec, i.name, i.local]), entry.js.exports]);
      } else changedNames = [...entry.js.defs.keys()];
    }
    this.files.set(path, entry);
    if (!old) this.fileSetChanged(path, +1);
    else if (importsChanged) this.edges = this.reverse = null;
    return { changed: true, changedNames, importsChanged };
  }

  remove(path: string): void {
    if (!this.files.delete(path)) return;
    this.fileSetChanged(path, -1);
  }

  private fileSetChanged(path: string, delta: number): void {
    if (path.endsWith('/__init__.py') || path === '__init__.py') {
      const dir = dirOf(path);
      const n = (this.packages.get(dir) ?? 0) + delta;
      if (n > 0) this.packages.set(dir, n);
      else this.packages.delete(dir);
      this.rootsCache = null;
    }
    this.edges = this.reverse = null;
  }

  get(path: string): IndexedFile | undefined {
    return this.files.get(path);
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  get size(): number {
    return this.files.size;
  }

  /** Folders absolute Python imports are looked up from: the workspace root, then each package root. */
  packageRoots(): string[] {
    if (this.rootsCache) return this.rootsCache;
    const roots = new Set<string>(['']);
    for (const dir of this.packages.keys()) {
      const parent = dirOf(dir);
      // a top-level package: its parent is no package
      if (dir !== '' && !this.packages.has(parent)) roots.add(parent);
    }
    this.rootsCache = [...roots].sort((a, b) => a.length - b.length || a.localeCompare(b));
    return this.rootsCache;
  }

  /** The file a Python module name refers to, seen from `fromPath`, or null (a library, or not found). */
  resolvePyModule(fromPath: string, module: string, level: number): string | null {
    const rel = module ? module.split('.').join('/') : '';
    const candidates = (base: string): string | null => {
      if (rel === '') {
        const init = join(base, '__init__.py');
        return this.files.has(init) ? init : null;
      }
      for (const c of [join(base, rel + '.py'), join(base, rel + '/__init__.py'), join(base, rel + '.pyi')]) if (this.files.has(c)) return c;
      return null;
    };
    if (level > 0) {
      let base = dirOf(fromPath);
      for (let i = 1; i < level; i++) {
        if (base === '') return null;
        base = dirOf(base);
      }
      return candidates(base);
    }
    if (!module || isFrameworkModule(module)) return null;
    const seen = new Set<string>();
    for (const base of [dirOf(fromPath), ...this.packageRoots()]) {
      if (seen.has(base)) continue;
      seen.add(base);
      const f = candidates(base);
      if (f) return f;
    }
    return null;
  }

  /** The file a TS/JS import specifier refers to, or null (a package, or not found). */
  resolveJsModule(fromPath: string, spec: string): string | null {
    if (!spec.startsWith('./') && !spec.startsWith('../')) return null;
    const target = normalizePath(join(dirOf(fromPath), spec));
    if (target === null) return null;
    const cands: string[] = [target];
    // `./layers.js` written for a `layers.ts` source (TypeScript ESM)
    for (const [js, ts] of [['.js', '.ts'], ['.js', '.tsx'], ['.mjs', '.mts'], ['.cjs', '.cts']]) {
      if (target.endsWith(js)) cands.push(target.slice(0, target.length - js.length) + ts);
    }
    for (const e of JS_EXTS) cands.push(target + e);
    for (const e of JS_EXTS) cands.push(target + '/index' + e);
    for (const c of cands) if (this.files.has(c) && this.files.get(c)!.js) return c;
    return null;
  }

  /**
   * What the local name `local`, bound by an import in `fromPath`, refers to inside
   * the workspace (following re-exports and star imports), or null.
   */
  resolveLocal(fromPath: string, local: string, summary?: { py?: PyModuleSummary; js?: JsModuleSummary }): Resolved | null {
    const f = summary ?? this.files.get(fromPath);
    if (!f) return null;
    if (f.py) {
      for (const im of f.py.imports) {
        if (im.local !== local) continue;
        if (im.name === null) {
          // `import pkg.models as m` → the module; `import pkg` → pkg
          const mod = im.local === im.module.split('.')[0] && im.module.includes('.') ? im.module.split('.')[0] : im.module;
          const file = this.resolvePyModule(fromPath, mod, 0);
          return file ? { module: file } : null;
        }
        return this.resolvePyMember(fromPath, im.module, im.level, im.name, new Set());
      }
      return null;
    }
    if (f.js) {
      for (const im of f.js.imports) {
        if (im.local !== local) continue;
        const file = this.resolveJsModule(fromPath, im.spec);
        if (!file) return null;
        if (im.name === '*') return { module: file };
        return this.resolveJsExport(file, im.name, new Set());
      }
    }
    return null;
  }

  /** `from <module> import <name>` seen from `fromPath`. */
  resolvePyMember(fromPath: string, module: string, level: number, name: string, seen: Set<string>): Resolved | null {
    const file = this.resolvePyModule(fromPath, module, level);
    if (file) {
      const r = this.pyName(file, name, seen);
      if (r) return r;
    }
    // `from pkg import models`: a submodule
    const sub = this.resolvePyModule(fromPath, module ? module + '.' + name : name, level);
    return sub ? { module: sub } : null;
  }

  /** The definition `name` has at the top level of a Python file (following its imports). */
  pyName(file: string, name: string, seen: Set<string> = new Set()): Resolved | null {
    const key = file + '\0' + name;
    if (seen.has(key)) return null; // a cycle
    seen.add(key);
    const f = this.files.get(file);
    if (!f?.py) return null;
    const idx = f.py.defs.get(name);
    if (idx !== undefined) {
      const chunk = f.py.chunks[idx];
      if (chunk.kind !== 'import') return { definition: { file, name, kind: chunk.kind, statement: idx } };
      for (const im of f.py.imports) {
        if (im.chunk !== idx || im.local !== name) continue;
        if (im.name === null) {
          const m = this.resolvePyModule(file, im.module, 0);
          return m ? { module: m } : null;
        }
        return this.resolvePyMember(file, im.module, im.level, im.name, seen);
      }
      return null;
    }
    // star imports: `from .layers import *`
    if (name.startsWith('_')) return null;
    for (const im of f.py.imports) {
      if (im.name !== '*') continue;
      const target = this.resolvePyModule(file, im.module, im.level);
      if (!target) continue;
      const t = this.files.get(target);
      if (t?.py?.all && !t.py.all.includes(name)) continue;
      const r = this.pyName(target, name, seen);
      if (r) return r;
    }
    return null;
  }

  /** The definition behind export `name` of a TS/JS file. */
  resolveJsExport(file: string, name: string, seen: Set<string>): Resolved | null {
    const key = file + '\0' + name;
    if (seen.has(key)) return null;
    seen.add(key);
    const f = this.files.get(file);
    if (!f?.js) return null;
    for (const ex of f.js.exports) {
      if (ex.name !== name || ex.local === '*') continue;
      if (ex.from !== undefined) {
        const t = this.resolveJsModule(file, ex.from);
        return t ? this.resolveJsExport(t, ex.local, seen) : null;
      }
      return this.jsLocal(file, ex.local, seen);
    }
    for (const ex of f.js.exports) {
      if (ex.local !== '*' || ex.from === undefined) continue;
      const t = this.resolveJsModule(file, ex.from);
      if (!t) continue;
      if (ex.name !== '*') {
        if (ex.name === name) return { module: t };
        continue;
      }
      if (name === 'default') continue; // `export *` does not re-export a default
      const r = this.resolveJsExport(t, name, seen);
      if (r) return r;
    }
    return null;
  }

  private jsLocal(file: string, local: string, seen: Set<string>): Resolved | null {
    const f = this.files.get(file)!;
    const idx = f.js!.defs.get(local);
    if (idx === undefined) return null;
    const st = f.js!.statements[idx];
    if (st.kind !== 'import') return { definition: { file, name: local, kind: st.kind, statement: idx } };
    // imported then exported: follow the import
    for (const im of f.js!.imports) {
      if (im.local !== local) continue;
      const t = this.resolveJsModule(file, im.spec);
      if (!t) return null;
      return im.name === '*' ? { module: t } : this.resolveJsExport(t, im.name, seen);
    }
    return null;
  }

  /** Workspace files `path` imports directly (re-export hops included as their own edges). */
  importsOf(path: string): ReadonlySet<string> {
    this.buildEdges();
    return this.edges!.get(path) ?? new Set();
  }

  /** Workspace files that import `path` directly. */
  importersOf(path: string): ReadonlySet<string> {
    this.buildEdges();
    return this.reverse!.get(path) ?? new Set();
  }

  private buildEdges(): void {
    if (this.edges && this.reverse) return;
    const edges = new Map<string, Set<string>>();
    const reverse = new Map<string, Set<string>>();
    const add = (a: string, b: string | null) => {
      if (!b || a === b) return;
      let s = edges.get(a);
      if (!s) edges.set(a, (s = new Set()));
      s.add(b);
      let r = reverse.get(b);
      if (!r) reverse.set(b, (r = new Set()));
      r.add(a);
    };
    for (const f of this.files.values()) {
      if (f.py) {
        for (const im of f.py.imports) {
          const target = this.resolvePyModule(f.path, im.module, im.level);
          add(f.path, target);
          if (im.name && im.name !== '*') add(f.path, this.resolvePyModule(f.path, im.module ? im.module + '.' + im.name : im.name, im.level));
        }
      } else if (f.js) {
        for (const im of f.js.imports) add(f.path, this.resolveJsModule(f.path, im.spec));
        for (const ex of f.js.exports) if (ex.from !== undefined) add(f.path, this.resolveJsModule(f.path, ex.from));
      }
    }
    this.edges = edges;
    this.reverse = reverse;
  }

  /** Files that depend on `path`, directly or through other files (importers of importers), `path` excluded. */
  transitiveImporters(path: string): string[] {
    const out = new Set<string>();
    const stack = [path];
    while (stack.length) {
      const p = stack.pop()!;
      for (const q of this.importersOf(p)) {
        if (q === path || out.has(q)) continue;
        out.add(q);
        stack.push(q);
      }
    }
    return [...out];
  }

  /** Files `path` imports, directly or through other files (re-export hops), `path` excluded. */
  transitiveImports(path: string): string[] {
    const out = new Set<string>();
    const stack = [path];
    while (stack.length) {
      const p = stack.pop()!;
      for (const q of this.importsOf(p)) {
        if (q === path || out.has(q)) continue;
        out.add(q);
        stack.push(q);
      }
    }
    return [...out];
  }

  /**
   * Files whose linked analysis may read `path` (its importers and the files it
   * imports, transitively): after `path` changes, the host re-links these and
   * re-analyses those whose link signature changed (see linkSignature).
   */
  neighbours(path: string): string[] {
    return [...new Set([...this.transitiveImporters(path), ...this.transitiveImports(path)])].sort();
  }

  /**
   * Where an offset of a file's indexed text is, for messages: its 1-based line, or for a
   * notebook (joined code has no meaningful line) line 0 and the code cell (index among all
   * cells, 0-based) with the 1-based line in it.
   */
  placeOf(path: string, offset: number): { line: number; cell?: number; cellLine?: number } {
    const f = this.files.get(path);
    if (!f) return { line: 0 };
    let li = this.lineIndexes.get(f);
    if (!li) this.lineIndexes.set(f, (li = new LineIndex(f.text)));
    const line = li.lineCol(offset).line;
    if (f.language !== 'notebook') return { line: line + 1 };
    const cells = f.cells ?? [];
    let at: CellStart | null = null;
    for (const c of cells) if (c.start <= offset) at = c;
    if (!at) return { line: 0 };
    return { line: 0, cell: at.cell, cellLine: line - li.lineCol(at.start).line + 1 };
  }

  private lineIndexes = new WeakMap<IndexedFile, LineIndex>();

  /** Rough size of what the index holds, in bytes (texts as UTF-16 and summaries). */
  approximateBytes(): number {
    let n = 0;
    for (const f of this.files.values()) {
      n += f.text.length * 2 + 200;
      const chunks = f.py?.chunks ?? f.js?.statements ?? [];
      for (const c of chunks) {
        n += 80 + c.defines.length * 40;
        for (const u of c.uses) n += 40 + u.length * 2;
      }
    }
    return n;
  }
}

function diffPy(oldText: string, oldSum: PyModuleSummary, newText: string, newSum: PyModuleSummary): string[] {
  const textsOf = (text: string, s: PyModuleSummary) => {
    const m = new Map<string, string>();
    for (const [name, idx] of s.defs) {
      const c = s.chunks[idx];
      m.set(name, text.slice(c.from, c.to));
    }
    return m;
  };
  return diffNames(textsOf(oldText, oldSum), textsOf(newText, newSum));
}

function diffJs(oldText: string, oldSum: JsModuleSummary, newText: string, newSum: JsModuleSummary): string[] {
  const textsOf = (text: string, s: JsModuleSummary) => {
    const m = new Map<string, string>();
    for (const [name, idx] of s.defs) {
      const c = s.statements[idx];
      m.set(name, text.slice(c.from, c.to));
    }
    return m;
  };
  return diffNames(textsOf(oldText, oldSum), textsOf(newText, newSum));
}

function diffNames(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of a) if (b.get(k) !== v) out.push(k);
  for (const k of b.keys()) if (!a.has(k)) out.push(k);
  return out;
}

function sameImports(a: PyModuleSummary, b: PyModuleSummary): boolean {
  if (a.imports.length !== b.imports.length) return false;
  for (let i = 0; i < a.imports.length; i++) {
    const x = a.imports[i];
    const y = b.imports[i];
    if (x.module !== y.module || x.level !== y.level || x.name !== y.name || x.local !== y.local) return false;
  }
  return true;
}
