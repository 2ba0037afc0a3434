/**
 * What the Python fixes share: the fix context, the file's quote style, keyword-argument edits,
 * import insertion, and inserting init lines after a statement.
 */
import { type PyExpr, type PyStmt, kwarg, stmtExprs, walkExpr, walkStmts } from '../../../parse/pyast.js';
import type { Layer, Span, TextEdit } from '../../../types.js';
import { indentOf } from '../../shared/textEdits.js';
import type { LayerRec, SeqRec } from '../eval/values.js';
import { Imports } from '../imports.js';

export interface FixCtx {
  text: string;
  imports: Imports;
  stmts: PyStmt[];
  /** Syntax errors: no statement is inserted after a statement the parser could not read. */
  errors: { span: Span }[];
  quote: string;
  layerOf?: (r: LayerRec) => Layer | undefined;
  seqs?: SeqRec[];
}

/** The file's prevailing quote, from its first string literals (a bounded walk). */
export function detectQuote(stmts: PyStmt[]): string {
  let dq = 0;
  let sq = 0;
  const LIMIT = 40;
  const visitExpr = (e: PyExpr): boolean => {
    if (e.kind === 'str') {
      if (e.quote === '"') dq++;
      else if (e.quote === "'") sq++;
      return dq + sq >= LIMIT;
    }
    let stop = false;
    walkExpr(e, (x) => {
      if (stop || x === e || x.kind !== 'str') return;
      if (x.quote === '"') dq++;
      else if (x.quote === "'") sq++;
      if (dq + sq >= LIMIT) stop = true;
    });
    return stop;
  };
  const visit = (ss: PyStmt[]): boolean => {
    for (const s of ss) {
      for (const e of stmtExprs(s)) if (visitExpr(e)) return true;
      if ((s.kind === 'class' || s.kind === 'def' || s.kind === 'with' || s.kind === 'block') && visit(s.body)) return true;
      if ((s.kind === 'for' || s.kind === 'if') && (visit(s.body) || visit(s.orelse))) return true;
    }
    return false;
  };
  visit(stmts);
  return sq > dq ? "'" : '"';
}

/** A string literal in the quote style of the file (or of the statement being fixed). */
export function quoted(ctx: FixCtx, s: string): string {
  return ctx.quote + s + ctx.quote;
}

/** Set keyword `name=value` in a call: replace the existing value or add the argument, keeping the layout. */
export function setKwarg(text: string, call: Extract<PyExpr, { kind: 'call' }>, name: string, value: string): TextEdit {
  const existing = kwarg(call, name);
  if (existing) return { from: existing.value.span.from, to: existing.value.span.to, newText: value };
  const args = call.args;
  const open = call.argsSpan.from; // '('
  const close = call.argsSpan.to - 1; // ')'
  if (text[close] !== ')') {
    // Unclosed call (half-typed): add right after the last argument.
    const last = args[args.length - 1];
    const at = last ? last.span.to : open + 1;
    return { from: at, to: at, newText: (last ? ', ' : '') + `${name}=${value}` };
  }
  if (args.length === 0) return { from: open + 1, to: open + 1, newText: `${name}=${value}` };
  const last = args[args.length - 1];
  const firstArg = args[0];
  const multiline = text.slice(open, firstArg.span.from).includes('\n');
  if (multiline) {
    const lineStart = text.lastIndexOf('\n', last.span.from - 1) + 1;
    let indent = '';
    for (let i = lineStart; i < last.span.from && (text[i] === ' ' || text[i] === '\t'); i++) indent += text[i];
    // A comment after the last argument (`activation="relu",  # initlens: ignore[IL005]`) stays
    // where it is: the new argument goes on a line of its own after it, or inline when the
    // closing bracket shares that line.
    const eol = lineEnd(text, last.span.to);
    const rest = text.slice(last.span.to, eol);
    const hash = rest.indexOf('#');
    if (hash >= 0 && !rest.slice(0, hash).includes(')')) {
      const nl = text[eol] === '\r' ? '\r\n' : '\n';
      if (/^\s*,/.test(rest)) return { from: eol, to: eol, newText: `${nl}${indent}${name}=${value},` };
      return { from: last.span.to, to: eol, newText: `,${rest}${nl}${indent}${name}=${value}` };
    }
    if (hash >= 0) return { from: last.span.to, to: last.span.to, newText: `, ${name}=${value}` };
    return { from: last.span.to, to: last.span.to, newText: `,\n${indent}${name}=${value}` };
  }
  return { from: last.span.to, to: last.span.to, newText: `, ${name}=${value}` };
}

