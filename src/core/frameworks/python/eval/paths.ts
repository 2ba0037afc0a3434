/**
 * Access paths: the expressions that reach a layer from code that can be edited (`self.fc1`,
 * `self.layers[2]`, `model.fc`), recorded when a value is bound to a name, for fixes that insert
 * init code after a statement.
 */
import type { Evaluator } from './evaluator.js';
import { type Scope, bodyOf, topStmtOf } from './scope.js';
import { type AccessPath, type Obj, type SeqRec, type Val, pushPath } from './values.js';

/** Record names and access paths of module objects when they are bound. */
export function nameValue(ev: Evaluator, v: Val, name: string, scope: Scope, pathExpr: string, isAttr: boolean): void {
  // '__elem' is bindLoop's placeholder for one element of a zip/enumerate: not a user's name
  if (v.kind !== 'obj' || name === '__elem') return;
  const fn = scope.fn;
  const anchor = topStmtOf(scope);
  const mkPath = (expr: string, loop: boolean): AccessPath | null => (anchor ? { expr, loop, fn, anchor, body: bodyOf(scope) } : null);
  const o = v.o;
  if (o.kind === 'weight') {
    if (o.rec.name === null || isAttr) o.rec.name = name;
    const p = mkPath(pathExpr, false);
    if (p && (isAttr || scope.fn === null)) pushPath(o.rec, p);
  } else if (o.kind === 'seq') {
    if (o.seq.name === null) o.seq.name = name;
    if (isAttr || scope.fn === null) seqPaths(ev, o.seq, pathExpr, mkPath);
  } else if (o.kind === 'list') {
    if (o.ml && (isAttr || scope.fn === null)) {
      const p = mkPath(pathExpr, false);
      if (p) o.ml.paths.push(p);
    }
    if (isAttr || scope.fn === null) {
      o.items.forEach((it, i) => {
        const expr = o.template ? pathExpr : `${pathExpr}[${i}]`;
        objPaths(ev, it, expr, o.template, mkPath, name);
      });
    }
  } else if (o.kind === 'wrapper') {
    // no path: the parameters live on the wrapped layer. An NNX cell takes the
    // attribute's name (`self.rnn = nnx.RNN(nnx.LSTMCell(...))`).
    if (o.inner.kind === 'weight' && o.inner.rec.spec.nnx && o.inner.rec.name === null) o.inner.rec.name = name;
  }
}

export function seqPaths(ev: Evaluator, seq: SeqRec, base: string, mk: (expr: string, loop: boolean) => AccessPath | null): void {
  // Items built in a loop repeat at run time: indexes after them count from the end,
  // items between two loop-built groups have no stable index.
  const isTemplate = (o: Obj) => (o.kind === 'weight' && o.rec.template) || (o.kind === 'list' && o.template);
  const n = seq.items.length;
  let firstT = -1;
  let lastT = -1;
  seq.items.forEach((it, i) => {
    if (isTemplate(it)) {
      if (firstT < 0) firstT = i;
      lastT = i;
    }
  });
  seq.items.forEach((it, i) => {
    const nm = (seq as SeqRec & { names?: (string | null)[] }).names?.[i] ?? null;
    if (nm) return objPaths(ev, it, `${base}.${nm}`, false, mk, nm);
    if (firstT < 0 || i < firstT) return objPaths(ev, it, `${base}[${i}]`, false, mk, nm);
    if (i > lastT) return objPaths(ev, it, `${base}[${i - n}]`, false, mk, nm);
  });
}

export function objPaths(ev: Evaluator, it: Obj, expr: string, loop: boolean, mk: (expr: string, loop: boolean) => AccessPath | null, nm: string | null): void {
  if (it.kind === 'weight') {
    if (nm && it.rec.name === null) it.rec.name = nm;
    const p = mk(expr, loop);
    if (p) pushPath(it.rec, p);
  } else if (it.kind === 'seq') {
    if (!loop) seqPaths(ev, it.seq, expr, mk);
  } else if (it.kind === 'list') {
    if (!loop) it.items.forEach((x, i) => objPaths(ev, x, it.template ? expr : `${expr}[${i}]`, it.template, mk, null));
  }
}
