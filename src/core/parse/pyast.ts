/**
 * A small, plain-data Python syntax model built from Lezer's concrete tree.
 *
 * The framework detectors work on this model rather than on raw Lezer cursors:
 * it names the few constructs they care about (calls with keyword arguments,
 * attribute chains, assignments, class and function bodies) and folds the rest
 * into `other`. Every node keeps its source span (absolute UTF-16 offsets), so
 * findings and fixes point at exact text.
 */
import type { Span } from '../types.js';

export type PyExpr =
  | { kind: 'name'; id: string; span: Span }
  | { kind: 'attr'; obj: PyExpr; attr: string; span: Span }
  | { kind: 'call'; fn: PyExpr; args: PyArg[]; span: Span; argsSpan: Span; broken?: boolean }
  | { kind: 'num'; value: number; span: Span }
  | { kind: 'str'; value: string; span: Span; quote: string }
  | { kind: 'list' | 'tuple' | 'set'; items: PyExpr[]; span: Span }
  | { kind: 'dict'; entries: { key: PyExpr | null; value: PyExpr }[]; span: Span }
  | { kind: 'sub'; obj: PyExpr; index: PyExpr[]; span: Span }
  | { kind: 'bin'; op: string; left: PyExpr; right: PyExpr; span: Span }
  | { kind: 'unary'; op: string; operand: PyExpr; span: Span }
  | { kind: 'comp'; elt: PyExpr; target: PyExpr | null; iter: PyExpr | null; span: Span }
  | { kind: 'const'; value: boolean | null; span: Span }
  | { kind: 'star'; value: PyExpr; double: boolean; span: Span }
  | { kind: 'other'; span: Span; parts: PyExpr[]; slice?: PySlice; cond?: PyCond; lambda?: PyLambda };

/** `body if test else orelse` (the three are also the node's `parts`). */
export interface PyCond {
  body: PyExpr;
  test: PyExpr;
  orelse: PyExpr;
}

/** `lambda a, b=1: body`: its parameter names (defaults and stars dropped) and body. */
export interface PyLambda {
  params: string[];
  body: PyExpr;
}

/** `a[lo:hi:step]`: an index that is a slice (the bounds are also in the node's `parts`). */
export interface PySlice {
  lower: PyExpr | null;
  upper: PyExpr | null;
  step: PyExpr | null;
}

export interface PyArg {
  name: string | null;
  /** Span of the keyword name, when a keyword argument. */
  nameSpan?: Span;
  value: PyExpr;
  /** Whole argument text (keyword included). */
  span: Span;
  star?: '*' | '**';
}

export interface PyParam {
  name: string;
  default?: PyExpr;
}

export type PyStmt =
  | { kind: 'import'; names: { module: string; alias: string | null }[]; span: Span }
  | { kind: 'from'; module: string; level: number; names: { name: string; alias: string | null }[]; span: Span }
  | {
      kind: 'class';
      name: string;
      nameSpan: Span;
      bases: PyExpr[];
      decorators: PyExpr[];
      body: PyStmt[];
      span: Span;
    }
  | {
      kind: 'def';
      name: string;
      nameSpan: Span;
      params: PyParam[];
      decorators: PyExpr[];
      body: PyStmt[];
      span: Span;
    }
  | { kind: 'assign'; targets: PyExpr[]; value: PyExpr; span: Span }
  | { kind: 'augassign'; target: PyExpr; op: string; value: PyExpr; span: Span }
  | { kind: 'expr'; value: PyExpr; span: Span }
  | { kind: 'for'; target: PyExpr; iter: PyExpr; body: PyStmt[]; orelse: PyStmt[]; span: Span }
  | { kind: 'if'; test: PyExpr; body: PyStmt[]; orelse: PyStmt[]; span: Span }
  | { kind: 'with'; items: PyExpr[]; body: PyStmt[]; span: Span }
  | { kind: 'return'; value: PyExpr | null; span: Span }
  | { kind: 'block'; body: PyStmt[]; span: Span } // try/while/match: bodies in order
  | { kind: 'other'; span: Span };

export interface PyComment {
  text: string;
  span: Span;
}

/** Shift every span of a statement list by `delta` in place. */
export function shiftStmts(stmts: PyStmt[], delta: number): void {
  if (delta === 0) return;
  for (const s of stmts) shiftStmt(s, delta);
}

function shiftSpan(s: Span, d: number): void {
  s.from += d;
  s.to += d;
}

function shiftStmt(s: PyStmt, d: number): void {
  shiftSpan(s.span, d);
  switch (s.kind) {
    case 'class':
      shiftSpan(s.nameSpan, d);
      s.bases.forEach((e) => shiftExpr(e, d));
      s.decorators.forEach((e) => shiftExpr(e, d));
      shiftStmts(s.body, d);
      break;
    case 'def':
      shiftSpan(s.nameSpan, d);
      s.params.forEach((p) => p.default && shiftExpr(p.default, d));
      s.decorators.forEach((e) => shiftExpr(e, d));
      shiftStmts(s.body, d);
      break;
    case 'assign':
      s.targets.forEach((e) => shiftExpr(e, d));
      shiftExpr(s.value, d);
      break;
    case 'augassign':
      shiftExpr(s.target, d);
      shiftExpr(s.value, d);
      break;
    case 'expr':
      shiftExpr(s.value, d);
      break;
    case 'for':
      shiftExpr(s.target, d);
      shiftExpr(s.iter, d);
      shiftStmts(s.body, d);
      shiftStmts(s.orelse, d);
      break;
    case 'if':
      shiftExpr(s.test, d);
      shiftStmts(s.body, d);
      shiftStmts(s.orelse, d);
      break;
    case 'with':
      s.items.forEach((e) => shiftExpr(e, d));
      shiftStmts(s.body, d);
      break;
    case 'return':
      if (s.value) shiftExpr(s.value, d);
      break;
    case 'block':
      shiftStmts(s.body, d);
      break;
    default:
      break;
  }
}

