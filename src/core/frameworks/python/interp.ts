/**
 * An abstract interpreter over the Python statement model that finds weight
 * layers and follows their outputs to the operation that really acts on them.
 *
 * One engine serves Keras, PyTorch and Flax: values are tensors carrying the
 * layers whose output is still "pending" (not yet through a nonlinearity),
 * module objects (weight layers, activations, norms, containers), numbers for
 * fan computation, initializer specs, and a few shapes needed to understand
 * PyTorch init code (`m` in `self.modules()`, parameters, parameter names).
 *
 * Nothing is executed: calls to user functions are inlined (depth-limited),
 * loops over up to 16 statically known values are unrolled and other loops run once
 * (eval/loops.ts), both branches of an `if` run from the same state and what they
 * bind is merged, a condition known statically picking its branch (eval/branches.ts).
 * A constructor call is one layer record whatever the number of times it is evaluated
 * (keyed by its span), and the first operation that consumes its output decides its
 * activation (eval/dataflow.ts).
 *
 * This file is the recursive core only: running classes, statements, expressions and
 * calls, which call each other and are one job (cutting it would split a mutual recursion
 * across files). Everything else is a module of free functions reaching the core through
 * the `Evaluator` interface (eval/evaluator.ts): values and their merge (eval/values.ts),
 * scopes (eval/scope.ts), branches and static truth, loops, access paths (eval/paths.ts),
 * data flow of tensors, and the library semantics: class declarations and construction
 * sites (semantics/classes.ts), attribute reads (semantics/attributes.ts), calls into
 * Keras/PyTorch/Flax (semantics/libraryCalls.ts), layer fans (semantics/layerFans.ts),
 * initializer reading (semantics/initializers.ts) and PyTorch init code
 * (semantics/torchInitCode.ts).
 */
import { type PyExpr, type PyStmt, dottedName } from '../../parse/pyast.js';
import type { ActivationInfo } from '../../types.js';
import { branchState, callIndex, constEval, defaultOverridden, evalCond, mayPass, mergeActs, mergeBranches, restoreState, staticTruth } from './eval/branches.js';
import { applyObj, consume, makeSeq, residualAdd, slice } from './eval/dataflow.js';
import { bindIteration, bindLoop, loopIterations } from './eval/loops.js';
import { nameValue, seqPaths } from './eval/paths.js';
import type { Evaluator } from './eval/evaluator.js';
import { type Scope, lookup } from './eval/scope.js';
import { type ClassCtx, type InitEvent, type LayerRec, type Obj, type PyFrameworkResult, type SeqRec, UNKNOWN, type Val, arith, branchUnknown, joinVals, srcOf, tensor, unifyActs } from './eval/values.js';
import { Imports, setStarCheck } from './imports.js';
import { evalAttr } from './semantics/attributes.js';
import { ctorSites, declareClass } from './semantics/classes.js';
import { resolveCtorFans, shortText } from './semantics/layerFans.js';
import { BUILTINS, callMap, callPartial, callRef, isLossName, methodCall, registerModule, siluOperand, storesLocals } from './semantics/libraryCalls.js';
import { callLambda } from './eval/lambda.js';
import { narrow } from './semantics/torchInitCode.js';
import { roleOf } from './vocab.js';

setStarCheck((q) => roleOf(q) !== undefined);

/**
 * Statements and expressions evaluated per module before the interpreter gives up on the rest
 * (each statement run and each expression evaluated costs one): keeps pathological files bounded.
 */
const STEP_BUDGET = 200_000;

export class Interp implements Evaluator {
  imports = new Imports();
  layers = new Map<number, LayerRec>();
  seqs = new Map<number, SeqRec>();
  classes = new Map<string, ClassCtx>();
  classList: ClassCtx[] = [];
  moduleFns = new Map<string, Extract<PyStmt, { kind: 'def' }>>();
  ran = new Set<PyStmt>();
  events: InitEvent[] = [];
  seq = 0;
  order = 0;
  stack: PyStmt[] = [];
  rootScope: Scope | null = null;
  moduleScope: Scope;
  modelCalls = new Map<PyStmt | null, Extract<PyExpr, { kind: 'call' }>>();
  modelCallsAll = new Map<PyStmt | null, Map<number, Extract<PyExpr, { kind: 'call' }>>>();
  modelNames = new Map<PyStmt | null, string>();
  /** Steps left of STEP_BUDGET. */
  stepsLeft = STEP_BUDGET;
  sawLayerNorm = false;
  sawResidual = false;
  instRuns = 0;
  /**
   * Constructor runs whose arguments are not those of a real construction site: the default run of
   * a class the file constructs itself (runClass), and what it builds. Their fans are not recorded.
   */
  unrealDepth = 0;
  /**
   * Inside a construction site's rerun of a constructor (for its fans). Its init code is not
   * recorded: the class's own run records it once, with the branches the sites may take left
   * undecided, so two sites choosing different inits never let the last one win.
   */
  siteDepth = 0;
  /** Fans each layer got in the real constructions of its class (see ctorSites). */
  ctorSnaps = new Map<LayerRec, (number | null)[][]>();
  /** Classes with a construction site that was not rerun (instance budget): their fans are not resolved. */
  ctorIncomplete = new Set<ClassCtx>();
  sitesByName: Map<string, number> | null = null;
  /** ctorSites' answer per class, until the next class is declared. */
  ctorSiteOf = new Map<ClassCtx, boolean>();
  /** Subclass name → qualified name of the framework weight layer it extends. */
  readonly layerSubclasses = new Map<string, string>();
  /**
   * Layer subclasses that rework the kernel before using it (weight standardization through Flax's
   * `param`, Keras' `convolution_op`, or a `call`/`forward` that reads `self.kernel`/`self.weight`):
   * the initializer no longer sets the scale of the weights the layer computes with.
   */
  readonly weightTransforming = new Set<string>();

