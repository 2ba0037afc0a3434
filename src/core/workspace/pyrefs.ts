/**
 * Where a Python top-level statement refers to workspace definitions by another
 * name than theirs: an alias (`from models import Generator as Gen`, then
 * `Gen(...)`), a module attribute (`import models` then `models.Generator(...)`,
 * `import pkg.mod as m` then `m.Net()`, `from pkg import models`), or a name
 * the link gives a definition (see link.ts: a definition is copied under the
 * name the analysed file uses for it).
 *
 * Read from the Lezer statement model of the statement (`parseChunk`): every
 * name node and every dotted attribute chain whose root is a name, resolved
 * through the file's imports with the index. Nothing is rewritten here; link.ts
 * decides what each reference becomes.
 */
import { parseChunk } from '../parse/python.js';
import { stmtExprs, walkExpr, walkStmts, type PyExpr } from '../parse/pyast.js';
import type { PyModuleSummary } from './python.js';
import type { Definition, Resolved, WorkspaceIndex } from './index.js';

export interface PyRef {
  /** Offsets in the file's text. */
  from: number;
  to: number;
  /** As written (`Gen`, `models.Generator`). */
  text: string;
  /** An attribute chain (`models.Generator`), not a bare name. */
  dotted: boolean;
  def: Definition;
}

/**
 * References of the statement `text.slice(from, to)` of `path` to workspace
 * definitions (bare names that are imports or top-level definitions of the file,
 * and attribute chains on imported workspace modules), plus the defining name of
 * a `class`/`def` statement as a reference to itself.
 */
export function pyRefs(index: WorkspaceIndex, path: string, summary: PyModuleSummary, text: string, from: number, to: number): PyRef[] {
  const out: PyRef[] = [];
  const local = (id: string): Resolved | null => {
    const idx = summary.defs.get(id);
    if (idx === undefined) return null;
    const c = summary.chunks[idx];
    if (c.kind !== 'import') return { definition: { file: path, name: id, kind: c.kind, statement: idx } };
    return index.resolveLocal(path, id, { py: summary });
  };
  for (const w of written(text.slice(from, to))) {
    const at = from + w.at;
    if (w.kind === 'def') {
      const r = local(w.root);
      if (r && 'definition' in r && r.definition.file === path) out.push({ from: at, to: at + w.root.length, text: w.root, dotted: false, def: r.definition });
    } else if (w.parts.length) {
      const r = resolveChain(index, local(w.root), w.parts);
      if (r) out.push({ from: at, to: at + w.text.length, text: w.text, dotted: true, def: r });
    } else {
      const r = local(w.root);
      if (r && 'definition' in r) out.push({ from: at, to: at + w.root.length, text: w.root, dotted: false, def: r.definition });
    }
  }
  // nested chains: the longest that resolves wins; keep references that do not overlap
  out.sort((a, b) => a.from - b.from || b.to - a.to);
  const kept: PyRef[] = [];
  for (const r of out) if (!kept.length || kept[kept.length - 1].to <= r.from) kept.push(r);
  return kept;
}

/** A name, a dotted chain on a name, or the defining name of a top-level `class`/`def`, as written in a statement (offsets in it). */
interface Written {
  kind: 'ref' | 'def';
  at: number;
  text: string;
  root: string;
  parts: string[];
}

/** Parsed statements' references by statement text: typing elsewhere in the file parses nothing again here. */
const writtenCache = new Map<string, Written[]>();
const WRITTEN_CACHE_MAX = 4096;

function written(stmtText: string): Written[] {
  const known = writtenCache.get(stmtText);
  if (known) return known;
  const stmts = parseChunk(stmtText, 0).stmts;
  const out: Written[] = [];
  const chainOf = (e: PyExpr): { root: string; parts: string[] } | null => {
    const parts: string[] = [];
    let cur = e;
    while (cur.kind === 'attr') {
      parts.unshift(cur.attr);
      cur = cur.obj;
    }
    return cur.kind === 'name' ? { root: cur.id, parts } : null;
  };
  const visit = (e: PyExpr) => {
    if (e.kind !== 'attr' && e.kind !== 'name') return;
    const c = chainOf(e);
    if (!c) return;
    const text = stmtText.slice(e.span.from, e.span.to);
    // `models . Net`, comments inside: left alone
    if (text !== [c.root, ...c.parts].join('.')) return;
    out.push({ kind: 'ref', at: e.span.from, text, root: c.root, parts: c.parts });
  };
  walkStmts(stmts, (s) => {
    if ((s.kind === 'class' || s.kind === 'def') && stmts.includes(s)) {
      const at = defNameAt(stmtText, s.span.from, s.span.to, s.name);
      if (at !== null) out.push({ kind: 'def', at, text: s.name, root: s.name, parts: [] });
    }
    for (const x of stmtExprs(s)) walkExpr(x, visit);
  });
  if (writtenCache.size >= WRITTEN_CACHE_MAX) writtenCache.delete(writtenCache.keys().next().value!);
  writtenCache.set(stmtText, out);
  return out;
}

/** `models` (a module) then `.Generator`: the definition a whole chain names exactly, or null. */
function resolveChain(index: WorkspaceIndex, start: Resolved | null, parts: string[]): Definition | null {
  let r = start;
  for (const part of parts) {
    if (!r || !('module' in r)) return null;
    const file = r.module;
    r = index.pyName(file, part);
    if (!r && file.endsWith('__init__.py')) {
      const sub = index.resolvePyModule(file, part, 1);
      r = sub ? { module: sub } : null;
    }
  }
  return r && 'definition' in r && parts.length > 0 ? r.definition : null;
}

/** Offset of the name after `class`/`def` in a statement (decorators and comments skipped), or null. */
function defNameAt(text: string, from: number, to: number, name: string): number | null {
  let i = from;
  const isIdent = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127;
  for (;;) {
    while (i < to && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (text[i] !== '@' && text[i] !== '#') break;
    // a decorator may span lines inside brackets: the statement model gave the def its span, so
    // look for the keyword line by line
    const e = text.indexOf('\n', i);
    if (e < 0 || e >= to) return null;
    i = e + 1;
  }
  const word = () => {
    const s = i;
    while (i < to && isIdent(text.charCodeAt(i))) i++;
    return text.slice(s, i);
  };
  let w = word();
  if (w === 'async') {
    while (i < to && text[i] === ' ') i++;
    w = word();
  }
  if (w !== 'class' && w !== 'def') return null;
  while (i < to && (text[i] === ' ' || text[i] === '\t')) i++;
  const at = i;
  return word() === name ? at : null;
}
