/**
 * Branches: the static truth of a condition (constants, `isinstance` on known values, parameter
 * defaults no call site overrides), running both arms of an undecided `if` from one state and
 * merging what they bind, and the activations one arm applies that the other does not.
 */
import { type PyCond, type PyExpr, type PyStmt, stmtExprs, walkExpr, walkStmts } from '../../../parse/pyast.js';
import type { ActivationInfo } from '../../../types.js';
import type { Evaluator } from './evaluator.js';
import { roleOf } from '../vocab.js';
import type { Scope } from './scope.js';
import { type ClassCtx, type LayerRec, UNKNOWN, type Val, branchUnknown, hasLayer, mergeVal, sameAct } from './values.js';

/**
 * The truth of a condition when it can be read without running anything: literals,
 * module constants, defaults of the running function's parameters and what was
 * assigned from them (`act == "relu"`, `not use_bn`, `self.proj is None`, and/or).
 */
export function staticTruth(ev: Evaluator, e: PyExpr, scope: Scope): boolean | undefined {
  const truthy = (v: Val): boolean | undefined =>
    v.kind === 'const' ? v.v === true : v.kind === 'num' ? v.v !== 0 : v.kind === 'str' ? v.v !== '' : undefined;
  const value = (x: PyExpr): Val => {
    const v = x.kind === 'name' || x.kind === 'attr' || x.kind === 'num' || x.kind === 'str' || x.kind === 'const' ? ev.eval(x, scope) : UNKNOWN;
    return ev.softVals.has(v) ? UNKNOWN : v;
  };
  const scalar = (v: Val): string | number | boolean | null | undefined => (v.kind === 'const' || v.kind === 'num' || v.kind === 'str' ? v.v : undefined);
  switch (e.kind) {
    case 'const':
    case 'num':
    case 'str':
    case 'name':
    case 'attr':
      return truthy(value(e));
    case 'unary': {
      if (e.op !== 'not') return undefined;
      const t = staticTruth(ev, e.operand, scope);
      return t === undefined ? undefined : !t;
    }
    case 'bin': {
      if (e.op === 'and' || e.op === 'or') {
        const l = staticTruth(ev, e.left, scope);
        const r = staticTruth(ev, e.right, scope);
        if (e.op === 'and') return l === false || r === false ? false : l === true && r === true ? true : undefined;
        return l === true || r === true ? true : l === false && r === false ? false : undefined;
      }
      if (e.op === 'is' || e.op === 'is not') {
        // `x is None`: known when x is known to be None, or a module / number / string
        if (e.right.kind === 'const' && typeof e.right.value === 'boolean') {
          // `act is True` (YOLO's Conv): known when act is a known bool, a module, a number or a string
          const b = value(e.left);
          const same = b.kind === 'const' ? b.v === e.right.value : b.kind === 'obj' || b.kind === 'objs' || b.kind === 'num' || b.kind === 'str' ? false : undefined;
          return same === undefined ? undefined : e.op === 'is' ? same : !same;
        }
        if (!(e.right.kind === 'const' && e.right.value === null)) return undefined;
        const v = value(e.left);
        const isNone = v.kind === 'const' ? v.v === null : ev.maybeNone.has(v) ? undefined : v.kind === 'obj' || v.kind === 'objs' || v.kind === 'num' || v.kind === 'str' ? false : undefined;
        return isNone === undefined ? undefined : e.op === 'is' ? isNone : !isNone;
      }
      if (e.op === 'in' || e.op === 'not in') {
        const l = scalar(value(e.left));
        const r = e.right;
        if (l === undefined || !(r.kind === 'tuple' || r.kind === 'list' || r.kind === 'set')) return undefined;
        const items = r.items.map((x) => scalar(value(x)));
        if (items.some((x) => x === undefined)) return undefined;
        return items.includes(l) === (e.op === 'in');
      }
      const l = scalar(value(e.left));
      const r = scalar(value(e.right));
      if (l === undefined || r === undefined) return undefined;
      switch (e.op) {
        case '==':
          return l === r;
        case '!=':
          return l !== r;
        case '<':
        case '>':
        case '<=':
        case '>=':
          if (typeof l !== 'number' || typeof r !== 'number') return undefined;
          return e.op === '<' ? l < r : e.op === '>' ? l > r : e.op === '<=' ? l <= r : l >= r;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** The activation of a layer each branch left pending at its start (ta: then, ea: else; null: none yet). */
export function mergeActs(ev: Evaluator, r: LayerRec, ta: ActivationInfo | null, ea: ActivationInfo | null, sel: boolean | undefined): void {
  if (sel === true) r.act = ta;
  else if (sel === false) r.act = ea;
  else if (ta && ea) r.act = sameAct(ta, ea) ? ea : branchUnknown(ta, ea);
  else if (ta || ea) {
    // `if use_act: x = F.relu(x)`: the other branch leaves the output to what comes after
    // the `if`; that consumer (or none) is compared with this branch's (see consume)
    r.act = null;
    const d = ev.deferredActs.get(r);
    const act = (ta ?? ea)!;
    ev.deferredActs.set(r, d && !sameAct(d, act) ? branchUnknown(d, act) : act);
  } else r.act = null;
}

/** `nn.GELU() if gelu else nn.ReLU()`, `F.relu(h) if act else h`: the two values merged as after an `if`. */
export function evalCond(ev: Evaluator, c: PyCond, scope: Scope): Val {
  ev.eval(c.test, scope);
  const sel = staticTruth(ev, c.test, scope);
  const undecided = [...ev.layers.values()].filter((r) => !r.act);
  const va = ev.eval(c.body, scope);
  const thenActs = new Map<LayerRec, ActivationInfo | null>();
  for (const r of undecided) {
    thenActs.set(r, r.act);
    r.act = null;
  }
  const vb = ev.eval(c.orelse, scope);
  for (const r of undecided) mergeActs(ev, r, thenActs.get(r) ?? null, r.act, sel);
  if (sel !== undefined) {
    const [chosen, other] = sel ? [va, vb] : [vb, va];
    return !hasLayer(chosen) && hasLayer(other) ? mergeVal(va, vb, true, ev.maybeNone) ?? UNKNOWN : chosen;
  }
  return mergeVal(va, vb, true, ev.maybeNone) ?? UNKNOWN;
}

/** The bindings an `if` branch can change: the scope's names and the attributes of `self`. */
export function branchState(scope: Scope): { map: Map<string, Val>; copy: Map<string, Val> }[] {
  const maps = [scope.vars];
  for (const v of scope.vars.values()) if (v.kind === 'self' && !maps.includes(v.cls.attrs)) maps.push(v.cls.attrs);
  return maps.map((map) => ({ map, copy: new Map(map) }));
}

export function restoreState(state: { map: Map<string, Val>; copy: Map<string, Val> }[]): void {
  for (const { map, copy } of state) {
    map.clear();
    for (const [k, v] of copy) map.set(k, v);
  }
}

/**
 * After both branches ran: a binding that differs between them takes the branch the
 * condition selects when it is known. Otherwise modules are joined (each layer is built
 * in one configuration, and what follows it in forward() is the same), tensors are
 * joined, and activations, numbers and strings that disagree become unknown, so no
 * finding rests on a guess of which branch runs.
 */
export function mergeBranches(ev: Evaluator, before: { map: Map<string, Val>; copy: Map<string, Val> }[], afterThen: { map: Map<string, Val>; copy: Map<string, Val> }[], sel: boolean | undefined): void {
  before.forEach(({ map, copy: b0 }) => {
    const thenMap = afterThen.find((x) => x.map === map)?.copy;
    if (!thenMap) return;
    const keys = new Set([...thenMap.keys(), ...map.keys()]);
    for (const k of keys) {
      const a = thenMap.get(k);
      const b = map.get(k);
      if (a === b) continue;
      let m: Val | undefined;
      if (sel === undefined) m = mergeVal(a, b, b !== b0.get(k), ev.maybeNone);
      else {
        // the selected branch, except that a layer built in the other one (None or nn.Identity()
        // here, or another layer: `self.rnn = nn.LSTM(...)` / `nn.GRU(...)`) is kept: it is still
        // reported, so forward() and the init code that reach the attribute decide it too
        const [chosen, other] = sel ? [a, b] : [b, a];
        m = hasLayer(other) ? mergeVal(a, b, b !== b0.get(k), ev.maybeNone) : chosen;
      }
      if (m === undefined) map.delete(k);
      else map.set(k, m);
    }
  });
}


/** No side effect on the model: numbers, strings, arithmetic, names, initializer factories. */
export function isPure(ev: Evaluator, e: PyExpr): boolean {
  switch (e.kind) {
    case 'num':
    case 'str':
    case 'name':
    case 'const':
      return true;
    case 'attr':
      return isPure(ev, e.obj);
    case 'unary':
      return isPure(ev, e.operand);
    case 'bin':
      return isPure(ev, e.left) && isPure(ev, e.right);
    case 'tuple':
    case 'list':
      return e.items.every((x) => isPure(ev, x));
    case 'call': {
      const role = roleOf(ev.imports.resolve(e.fn));
      if (role && role.kind === 'initializer') return e.args.every((a) => isPure(ev, a.value));
      const q = ev.imports.resolve(e.fn);
      return (q === 'math.sqrt' || q === 'numpy.sqrt') && e.args.every((a) => isPure(ev, a.value));
    }
    default:
      return false;
  }
}

export function constEval(ev: Evaluator, e: PyExpr, scope: Scope): Val | null {
  if (!isPure(ev, e)) return null;
  const v = ev.eval(e, scope);
  if (v.kind === 'num' || v.kind === 'str' || v.kind === 'init' || v.kind === 'const') return v;
  // HIDDEN = (256, 128, 64): a loop over it runs once per value
  const scalar = (x: Val) => x.kind === 'num' || x.kind === 'str' || x.kind === 'const';
  if (v.kind === 'list' && !v.template && v.items.length <= 16 && v.items.every(scalar)) return v;
  return null;
}

/** Whether a call in the module may pass the `i`-th parameter of `f` explicitly. */
export function defaultOverridden(ev: Evaluator, f: Extract<PyStmt, { kind: 'def' }>, cls: ClassCtx | null, i: number): boolean {
  // forward()/call() are reached through the module object: their callers are not visible by name
  if (cls && (f.name === 'forward' || f.name === 'call' || f.name === '__call__')) return true;
  callIndex(ev);
  const p = f.params[i];
  if (!p) return false;
  return mayPass(ev, cls, f, i, p.name);
}

/** Whether a visible (or escaped) call may pass the parameter `name` (positional `i`) of `f` / the class's constructor. */
export function mayPass(ev: Evaluator, cls: ClassCtx | null, f: Extract<PyStmt, { kind: 'def' }> | null, i: number, name: string): boolean {
  const check = (key: string, offset: number): boolean => {
    if (!key.startsWith('.') && ev.escapedNames.has(key)) return true;
    const ent = ev.passedArgs!.get(key);
    return !!ent && (ent.splat || ent.kw.has(name) || ent.pos > i - offset);
  };
  if (!f) return cls !== null && check(cls.name, 0);
  if (cls) {
    // a constructor is called by the class name (or super().__init__ in a subclass); a method by its attribute name
    const ctor = f.name === '__init__' || f.name === 'setup' || f.name === 'build';
    if (ctor) return check(cls.name, 1) || check('.__init__', 1) || ev.classList.some((c) => c !== cls && c.methods.get(f.name) === f && check(c.name, 1));
    return check('.' + f.name, 1);
  }
  return check(f.name, 0) || check('.' + f.name, 0);
}

/**
 * One walk of the module's calls: what each callee name is passed (passedArgs), the names used
 * as values (escapedNames), and how many calls each plain name has (sitesByName, for ctorSites).
 */
export function callIndex(ev: Evaluator): void {
  if (!ev.passedArgs) {
    const idx = new Map<string, { pos: number; kw: Set<string>; splat: boolean }>();
    const sites = new Map<string, number>();
    const callees = new Set<PyExpr>();
    walkStmts(ev.stmts, (st) => {
      for (const x of stmtExprs(st)) walkExpr(x, (c) => {
        if (c.kind === 'name' && !callees.has(c)) ev.escapedNames.add(c.id);
        if (c.kind !== 'call') return;
        callees.add(c.fn);
        if (c.fn.kind === 'name') sites.set(c.fn.id, (sites.get(c.fn.id) ?? 0) + 1);
        const key = c.fn.kind === 'name' ? c.fn.id : c.fn.kind === 'attr' ? '.' + c.fn.attr : null;
        if (!key) return;
        const ent = idx.get(key) ?? { pos: 0, kw: new Set<string>(), splat: false };
        let pos = 0;
        for (const a of c.args) {
          if (a.star) ent.splat = true;
          else if (a.name) ent.kw.add(a.name);
          else pos++;
        }
        ent.pos = Math.max(ent.pos, pos);
        idx.set(key, ent);
      });
    });
    ev.passedArgs = idx;
    ev.sitesByName = sites;
  }
}