  /** Activations applied in one branch of an `if` only, to compare with what follows it. */
  deferredActs = new Map<LayerRec, ActivationInfo>();
  /** A loop variable over literal strings: every name it takes. */
  loopNames = new WeakMap<Val, string[]>();
  /** Values bound from a parameter default that some call site in the module overrides. */
  softVals = new WeakSet<Val>();
  /** Modules joined with None by an `if` (`self.proj = nn.Linear(...)` or `None`). */
  maybeNone = new WeakSet<Val>();
  passedArgs: Map<string, { pos: number; kw: Set<string>; splat: boolean }> | null = null;
  /** Names used as values, not called (`partial(Block, act="tanh")`, `block=BasicBlock`): their calls are not visible. */
  escapedNames = new Set<string>();
  /** For each unrolled loop (or recorded construction) running: the layers built in it so far. */
  loopTracks: Set<LayerRec>[] = [];
  /** Undecided `if` arms the running code is in (see InitEvent.arms), and how many ruled-out branches. */
  armStack: string[] = [];
  deadBranches = 0;
  ifSeq = 0;

  constructor(readonly stmts: PyStmt[]) {
    this.moduleScope = { vars: new Map(), cls: null, fn: null, body: stmts, top: null, returns: [], parent: null, depth: 0 };
  }

  run(): PyFrameworkResult {
    // 1. imports anywhere (function-level imports are common in notebooks and scripts)
    const visitImports = (ss: PyStmt[], top: boolean) => {
      for (const s of ss) {
        if (s.kind === 'import' || s.kind === 'from') this.imports.add(s, top);
        else if (s.kind === 'def' || s.kind === 'class' || s.kind === 'if' || s.kind === 'block' || s.kind === 'with' || s.kind === 'for') {
          if (s.kind === 'if' || s.kind === 'block' || s.kind === 'with') visitImports(s.kind === 'if' ? [...s.body, ...s.orelse] : s.body, top);
          else visitImports(s.body, false);
        }
      }
    };
    visitImports(this.stmts, true);
    if (this.imports.map.size === 0 && this.imports.starModules.length === 0) return this.result();

    // 2. module-level functions and classes
    for (const s of this.stmts) {
      if (s.kind === 'def') {
        this.moduleFns.set(s.name, s);
        this.moduleScope.vars.set(s.name, { kind: 'fn', def: s, cls: null, self: null });
      } else if (s.kind === 'class') declareClass(this, s);
    }
    // module-level constants first (so classes can read HIDDEN = 128)
    const assigned = new Set<string>();
    const constant = (id: string, value: PyExpr) => {
      const v = constEval(this, value, this.moduleScope);
      // a name assigned twice is no constant an `if` can be decided on
      if (v && assigned.has(id)) this.softVals.add(v);
      if (assigned.has(id) && this.moduleScope.vars.get(id)?.kind === 'list') this.moduleScope.vars.delete(id);
      assigned.add(id);
      if (v && !(v.kind === 'list' && assigned.has(id) && this.softVals.has(v))) this.moduleScope.vars.set(id, v);
    };
    for (const s of this.stmts) {
      if (s.kind !== 'assign' || s.targets.length !== 1) continue;
      const t = s.targets[0];
      if (t.kind === 'name') constant(t.id, s.value);
      else if ((t.kind === 'tuple' || t.kind === 'list') && (s.value.kind === 'tuple' || s.value.kind === 'list') && t.items.length === s.value.items.length) {
        // nz, ngf, nc = 100, 64, 3
        const values = s.value.items;
        t.items.forEach((x, i) => {
          if (x.kind === 'name') constant(x.id, values[i]);
        });
      }
    }
    // 3. classes: constructor then forward
    for (const c of this.classList) if (c.framework) this.runClass(c);
    // 4. module-level statements, in order
    this.execBody(this.stmts, this.moduleScope, true);
    this.moduleScope.top = null;
    // 5. anything not yet run
    for (const c of this.classList) {
      for (const m of c.methods.values()) if (!this.ran.has(m)) this.runMethodStandalone(c, m);
    }
    for (const f of this.moduleFns.values()) if (!this.ran.has(f)) this.runFnStandalone(f);
    // an output one branch activated and the other path left as it is (returned): linear both ways or unknown
    for (const [r, d] of this.deferredActs) if (!r.act) r.act = d.name === 'linear' ? d : branchUnknown(d, { name: 'linear', via: 'default' });
    this.deferredActs.clear();
    resolveCtorFans(this);
    // nested defs/classes are reached through their parents; done.
    return this.result();
  }

