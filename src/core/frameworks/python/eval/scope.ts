/** Scopes of the interpreter: variables of one running body, and where in the module it runs. */
import type { PyExpr, PyStmt } from '../../../parse/pyast.js';
import type { ClassCtx, Val } from './values.js';

/** The innermost statement running (outside loops): where an insertion after it still runs once. */
export function innermost(scope: Scope): { stmt: PyStmt; body: PyStmt[] } | null {
  const st = scope.stack ?? [];
  let i = st.length - 1;
  // inside a loop body, the loop statement itself is the anchor
  for (let k = st.length - 1; k >= 0; k--) if (st[k].loop) i = k - 1;
  return i >= 0 ? st[i] : null;
}

export function topStmtOf(scope: Scope): PyStmt | null {
  return innermost(scope)?.stmt ?? scope.top;
}

export function bodyOf(scope: Scope): PyStmt[] {
  return innermost(scope)?.body ?? scope.body;
}

/** Inside a `for` body of the running function (at any depth of sub-expression). */
export function inLoop(scope: Scope): boolean {
  return scope.stack?.some((x) => x.loop) ?? false;
}

export interface Scope {
  vars: Map<string, Val>;
  cls: ClassCtx | null;
  /** The module class whose code is running (also inside helper functions it calls). */
  owner?: ClassCtx | null;
  /** Statements being executed, outermost first (with the body holding each). */
  stack?: { stmt: PyStmt; body: PyStmt[]; loop: boolean }[];
  fn: Extract<PyStmt, { kind: 'def' }> | null;
  body: PyStmt[];
  top: PyStmt | null;
  returns: Val[];
  parent: Scope | null;
  depth: number;
  /** The function has returned on every path (an `if` whose known branch ends in `return`). */
  stopped?: boolean;
}

export function lookup(scope: Scope | null, name: string): Val | undefined {
  for (let s = scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v) return v;
  }
  return undefined;
}

export function rootName(e: PyExpr): string | null {
  let cur = e;
  while (cur.kind === 'attr') cur = cur.obj;
  return cur.kind === 'name' ? cur.id : null;
}