export function importEdit(ctx: FixCtx, line: string): TextEdit {
  const last = ctx.imports.lastImport;
  if (last) {
    const eol = lineEnd(ctx.text, last.span.to);
    return { from: eol, to: eol, newText: (ctx.text[eol] === '\r' ? '\r\n' : '\n') + line };
  }
  // After a module docstring / shebang / __future__ imports: top of file otherwise.
  let at = 0;
  const first = ctx.stmts[0];
  if (first && first.kind === 'expr' && first.value.kind === 'str') at = lineEnd(ctx.text, first.span.to) + 1;
  else if (ctx.text.startsWith('#!')) at = lineEnd(ctx.text, 0) + 1;
  if (at > ctx.text.length) return { from: ctx.text.length, to: ctx.text.length, newText: '\n' + line + '\n' };
  return { from: at, to: at, newText: line + '\n' };
}

export function lineEnd(text: string, pos: number): number {
  const i = text.indexOf('\n', pos);
  if (i < 0) return text.length;
  return text[i - 1] === '\r' ? i - 1 : i;
}

/** The quote style of the call's own string arguments, else the file's. */
export function localCtx(ctx: FixCtx, call: Extract<PyExpr, { kind: 'call' }>): FixCtx {
  for (const a of call.args) if (a.value.kind === 'str' && a.value.quote.length === 1) return { ...ctx, quote: a.value.quote };
  return ctx;
}

/** Insert `name=value` just before argument `arg`: on its own line when `arg` starts a line. */
export function kwargBefore(text: string, arg: { span: Span }, name: string, value: string): TextEdit {
  const at = arg.span.from;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lead = text.slice(lineStart, at);
  if (/^[ \t]*$/.test(lead)) {
    const eol = text[lineStart - 2] === '\r' ? '\r\n' : '\n';
    return { from: at, to: at, newText: `${name}=${value},${eol}${lead}` };
  }
  return { from: at, to: at, newText: `${name}=${value}, ` };
}

export function fmt(x: number): string {
  return String(Math.round(x * 10000) / 10000);
}

export function indentUnit(text: string, anchor: PyStmt, fn: PyStmt | null): string {
  const a = indentOf(text, anchor.span.from);
  if (fn) {
    const f = indentOf(text, fn.span.from);
    if (a.length > f.length && a.startsWith(f)) return a.slice(f.length);
  }
  return a.includes('\t') ? '\t' : '    ';
}

/**
 * Inserts `lines` after a statement: at the end of its line, or, when `; more` follows it on that
 * line (`net = nn.Sequential(...); return net`), between the two (the rest moves to its own line).
 * No edit for a statement that does not start its line (`if proj: self.proj = nn.Linear(...)`):
 * lines at the line's indentation would run whether or not the layer was built.
 */
export function insertAfterStmt(text: string, stmt: PyStmt, indent: string, lines: string[]): TextEdit | null {
  if (text.slice(text.lastIndexOf('\n', stmt.span.from - 1) + 1, stmt.span.from).trim() !== '') return null;
  // (a compound statement's span ends after its last line's newline)
  let end = stmt.span.to;
  while (end > stmt.span.from && /\s/.test(text[end - 1])) end--;
  const at = lineEnd(text, end);
  const eol = text[at] === '\r' ? '\r\n' : '\n';
  const rest = text.slice(end, at).trim();
  if (rest === '' || rest.startsWith('#')) return { from: at, to: at, newText: eol + lines.join(eol) };
  const more = /^;\s*(.*)$/.exec(rest);
  if (!more) return null;
  if (more[1] === '' || more[1].startsWith('#')) return { from: at, to: at, newText: eol + lines.join(eol) };
  return { from: end, to: at, newText: eol + lines.join(eol) + eol + indent + more[1] };
}

export function findCall(stmts: PyStmt[], span: Span): Extract<PyExpr, { kind: 'call' }> | null {
  let found: Extract<PyExpr, { kind: 'call' }> | null = null;
  walkStmts(stmts, (s) => {
    if (found || s.span.from > span.from || s.span.to < span.to) return;
    for (const e of stmtExprs(s)) walkExpr(e, (x) => {
      if (!found && x.kind === 'call' && x.span.from === span.from && x.span.to === span.to) found = x;
    });
  });
  return found;
}

/** The weight expression an init call writes: first argument of nn.init.*, or the receiver of `.normal_()`. */
export function initTargetText(text: string, call: Extract<PyExpr, { kind: 'call' }>, imports: Imports): string | null {
  const fn = call.fn;
  const isInitModule = fn.kind === 'attr' && imports.resolve(fn.obj) === 'torch.nn.init';
  if (!isInitModule && fn.kind === 'attr' && (fn.attr === 'normal_' || fn.attr === 'uniform_' || fn.attr === 'zero_' || fn.attr === 'fill_')) {
    let obj = fn.obj;
    if (obj.kind === 'attr' && obj.attr === 'data') obj = obj.obj;
    return text.slice(obj.span.from, obj.span.to);
  }
  const first = call.args.find((a) => a.name === null || a.name === 'tensor');
  if (!first) return null;
  let v = first.value;
  if (v.kind === 'attr' && v.attr === 'data') v = v.obj;
  return text.slice(v.span.from, v.span.to);
}