  result(): PyFrameworkResult {
    const layers = [...this.layers.values()].sort((a, b) => a.call.span.from - b.call.span.from);
    return { layers, seqs: [...this.seqs.values()], classes: this.classList, imports: this.imports };
  }

  // ---------------------------------------------------------------- classes
  runClass(c: ClassCtx): void {
    // a class the file constructs itself: this run with its defaults is not one of them
    const unreal = ctorSites(this, c);
    if (unreal) this.unrealDepth++;
    try {
      this.runClassBody(c);
    } finally {
      if (unreal) this.unrealDepth--;
    }
  }

  runClassBody(c: ClassCtx): void {
    const scope: Scope = { vars: new Map(), cls: c, fn: null, body: c.stmt.body, top: null, returns: [], parent: this.moduleScope, depth: 1 };
    // class-level fields (Flax dataclass fields, constants)
    callIndex(this);
    for (const st of c.stmt.body) {
      if (st.kind === 'assign' && st.targets.length === 1 && st.targets[0].kind === 'name') {
        let v = this.eval(st.value, scope);
        // a Flax dataclass field that a construction may set (`MLP(act="tanh")`) decides no `if`
        if (c.framework === 'flax' && !c.methods.has('__init__') && (v.kind === 'str' || v.kind === 'num' || v.kind === 'const') && mayPass(this, c, null, c.fields.size, st.targets[0].id)) this.softVals.add((v = { ...v }));
        c.fields.set(st.targets[0].id, v);
      }
    }
    const init = c.methods.get('__init__') ?? null;
    const setup = c.methods.get('setup') ?? null;
    const build = c.methods.get('build') ?? null;
    for (const m of [init, setup, build]) if (m) this.callMethod(c, m, [], null, true);
    for (const name of ['forward', 'call', '__call__']) {
      const m = c.methods.get(name);
      if (m) {
        const args: Val[] = m.params.slice(1).map((p) => {
          if (!p.default) return tensor();
          // forward(x, use_act=True): callers may pass anything, so no `if` is decided on the default
          let d = this.eval(p.default, scope);
          if (d.kind === 'num' || d.kind === 'str' || d.kind === 'const') this.softVals.add((d = { ...d }));
          return d;
        });
        this.callMethod(c, m, args, null, true);
      }
    }
  }

  runMethodStandalone(c: ClassCtx, m: Extract<PyStmt, { kind: 'def' }>): void {
    this.callMethod(c, m, m.params.slice(1).map(() => UNKNOWN), null, true);
  }

  runFnStandalone(f: Extract<PyStmt, { kind: 'def' }>): void {
    this.callFn(f, f.params.map(() => UNKNOWN), new Map(), this.moduleScope, null, true);
  }

  callMethod(c: ClassCtx, m: Extract<PyStmt, { kind: 'def' }>, args: Val[], kwargs: Map<string, Val> | null, root = false, caller?: Scope): Val {
    return this.callFn(m, [{ kind: 'self', cls: c }, ...args], kwargs ?? new Map(), caller ?? this.moduleScope, c, root);
  }

  callFn(
    f: Extract<PyStmt, { kind: 'def' }>,
    args: Val[],
    kwargs: Map<string, Val>,
    caller: Scope,
    cls: ClassCtx | null,
    root = false,
  ): Val {
    if (this.stack.includes(f) || this.stack.length > 6 || this.stepsLeft <= 0) return UNKNOWN;
    this.ran.add(f);
    const vars = new Map<string, Val>();
    f.params.forEach((p, i) => {
      let v: Val | undefined = i < args.length ? args[i] : kwargs.get(p.name);
      if (v === undefined || v.kind === 'unknown') {
        let d = p.default ? this.eval(p.default, caller) : undefined;
        // A default some call site overrides does not decide an `if` (staticTruth).
        if (d && (d.kind === 'num' || d.kind === 'str' || d.kind === 'const') && defaultOverridden(this, f, cls, i)) {
          d = { ...d };
          this.softVals.add(d);
        }
        if (d && d.kind !== 'unknown') v = d;
        else if (v === undefined) v = i === 0 && cls ? { kind: 'self', cls } : UNKNOWN;
      }
      vars.set(p.name, v);
    });
    const scope: Scope = {
      vars,
      cls,
      fn: f,
      body: f.body,
      top: null,
      returns: [],
      parent: cls ? this.moduleScope : caller.fn === null ? this.moduleScope : caller,
      depth: caller.depth + 1,
      owner: cls ?? caller.owner ?? caller.cls ?? null,
    };
    const savedRoot = this.rootScope;
    if (root || this.rootScope === null) this.rootScope = scope;
    this.stack.push(f);
    this.execBody(f.body, scope, true);
    this.stack.pop();
    this.rootScope = savedRoot;
    if (scope.returns.length === 0) return UNKNOWN;
    if (scope.returns.length === 1) return scope.returns[0];
    return unifyActs(joinVals(scope.returns));
  }

  // ---------------------------------------------------------------- statements
  execBody(body: PyStmt[], scope: Scope, isTop: boolean, loop = false): void {
    const stack = (scope.stack ??= []);
    for (const s of body) {
      if (this.stepsLeft-- <= 0 || scope.stopped) return;
      if (isTop) scope.top = s;
      stack.push({ stmt: s, body, loop });
      this.exec(s, scope);
      stack.pop();
    }
  }

