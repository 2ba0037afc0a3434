/**
 * Loops: a loop over at most 16 statically known values (a list with a number in it, a zip or
 * enumerate of such lists, `range(k)` with k ≤ 16) is unrolled, one iteration per value; any
 * other loop runs its body once with the loop variable bound to what the iterable yields.
 */
import type { PyExpr } from '../../../parse/pyast.js';
import type { Evaluator } from './evaluator.js';
import { type Scope, lookup } from './scope.js';
import { UNKNOWN, type Val, joinVals, tensor } from './values.js';

/**
 * The values a loop over values known statically takes, one per iteration (bound by
 * bindIteration), or null: a list of at most 16 values one of which is a number, a zip or
 * enumerate of such lists, `range(k)` with a known k ≤ 16. Other loops run once.
 */
export function loopIterations(ev: Evaluator, iterE: PyExpr, it: Val, scope: Scope): Val[] | null {
  const MAX = 16;
  if (iterE.kind === 'call' && iterE.fn.kind === 'name' && iterE.fn.id === 'range' && !lookup(scope, 'range') && iterE.args.length >= 1 && iterE.args.length <= 3 && !iterE.args.some((a) => a.star || a.name)) {
    const ns = iterE.args.map((a) => ev.eval(a.value, scope));
    if (!ns.every((n) => n.kind === 'num' && Number.isInteger(n.v))) return null;
    const [a, b, st] = ns.length === 1 ? [0, (ns[0] as { v: number }).v, 1] : [(ns[0] as { v: number }).v, (ns[1] as { v: number }).v, ns.length === 3 ? (ns[2] as { v: number }).v : 1];
    if (st === 0) return null;
    const vals: Val[] = [];
    for (let i = a; st > 0 ? i < b : i > b; i += st) {
      vals.push({ kind: 'num', v: i });
      if (vals.length > MAX) return null;
    }
    return vals.length ? vals : null;
  }
  const scalar = (v: Val): boolean => v.kind === 'num' || v.kind === 'str' || v.kind === 'const' || (v.kind === 'list' && !v.template && v.items.every(scalar));
  const numeric = (v: Val): boolean => v.kind === 'num' || (v.kind === 'list' && v.items.some(numeric));
  // the values a loop over `v` takes, when all are known
  const elems = (v: Val): Val[] | null => {
    if (v.kind === 'list') return !v.template && v.items.length > 0 && v.items.length <= MAX && v.items.every(scalar) ? v.items : null;
    if (v.kind !== 'zip' || !v.items.length) return null;
    if (v.items.length === 2 && v.items[0].kind === 'unknown') {
      // enumerate(xs) is zip(<unknown>, xs)
      const xs = elems(v.items[1]);
      return xs && xs.map((x, i) => ({ kind: 'list', items: [{ kind: 'num', v: i }, x], template: false }));
    }
    const cols = v.items.map(elems);
    if (cols.some((c) => c === null)) return null;
    const n = Math.min(...cols.map((c) => c!.length));
    const out: Val[] = [];
    for (let i = 0; i < n; i++) out.push({ kind: 'list', items: cols.map((c) => c![i]), template: false });
    return out;
  };
  const xs = elems(it);
  return xs && xs.length && xs.some(numeric) ? xs : null;
}

/** Binds one iteration's value of an unrolled loop (its scalars decide no `if`, like bindLoop's). */
export function bindIteration(ev: Evaluator, target: PyExpr, v: Val, scope: Scope): void {
  const soft = (x: Val): Val => {
    if (x.kind === 'list') return { ...x, items: x.items.map(soft) };
    const c = { ...x };
    ev.softVals.add(c);
    return c;
  };
  ev.assign(target, soft(v), scope, null);
}

export function bindLoop(ev: Evaluator, target: PyExpr, it: Val, scope: Scope): void {
  let elem: Val = UNKNOWN;
  if (it.kind === 'zip') {
    const targets = target.kind === 'tuple' || target.kind === 'list' ? target.items : [target];
    targets.forEach((t, i) => {
      const src = it.items[i];
      if (!src) return ev.assign(t, UNKNOWN, scope, null);
      const sub: Scope = { ...scope, vars: new Map() };
      bindLoop(ev, { kind: 'name', id: '__elem', span: t.span }, src, sub);
      ev.assign(t, sub.vars.get('__elem') ?? UNKNOWN, scope, null);
    });
    return;
  }
  if (it.kind === 'obj' && it.o.kind === 'list') elem = { kind: 'objs', items: it.o.items };
  else if (it.kind === 'obj' && it.o.kind === 'seq') elem = { kind: 'objs', items: it.o.seq.items };
  else if (it.kind === 'list') elem = joinVals(it.items.length ? it.items : [UNKNOWN]);
  else if (it.kind === 'objs' && it.items.length && it.items.every((x) => x.kind === 'seq' || x.kind === 'list')) {
    // one of several containers (`for seq in (self.encoder, self.decoder): for m in seq`):
    // an element is any member of any of them
    elem = { kind: 'objs', items: it.items.flatMap((x) => (x.kind === 'seq' ? x.seq.items : x.kind === 'list' ? x.items : [])) };
  } else if (it.kind === 'objs') elem = it;
  else if (it.kind === 'anymod') elem = it;
  else if (it.kind === 'anyparam') {
    // for name, p in X.named_parameters()
    if (target.kind === 'tuple' && target.items.length === 2) {
      const pv = target.items[1];
      ev.assign(target.items[0], { kind: 'pname', owner: 'anyparam', varName: pv.kind === 'name' ? pv.id : null }, scope, null);
      ev.assign(target.items[1], it, scope, null);
      return;
    }
    elem = it;
  } else if (it.kind === 'tensor') elem = tensor([], null);
  // a loop variable takes every value in turn: no `if` is decided on the one the join kept
  if (elem.kind === 'num' || elem.kind === 'str' || elem.kind === 'const') {
    ev.softVals.add((elem = { ...elem }));
    // for name in ("fc1", "fc2"): getattr(self, name) reaches both
    if (elem.kind === 'str' && it.kind === 'list' && it.items.length > 1 && it.items.every((x) => x.kind === 'str')) {
      ev.loopNames.set(elem, it.items.map((x) => (x as { v: string }).v));
    }
  }
  if (target.kind === 'tuple') {
    for (const t of target.items) ev.assign(t, elem.kind === 'list' ? UNKNOWN : elem.kind === 'objs' ? elem : UNKNOWN, scope, null);
    return;
  }
  ev.assign(target, elem, scope, null);
}
