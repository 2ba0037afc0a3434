/** Lambdas as values: `self.pool = lambda x: x.mean((1, 2))`, called later or put in a Sequential. */
import type { PyLambda } from '../../../parse/pyast.js';
import type { Evaluator } from './evaluator.js';
import type { Scope } from './scope.js';
import { UNKNOWN, type Val } from './values.js';

/** Runs a lambda's body on `args`, in the scope it was written in (depth-limited like calls). */
export function callLambda(ev: Evaluator, fn: PyLambda, home: Scope, args: Val[]): Val {
  if (home.depth > 12) return UNKNOWN;
  const inner: Scope = { ...home, vars: new Map(home.vars), returns: [], depth: home.depth + 1 };
  fn.params.forEach((p, i) => inner.vars.set(p, args[i] ?? UNKNOWN));
  return ev.eval(fn.body, inner);
}