  exec(s: PyStmt, scope: Scope): void {
    switch (s.kind) {
      case 'assign': {
        const v = this.eval(s.value, scope, s);
        for (const t of s.targets) this.assign(t, v, scope, s);
        return;
      }
      case 'augassign': {
        const cur = this.eval(s.target, scope, s);
        const v = this.eval(s.value, scope, s);
        if (s.op === '+=' && cur.kind === 'tensor' && v.kind === 'tensor') {
          this.assign(s.target, residualAdd(this, [cur, v], scope), scope, s);
        } else if (s.op === '+=' && cur.kind === 'list' && v.kind === 'list') {
          this.assign(s.target, { kind: 'list', items: [...cur.items, ...v.items], template: cur.template || v.template }, scope, s);
        } else if (cur.kind === 'tensor' && (v.kind === 'num' || v.kind === 'unknown')) {
          // x *= 0.5: scaling keeps attribution
        } else if (cur.kind === 'num' && v.kind === 'num') {
          this.assign(s.target, { kind: 'num', v: arith(s.op.slice(0, -1), cur.v, v.v) ?? NaN }, scope, s);
        }
        return;
      }
      case 'expr':
        this.eval(s.value, scope, s);
        return;
      case 'return':
        if (s.value) scope.returns.push(this.eval(s.value, scope, s));
        return;
      case 'if': {
        const narrowed = narrow(this, s.test, scope);
        if (narrowed) {
          const saved = scope.vars.get(narrowed.name);
          scope.vars.set(narrowed.name, narrowed.then);
          this.execBody(s.body, scope, false);
          if (narrowed.else) scope.vars.set(narrowed.name, narrowed.else);
          this.execBody(s.orelse, scope, false);
          if (saved) scope.vars.set(narrowed.name, saved);
          return;
        }
        this.eval(s.test, scope);
        // Both branches run (their layers are found either way); the names and attributes
        // they bind differently are merged afterwards (mergeBranches).
        const sel = staticTruth(this, s.test, scope);
        const before = branchState(scope);
        // layers whose output is pending in a local tensor: each branch starts with them undecided
        const pending = new Set<LayerRec>();
        for (const v of scope.vars.values()) if (v.kind === 'tensor') for (const p of v.pend) if (!p.rec.act) pending.add(p.rec);
        const returns0 = scope.returns.length;
        // init code in a branch the condition rules out is tagged dead (it decides only the layers
        // built in that same branch); in an undecided branch, with its arm
        const ifId = this.ifSeq++;
        const enter = (arm: 0 | 1, dead: boolean) => (dead ? this.deadBranches++ : sel === undefined && this.armStack.push(`${ifId}:${arm}`));
        const leave = (dead: boolean) => (dead ? this.deadBranches-- : sel === undefined && this.armStack.pop());
        enter(0, sel === false);
        this.execBody(s.body, scope, false);
        leave(sel === false);
        // a branch the condition rules out returns nothing
        if (sel === false) scope.returns.length = returns0;
        const returns1 = scope.returns.length;
        const afterThen = branchState(scope);
        const thenActs = new Map<LayerRec, ActivationInfo | null>();
        for (const r of pending) {
          thenActs.set(r, r.act);
          r.act = null;
        }
        restoreState(before);
        enter(1, sel === true);
        this.execBody(s.orelse, scope, false);
        leave(sel === true);
        if (sel === true) scope.returns.length = returns1;
        // A branch that ends in `return` does not reach the code after the `if`: the other one does.
        const ends = (b: PyStmt[]) => b.length > 0 && b[b.length - 1].kind === 'return';
        const thenEnds = ends(s.body);
        const elseEnds = ends(s.orelse);
        if ((sel === true && thenEnds) || (sel === false && elseEnds)) scope.stopped = true;
        if (thenEnds !== elseEnds) {
          if (elseEnds) restoreState(afterThen);
        } else mergeBranches(this, before, afterThen, sel);
        for (const r of pending) {
          const ta = thenActs.get(r) ?? null;
          // (what a returning branch decided cannot be compared with what runs after the `if`)
          if (thenEnds !== elseEnds) r.act = ta ?? r.act;
          else mergeActs(this, r, ta, r.act, sel);
        }
        return;
      }
      case 'for': {
        const it = this.eval(s.iter, scope);
        const iters = loopIterations(this, s.iter, it, scope);
        if (!iters) {
          bindLoop(this, s.target, it, scope);
          this.execBody(s.body, scope, false, true);
        } else {
          // A loop over values known statically (`for h in (256, 128, 64)`, `zip(sizes[:-1],
          // sizes[1:])`, `range(3)`) runs once per value: what it carries out (`prev = h`, the
          // tensor `x`) is the last iteration's. A layer built in it whose fans differ between
          // iterations has no single fan (see loopVaries).
          const track = new Map<LayerRec, (number | null)[][]>();
          const built = new Set<LayerRec>();
          this.loopTracks.push(built);
          for (const v of iters) {
            if (this.stepsLeft <= 0 || scope.stopped) break;
            bindIteration(this, s.target, v, scope);
            this.execBody(s.body, scope, false, true);
            for (const [r, snaps] of track) snaps.push([r.fanIn, r.fanOut]);
            for (const r of built) if (!track.has(r)) track.set(r, [[r.fanIn, r.fanOut]]);
            built.clear();
          }
          this.loopTracks.pop();
          for (const [r, snaps] of track) {
            const differ = (k: number) => snaps.some((x) => x[k] !== snaps[0][k]);
            if (differ(0)) (r.loopVaries ??= new Set()).add('fanIn');
            if (differ(1)) (r.loopVaries ??= new Set()).add('fanOut');
          }
        }
        this.execBody(s.orelse, scope, false);
        return;
      }
      case 'with':
      case 'block':
        for (const e of s.kind === 'with' ? s.items : []) this.eval(e, scope);
        this.execBody(s.body, scope, false);
        return;
      case 'def': {
        if (scope.fn !== null || scope.cls !== null) {
          scope.vars.set(s.name, { kind: 'fn', def: s, cls: null, self: null });
          // nested functions run when called; also standalone later
          this.moduleFns.set(`${s.name}@${s.span.from}`, s);
        }
        return;
      }
      case 'class':
        if (scope !== this.moduleScope) {
          declareClass(this, s);
          const c = this.classes.get(s.name);
          if (c && c.framework) this.runClass(c);
        }
        return;
      default:
        return;
    }
  }

