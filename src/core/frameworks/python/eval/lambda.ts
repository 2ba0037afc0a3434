/** Lambdas as values: `self.pool = lambda x: x.mean((1, 2))`, called later or put in a Sequential. */
import type { PyLambda } from '../../../parse/pyast.js';
import type { Evaluator } from './evaluator.js';
import type { Scope } from './scope.js';
import { type LambdaHome, UNKNOWN, type Val } from './values.js';

/** Runs a lambda's body on `args`, in the scope it was written in (depth-limited like calls). */
export function callLambda(ev: Evaluator, fn: PyLambda, home: LambdaHome, args: Val[]): Val {
  if (home.depth > 12) return UNKNOWN;
  // Every LambdaHome is the Scope the lambda was evaluated in (interp.ts), so the copy is one.
  const inner: Scope = { ...(home as Scope), vars: new Map(home.vars), returns: [], depth: home.depth + 1 };
  fn.params.forEach((p, i) => inner.vars.set(p, args[i] ?? UNKNOWN));
  return ev.eval(fn.body, inner);
}

