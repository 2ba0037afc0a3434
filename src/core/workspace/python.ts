/**
 * What the workspace index keeps of one Python module: its top-level
 * statements (as chunks of the engine's own scanner, `scanTopLevel`), the names
 * each one binds and uses (`lexChunk`), what kind of definition it is and the
 * imports it makes (from the Lezer statement model, `parseChunk`). Statement
 * trees are not kept: a summary is a few small arrays per statement.
 */
import { lexChunk, parseChunk, scanTopLevel } from '../parse/python.js';
import type { PyStmt } from '../parse/pyast.js';

export type DefKind = 'class' | 'def' | 'const' | 'import' | 'other';

/** One imported name: `from .models import Generator as G` gives {module: 'models', level: 1, name: 'Generator', local: 'G'}. */
export interface PyImport {
  /** Dotted module as written (without the leading dots). */
  module: string;
  /** Number of leading dots (0: absolute). */
  level: number;
  /** Imported member; null for `import a.b` (the module itself); '*' for a star import. */
  name: string | null;
  /** The name it binds here (null for a star import). */
  local: string | null;
  /** Index of the chunk that holds the import. */
  chunk: number;
}

export interface PyChunk {
  /** Offsets in the file. */
  from: number;
  to: number;
  kind: DefKind;
  /** Names the statement binds at module level. */
  defines: string[];
  /** Identifiers it mentions (outside strings and comments). */
  uses: ReadonlySet<string>;
  /** It holds an `initlens:` directive comment. */
  directive: boolean;
}

export interface PyModuleSummary {
  chunks: PyChunk[];
  imports: PyImport[];
  /** Top-level name → index of the last chunk that binds it. */
  defs: Map<string, number>;
  /** `__all__` when written as a literal list/tuple of strings. */
  all: string[] | null;
}

/**
 * Summarize a module. `previous` (the summary and text of the file before an
 * edit) lets unchanged statements reuse their chunk records.
 */
export function summarizePython(text: string, previous?: { text: string; summary: PyModuleSummary }): PyModuleSummary {
  const starts = scanTopLevel(text);
  const reuse = new Map<string, PyChunk & { imports: Omit<PyImport, 'chunk'>[]; all: string[] | null }>();
  if (previous) {
    const prevImports = new Map<number, Omit<PyImport, 'chunk'>[]>();
    for (const im of previous.summary.imports) {
      const list = prevImports.get(im.chunk) ?? [];
      list.push({ module: im.module, level: im.level, name: im.name, local: im.local });
      prevImports.set(im.chunk, list);
    }
    previous.summary.chunks.forEach((c, i) => {
      const t = previous.text.slice(c.from, c.to);
      const isAll = c.defines.includes('__all__');
      reuse.set(t, { ...c, imports: prevImports.get(i) ?? [], all: isAll ? previous.summary.all : null });
    });
  }
  const chunks: PyChunk[] = [];
  const imports: PyImport[] = [];
  const defs = new Map<string, number>();
  let all: string[] | null = null;
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i];
    const to = i + 1 < starts.length ? starts[i + 1] : text.length;
    const ctext = text.slice(from, to);
    if (ctext.trim() === '') continue;
    const index = chunks.length;
    const old = reuse.get(ctext);
    if (old) {
      chunks.push({ from, to, kind: old.kind, defines: old.defines, uses: old.uses, directive: old.directive });
      for (const im of old.imports) imports.push({ ...im, chunk: index });
      if (old.all) all = old.all;
    } else {
      const lex = lexChunk(ctext);
      const defines = [...lex.defines];
      let kind: DefKind;
      // Only statements that import (or set __all__) need the statement model; the others are
      // told apart by their first word, so typing in a function body parses nothing here.
      if (lex.hasImport || defines.includes('__all__')) {
        const stmts = parseChunk(ctext, 0).stmts;
        kind = kindOf(stmts);
        for (const im of importsOf(stmts)) {
          imports.push({ ...im, chunk: index });
          if (im.local && !defines.includes(im.local)) defines.push(im.local);
        }
        if (defines.includes('__all__')) all = allList(stmts);
      } else kind = headKind(ctext, defines);
      chunks.push({ from, to, kind, defines, uses: lex.idents, directive: lex.hasDirective });
    }
    for (const d of chunks[index].defines) defs.set(d, index);
  }
  return { chunks, imports, defs, all };
}

const COMPOUND = new Set(['if', 'for', 'while', 'try', 'with', 'match']);

/** Kind of a statement without imports, from its first word (decorator and comment lines skipped). */
function headKind(text: string, defines: string[]): DefKind {
  let i = 0;
  const n = text.length;
  const isIdent = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127;
  for (;;) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (text[i] !== '@' && text[i] !== '#') break;
    const e = text.indexOf('\n', i);
    if (e < 0) return 'other';
    i = e + 1;
  }
  const start = i;
  while (i < n && isIdent(text.charCodeAt(i))) i++;
  let word = text.slice(start, i);
  if (word === 'async') {
    while (i < n && text[i] === ' ') i++;
    const s2 = i;
    while (i < n && isIdent(text.charCodeAt(i))) i++;
    word = text.slice(s2, i);
  }
  if (word === 'class') return 'class';
  if (word === 'def') return 'def';
  if (COMPOUND.has(word)) return 'other';
  return defines.length ? 'const' : 'other';
}

function kindOf(stmts: PyStmt[]): DefKind {
  if (stmts.length === 0) return 'other';
  const s = stmts[0];
  if (s.kind === 'class' || s.kind === 'def') return s.kind;
  if (stmts.every((x) => x.kind === 'import' || x.kind === 'from')) return 'import';
  if (s.kind === 'assign' || s.kind === 'augassign') return 'const';
  return 'other';
}

/** Imports of a top-level statement, also inside `try`/`if`/`with` (not inside functions or classes). */
function importsOf(stmts: PyStmt[]): Omit<PyImport, 'chunk'>[] {
  const out: Omit<PyImport, 'chunk'>[] = [];
  const visit = (ss: PyStmt[]) => {
    for (const s of ss) {
      if (s.kind === 'import') {
        for (const n of s.names) out.push({ module: n.module, level: 0, name: null, local: n.alias ?? n.module.split('.')[0] });
      } else if (s.kind === 'from') {
        for (const n of s.names) out.push({ module: s.module, level: s.level, name: n.name, local: n.name === '*' ? null : (n.alias ?? n.name) });
      } else if (s.kind === 'if') visit([...s.body, ...s.orelse]);
      else if (s.kind === 'block' || s.kind === 'with') visit(s.body);
    }
  };
  visit(stmts);
  return out;
}

/** `__all__ = ["A", "B"]`. */
function allList(stmts: PyStmt[]): string[] | null {
  for (const s of stmts) {
    if (s.kind !== 'assign' || s.targets.length !== 1 || s.targets[0].kind !== 'name' || s.targets[0].id !== '__all__') continue;
    const v = s.value;
    if (v.kind !== 'list' && v.kind !== 'tuple') return null;
    const names: string[] = [];
    for (const it of v.items) {
      if (it.kind !== 'str') return null;
      names.push(it.value);
    }
    return names;
  }
  return null;
}