  assign(t: PyExpr, v: Val, scope: Scope, stmt: PyStmt | null): void {
    if (t.kind === 'name') {
      scope.vars.set(t.id, v);
      nameValue(this, v, t.id, scope, t.id, false);
      if (v.kind === 'unknown' || v.kind === 'tensor') {
        // `model = keras.Model(inputs, outputs)` names the functional group
      }
      return;
    }
    if (t.kind === 'attr' && t.obj.kind === 'name') {
      const base = scope.vars.get(t.obj.id);
      if (base && base.kind === 'self') {
        base.cls.attrs.set(t.attr, v);
        nameValue(this, v, t.attr, scope, `self.${t.attr}`, true);
        return;
      }
    }
    if (t.kind === 'tuple' || t.kind === 'list') {
      const items = v.kind === 'list' ? v.items : null;
      t.items.forEach((x, i) => this.assign(x, items && items[i] ? items[i] : v.kind === 'tensor' ? tensor(v.pend, null) : UNKNOWN, scope, stmt));
      return;
    }
    if (t.kind === 'sub') {
      // d['fc'] = nn.Linear(...) / layers[i] = ...
      const base = this.eval(t.obj, scope);
      if (base.kind === 'dict' && t.index.length === 1 && t.index[0].kind === 'str') base.entries.set(t.index[0].value, v);
    }
  }

