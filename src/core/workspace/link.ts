/**
 * Linking: the text the engine analyses for one file of a workspace.
 *
 * The analysed file's text is kept as it is; the top-level statements of other
 * workspace files that it needs are added to it verbatim, each in its own
 * region of offsets:
 * - what it imports (`from models import Generator`): the definition, and the
 *   constants, helpers and library imports that definition uses in its own file,
 *   recursively across files;
 * - what others do with its definitions: the statements of importing files that
 *   mention an imported name (`G = Generator(latent_dim=100)`,
 *   `G.apply(weights_init_normal)`, `class ResNet` stacking `BasicBlock`), with
 *   what they need in turn.
 * The engine then reads the whole as one module: a user class defined elsewhere
 * is rerun with this file's construction sites, an init function applied here
 * or elsewhere counts, a model stacked from imported blocks is one stack. Every
 * result whose offsets fall in an added region is mapped back to its file
 * (src/core/workspace/analyze.ts). Nothing is executed and no file is read here:
 * the texts come from the index.
 *
 * Python adds the other files after the analysed text (the interpreter declares
 * classes, functions and constants before it runs statements); TypeScript/JavaScript
 * puts what the file imports before it (a binding must precede its use) and what
 * importers do after it.
 */
import type { WorkspaceIndex, IndexedFile } from './index.js';
import { summarizePython, type PyModuleSummary } from './python.js';
import { summarizeJs, type JsModuleSummary } from './javascript.js';
import { pyRefs, type PyRef } from './pyrefs.js';

/** Most foreign text added to one file's analysis (characters). */
export const LINK_BUDGET = 256 * 1024;
/** Most importing files whose usage is read. */
export const MAX_IMPORTERS = 64;

export interface Segment {
  file: string;
  /** Offset in `file`'s indexed text. */
  from: number;
  /** Offset in the linked text. */
  at: number;
  length: number;
}

export interface Linked {
  /** The text to analyse. */
  text: string;
  /** Where the analysed file's own text starts in `text` (0 for Python). */
  ownFrom: number;
  ownLength: number;
  /** Foreign regions, by increasing `at`. */
  segments: Segment[];
  /** Other files read (sorted). */
  files: string[];
  /** The foreign part of `text`: equal signatures mean equal linked analyses for the same own text. */
  signature: string;
  /**
   * Python: module attribute references of the analysed file written with `_` for `.` in
   * `text` (`models.Generator` → `models_Generator`, same length: the definition is copied
   * under that name), masked name → as written. Empty when none.
   */
  masks: Map<string, string>;
}

interface Unit {
  from: number;
  to: number;
  kind: string;
  defines: string[];
  uses: ReadonlySet<string>;
}

interface FileView {
  path: string;
  text: string;
  units: Unit[];
  defs: Map<string, number>;
  python: boolean;
  /** Local names bound by imports → unit index. */
  importUnit: Map<string, number>;
  /** JS: offsets of `export` keywords per unit, blanked when inlined. */
  exportKw?: Map<number, { from: number; to: number }>;
  summary: { py?: PyModuleSummary; js?: JsModuleSummary };
}

function viewOf(path: string, f: IndexedFile | { text: string; py?: PyModuleSummary; js?: JsModuleSummary }): FileView | null {
  if ('py' in f && f.py) {
    const importUnit = new Map<string, number>();
    for (const im of f.py.imports) if (im.local) importUnit.set(im.local, im.chunk);
    return { path, text: f.text, units: f.py.chunks, defs: f.py.defs, python: true, importUnit, summary: { py: f.py } };
  }
  if ('js' in f && f.js) {
    const importUnit = new Map<string, number>();
    for (const im of f.js.imports) importUnit.set(im.local, im.statement);
    const exportKw = new Map<number, { from: number; to: number }>();
    f.js.statements.forEach((s, i) => s.exportKeyword && exportKw.set(i, s.exportKeyword));
    return { path, text: f.text, units: f.js.statements, defs: f.js.defs, python: false, importUnit, exportKw, summary: { js: f.js } };
  }
  return null;
}

/**
 * Link `path` (with `text`, which may differ from the indexed text: an unsaved
 * editor buffer wins) against the rest of the index.
 */