export function shiftExpr(e: PyExpr, d: number): void {
  shiftSpan(e.span, d);
  switch (e.kind) {
    case 'attr':
      shiftExpr(e.obj, d);
      break;
    case 'call':
      shiftSpan(e.argsSpan, d);
      shiftExpr(e.fn, d);
      for (const a of e.args) {
        shiftSpan(a.span, d);
        if (a.nameSpan) shiftSpan(a.nameSpan, d);
        shiftExpr(a.value, d);
      }
      break;
    case 'list':
    case 'tuple':
    case 'set':
      e.items.forEach((x) => shiftExpr(x, d));
      break;
    case 'dict':
      for (const en of e.entries) {
        if (en.key) shiftExpr(en.key, d);
        shiftExpr(en.value, d);
      }
      break;
    case 'sub':
      shiftExpr(e.obj, d);
      e.index.forEach((x) => shiftExpr(x, d));
      break;
    case 'bin':
      shiftExpr(e.left, d);
      shiftExpr(e.right, d);
      break;
    case 'unary':
      shiftExpr(e.operand, d);
      break;
    case 'comp':
      shiftExpr(e.elt, d);
      if (e.target) shiftExpr(e.target, d);
      if (e.iter) shiftExpr(e.iter, d);
      break;
    case 'star':
      shiftExpr(e.value, d);
      break;
    case 'other':
      e.parts.forEach((x) => shiftExpr(x, d));
      break;
    default:
      break;
  }
}

/** `a.b.c` → "a.b.c"; anything else → null. */
export function dottedName(e: PyExpr): string | null {
  if (e.kind === 'name') return e.id;
  if (e.kind === 'attr') {
    const base = dottedName(e.obj);
    return base === null ? null : base + '.' + e.attr;
  }
  return null;
}

export function kwarg(call: { args: PyArg[] }, name: string): PyArg | undefined {
  for (const a of call.args) if (a.name === name) return a;
  return undefined;
}

export function positional(call: { args: PyArg[] }, index: number): PyExpr | undefined {
  let i = 0;
  for (const a of call.args) {
    if (a.name !== null || a.star) continue;
    if (i === index) return a.value;
    i++;
  }
  return undefined;
}

/** Positional argument `index`, or keyword `name`. */
export function argOf(call: { args: PyArg[] }, index: number, name: string): PyExpr | undefined {
  return kwarg(call, name)?.value ?? (index >= 0 ? positional(call, index) : undefined);
}

/** Visit every expression inside an expression (pre-order, including itself). */
export function walkExpr(e: PyExpr, f: (e: PyExpr) => void): void {
  f(e);
  switch (e.kind) {
    case 'attr':
      walkExpr(e.obj, f);
      break;
    case 'call':
      walkExpr(e.fn, f);
      for (const a of e.args) walkExpr(a.value, f);
      break;
    case 'list':
    case 'tuple':
    case 'set':
      for (const x of e.items) walkExpr(x, f);
      break;
    case 'dict':
      for (const en of e.entries) {
        if (en.key) walkExpr(en.key, f);
        walkExpr(en.value, f);
      }
      break;
    case 'sub':
      walkExpr(e.obj, f);
      for (const x of e.index) walkExpr(x, f);
      break;
    case 'bin':
      walkExpr(e.left, f);
      walkExpr(e.right, f);
      break;
    case 'unary':
      walkExpr(e.operand, f);
      break;
    case 'comp':
      walkExpr(e.elt, f);
      if (e.iter) walkExpr(e.iter, f);
      break;
    case 'star':
      walkExpr(e.value, f);
      break;
    case 'other':
      for (const x of e.parts) walkExpr(x, f);
      break;
    default:
      break;
  }
}

/** Every expression directly held by a statement (not nested statements). */
export function stmtExprs(s: PyStmt): PyExpr[] {
  switch (s.kind) {
    case 'assign':
      return [...s.targets, s.value];
    case 'augassign':
      return [s.target, s.value];
    case 'expr':
      return [s.value];
    case 'for':
      return [s.target, s.iter];
    case 'if':
      return [s.test];
    case 'with':
      return s.items;
    case 'return':
      return s.value ? [s.value] : [];
    case 'class':
      return [...s.bases, ...s.decorators];
    case 'def':
      return [...s.decorators, ...s.params.flatMap((p) => (p.default ? [p.default] : []))];
    default:
      return [];
  }
}

/** Nested statement lists of a statement. */
export function stmtBodies(s: PyStmt): PyStmt[][] {
  switch (s.kind) {
    case 'class':
    case 'def':
    case 'with':
    case 'block':
      return [s.body];
    case 'for':
    case 'if':
      return [s.body, s.orelse];
    default:
      return [];
  }
}

export function walkStmts(stmts: PyStmt[], f: (s: PyStmt) => void): void {
  for (const s of stmts) {
    f(s);
    for (const b of stmtBodies(s)) walkStmts(b, f);
  }
}