  // ---------------------------------------------------------------- expressions
  eval(e: PyExpr, scope: Scope, stmt?: PyStmt): Val {
    if (this.stepsLeft-- <= 0) return UNKNOWN;
    switch (e.kind) {
      case 'num':
        return { kind: 'num', v: e.value };
      case 'str':
        return { kind: 'str', v: e.value };
      case 'name': {
        const v = lookup(scope, e.id);
        if (v) return v;
        if (this.imports.map.has(e.id) || this.imports.starModules.length) {
          const q = this.imports.resolve(e);
          if (q) return { kind: 'ref', q };
        }
        return UNKNOWN;
      }
      case 'attr':
        return evalAttr(this, e, scope);
      case 'call':
        return this.evalCall(e, scope, stmt);
      case 'list':
      case 'tuple':
      case 'set': {
        const items: Val[] = [];
        let template = false;
        for (const it of e.items) {
          if (it.kind === 'star') {
            const v = this.eval(it.value, scope);
            if (v.kind === 'list') {
              items.push(...v.items);
              template ||= v.template;
            } else if (v.kind === 'obj' && v.o.kind === 'list') {
              items.push(...v.o.items.map((o) => ({ kind: 'obj', o }) as Val));
              template ||= v.o.template;
            } else template = true;
          } else items.push(this.eval(it, scope));
        }
        return { kind: 'list', items, template };
      }
      case 'comp': {
        // [nn.Linear(d, d) for _ in range(n)] → a template list of one element
        const inner: Scope = { ...scope, vars: new Map(scope.vars), returns: [] };
        if (e.target && e.iter) {
          const it = this.eval(e.iter, scope);
          bindLoop(this, e.target, it, inner);
        }
        const v = this.eval(e.elt, inner);
        // (the layers of a container built per element repeat too)
        const mark = (o: Obj, depth: number): void => {
          if (o.kind === 'weight') o.rec.template = true;
          else if (o.kind === 'seq' && depth < 8) for (const x of o.seq.items) mark(x, depth + 1);
        };
        if (v.kind === 'obj') mark(v.o, 0);
        return { kind: 'list', items: [v], template: true };
      }
      case 'dict': {
        const entries = new Map<string, Val>();
        for (const en of e.entries) {
          const v = this.eval(en.value, scope);
          if (en.key && en.key.kind === 'str') entries.set(en.key.value, v);
        }
        return { kind: 'dict', entries };
      }
      case 'sub': {
        let base = this.eval(e.obj, scope);
        if (base.kind === 'self' || (base.kind === 'obj' && base.o.kind === 'instance')) {
          const cls = base.kind === 'self' ? base.cls : (base.o as { cls: ClassCtx }).cls;
          const own = cls.attrs.get('__seq__');
          if (own) base = own;
        }
        const idx = e.index.length === 1 ? this.eval(e.index[0], scope) : UNKNOWN;
        const sl = e.index.length === 1 && e.index[0].kind === 'other' ? e.index[0].slice : undefined;
        if (sl) {
          const s = slice(this, base, sl, scope);
          if (s) return s;
        }
        if (base.kind === 'obj' && base.o.kind === 'list') {
          if (idx.kind === 'num' && !base.o.template && Number.isInteger(idx.v)) {
            const i = idx.v < 0 ? base.o.items.length + idx.v : idx.v;
            const it = base.o.items[i];
            return it ? { kind: 'obj', o: it } : UNKNOWN;
          }
          return { kind: 'objs', items: base.o.items };
        }
        if (base.kind === 'obj' && base.o.kind === 'seq') {
          if (idx.kind === 'num' && Number.isInteger(idx.v)) {
            const items = base.o.seq.items;
            const i = idx.v < 0 ? items.length + idx.v : idx.v;
            const it = items[i];
            return it ? { kind: 'obj', o: it } : UNKNOWN;
          }
          return { kind: 'objs', items: base.o.seq.items };
        }
        if (base.kind === 'list') {
          if (idx.kind === 'num' && !base.template && Number.isInteger(idx.v)) {
            const i = idx.v < 0 ? base.items.length + idx.v : idx.v;
            return base.items[i] ?? UNKNOWN;
          }
          if (e.index.length === 1 && e.index[0].kind === 'other') {
            // slice: keep the list
            return base;
          }
          return joinVals(base.items.length ? base.items : [UNKNOWN]);
        }
        if (base.kind === 'dict' && idx.kind === 'str') return base.entries.get(idx.v) ?? UNKNOWN;
        if (base.kind === 'tensor') return tensor(base.pend, null);
        if (base.kind === 'fan' && base.ks === 1 && base.out === 0 && base.inn === 0) return base; // m.kernel_size[0]
        return UNKNOWN;
      }
      case 'bin': {
        // x * sigmoid(x): SiLU written out
        if (e.op === '*') {
          const silu = siluOperand(e, this.imports);
          if (silu) {
            const v = this.eval(silu, scope);
            if (v.kind === 'tensor') {
              consume(this, v.pend, { name: 'silu', via: 'forward', span: e.span, text: 'x * sigmoid(x)' });
              return tensor([], v.ch, srcOf(v));
            }
          }
        }
        const l = this.eval(e.left, scope);
        const r = this.eval(e.right, scope);
        if (l.kind === 'num' && r.kind === 'num') {
          const v = arith(e.op, l.v, r.v);
          return v === null ? UNKNOWN : { kind: 'num', v };
        }
        if ((l.kind === 'fan' || r.kind === 'fan') && (l.kind === 'fan' || l.kind === 'num') && (r.kind === 'fan' || r.kind === 'num') && (e.op === '*' || e.op === '/')) {
          const f = (v: Val) => (v.kind === 'fan' ? v : { k: v.kind === 'num' ? v.v : 1, out: 0, inn: 0, ks: 0 });
          const [a, b] = [f(l), f(r)];
          const sg = e.op === '*' ? 1 : -1;
          if (e.op === '/' && b.k === 0) return UNKNOWN;
          return { kind: 'fan', k: e.op === '*' ? a.k * b.k : a.k / b.k, out: a.out + sg * b.out, inn: a.inn + sg * b.inn, ks: a.ks + sg * b.ks };
        }
        if (l.kind === 'list' && r.kind === 'list' && e.op === '+') return { kind: 'list', items: [...l.items, ...r.items], template: l.template || r.template };
        if (l.kind === 'tensor' && r.kind === 'tensor') {
          if (e.op === '+') return residualAdd(this, [l, r], scope);
          // x * mask, x / scale with a tensor no layer produced (an input): a scaling, not a consumer
          const raw = (v: typeof l) => v.pend.length === 0 && !v.src?.length;
          if ((e.op === '*' || e.op === '/') && raw(r) && l.pend.length) return l;
          if (e.op === '*' && raw(l) && r.pend.length) return r;
          if (e.op === '-') return residualAdd(this, [l, r], scope);
          // attention scores (q @ kᵀ) and gates (a * b): no nonlinearity acts on the projection itself
          const product = e.op === '@' ? 'a matrix product' : 'a product of two tensors';
          consume(this, l.pend, { name: 'linear', via: 'dataflow', span: e.span, text: product });
          consume(this, r.pend, { name: 'linear', via: 'dataflow', span: e.span, text: product });
          return tensor([], l.ch);
        }
        // x = block(x) + x with a block the file does not define (an imported PreNorm(dim, fn),
        // a wrapper): a residual connection all the same
        if (e.op === '+' && (l.kind === 'tensor') !== (r.kind === 'tensor') && (l.kind === 'unknown' || r.kind === 'unknown')) {
          const [t, u, tE, uE] = l.kind === 'tensor' ? [l, r, e.left, e.right] : [r, l, e.right, e.left];
          const a0 = uE.kind === 'call' ? uE.args.find((a) => a.name === null && !a.star)?.value : undefined;
          if (u.kind === 'unknown' && t.kind === 'tensor' && tE.kind === 'name' && a0 && a0.kind === 'name' && a0.id === tE.id) return residualAdd(this, [t], scope);
        }
        // (a `None` default stands for a value given at run time: `x * mask` under `if mask is not None`)
        if (l.kind === 'tensor' && (r.kind === 'num' || r.kind === 'unknown' || r.kind === 'const')) return l;
        if (r.kind === 'tensor' && (l.kind === 'num' || l.kind === 'unknown' || l.kind === 'const')) return r;
        return UNKNOWN;
      }
      case 'unary': {
        const v = this.eval(e.operand, scope);
        if (v.kind === 'num' && e.op === '-') return { kind: 'num', v: -v.v };
        if (v.kind === 'tensor') return v;
        return UNKNOWN;
      }
      case 'const':
        return { kind: 'const', v: e.value };
      case 'star':
        return this.eval(e.value, scope);
      case 'other':
        if (e.cond) return evalCond(this, e.cond, scope);
        for (const p of e.parts) this.eval(p, scope);
        return e.lambda ? { kind: 'lambda', fn: e.lambda, scope } : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  evalCall(e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, stmt?: PyStmt): Val {
    const fnE = e.fn;
    if (
      scope.cls?.seqBase &&
      fnE.kind === 'attr' &&
      fnE.attr === '__init__' &&
      fnE.obj.kind === 'call' &&
      fnE.obj.fn.kind === 'name' &&
      fnE.obj.fn.id === 'super'
    ) {
      const seq = makeSeq(this, scope.cls.seqBase, e, scope);
      scope.cls.attrs.set('__seq__', { kind: 'obj', o: { kind: 'seq', seq } });
      seq.owner = scope.cls;
      seqPaths(this, seq, 'self', (expr, loop) => (scope.top ? { expr, loop, fn: scope.fn, anchor: scope.top, body: scope.body } : null));
      return UNKNOWN;
    }
    // setattr(self, 'fc1', nn.Linear(...)) / getattr(self, 'fc1')
    if (fnE.kind === 'name' && (fnE.id === 'setattr' || fnE.id === 'getattr') && !lookup(scope, fnE.id) && e.args.length >= 2 && !e.args.some((a) => a.star || a.name)) {
      const recvE = e.args[0].value;
      if (fnE.id === 'setattr' && e.args.length === 3) return registerModule(this, recvE, e.args[1].value, e.args[2].value, scope);
      if (fnE.id === 'getattr') {
        const recv = this.eval(recvE, scope);
        const nameV = this.eval(e.args[1].value, scope);
        const names = this.loopNames.get(nameV);
        if (names) return joinVals(names.map((n) => evalAttr(this, { kind: 'attr', obj: recvE, attr: n, span: e.span }, scope)));
        if (nameV.kind === 'str') {
          const v = evalAttr(this, { kind: 'attr', obj: recvE, attr: nameV.v, span: e.span }, scope);
          if (v.kind !== 'unknown' || e.args.length === 2) return v;
          return this.eval(e.args[2].value, scope);
        }
        const cls = recv.kind === 'self' ? recv.cls : recv.kind === 'obj' && recv.o.kind === 'instance' ? recv.o.cls : null;
        if (cls?.dynAttrs?.length) return cls.dynAttrs.length === 1 ? { kind: 'obj', o: cls.dynAttrs[0] } : { kind: 'objs', items: [...cls.dynAttrs] };
        return UNKNOWN;
      }
    }
    // set_attributes(self, locals()): the arguments become attributes (a helper of another module)
    if (fnE.kind !== 'attr' && this.eval(fnE, scope).kind !== 'fn' && storesLocals(this, e, scope)) return UNKNOWN;
    // Method calls on values
    if (fnE.kind === 'attr') {
      const special = methodCall(this, e, fnE, scope, stmt);
      if (special) return special;
    }
    return this.callValue(this.eval(fnE, scope), e, scope, stmt);
  }

  callValue(callee: Val, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, stmt?: PyStmt): Val {
    const fnE = e.fn;
    switch (callee.kind) {
      case 'partial':
        return callPartial(this, callee, e, scope, stmt);
      case 'lambda':
        return callLambda(this, callee.fn, callee.scope, e.args.filter((a) => a.name === null && !a.star).map((a) => this.eval(a.value, scope)));
      case 'ref': {
        const out = callRef(this, callee.q, e, scope, stmt);
        if (fnE.kind === 'name' && this.weightTransforming.has(fnE.id) && out.kind === 'obj' && out.o.kind === 'weight') {
          out.o.rec.init = { name: 'unknown', explicit: false, source: 'default' };
        }
        return out;
      }
      case 'obj':
        return applyObj(this, callee.o, this.firstArg(e, scope), e, scope);
      case 'objs': {
        const input = this.firstArg(e, scope);
        const outs = callee.items.map((o) => applyObj(this, o, input, e, scope));
        return joinVals(outs);
      }
      case 'fn': {
        const args: Val[] = [];
        const kwargs = new Map<string, Val>();
        for (const a of e.args) {
          if (a.star) continue;
          const v = this.eval(a.value, scope);
          if (a.name) kwargs.set(a.name, v);
          else args.push(v);
        }
        if (callee.cls && callee.self) return this.callFn(callee.def, [callee.self, ...args], kwargs, scope, callee.cls);
        return this.callFn(callee.def, args, kwargs, scope, null);
      }
      case 'cls': {
        // Instantiating a user module class. When module objects or classes are
        // passed in (torchvision's ResNet(BasicBlock, ...), a block given its
        // downsample branch), run its constructor and forward with them.
        const args: Val[] = [];
        const kwargs = new Map<string, Val>();
        let rich = false;
        for (const a of e.args) {
          const v = this.eval(a.value, scope);
          if (a.star) continue;
          if (v.kind === 'obj' || v.kind === 'objs' || v.kind === 'cls') rich = true;
          // NNX modules take their sizes in the constructor: MLP(784, 256, 10, rngs=rngs).
          if (v.kind === 'num' && callee.cls.nnx) rich = true;
          if (a.name) kwargs.set(a.name, v);
          else args.push(v);
        }
        // a construction site of a class whose layers take their fans from its arguments
        const site = !!callee.cls.framework && this.unrealDepth === 0 && ctorSites(this, callee.cls);
        if (site && this.instRuns >= 64) this.ctorIncomplete.add(callee.cls);
        if ((rich || site) && callee.cls.framework && this.instRuns < 64) {
          this.instRuns++;
          const c = callee.cls;
          const init = c.methods.get('__init__') ?? c.methods.get('setup');
          if (init && !this.stack.includes(init)) {
            const built = new Set<LayerRec>();
            if (site) {
              this.loopTracks.push(built);
              this.siteDepth++;
            }
            try {
              this.callMethod(c, init, args, kwargs, false, scope);
            } finally {
              if (site) {
                this.loopTracks.pop();
                this.siteDepth--;
              }
            }
            for (const r of built) {
              if (r.owner !== c) continue;
              const snaps = this.ctorSnaps.get(r) ?? [];
              snaps.push([r.fanIn, r.fanOut]);
              this.ctorSnaps.set(r, snaps);
              if (site && e.args.length) (r.sites ??= []).push(e.span);
            }
            for (const nm of ['forward', 'call', '__call__']) {
              const m = c.methods.get(nm);
              if (m && !this.stack.includes(m)) this.callMethod(c, m, m.params.slice(1).map(() => tensor()), null, false, scope);
            }
          } else if (site) this.ctorIncomplete.add(c);
        }
        if (callee.cls.framework) return { kind: 'obj', o: { kind: 'instance', cls: callee.cls } };
        return UNKNOWN;
      }
      case 'init':
        return callee;
      default: {
        // Unknown callee: evaluate arguments (layers may be built inside), tensors
        // passed to it meet an unknown operation.
        const name = dottedName(fnE);
        if (name === 'map' && !lookup(scope, name)) {
          const mapped = callMap(this, e, scope);
          if (mapped) return mapped;
        }
        if ((name === 'zip' || name === 'enumerate' || name === 'reversed') && !lookup(scope, name)) {
          const items = e.args.map((a) => this.eval(a.value, scope));
          if (name === 'enumerate') return { kind: 'zip', items: [UNKNOWN, ...items.slice(0, 1)] };
          if (name === 'reversed') return items[0] ?? UNKNOWN;
          return { kind: 'zip', items };
        }
        const builtin = name !== null && BUILTINS.has(name);
        const loss = name !== null && isLossName(name);
        for (const a of e.args) {
          const v = this.eval(a.value, scope);
          // a loss reads the output without being part of the network: what else acts on it decides
          if (!builtin && !loss && v.kind === 'tensor' && v.pend.length) {
            consume(this, v.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: name ?? 'a call' });
          }
        }
        return UNKNOWN;
      }
    }
  }

  firstArg(e: Extract<PyExpr, { kind: 'call' }>, scope: Scope): Val {
    let first: Val | null = null;
    for (const a of e.args) {
      const v = this.eval(a.value, scope);
      if (first === null && a.name === null && !a.star) first = v;
      else if (first === null && (a.name === 'inputs' || a.name === 'x' || a.name === 'input')) first = v;
    }
    return first ?? UNKNOWN;
  }

  toObj(v: Val): Obj | null {
    if (v.kind === 'obj') return v.o;
    if (v.kind === 'lambda' && v.fn.params.length === 1) return { kind: 'lambda', fn: v.fn, scope: v.scope };
    if (v.kind === 'tensor' && v.pend.length === 0) return { kind: 'input', ch: v.ch };
    if (v.kind === 'ref') {
      const role = roleOf(v.q);
      if (role && role.kind === 'actFn') return { kind: 'act', act: { name: role.act, param: role.param, via: 'sequential', text: shortText(v.q) } };
      if (role && role.kind === 'passFn') return { kind: 'pass' };
    }
    if (v.kind === 'list') {
      const items = v.items.map((x) => this.toObj(x)).filter((x): x is Obj => x !== null);
      return { kind: 'list', items, template: v.template };
    }
    return null;
  }
}