export function link(index: WorkspaceIndex, path: string, text: string, language: 'python' | 'javascript' | 'typescript'): Linked {
  const plain: Linked = { text, ownFrom: 0, ownLength: text.length, segments: [], files: [], signature: '', masks: new Map() };
  const indexed = index.get(path);
  let own: FileView | null;
  if (indexed && indexed.text === text) own = viewOf(path, indexed);
  else if (language === 'python') own = viewOf(path, { text, py: summarizePython(text) });
  else own = viewOf(path, { text, js: summarizeJs(text, language === 'typescript') });
  if (!own) return plain;
  const python = own.python;

  const bound = new Set<string>();
  for (const u of own.units) for (const d of u.defines) bound.add(d);
  /** The name a foreign definition is copied under (`file\0name` → name), when not its own: the analysed file's alias for it. */
  const linkNames = new Map<string, string>();
  const linkName = (file: string, name: string) => (file === path ? name : (linkNames.get(file + '\0' + name) ?? name));
  const refsCache = new Map<string, PyRef[]>();
  const refsOf = (file: FileView, unit: number): PyRef[] => {
    const key = file.path + '\0' + unit;
    let r = refsCache.get(key);
    if (!r) {
      const u = file.units[unit];
      refsCache.set(key, (r = file.summary.py ? pyRefs(index, file.path, file.summary.py, file.text, u.from, u.to) : []));
    }
    return r;
  };
  /** Import locals of a Python file that bind a workspace module (`import models`, `from pkg import models`). */
  const moduleLocals = (file: FileView): Set<string> => {
    const out = new Set<string>();
    if (!file.summary.py) return out;
    for (const im of file.summary.py.imports) {
      if (!im.local || im.name === '*') continue;
      const r = index.resolveLocal(file.path, im.local, file.summary);
      if (r && 'module' in r) out.add(im.local);
    }
    return out;
  };
  const modLocals = new Map<string, Set<string>>();
  const modulesOf = (file: FileView) => {
    let m = modLocals.get(file.path);
    if (!m) modLocals.set(file.path, (m = moduleLocals(file)));
    return m;
  };
  const visited = new Set<string>();
  const prelude: { file: FileView; unit: number }[] = [];
  const epilogue: { file: FileView; unit: number }[] = [];
  const views = new Map<string, FileView>();
  let budget = LINK_BUDGET;
  const view = (p: string): FileView | null => {
    if (p === path) return own;
    let v = views.get(p);
    if (v === undefined) {
      const f = index.get(p);
      const made = f ? viewOf(p, f) : null;
      if (!made) return null;
      views.set(p, (v = made));
    }
    return v;
  };

  /** Resolve a name a unit of `file` uses to what must be included for it. */
  const needed = (file: FileView, name: string, self: number): { file: FileView; unit: number } | null => {
    const idx = file.defs.get(name);
    if (idx === undefined || idx === self) return null;
    const u = file.units[idx];
    if (u.kind !== 'import') return { file, unit: idx };
    const r = resolveLocal(index, file, name, own!);
    if (r === 'library') return { file, unit: idx };
    if (r === null) return null;
    const target = view(r.file);
    return target ? { file: target, unit: r.statement } : null;
  };

  const include = (file: FileView, unit: number, out: { file: FileView; unit: number }[], depth: number): boolean => {
    if (file === own) return true;
    const key = file.path + '\0' + unit;
    if (visited.has(key)) return true;
    const u = file.units[unit];
    if (!u) return false;
    const utext = file.text.slice(u.from, u.to);
    if (utext.includes('ignore-file')) return false;
    const defines = u.defines.map((d) => linkName(file.path, d));
    // a name this file already binds otherwise wins (the analysed file first)
    if (defines.some((d) => bound.has(d))) return u.kind === 'import';
    if (utext.length + 1 > budget || depth > 24) return false;
    visited.add(key);
    for (const d of defines) bound.add(d);
    budget -= utext.length + 1;
    for (const name of u.uses) {
      if (u.defines.includes(name)) continue;
      if (bound.has(name) && !file.defs.has(name)) continue;
      const n = needed(file, name, unit);
      if (n && !(n.file === own)) include(n.file, n.unit, out, depth + 1);
    }
    // `models.Generator` on an imported workspace module: the member comes along
    const mods = file.python ? modulesOf(file) : null;
    if (mods && mods.size && [...mods].some((m) => u.uses.has(m))) {
      for (const r of refsOf(file, unit)) {
        if (!r.dotted || r.def.file === path) continue;
        const v = view(r.def.file);
        if (v) include(v, r.def.statement, out, depth + 1);
      }
    }
    out.push({ file, unit });
    return true;
  };

  // 1. what this file imports from the workspace
  for (const [local, ui] of own.importUnit) {
    if (!usedOutside(own, local, ui)) continue;
    const r = resolveLocal(index, own, local, own);
    if (!r || r === 'library') continue;
    const v = view(r.file);
    if (!v || v === own) continue;
    if (r.name !== local) {
      // `from models import Generator as Gen`: the definition is copied under the name used here
      if (!python) continue;
      const key = r.file + '\0' + r.name;
      if (linkNames.has(key) && linkNames.get(key) !== local) continue;
      linkNames.set(key, local);
    }
    bound.delete(local); // the import's binding gives way to the definition
    include(v, r.statement, prelude, 0);
  }
  // `import models` … `models.Generator(...)`: the reference is read as `models_Generator` (same
  // length, so the analysed text keeps its offsets) and the definition is copied under that name
  const masks = new Map<string, string>();
  const maskEdits: { from: number; to: number; text: string }[] = [];
  if (python) {
    const mods = modulesOf(own);
    const idents = new Set<string>();
    for (const u of own.units) for (const n of u.uses) idents.add(n);
    if (mods.size) {
      own.units.forEach((u, i) => {
        if (u.kind === 'import' || ![...mods].some((m) => u.uses.has(m))) return;
        for (const r of refsOf(own!, i)) {
          if (!r.dotted || r.def.file === path) continue;
          const masked = r.text.split('.').join('_');
          const key = r.def.file + '\0' + r.def.name;
          const given = linkNames.get(key);
          if (given !== undefined ? given !== masked : idents.has(masked) || bound.has(masked)) continue;
          const v = view(r.def.file);
          if (!v) continue;
          // already copied under its own name (also imported by name): left as it is
          if (given === undefined && visited.has(v.path + '\0' + r.def.statement)) continue;
          linkNames.set(key, masked);
          if (include(v, r.def.statement, prelude, 0) || visited.has(v.path + '\0' + r.def.statement)) {
            masks.set(masked, r.text);
            maskEdits.push({ from: r.from, to: r.to, text: masked });
          }
        }
      });
    }
  }
  if (python) {
    // `from models import *`: the names used here that a star module defines
    const star = starModules(index, own);
    if (star.length) {
      const used = new Set<string>();
      for (const u of own.units) for (const n of u.uses) if (!bound.has(n)) used.add(n);
      for (const name of used) {
        for (const m of star) {
          const r = index.pyName(m, name);
          if (r && 'definition' in r) {
            const v = view(r.definition.file);
            if (v && v !== own) include(v, r.definition.statement, prelude, 0);
            break;
          }
        }
      }
    }
  }

  // 2. what importing files do with this file's definitions
  const importers = index.transitiveImporters(path).sort().slice(0, MAX_IMPORTERS);
  for (const ip of importers) {
    const iv = view(ip);
    if (!iv) continue;
    const names = new Set<string>();
    for (const local of iv.importUnit.keys()) {
      const r = resolveLocal(index, iv, local, own);
      // `from models import Generator as G`: the copies say `Generator` (see the references below)
      if (r && r !== 'library' && r.file === path && (r.name === local || iv.python)) names.add(local);
    }
    // `import models` in train.py, then `models.Generator(...)`
    if (iv.python) {
      for (const m of modulesOf(iv)) {
        const r = index.resolveLocal(iv.path, m);
        if (r && 'module' in r && r.module === path) names.add(m);
      }
    }
    if (names.size === 0) continue;
    // the statements that use those names, then those that use what they define
    // (`class Net` holding a Block, `net = Net()`, `init_weights(net)`), to a fixed point
    const taken = new Set<number>();
    for (let changed = true; changed; ) {
      changed = false;
      iv.units.forEach((u, i) => {
        if (u.kind === 'import' || taken.has(i)) return;
        for (const n of names) {
          if (!u.uses.has(n)) continue;
          taken.add(i);
          if (include(iv, i, epilogue, 0)) for (const d of u.defines) names.add(d);
          changed = true;
          return;
        }
      });
    }
  }

  if (prelude.length === 0 && epilogue.length === 0) return plain;
  /** The references of a copied statement that must say another name: the name each definition has here. */
  function rewritesOf(file: FileView, unit: number): { from: number; to: number; text: string }[] {
    const u = file.units[unit];
    const mods = modulesOf(file);
    const renamed = u.defines.some((d) => linkName(file.path, d) !== d);
    let interesting = renamed || [...mods].some((m) => u.uses.has(m));
    if (!interesting) {
      for (const n of u.uses) {
        const i = file.defs.get(n);
        if (i === undefined) continue;
        if (file.units[i].kind === 'import') {
          const r = index.resolveLocal(file.path, n, file.summary);
          if (r && 'definition' in r && linkName(r.definition.file, r.definition.name) !== n) interesting = true;
        } else if (linkName(file.path, n) !== n) interesting = true;
        if (interesting) break;
      }
    }
    if (!interesting) return [];
    const out: { from: number; to: number; text: string }[] = [];
    for (const r of refsOf(file, unit)) {
      const name = linkName(r.def.file, r.def.name);
      if (name !== r.text) out.push({ from: r.from, to: r.to, text: name });
    }
    return out;
  }
  const segments: Segment[] = [];
  const files = new Set<string>();
  let out: string;
  // Build prelude and epilogue texts with their segment offsets.
  const build = (list: { file: FileView; unit: number }[], base: number): { text: string; segs: Segment[] } => {
    let s = '';
    const segs: Segment[] = [];
    for (const { file, unit } of list) {
      const u = file.units[unit];
      files.add(file.path);
      s += '\n';
      const edits = file.python ? rewritesOf(file, unit) : [];
      if (edits.length === 0) {
        let t = file.text.slice(u.from, u.to);
        const kw = file.exportKw?.get(unit);
        if (kw) t = ' '.repeat(kw.to - kw.from) + t.slice(kw.to - u.from);
        segs.push({ file: file.path, from: u.from, at: base + s.length, length: u.to - u.from });
        s += t;
        continue;
      }
      // renamed references: the text between them keeps its place in `file`; the new names have none
      let pos = u.from;
      for (const e of [...edits, { from: u.to, to: u.to, text: '' }]) {
        if (e.from > pos) {
          segs.push({ file: file.path, from: pos, at: base + s.length, length: e.from - pos });
          s += file.text.slice(pos, e.from);
        }
        s += e.text;
        pos = e.to;
      }
    }
    return { text: s + (list.length ? '\n' : ''), segs };
  };
  if (python) {
    const tail = build([...prelude, ...epilogue], text.length);
    segments.push(...tail.segs);
    let ownText = text;
    if (maskEdits.length) {
      maskEdits.sort((a, b) => a.from - b.from);
      let t = '';
      let pos = 0;
      for (const e of maskEdits) {
        t += text.slice(pos, e.from) + e.text;
        pos = e.to;
      }
      ownText = t + text.slice(pos);
    }
    out = ownText + tail.text;
    const maskSig = [...masks.keys()].sort().join(',');
    return { text: out, ownFrom: 0, ownLength: text.length, segments, files: [...files].sort(), signature: tail.text + '\0' + segSig(tail.segs, index) + '\0' + maskSig, masks };
  }
  const head = build(prelude, 0);
  const ownFrom = head.text.length;
  const tail = build(epilogue, ownFrom + text.length);
  segments.push(...head.segs, ...tail.segs);
  out = head.text + text + tail.text;
  return { text: out, ownFrom, ownLength: text.length, segments, files: [...files].sort(), signature: head.text + '\0' + tail.text + '\0' + segSig(segments, index), masks };
}

/** Where each segment starts, by line (and cell): an edit elsewhere in a file that moves no line changes no origin. */
function segSig(segs: Segment[], index: WorkspaceIndex): string {
  return segs
    .map((s) => {
      const p = index.placeOf(s.file, s.from);
      return s.file + ':' + p.line + (p.cell !== undefined ? `/${p.cell}:${p.cellLine}` : '');
    })
    .join(',');
}

/** Is `local` mentioned by a unit other than the import that binds it? */
function usedOutside(v: FileView, local: string, importUnit: number): boolean {
  return v.units.some((u, i) => i !== importUnit && u.uses.has(local));
}

/**
 * What an imported local name of a file refers to: a workspace definition, a library
 * ('library': the import itself must come along), or null (a workspace module, unresolved).
 */
function resolveLocal(index: WorkspaceIndex, file: FileView, local: string, own: FileView): { file: string; name: string; statement: number } | 'library' | null {
  const r = index.resolveLocal(file.path, local, file === own ? own.summary : undefined);
  if (r === null) return isWorkspaceImport(index, file, local) ? null : 'library';
  if ('module' in r) return null;
  return { file: r.definition.file, name: r.definition.name, statement: r.definition.statement };
}

/** The import binding `local` names a workspace module (it resolved to nothing usable, but it is ours). */
function isWorkspaceImport(index: WorkspaceIndex, file: FileView, local: string): boolean {
  const f = file.summary;
  if (f.py) {
    const im = f.py.imports.find((i) => i.local === local);
    if (!im) return false;
    return im.level > 0 || index.resolvePyModule(file.path, im.module, 0) !== null;
  }
  if (f.js) {
    const im = f.js.imports.find((i) => i.local === local);
    return !!im && (im.spec.startsWith('./') || im.spec.startsWith('../'));
  }
  return false;
}

function starModules(index: WorkspaceIndex, own: FileView): string[] {
  const f = own.summary;
  if (!f.py) return [];
  const out: string[] = [];
  for (const im of f.py.imports) {
    if (im.name !== '*') continue;
    const m = index.resolvePyModule(own.path, im.module, im.level);
    if (m) out.push(m);
  }
  return out;
}
