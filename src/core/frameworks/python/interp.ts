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
 * loops run once, both branches of an `if` run from the same state and what they
 * bind is merged (a condition known statically picks its branch). A constructor call is one layer
 * record whatever the number of times it is evaluated (keyed by its span), and
 * the first operation that consumes its output decides its activation.
 */
import type { ActivationInfo, ActivationName, Framework, InitSpec, Normalization, Span } from '../../types.js';
import type { PyCond, PyExpr, PySlice, PyStmt } from '../../parse/pyast.js';
import { argOf, dottedName, kwarg, positional, stmtExprs, walkExpr, walkStmts } from '../../parse/pyast.js';
import { Imports, setStarCheck } from './imports.js';
import { KERAS_ACT_PARAM, kerasActivationName, roleOf, type Role, type WeightLayerSpec } from './vocab.js';
import { torchCalculateGain } from '../../math/index.js';

setStarCheck((q) => roleOf(q) !== undefined);

// ------------------------------------------------------------------ records

export interface InitEvent {
  seq: number;
  spec: InitSpec;
  which: ParamWhich;
  /** Direct target layers, or a filter over modules. */
  layers?: LayerRec[];
  filter?: ModFilter;
  /** The whole statement (for replacement) and the call expression. */
  stmtSpan: Span;
  callSpan: Span;
  /** `weight_hh_l1`: the stacked-RNN layer it writes (undefined: every layer). */
  index?: number;
  /** Top-level statement of the outermost running scope when it ran. */
  rootStmt: PyStmt | null;
  rootFn: PyStmt | null;
  /** Ran from another class / module level than the layer's owner. */
  scopeCls: ClassCtx | null;
  /** The arms (`<if id>:0|1`) of the undecided `if`s it ran inside. */
  arms?: string[];
  /** Ran in a branch the condition rules out: counts only for weights no live init code reaches. */
  dead?: boolean;
  /** The module-level statement running when it ran, if the call is not inside it (`model.apply(init_fn)`). */
  site?: Span;
}

export type ParamWhich = 'weight' | 'bias' | 'weight_hh' | 'weight_ih' | 'bias_hh' | 'bias_ih' | 'any';

export interface ModFilter {
  types: string[] | null; // torch kinds; null = any
  exclude: string[];
  nameTests: NameTest[];
  substr: string[]; // DCGAN classname.find('Conv') style
  notSubstr?: string[];
  scope: ClassCtx | null; // the class whose modules() are iterated (null: module-level model → all classes)
  instanceOf: ClassCtx | null;
}

export interface NameTest {
  op: 'in' | 'startswith' | 'endswith' | 'eq';
  s: string;
  negate: boolean;
}

export interface AccessPath {
  expr: string;
  loop: boolean;
  fn: PyStmt | null; // def statement whose body the path is valid in (null: module level)
  anchor: PyStmt; // top-level statement (in fn body) after which an insertion can go
  body: PyStmt[];
}

export interface LayerRec {
  id: number;
  spec: WeightLayerSpec;
  call: Extract<PyExpr, { k: 'call' }>;
  qname: string;
  name: string | null;
  inlineAct: ActivationInfo | null;
  /** The inline activation came from a parameter's default (a later call site may pass another). */
  inlineActSoft?: boolean;
  act: ActivationInfo | null;
  norm: Normalization | null;
  residual: boolean;
  init: InitSpec;
  recInit: InitSpec | undefined;
  /** Flax `bias_init=` when written. */
  biasInit?: InitSpec;
  fanIn: number | null;
  fanOut: number | null;
  outCh: number | null;
  kernelArea: number | null;
  inChFromCtor: boolean;
  owner: ClassCtx | null;
  fnScope: PyStmt | null;
  seqOwner: SeqRec | null;
  /** Fans that differ between the iterations of a loop over known values, or between the sites that construct its module: unknown. */
  loopVaries?: Set<'fanIn' | 'fanOut'>;
  /** The `nn.ModuleList` it was put in (the last construction that ran). */
  listOwner?: ModList;
  applied: boolean;
  consumed: boolean;
  order: number | null;
  paths: AccessPath[];
  events: InitEvent[];
  template: boolean;
  bias: boolean;
  /** `bias=not use_bn`: whether the layer has a bias is not known statically. */
  biasUnsure?: boolean;
  smallInitTransformer: boolean;
  /** Its output (activated or not) reaches another weight layer. */
  feeds?: boolean;
  /** PyTorch RNN/LSTM/GRU num_layers. */
  numLayers?: number;
}

export interface SeqRec {
  id: number;
  call: Extract<PyExpr, { k: 'call' }>;
  framework: Framework;
  name: string | null;
  owner: ClassCtx | null;
  fnScope: PyStmt | null;
  items: Obj[];
  /** Built from a value that is not a known module (a user class derived from nn.Linear, an unread call...). */
  opaque?: boolean;
}

/**
 * An `nn.ModuleList` construction: where it is bound (`self.layers = nn.ModuleList()`) and the
 * statements that fill it afterwards (`.append`/`.extend`; in a loop, the loop statement).
 */
export interface ModList {
  call: Extract<PyExpr, { k: 'call' }>;
  /** Its members (the list object's own array). */
  items: Obj[];
  paths: AccessPath[];
  muts: { stmt: PyStmt; body: PyStmt[]; fn: PyStmt | null }[];
  /** Holds a value that is not a known module. */
  opaque: boolean;
}

export interface ClassCtx {
  stmt: Extract<PyStmt, { k: 'class' }>;
  name: string;
  framework: Framework | null;
  attrs: Map<string, Val>;
  fields: Map<string, Val>;
  methods: Map<string, Extract<PyStmt, { k: 'def' }>>;
  layers: LayerRec[];
  hasLayerNorm: boolean;
  hasResidual: boolean;
  /** `class ConvBNReLU(nn.Sequential)`: the container built by super().__init__(...). */
  seqBase?: Framework;
  /** A Flax NNX module (`class M(nnx.Module)`), built in __init__ with its sizes. */
  nnx?: boolean;
  /** Modules registered under computed names (`self.add_module(f'fc{i}', ...)`), reached by `getattr(self, name)`. */
  dynAttrs?: Obj[];
}

export type Obj =
  | { o: 'weight'; rec: LayerRec }
  | { o: 'act'; act: ActivationInfo; halves?: boolean }
  | { o: 'norm'; norm: Normalization }
  | { o: 'pass'; reshape?: boolean }
  | { o: 'add' }
  | { o: 'concat' }
  | { o: 'seq'; seq: SeqRec }
  | { o: 'list'; items: Obj[]; template: boolean; ml?: ModList }
  | { o: 'instance'; cls: ClassCtx }
  | { o: 'wrapper'; inner: Obj; merge?: BidiMerge; backward?: Obj }
  | { o: 'input'; ch: number | null };

/**
 * Keras `Bidirectional` merge_mode: 'concat' (the default) doubles the width,
 * 'sum'/'mul'/'ave' keep it, None returns the two directions as a list.
 */
export type BidiMerge = 'concat' | 'keep' | 'split' | 'unknown';

export interface Pend {
  rec: LayerRec;
  norm: Normalization | null;
  /** Part of the output only (`a, b = h.chunk(2)`): parts that meet different activations make it unknown. */
  part?: boolean;
}

export type Val =
  | { t: 'tensor'; pend: Pend[]; ch: number | null; src?: LayerRec[] }
  | { t: 'obj'; o: Obj }
  | { t: 'objs'; items: Obj[] }
  | { t: 'list'; items: Val[]; template: boolean }
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'param'; layers: LayerRec[] | null; filter: ModFilter | null; which: ParamWhich; data: boolean; index?: number }
  | { t: 'anymod'; filter: ModFilter }
  | { t: 'anyparam'; owner: LayerRec[] | null; filter: ModFilter; which: ParamWhich }
  | { t: 'pname'; owner: 'anyparam'; varName: string | null }
  | { t: 'zip'; items: Val[] }
  | { t: 'classname'; of: Extract<Val, { t: 'anymod' }>; varName: string | null }
  | { t: 'init'; spec: InitSpec }
  | { t: 'fn'; def: Extract<PyStmt, { k: 'def' }>; cls: ClassCtx | null; self: Val | null }
  | { t: 'cls'; cls: ClassCtx }
  | { t: 'self'; cls: ClassCtx }
  | { t: 'dict'; entries: Map<string, Val> }
  | { t: 'ref'; q: string } // an imported name not called (nn.relu, initializer factory...)
  | { t: 'const'; v: boolean | null } // True / False / None
  | { t: 'unknown' };

const UNKNOWN: Val = { t: 'unknown' };

type TensorVal = Extract<Val, { t: 'tensor' }>;
function tensor(pend: Pend[] = [], ch: number | null = null, src?: LayerRec[]): TensorVal {
  return src && src.length ? { t: 'tensor', pend, ch, src } : { t: 'tensor', pend, ch };
}

/** Layers whose (activated) output this tensor carries. */
function srcOf(v: Val): LayerRec[] {
  if (v.t !== 'tensor') return [];
  return [...(v.src ?? []), ...v.pend.map((p) => p.rec)];
}

interface Scope {
  vars: Map<string, Val>;
  cls: ClassCtx | null;
  /** The module class whose code is running (also inside helper functions it calls). */
  owner?: ClassCtx | null;
  /** Statements being executed, outermost first (with the body holding each). */
  stack?: { stmt: PyStmt; body: PyStmt[]; loop: boolean }[];
  fn: Extract<PyStmt, { k: 'def' }> | null;
  body: PyStmt[];
  top: PyStmt | null;
  returns: Val[];
  parent: Scope | null;
  depth: number;
  /** The function has returned on every path (an `if` whose known branch ends in `return`). */
  stopped?: boolean;
}

export interface PyFrameworkResult {
  layers: LayerRec[];
  seqs: SeqRec[];
  classes: ClassCtx[];
  imports: Imports;
}

// ------------------------------------------------------------------ interpreter

export class Interp {
  imports = new Imports();
  layers = new Map<number, LayerRec>();
  seqs = new Map<number, SeqRec>();
  classes = new Map<string, ClassCtx>();
  classList: ClassCtx[] = [];
  moduleFns = new Map<string, Extract<PyStmt, { k: 'def' }>>();
  ran = new Set<PyStmt>();
  events: InitEvent[] = [];
  seq = 0;
  order = 0;
  stack: PyStmt[] = [];
  rootScope: Scope | null = null;
  moduleScope: Scope;
  modelCalls = new Map<PyStmt | null, Extract<PyExpr, { k: 'call' }>>();
  modelNames = new Map<PyStmt | null, string>();
  budget = 200000;
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
  private sitesByName: Map<string, number> | null = null;

  constructor(private stmts: PyStmt[]) {
    this.moduleScope = { vars: new Map(), cls: null, fn: null, body: stmts, top: null, returns: [], parent: null, depth: 0 };
  }

  run(): PyFrameworkResult {
    // 1. imports anywhere (function-level imports are common in notebooks and scripts)
    const visitImports = (ss: PyStmt[], top: boolean) => {
      for (const s of ss) {
        if (s.k === 'import' || s.k === 'from') this.imports.add(s, top);
        else if (s.k === 'def' || s.k === 'class' || s.k === 'if' || s.k === 'block' || s.k === 'with' || s.k === 'for') {
          if (s.k === 'if' || s.k === 'block' || s.k === 'with') visitImports(s.k === 'if' ? [...s.body, ...s.orelse] : s.body, top);
          else visitImports(s.body, false);
        }
      }
    };
    visitImports(this.stmts, true);
    if (this.imports.map.size === 0 && this.imports.starModules.length === 0) return this.result();

    // 2. module-level functions and classes
    for (const s of this.stmts) {
      if (s.k === 'def') {
        this.moduleFns.set(s.name, s);
        this.moduleScope.vars.set(s.name, { t: 'fn', def: s, cls: null, self: null });
      } else if (s.k === 'class') this.declareClass(s);
    }
    // module-level constants first (so classes can read HIDDEN = 128)
    const assigned = new Set<string>();
    const constant = (id: string, value: PyExpr) => {
      const v = this.constEval(value, this.moduleScope);
      // a name assigned twice is no constant an `if` can be decided on
      if (v && assigned.has(id)) this.softVals.add(v);
      if (assigned.has(id) && this.moduleScope.vars.get(id)?.t === 'list') this.moduleScope.vars.delete(id);
      assigned.add(id);
      if (v && !(v.t === 'list' && assigned.has(id) && this.softVals.has(v))) this.moduleScope.vars.set(id, v);
    };
    for (const s of this.stmts) {
      if (s.k !== 'assign' || s.targets.length !== 1) continue;
      const t = s.targets[0];
      if (t.k === 'name') constant(t.id, s.value);
      else if ((t.k === 'tuple' || t.k === 'list') && (s.value.k === 'tuple' || s.value.k === 'list') && t.items.length === s.value.items.length) {
        // nz, ngf, nc = 100, 64, 3
        const values = s.value.items;
        t.items.forEach((x, i) => {
          if (x.k === 'name') constant(x.id, values[i]);
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
    this.resolveCtorFans();
    // nested defs/classes are reached through their parents; done.
    return this.result();
  }

  result(): PyFrameworkResult {
    const layers = [...this.layers.values()].sort((a, b) => a.call.span.from - b.call.span.from);
    return { layers, seqs: [...this.seqs.values()], classes: this.classList, imports: this.imports };
  }

  // ---------------------------------------------------------------- classes

  declareClass(s: Extract<PyStmt, { k: 'class' }>): void {
    const ctx: ClassCtx = {
      stmt: s,
      name: s.name,
      framework: null,
      attrs: new Map(),
      fields: new Map(),
      methods: new Map(),
      layers: [],
      hasLayerNorm: false,
      hasResidual: false,
    };
    for (const b of s.bases) {
      const q = this.imports.resolve(b);
      const role = roleOf(q);
      if (role && role.r === 'baseModule') {
        ctx.framework = role.framework;
        if (role.nnx) ctx.nnx = true;
      }
      else if (role && role.r === 'sequential') {
        ctx.framework = role.framework;
        ctx.seqBase = role.framework;
      }
      else if (q === 'keras.Model' || q === 'keras.models.Model') ctx.framework = 'keras';
      else if (b.k === 'name' && this.classes.has(b.id)) {
        const parent = this.classes.get(b.id)!;
        ctx.framework = parent.framework;
        if (parent.nnx) ctx.nnx = true;
        for (const [k, v] of parent.methods) ctx.methods.set(k, v);
      }
    }
    for (const st of s.body) {
      if (st.k === 'def') ctx.methods.set(st.name, st);
    }
    this.classes.set(s.name, ctx);
    this.classList.push(ctx);
    this.moduleScope.vars.set(s.name, { t: 'cls', cls: ctx });
  }

  /**
   * A user module class constructed by name somewhere in the file (`Block(dim=512)`), with a
   * constructor taking arguments and no subclass: each construction reruns its constructor with the
   * site's arguments, and the fans of its layers come from those runs (equal in all of them, or unknown).
   */
  ctorSites(c: ClassCtx): boolean {
    const init = c.methods.get('__init__');
    if (!init || init.params.length < 2 || c.nnx || c.seqBase) return false;
    if (this.classList.some((o) => o !== c && o.stmt.bases.some((b) => b.k === 'name' && b.id === c.name))) return false;
    if (!this.sitesByName) {
      const m = new Map<string, number>();
      walkStmts(this.stmts, (st) => {
        for (const x of stmtExprs(st)) walkExpr(x, (e) => {
          if (e.k === 'call' && e.fn.k === 'name') m.set(e.fn.id, (m.get(e.fn.id) ?? 0) + 1);
        });
      });
      this.sitesByName = m;
    }
    return (this.sitesByName.get(c.name) ?? 0) > 0;
  }

  /** After every run: a layer of a class constructed at sites gets the fans those sites agree on. */
  resolveCtorFans(): void {
    // a class built with different sizes at different sites: a fan_in the data flow gave one of
    // its layers (Keras) may come from any of them
    const varying = new Set<ClassCtx>();
    for (const [r, snaps] of this.ctorSnaps) {
      if (r.owner && snaps.some((x) => x[0] !== snaps[0][0] || x[1] !== snaps[0][1])) varying.add(r.owner);
    }
    for (const r of this.layers.values()) {
      if (r.owner && varying.has(r.owner) && !r.inChFromCtor) (r.loopVaries ??= new Set()).add('fanIn');
    }
    for (const [r, snaps] of this.ctorSnaps) {
      if (r.owner && this.ctorIncomplete.has(r.owner)) {
        (r.loopVaries ??= new Set()).add('fanIn').add('fanOut');
        continue;
      }
      const [fi, fo] = snaps[0];
      if (snaps.some((x) => x[0] !== fi)) (r.loopVaries ??= new Set()).add('fanIn');
      else if (fi !== null || r.inChFromCtor) r.fanIn = fi;
      if (snaps.some((x) => x[1] !== fo)) (r.loopVaries ??= new Set()).add('fanOut');
      else r.fanOut = fo;
    }
  }

  runClass(c: ClassCtx): void {
    // a class the file constructs itself: this run with its defaults is not one of them
    const unreal = this.ctorSites(c);
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
    this.callIndex();
    for (const st of c.stmt.body) {
      if (st.k === 'assign' && st.targets.length === 1 && st.targets[0].k === 'name') {
        let v = this.eval(st.value, scope);
        // a Flax dataclass field that a construction may set (`MLP(act="tanh")`) decides no `if`
        if (c.framework === 'flax' && !c.methods.has('__init__') && (v.t === 'str' || v.t === 'num' || v.t === 'const') && this.mayPass(c, null, c.fields.size, st.targets[0].id)) this.softVals.add((v = { ...v }));
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
          if (d.t === 'num' || d.t === 'str' || d.t === 'const') this.softVals.add((d = { ...d }));
          return d;
        });
        this.callMethod(c, m, args, null, true);
      }
    }
  }

  runMethodStandalone(c: ClassCtx, m: Extract<PyStmt, { k: 'def' }>): void {
    this.callMethod(c, m, m.params.slice(1).map(() => UNKNOWN), null, true);
  }

  runFnStandalone(f: Extract<PyStmt, { k: 'def' }>): void {
    this.callFn(f, f.params.map(() => UNKNOWN), new Map(), this.moduleScope, null, true);
  }

  callMethod(c: ClassCtx, m: Extract<PyStmt, { k: 'def' }>, args: Val[], kwargs: Map<string, Val> | null, root = false, caller?: Scope): Val {
    return this.callFn(m, [{ t: 'self', cls: c }, ...args], kwargs ?? new Map(), caller ?? this.moduleScope, c, root);
  }

  callFn(
    f: Extract<PyStmt, { k: 'def' }>,
    args: Val[],
    kwargs: Map<string, Val>,
    caller: Scope,
    cls: ClassCtx | null,
    root = false,
  ): Val {
    if (this.stack.includes(f) || this.stack.length > 6 || this.budget <= 0) return UNKNOWN;
    this.ran.add(f);
    const vars = new Map<string, Val>();
    f.params.forEach((p, i) => {
      let v: Val | undefined = i < args.length ? args[i] : kwargs.get(p.name);
      if (v === undefined || v.t === 'unknown') {
        let d = p.default ? this.eval(p.default, caller) : undefined;
        // A default some call site overrides does not decide an `if` (staticTruth).
        if (d && (d.t === 'num' || d.t === 'str' || d.t === 'const') && this.defaultOverridden(f, cls, i)) {
          d = { ...d };
          this.softVals.add(d);
        }
        if (d && d.t !== 'unknown') v = d;
        else if (v === undefined) v = i === 0 && cls ? { t: 'self', cls } : UNKNOWN;
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
      if (this.budget-- <= 0 || scope.stopped) return;
      if (isTop) scope.top = s;
      stack.push({ stmt: s, body, loop });
      this.exec(s, scope);
      stack.pop();
    }
  }

  exec(s: PyStmt, scope: Scope): void {
    switch (s.k) {
      case 'assign': {
        const v = this.eval(s.value, scope, s);
        for (const t of s.targets) this.assign(t, v, scope, s);
        return;
      }
      case 'augassign': {
        const cur = this.eval(s.target, scope, s);
        const v = this.eval(s.value, scope, s);
        if (s.op === '+=' && cur.t === 'tensor' && v.t === 'tensor') {
          this.assign(s.target, this.residualAdd([cur, v], scope), scope, s);
        } else if (s.op === '+=' && cur.t === 'list' && v.t === 'list') {
          this.assign(s.target, { t: 'list', items: [...cur.items, ...v.items], template: cur.template || v.template }, scope, s);
        } else if (cur.t === 'tensor' && (v.t === 'num' || v.t === 'unknown')) {
          // x *= 0.5: scaling keeps attribution
        } else if (cur.t === 'num' && v.t === 'num') {
          this.assign(s.target, { t: 'num', v: arith(s.op.slice(0, -1), cur.v, v.v) ?? NaN }, scope, s);
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
        const narrowed = this.narrow(s.test, scope);
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
        const sel = this.staticTruth(s.test, scope);
        const before = this.branchState(scope);
        // layers whose output is pending in a local tensor: each branch starts with them undecided
        const pending = new Set<LayerRec>();
        for (const v of scope.vars.values()) if (v.t === 'tensor') for (const p of v.pend) if (!p.rec.act) pending.add(p.rec);
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
        const afterThen = this.branchState(scope);
        const thenActs = new Map<LayerRec, ActivationInfo | null>();
        for (const r of pending) {
          thenActs.set(r, r.act);
          r.act = null;
        }
        this.restoreState(before);
        enter(1, sel === true);
        this.execBody(s.orelse, scope, false);
        leave(sel === true);
        if (sel === true) scope.returns.length = returns1;
        // A branch that ends in `return` does not reach the code after the `if`: the other one does.
        const ends = (b: PyStmt[]) => b.length > 0 && b[b.length - 1].k === 'return';
        const thenEnds = ends(s.body);
        const elseEnds = ends(s.orelse);
        if ((sel === true && thenEnds) || (sel === false && elseEnds)) scope.stopped = true;
        if (thenEnds !== elseEnds) {
          if (elseEnds) this.restoreState(afterThen);
        } else this.mergeBranches(before, afterThen, sel);
        for (const r of pending) {
          const ta = thenActs.get(r) ?? null;
          // (what a returning branch decided cannot be compared with what runs after the `if`)
          if (thenEnds !== elseEnds) r.act = ta ?? r.act;
          else this.mergeActs(r, ta, r.act, sel);
        }
        return;
      }
      case 'for': {
        const it = this.eval(s.iter, scope);
        const iters = this.loopIterations(s.iter, it, scope);
        if (!iters) {
          this.bindLoop(s.target, it, scope);
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
            if (this.budget <= 0 || scope.stopped) break;
            this.bindIteration(s.target, v, scope);
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
        for (const e of s.k === 'with' ? s.items : []) this.eval(e, scope);
        this.execBody(s.body, scope, false);
        return;
      case 'def': {
        if (scope.fn !== null || scope.cls !== null) {
          scope.vars.set(s.name, { t: 'fn', def: s, cls: null, self: null });
          // nested functions run when called; also standalone later
          this.moduleFns.set(`${s.name}@${s.span.from}`, s);
        }
        return;
      }
      case 'class':
        if (scope !== this.moduleScope) {
          this.declareClass(s);
          const c = this.classes.get(s.name);
          if (c && c.framework) this.runClass(c);
        }
        return;
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- if / else

  /** Activations applied in one branch of an `if` only, to compare with what follows it. */
  deferredActs = new Map<LayerRec, ActivationInfo>();
  /** A loop variable over literal strings: every name it takes. */
  loopNames = new WeakMap<Val, string[]>();
  /** Values bound from a parameter default that some call site in the module overrides. */
  softVals = new WeakSet<Val>();
  /** Modules joined with None by an `if` (`self.proj = nn.Linear(...)` or `None`). */
  maybeNone = new WeakSet<Val>();
  private passedArgs: Map<string, { pos: number; kw: Set<string>; splat: boolean }> | null = null;
  /** Names used as values, not called (`partial(Block, act="tanh")`, `block=BasicBlock`): their calls are not visible. */
  private escapedNames = new Set<string>();

  /** Whether a call in the module may pass the `i`-th parameter of `f` explicitly. */
  defaultOverridden(f: Extract<PyStmt, { k: 'def' }>, cls: ClassCtx | null, i: number): boolean {
    // forward()/call() are reached through the module object: their callers are not visible by name
    if (cls && (f.name === 'forward' || f.name === 'call' || f.name === '__call__')) return true;
    this.callIndex();
    const p = f.params[i];
    if (!p) return false;
    return this.mayPass(cls, f, i, p.name);
  }

  /** Whether a visible (or escaped) call may pass the parameter `name` (positional `i`) of `f` / the class's constructor. */
  private mayPass(cls: ClassCtx | null, f: Extract<PyStmt, { k: 'def' }> | null, i: number, name: string): boolean {
    const check = (key: string, offset: number): boolean => {
      if (!key.startsWith('.') && this.escapedNames.has(key)) return true;
      const ent = this.passedArgs!.get(key);
      return !!ent && (ent.splat || ent.kw.has(name) || ent.pos > i - offset);
    };
    if (!f) return cls !== null && check(cls.name, 0);
    if (cls) {
      // a constructor is called by the class name (or super().__init__ in a subclass); a method by its attribute name
      const ctor = f.name === '__init__' || f.name === 'setup' || f.name === 'build';
      if (ctor) return check(cls.name, 1) || check('.__init__', 1) || this.classList.some((c) => c !== cls && c.methods.get(f.name) === f && check(c.name, 1));
      return check('.' + f.name, 1);
    }
    return check(f.name, 0) || check('.' + f.name, 0);
  }

  private callIndex(): void {
    if (!this.passedArgs) {
      const idx = new Map<string, { pos: number; kw: Set<string>; splat: boolean }>();
      const callees = new Set<PyExpr>();
      walkStmts(this.stmts, (st) => {
        for (const x of stmtExprs(st)) walkExpr(x, (c) => {
          if (c.k === 'name' && !callees.has(c)) this.escapedNames.add(c.id);
          if (c.k !== 'call') return;
          callees.add(c.fn);
          const key = c.fn.k === 'name' ? c.fn.id : c.fn.k === 'attr' ? '.' + c.fn.attr : null;
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
      this.passedArgs = idx;
    }
  }

  /**
   * The truth of a condition when it can be read without running anything: literals,
   * module constants, defaults of the running function's parameters and what was
   * assigned from them (`act == "relu"`, `not use_bn`, `self.proj is None`, and/or).
   */
  staticTruth(e: PyExpr, scope: Scope): boolean | undefined {
    const truthy = (v: Val): boolean | undefined =>
      v.t === 'const' ? v.v === true : v.t === 'num' ? v.v !== 0 : v.t === 'str' ? v.v !== '' : undefined;
    const value = (x: PyExpr): Val => {
      const v = x.k === 'name' || x.k === 'attr' || x.k === 'num' || x.k === 'str' || x.k === 'const' ? this.eval(x, scope) : UNKNOWN;
      return this.softVals.has(v) ? UNKNOWN : v;
    };
    const scalar = (v: Val): string | number | boolean | null | undefined => (v.t === 'const' || v.t === 'num' || v.t === 'str' ? v.v : undefined);
    switch (e.k) {
      case 'const':
      case 'num':
      case 'str':
      case 'name':
      case 'attr':
        return truthy(value(e));
      case 'unary': {
        if (e.op !== 'not') return undefined;
        const t = this.staticTruth(e.operand, scope);
        return t === undefined ? undefined : !t;
      }
      case 'bin': {
        if (e.op === 'and' || e.op === 'or') {
          const l = this.staticTruth(e.left, scope);
          const r = this.staticTruth(e.right, scope);
          if (e.op === 'and') return l === false || r === false ? false : l === true && r === true ? true : undefined;
          return l === true || r === true ? true : l === false && r === false ? false : undefined;
        }
        if (e.op === 'is' || e.op === 'is not') {
          // `x is None`: known when x is known to be None, or a module / number / string
          if (e.right.k === 'const' && typeof e.right.value === 'boolean') {
            // `act is True` (YOLO's Conv): known when act is a known bool, a module, a number or a string
            const b = value(e.left);
            const same = b.t === 'const' ? b.v === e.right.value : b.t === 'obj' || b.t === 'objs' || b.t === 'num' || b.t === 'str' ? false : undefined;
            return same === undefined ? undefined : e.op === 'is' ? same : !same;
          }
          if (!(e.right.k === 'const' && e.right.value === null)) return undefined;
          const v = value(e.left);
          const isNone = v.t === 'const' ? v.v === null : this.maybeNone.has(v) ? undefined : v.t === 'obj' || v.t === 'objs' || v.t === 'num' || v.t === 'str' ? false : undefined;
          return isNone === undefined ? undefined : e.op === 'is' ? isNone : !isNone;
        }
        if (e.op === 'in' || e.op === 'not in') {
          const l = scalar(value(e.left));
          const r = e.right;
          if (l === undefined || !(r.k === 'tuple' || r.k === 'list' || r.k === 'set')) return undefined;
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
  mergeActs(r: LayerRec, ta: ActivationInfo | null, ea: ActivationInfo | null, sel: boolean | undefined): void {
    if (sel === true) r.act = ta;
    else if (sel === false) r.act = ea;
    else if (ta && ea) r.act = sameAct(ta, ea) ? ea : branchUnknown(ta, ea);
    else if (ta || ea) {
      // `if use_act: x = F.relu(x)`: the other branch leaves the output to what comes after
      // the `if`; that consumer (or none) is compared with this branch's (see consume)
      r.act = null;
      const d = this.deferredActs.get(r);
      const act = (ta ?? ea)!;
      this.deferredActs.set(r, d && !sameAct(d, act) ? branchUnknown(d, act) : act);
    } else r.act = null;
  }

  /** `nn.GELU() if gelu else nn.ReLU()`, `F.relu(h) if act else h`: the two values merged as after an `if`. */
  evalCond(c: PyCond, scope: Scope): Val {
    this.eval(c.test, scope);
    const sel = this.staticTruth(c.test, scope);
    const undecided = [...this.layers.values()].filter((r) => !r.act);
    const va = this.eval(c.body, scope);
    const thenActs = new Map<LayerRec, ActivationInfo | null>();
    for (const r of undecided) {
      thenActs.set(r, r.act);
      r.act = null;
    }
    const vb = this.eval(c.orelse, scope);
    for (const r of undecided) this.mergeActs(r, thenActs.get(r) ?? null, r.act, sel);
    if (sel !== undefined) {
      const [chosen, other] = sel ? [va, vb] : [vb, va];
      return !hasLayer(chosen) && hasLayer(other) ? mergeVal(va, vb, true, this.maybeNone) ?? UNKNOWN : chosen;
    }
    return mergeVal(va, vb, true, this.maybeNone) ?? UNKNOWN;
  }

  /** The bindings an `if` branch can change: the scope's names and the attributes of `self`. */
  branchState(scope: Scope): { map: Map<string, Val>; copy: Map<string, Val> }[] {
    const maps = [scope.vars];
    for (const v of scope.vars.values()) if (v.t === 'self' && !maps.includes(v.cls.attrs)) maps.push(v.cls.attrs);
    return maps.map((map) => ({ map, copy: new Map(map) }));
  }

  restoreState(state: { map: Map<string, Val>; copy: Map<string, Val> }[]): void {
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
  mergeBranches(before: { map: Map<string, Val>; copy: Map<string, Val> }[], afterThen: { map: Map<string, Val>; copy: Map<string, Val> }[], sel: boolean | undefined): void {
    before.forEach(({ map, copy: b0 }) => {
      const thenMap = afterThen.find((x) => x.map === map)?.copy;
      if (!thenMap) return;
      const keys = new Set([...thenMap.keys(), ...map.keys()]);
      for (const k of keys) {
        const a = thenMap.get(k);
        const b = map.get(k);
        if (a === b) continue;
        let m: Val | undefined;
        if (sel === undefined) m = mergeVal(a, b, b !== b0.get(k), this.maybeNone);
        else {
          // the selected branch, except that a layer built in the other one (None or nn.Identity()
          // here, or another layer: `self.rnn = nn.LSTM(...)` / `nn.GRU(...)`) is kept: it is still
          // reported, so forward() and the init code that reach the attribute decide it too
          const [chosen, other] = sel ? [a, b] : [b, a];
          m = hasLayer(other) ? mergeVal(a, b, b !== b0.get(k), this.maybeNone) : chosen;
        }
        if (m === undefined) map.delete(k);
        else map.set(k, m);
      }
    });
  }

  /** For each unrolled loop (or recorded construction) running: the layers built in it so far. */
  loopTracks: Set<LayerRec>[] = [];

  /**
   * The values a loop over values known statically takes, one per iteration (bound by
   * bindIteration), or null: a list of at most 16 values one of which is a number, a zip or
   * enumerate of such lists, `range(k)` with a known k ≤ 16. Other loops run once.
   */
  loopIterations(iterE: PyExpr, it: Val, scope: Scope): Val[] | null {
    const MAX = 16;
    if (iterE.k === 'call' && iterE.fn.k === 'name' && iterE.fn.id === 'range' && !lookup(scope, 'range') && iterE.args.length >= 1 && iterE.args.length <= 3 && !iterE.args.some((a) => a.star || a.name)) {
      const ns = iterE.args.map((a) => this.eval(a.value, scope));
      if (!ns.every((n) => n.t === 'num' && Number.isInteger(n.v))) return null;
      const [a, b, st] = ns.length === 1 ? [0, (ns[0] as { v: number }).v, 1] : [(ns[0] as { v: number }).v, (ns[1] as { v: number }).v, ns.length === 3 ? (ns[2] as { v: number }).v : 1];
      if (st === 0) return null;
      const vals: Val[] = [];
      for (let i = a; st > 0 ? i < b : i > b; i += st) {
        vals.push({ t: 'num', v: i });
        if (vals.length > MAX) return null;
      }
      return vals.length ? vals : null;
    }
    const scalar = (v: Val): boolean => v.t === 'num' || v.t === 'str' || v.t === 'const' || (v.t === 'list' && !v.template && v.items.every(scalar));
    const numeric = (v: Val): boolean => v.t === 'num' || (v.t === 'list' && v.items.some(numeric));
    // the values a loop over `v` takes, when all are known
    const elems = (v: Val): Val[] | null => {
      if (v.t === 'list') return !v.template && v.items.length > 0 && v.items.length <= MAX && v.items.every(scalar) ? v.items : null;
      if (v.t !== 'zip' || !v.items.length) return null;
      if (v.items.length === 2 && v.items[0].t === 'unknown') {
        // enumerate(xs) is zip(<unknown>, xs)
        const xs = elems(v.items[1]);
        return xs && xs.map((x, i) => ({ t: 'list', items: [{ t: 'num', v: i }, x], template: false }));
      }
      const cols = v.items.map(elems);
      if (cols.some((c) => c === null)) return null;
      const n = Math.min(...cols.map((c) => c!.length));
      const out: Val[] = [];
      for (let i = 0; i < n; i++) out.push({ t: 'list', items: cols.map((c) => c![i]), template: false });
      return out;
    };
    const xs = elems(it);
    return xs && xs.length && xs.some(numeric) ? xs : null;
  }

  /** Binds one iteration's value of an unrolled loop (its scalars decide no `if`, like bindLoop's). */
  bindIteration(target: PyExpr, v: Val, scope: Scope): void {
    const soft = (x: Val): Val => {
      if (x.t === 'list') return { ...x, items: x.items.map(soft) };
      const c = { ...x };
      this.softVals.add(c);
      return c;
    };
    this.assign(target, soft(v), scope, null);
  }

  bindLoop(target: PyExpr, it: Val, scope: Scope): void {
    let elem: Val = UNKNOWN;
    if (it.t === 'zip') {
      const targets = target.k === 'tuple' || target.k === 'list' ? target.items : [target];
      targets.forEach((t, i) => {
        const src = it.items[i];
        if (!src) return this.assign(t, UNKNOWN, scope, null);
        const sub: Scope = { ...scope, vars: new Map() };
        this.bindLoop({ k: 'name', id: '__elem', span: t.span }, src, sub);
        this.assign(t, sub.vars.get('__elem') ?? UNKNOWN, scope, null);
      });
      return;
    }
    if (it.t === 'obj' && it.o.o === 'list') elem = { t: 'objs', items: it.o.items };
    else if (it.t === 'obj' && it.o.o === 'seq') elem = { t: 'objs', items: it.o.seq.items };
    else if (it.t === 'list') elem = joinVals(it.items.length ? it.items : [UNKNOWN]);
    else if (it.t === 'objs' && it.items.length && it.items.every((x) => x.o === 'seq' || x.o === 'list')) {
      // one of several containers (`for seq in (self.encoder, self.decoder): for m in seq`):
      // an element is any member of any of them
      elem = { t: 'objs', items: it.items.flatMap((x) => (x.o === 'seq' ? x.seq.items : x.o === 'list' ? x.items : [])) };
    } else if (it.t === 'objs') elem = it;
    else if (it.t === 'anymod') elem = it;
    else if (it.t === 'anyparam') {
      // for name, p in X.named_parameters()
      if (target.k === 'tuple' && target.items.length === 2) {
        const pv = target.items[1];
        this.assign(target.items[0], { t: 'pname', owner: 'anyparam', varName: pv.k === 'name' ? pv.id : null }, scope, null);
        this.assign(target.items[1], it, scope, null);
        return;
      }
      elem = it;
    } else if (it.t === 'tensor') elem = tensor([], null);
    // a loop variable takes every value in turn: no `if` is decided on the one the join kept
    if (elem.t === 'num' || elem.t === 'str' || elem.t === 'const') {
      this.softVals.add((elem = { ...elem }));
      // for name in ("fc1", "fc2"): getattr(self, name) reaches both
      if (elem.t === 'str' && it.t === 'list' && it.items.length > 1 && it.items.every((x) => x.t === 'str')) {
        this.loopNames.set(elem, it.items.map((x) => (x as { v: string }).v));
      }
    }
    if (target.k === 'tuple') {
      for (const t of target.items) this.assign(t, elem.t === 'list' ? UNKNOWN : elem.t === 'objs' ? elem : UNKNOWN, scope, null);
      return;
    }
    this.assign(target, elem, scope, null);
  }

  assign(t: PyExpr, v: Val, scope: Scope, stmt: PyStmt | null): void {
    if (t.k === 'name') {
      scope.vars.set(t.id, v);
      this.nameValue(v, t.id, scope, t.id, false);
      if (v.t === 'unknown' || v.t === 'tensor') {
        // `model = keras.Model(inputs, outputs)` names the functional group
      }
      return;
    }
    if (t.k === 'attr' && t.obj.k === 'name') {
      const base = scope.vars.get(t.obj.id);
      if (base && base.t === 'self') {
        base.cls.attrs.set(t.attr, v);
        this.nameValue(v, t.attr, scope, `self.${t.attr}`, true);
        return;
      }
    }
    if (t.k === 'tuple' || t.k === 'list') {
      const items = v.t === 'list' ? v.items : null;
      t.items.forEach((x, i) => this.assign(x, items && items[i] ? items[i] : v.t === 'tensor' ? tensor(v.pend, null) : UNKNOWN, scope, stmt));
      return;
    }
    if (t.k === 'sub') {
      // d['fc'] = nn.Linear(...) / layers[i] = ...
      const base = this.eval(t.obj, scope);
      if (base.t === 'dict' && t.index.length === 1 && t.index[0].k === 'str') base.entries.set(t.index[0].value, v);
    }
  }

  /** Record names and access paths of module objects when they are bound. */
  nameValue(v: Val, name: string, scope: Scope, pathExpr: string, isAttr: boolean): void {
    // '__elem' is bindLoop's placeholder for one element of a zip/enumerate: not a user's name
    if (v.t !== 'obj' || name === '__elem') return;
    const fn = scope.fn;
    const anchor = this.topStmtOf(scope);
    const mkPath = (expr: string, loop: boolean): AccessPath | null => (anchor ? { expr, loop, fn, anchor, body: this.bodyOf(scope) } : null);
    const o = v.o;
    if (o.o === 'weight') {
      if (o.rec.name === null || isAttr) o.rec.name = name;
      const p = mkPath(pathExpr, false);
      if (p && (isAttr || scope.fn === null)) pushPath(o.rec, p);
    } else if (o.o === 'seq') {
      if (o.seq.name === null) o.seq.name = name;
      if (isAttr || scope.fn === null) this.seqPaths(o.seq, pathExpr, mkPath);
    } else if (o.o === 'list') {
      if (o.ml && (isAttr || scope.fn === null)) {
        const p = mkPath(pathExpr, false);
        if (p) o.ml.paths.push(p);
      }
      if (isAttr || scope.fn === null) {
        o.items.forEach((it, i) => {
          const expr = o.template ? pathExpr : `${pathExpr}[${i}]`;
          this.objPaths(it, expr, o.template, mkPath, name);
        });
      }
    } else if (o.o === 'wrapper') {
      // no path: the parameters live on the wrapped layer. An NNX cell takes the
      // attribute's name (`self.rnn = nnx.RNN(nnx.LSTMCell(...))`).
      if (o.inner.o === 'weight' && o.inner.rec.spec.nnx && o.inner.rec.name === null) o.inner.rec.name = name;
    }
  }

  seqPaths(seq: SeqRec, base: string, mk: (expr: string, loop: boolean) => AccessPath | null): void {
    // Items built in a loop repeat at run time: indexes after them count from the end,
    // items between two loop-built groups have no stable index.
    const isTemplate = (o: Obj) => (o.o === 'weight' && o.rec.template) || (o.o === 'list' && o.template);
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
      if (nm) return this.objPaths(it, `${base}.${nm}`, false, mk, nm);
      if (firstT < 0 || i < firstT) return this.objPaths(it, `${base}[${i}]`, false, mk, nm);
      if (i > lastT) return this.objPaths(it, `${base}[${i - n}]`, false, mk, nm);
    });
  }

  objPaths(it: Obj, expr: string, loop: boolean, mk: (expr: string, loop: boolean) => AccessPath | null, nm: string | null): void {
    if (it.o === 'weight') {
      if (nm && it.rec.name === null) it.rec.name = nm;
      const p = mk(expr, loop);
      if (p) pushPath(it.rec, p);
    } else if (it.o === 'seq') {
      if (!loop) this.seqPaths(it.seq, expr, mk);
    } else if (it.o === 'list') {
      if (!loop) it.items.forEach((x, i) => this.objPaths(x, it.template ? expr : `${expr}[${i}]`, it.template, mk, null));
    }
  }

  /** The innermost statement running (outside loops): where an insertion after it still runs once. */
  private innermost(scope: Scope): { stmt: PyStmt; body: PyStmt[] } | null {
    const st = scope.stack ?? [];
    let i = st.length - 1;
    // inside a loop body, the loop statement itself is the anchor
    for (let k = st.length - 1; k >= 0; k--) if (st[k].loop) i = k - 1;
    return i >= 0 ? st[i] : null;
  }

  topStmtOf(scope: Scope): PyStmt | null {
    return this.innermost(scope)?.stmt ?? scope.top;
  }

  bodyOf(scope: Scope): PyStmt[] {
    return this.innermost(scope)?.body ?? scope.body;
  }

  // ---------------------------------------------------------------- narrowing

  narrow(test: PyExpr, scope: Scope): { name: string; then: Val; else: Val | null } | null {
    // isinstance(m, nn.Linear) / isinstance(m, (A, B))
    if (test.k === 'call' && test.fn.k === 'name' && test.fn.id === 'isinstance' && test.args.length >= 2) {
      const subj = test.args[0].value;
      if (subj.k !== 'name') return null;
      const cur = scope.vars.get(subj.id);
      const typesExpr = test.args[1].value;
      if (cur && cur.t === 'objs') {
        const tl = typesExpr.k === 'tuple' || typesExpr.k === 'list' ? typesExpr.items : [typesExpr];
        const kinds = new Set<string>();
        for (const te of tl) {
          const role = roleOf(this.imports.resolve(te));
          if (role && role.r === 'weight') kinds.add(role.spec.kind);
        }
        const keep = cur.items.filter((o) => o.o === 'weight' && kinds.has(o.rec.spec.kind));
        const rest = cur.items.filter((o) => !(o.o === 'weight' && kinds.has(o.rec.spec.kind)));
        return { name: subj.id, then: { t: 'objs', items: keep }, else: { t: 'objs', items: rest } };
      }
      if (!cur || cur.t !== 'anymod') return null;
      const tlist = typesExpr.k === 'tuple' || typesExpr.k === 'list' ? typesExpr.items : [typesExpr];
      const kinds: string[] = [];
      let instanceOf: ClassCtx | null = null;
      for (const te of tlist) {
        const role = roleOf(this.imports.resolve(te));
        if (role && role.r === 'weight') kinds.push(role.spec.kind);
        else if (role) kinds.push('#' + (this.imports.resolve(te) ?? ''));
        else if (te.k === 'name' && this.classes.has(te.id)) instanceOf = this.classes.get(te.id)!;
        else kinds.push('#other');
      }
      const f = cur.filter;
      return {
        name: subj.id,
        then: { t: 'anymod', filter: { ...f, types: instanceOf ? f.types : kinds, instanceOf: instanceOf ?? f.instanceOf } },
        else: { t: 'anymod', filter: { ...f, exclude: [...f.exclude, ...kinds] } },
      };
    }
    // type(m) == nn.Linear
    if (test.k === 'bin' && (test.op === '==' || test.op === 'is') && test.left.k === 'call' && test.left.fn.k === 'name' && test.left.fn.id === 'type') {
      const subj = test.left.args[0]?.value;
      if (!subj || subj.k !== 'name') return null;
      const cur = scope.vars.get(subj.id);
      if (!cur || cur.t !== 'anymod') return null;
      const role = roleOf(this.imports.resolve(test.right));
      const kinds = role && role.r === 'weight' ? [role.spec.kind] : ['#other'];
      return { name: subj.id, then: { t: 'anymod', filter: { ...cur.filter, types: kinds } }, else: { t: 'anymod', filter: { ...cur.filter, exclude: [...cur.filter.exclude, ...kinds] } } };
    }
    // classname.find('Conv') != -1  /  'Conv' in classname
    const cn = this.classnameTest(test, scope);
    if (cn) return cn;
    // 'weight_hh' in name / name.startswith('weight') / pn.endswith('c_proj.weight')
    const pt = this.paramNameTest(test, scope);
    if (pt) return pt;
    if (test.k === 'unary' && test.op === 'not') {
      const inner = this.paramNameTest(test.operand, scope, true);
      if (inner) return inner;
    }
    return null;
  }

  classnameTest(test: PyExpr, scope: Scope): { name: string; then: Val; else: Val | null } | null {
    let subj: string | null = null;
    let needle: string | null = null;
    if (test.k === 'bin' && (test.op === '!=' || test.op === '>=' || test.op === '>') && test.left.k === 'call' && test.left.fn.k === 'attr' && test.left.fn.attr === 'find') {
      const o = test.left.fn.obj;
      const a = test.left.args[0]?.value;
      if (o.k === 'name' && a && a.k === 'str') {
        subj = o.id;
        needle = a.value;
      }
    } else if (test.k === 'bin' && (test.op === 'in' || test.op === 'not in') && test.left.k === 'str' && test.right.k === 'name') {
      subj = test.right.id;
      needle = test.left.value;
    }
    const swap = test.k === 'bin' && test.op === 'not in';
    if (subj === null || needle === null) return null;
    const v = scope.vars.get(subj);
    if (!v || v.t !== 'classname' || !v.varName) return null;
    const m = scope.vars.get(v.varName);
    if (!m || m.t !== 'anymod') return null;
    const has: Val = { t: 'anymod', filter: { ...m.filter, substr: [...m.filter.substr, needle] } };
    const hasNot: Val = { t: 'anymod', filter: { ...m.filter, notSubstr: [...(m.filter.notSubstr ?? []), needle] } };
    return { name: v.varName, then: swap ? hasNot : has, else: swap ? has : hasNot };
  }

  paramNameTest(test: PyExpr, scope: Scope, negate = false): { name: string; then: Val; else: Val | null } | null {
    let nameVar: string | null = null;
    let t: NameTest | null = null;
    if (test.k === 'bin' && (test.op === 'in' || test.op === 'not in') && test.left.k === 'str' && test.right.k === 'name') {
      nameVar = test.right.id;
      t = { op: 'in', s: test.left.value, negate: test.op === 'not in' ? !negate : negate };
    } else if (test.k === 'call' && test.fn.k === 'attr' && test.fn.obj.k === 'name' && (test.fn.attr === 'startswith' || test.fn.attr === 'endswith')) {
      const a = test.args[0]?.value;
      if (a && a.k === 'str') {
        nameVar = test.fn.obj.id;
        t = { op: test.fn.attr, s: a.value, negate };
      }
    } else if (test.k === 'bin' && test.op === '==' && test.left.k === 'name' && test.right.k === 'str') {
      nameVar = test.left.id;
      t = { op: 'eq', s: test.right.value, negate };
    }
    if (nameVar === null || t === null) return null;
    const v = scope.vars.get(nameVar);
    if (!v || v.t !== 'pname' || !v.varName) return null;
    const p = scope.vars.get(v.varName);
    if (!p || p.t !== 'anyparam') return null;
    const then: Val = { ...p, filter: { ...p.filter, nameTests: [...p.filter.nameTests, t] } };
    const els: Val = { ...p, filter: { ...p.filter, nameTests: [...p.filter.nameTests, { ...t, negate: !t.negate }] } };
    return { name: v.varName, then, else: els };
  }

  // ---------------------------------------------------------------- expressions

  eval(e: PyExpr, scope: Scope, stmt?: PyStmt): Val {
    if (this.budget-- <= 0) return UNKNOWN;
    switch (e.k) {
      case 'num':
        return { t: 'num', v: e.value };
      case 'str':
        return { t: 'str', v: e.value };
      case 'name': {
        const v = lookup(scope, e.id);
        if (v) return v;
        if (this.imports.map.has(e.id) || this.imports.starModules.length) {
          const q = this.imports.resolve(e);
          if (q) return { t: 'ref', q };
        }
        return UNKNOWN;
      }
      case 'attr':
        return this.evalAttr(e, scope);
      case 'call':
        return this.evalCall(e, scope, stmt);
      case 'list':
      case 'tuple':
      case 'set': {
        const items: Val[] = [];
        let template = false;
        for (const it of e.items) {
          if (it.k === 'star') {
            const v = this.eval(it.value, scope);
            if (v.t === 'list') {
              items.push(...v.items);
              template ||= v.template;
            } else if (v.t === 'obj' && v.o.o === 'list') {
              items.push(...v.o.items.map((o) => ({ t: 'obj', o }) as Val));
              template ||= v.o.template;
            } else template = true;
          } else items.push(this.eval(it, scope));
        }
        return { t: 'list', items, template };
      }
      case 'comp': {
        // [nn.Linear(d, d) for _ in range(n)] → a template list of one element
        const inner: Scope = { ...scope, vars: new Map(scope.vars), returns: [] };
        if (e.target && e.iter) {
          const it = this.eval(e.iter, scope);
          this.bindLoop(e.target, it, inner);
        }
        const v = this.eval(e.elt, inner);
        // (the layers of a container built per element repeat too)
        const mark = (o: Obj, depth: number): void => {
          if (o.o === 'weight') o.rec.template = true;
          else if (o.o === 'seq' && depth < 8) for (const x of o.seq.items) mark(x, depth + 1);
        };
        if (v.t === 'obj') mark(v.o, 0);
        return { t: 'list', items: [v], template: true };
      }
      case 'dict': {
        const entries = new Map<string, Val>();
        for (const en of e.entries) {
          const v = this.eval(en.value, scope);
          if (en.key && en.key.k === 'str') entries.set(en.key.value, v);
        }
        return { t: 'dict', entries };
      }
      case 'sub': {
        let base = this.eval(e.obj, scope);
        if (base.t === 'self' || (base.t === 'obj' && base.o.o === 'instance')) {
          const cls = base.t === 'self' ? base.cls : (base.o as { cls: ClassCtx }).cls;
          const own = cls.attrs.get('__seq__');
          if (own) base = own;
        }
        const idx = e.index.length === 1 ? this.eval(e.index[0], scope) : UNKNOWN;
        const sl = e.index.length === 1 && e.index[0].k === 'other' ? e.index[0].slice : undefined;
        if (sl) {
          const s = this.slice(base, sl, scope);
          if (s) return s;
        }
        if (base.t === 'obj' && base.o.o === 'list') {
          if (idx.t === 'num' && !base.o.template && Number.isInteger(idx.v)) {
            const i = idx.v < 0 ? base.o.items.length + idx.v : idx.v;
            const it = base.o.items[i];
            return it ? { t: 'obj', o: it } : UNKNOWN;
          }
          return { t: 'objs', items: base.o.items };
        }
        if (base.t === 'obj' && base.o.o === 'seq') {
          if (idx.t === 'num' && Number.isInteger(idx.v)) {
            const items = base.o.seq.items;
            const i = idx.v < 0 ? items.length + idx.v : idx.v;
            const it = items[i];
            return it ? { t: 'obj', o: it } : UNKNOWN;
          }
          return { t: 'objs', items: base.o.seq.items };
        }
        if (base.t === 'list') {
          if (idx.t === 'num' && !base.template && Number.isInteger(idx.v)) {
            const i = idx.v < 0 ? base.items.length + idx.v : idx.v;
            return base.items[i] ?? UNKNOWN;
          }
          if (e.index.length === 1 && e.index[0].k === 'other') {
            // slice: keep the list
            return base;
          }
          return joinVals(base.items.length ? base.items : [UNKNOWN]);
        }
        if (base.t === 'dict' && idx.t === 'str') return base.entries.get(idx.v) ?? UNKNOWN;
        if (base.t === 'tensor') return tensor(base.pend, null);
        return UNKNOWN;
      }
      case 'bin': {
        // x * sigmoid(x): SiLU written out
        if (e.op === '*') {
          const silu = siluOperand(e, this.imports);
          if (silu) {
            const v = this.eval(silu, scope);
            if (v.t === 'tensor') {
              this.consume(v.pend, { name: 'silu', via: 'forward', span: e.span, text: 'x * sigmoid(x)' });
              return tensor([], v.ch, srcOf(v));
            }
          }
        }
        const l = this.eval(e.left, scope);
        const r = this.eval(e.right, scope);
        if (l.t === 'num' && r.t === 'num') {
          const v = arith(e.op, l.v, r.v);
          return v === null ? UNKNOWN : { t: 'num', v };
        }
        if (l.t === 'list' && r.t === 'list' && e.op === '+') return { t: 'list', items: [...l.items, ...r.items], template: l.template || r.template };
        if (l.t === 'tensor' && r.t === 'tensor') {
          if (e.op === '+') return this.residualAdd([l, r], scope);
          if (e.op === '-') return this.residualAdd([l, r], scope);
          // attention scores (q @ kᵀ) and gates (a * b): no nonlinearity acts on the projection itself
          const product = e.op === '@' ? 'a matrix product' : 'a product of two tensors';
          this.consume(l.pend, { name: 'linear', via: 'dataflow', span: e.span, text: product });
          this.consume(r.pend, { name: 'linear', via: 'dataflow', span: e.span, text: product });
          return tensor([], l.ch);
        }
        if (l.t === 'tensor' && (r.t === 'num' || r.t === 'unknown')) return l;
        if (r.t === 'tensor' && (l.t === 'num' || l.t === 'unknown')) return r;
        return UNKNOWN;
      }
      case 'unary': {
        const v = this.eval(e.operand, scope);
        if (v.t === 'num' && e.op === '-') return { t: 'num', v: -v.v };
        if (v.t === 'tensor') return v;
        return UNKNOWN;
      }
      case 'const':
        return { t: 'const', v: e.value };
      case 'star':
        return this.eval(e.value, scope);
      case 'other':
        if (e.cond) return this.evalCond(e.cond, scope);
        for (const p of e.parts) this.eval(p, scope);
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  /**
   * `layers[1:]`, `self.net[:-1]`: the items a slice keeps, when its bounds are known. A list built
   * in a loop has no stable positions; a container whose loop-built members come first can lose
   * members after them (`[:-1]` drops the head appended after the loop).
   */
  slice(base: Val, sl: PySlice, scope: Scope): Val | null {
    const bound = (x: PyExpr | null): number | null | undefined => {
      if (x === null) return null;
      const v = this.eval(x, scope);
      return v.t === 'num' && Number.isInteger(v.v) ? v.v : undefined;
    };
    const lo = bound(sl.lower);
    const hi = bound(sl.upper);
    const st = bound(sl.step);
    if (lo === undefined || hi === undefined || st === undefined || (st !== null && st !== 1)) return null;
    const cut = <T>(items: T[]): T[] => items.slice(lo ?? 0, hi ?? items.length);
    if (base.t === 'list') return base.template ? null : { t: 'list', items: cut(base.items), template: false };
    if (base.t === 'obj' && base.o.o === 'list' && base.o.template && base.o.ml) {
      // a ModuleList filled in a loop, then a head appended: [:-k] keeps the loop-built members
      const items = base.o.items;
      let lastT = -1;
      items.forEach((o, i) => {
        if ((o.o === 'weight' && o.rec.template) || (o.o === 'list' && o.template)) lastT = i;
      });
      const n = items.length;
      if (!((lo === null || lo === 0) && hi !== null && hi < 0 && n + hi > lastT)) return null;
      return { t: 'obj', o: { o: 'list', items: cut(items), template: true, ml: base.o.ml } };
    }
    if (base.t === 'obj' && base.o.o === 'list') return base.o.template ? null : { t: 'obj', o: { o: 'list', items: cut(base.o.items), template: false } };
    if (base.t === 'obj' && base.o.o === 'seq') {
      const seq = base.o.seq as SeqRec & { names?: (string | null)[] };
      let lastT = -1;
      seq.items.forEach((o, i) => {
        if ((o.o === 'weight' && o.rec.template) || (o.o === 'list' && o.template)) lastT = i;
      });
      const n = seq.items.length;
      if (lastT >= 0 && !((lo === null || lo === 0) && hi !== null && hi < 0 && n + hi > lastT)) return null;
      const sub: SeqRec & { names?: (string | null)[] } = { ...seq, items: cut(seq.items) };
      if (seq.names) sub.names = cut(seq.names);
      return { t: 'obj', o: { o: 'seq', seq: sub } };
    }
    return null;
  }

  evalAttr(e: Extract<PyExpr, { k: 'attr' }>, scope: Scope): Val {
    // imported dotted name?
    const root = rootName(e);
    if (root !== null && !lookup(scope, root) && (this.imports.map.has(root) || false)) {
      const q = this.imports.resolve(e);
      if (q) return { t: 'ref', q };
    }
    const base = this.eval(e.obj, scope);
    switch (base.t) {
      case 'self': {
        const v = base.cls.attrs.get(e.attr) ?? base.cls.fields.get(e.attr);
        if (v) return v;
        const m = base.cls.methods.get(e.attr);
        if (m) return { t: 'fn', def: m, cls: base.cls, self: base };
        return UNKNOWN;
      }
      case 'obj':
        return this.objAttr(base.o, e.attr);
      case 'objs': {
        const recs = base.items.flatMap((o) => (o.o === 'weight' ? [o.rec] : []));
        const which = paramWhich(e.attr);
        if (which && recs.length) return { t: 'param', layers: recs, filter: null, which, data: false };
        return UNKNOWN;
      }
      case 'anymod': {
        const which = paramWhich(e.attr);
        if (which) return { t: 'param', layers: null, filter: base.filter, which, data: false };
        if (e.attr === '__class__') return { t: 'classname', of: base, varName: e.obj.k === 'name' ? e.obj.id : null };
        return UNKNOWN;
      }
      case 'classname':
        return e.attr === '__name__' ? base : UNKNOWN;
      case 'param':
        if (e.attr === 'data') return { ...base, data: true };
        return UNKNOWN;
      case 'tensor':
        if (e.attr === 'T' || e.attr === 'data') return base;
        return { t: 'unknown' };
      case 'cls': {
        const v = base.cls.fields.get(e.attr);
        return v ?? UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  objAttr(o: Obj, attr: string): Val {
    if (o.o === 'weight') {
      const which = paramWhich(attr);
      if (which) {
        const m = /_l(\d+)(_reverse)?$/.exec(attr);
        return { t: 'param', layers: [o.rec], filter: null, which, data: false, ...(m ? { index: Number(m[1]) } : {}) };
      }
      return UNKNOWN;
    }
    if (o.o === 'seq') {
      const names = (o.seq as SeqRec & { names?: (string | null)[] }).names;
      if (names) {
        const i = names.indexOf(attr);
        if (i >= 0 && o.seq.items[i]) return { t: 'obj', o: o.seq.items[i] };
      }
      return UNKNOWN;
    }
    if (o.o === 'wrapper') return this.objAttr(o.inner, attr);
    if (o.o === 'instance') return o.cls.attrs.get(attr) ?? o.cls.fields.get(attr) ?? UNKNOWN;
    return UNKNOWN;
  }

  evalCall(e: Extract<PyExpr, { k: 'call' }>, scope: Scope, stmt?: PyStmt): Val {
    const fnE = e.fn;
    if (
      scope.cls?.seqBase &&
      fnE.k === 'attr' &&
      fnE.attr === '__init__' &&
      fnE.obj.k === 'call' &&
      fnE.obj.fn.k === 'name' &&
      fnE.obj.fn.id === 'super'
    ) {
      const seq = this.makeSeq(scope.cls.seqBase, e, scope);
      scope.cls.attrs.set('__seq__', { t: 'obj', o: { o: 'seq', seq } });
      seq.owner = scope.cls;
      this.seqPaths(seq, 'self', (expr, loop) => (scope.top ? { expr, loop, fn: scope.fn, anchor: scope.top, body: scope.body } : null));
      return UNKNOWN;
    }
    // setattr(self, 'fc1', nn.Linear(...)) / getattr(self, 'fc1')
    if (fnE.k === 'name' && (fnE.id === 'setattr' || fnE.id === 'getattr') && !lookup(scope, fnE.id) && e.args.length >= 2 && !e.args.some((a) => a.star || a.name)) {
      const recvE = e.args[0].value;
      if (fnE.id === 'setattr' && e.args.length === 3) return this.registerModule(recvE, e.args[1].value, e.args[2].value, scope);
      if (fnE.id === 'getattr') {
        const recv = this.eval(recvE, scope);
        const nameV = this.eval(e.args[1].value, scope);
        const names = this.loopNames.get(nameV);
        if (names) return joinVals(names.map((n) => this.evalAttr({ k: 'attr', obj: recvE, attr: n, span: e.span }, scope)));
        if (nameV.t === 'str') {
          const v = this.evalAttr({ k: 'attr', obj: recvE, attr: nameV.v, span: e.span }, scope);
          if (v.t !== 'unknown' || e.args.length === 2) return v;
          return this.eval(e.args[2].value, scope);
        }
        const cls = recv.t === 'self' ? recv.cls : recv.t === 'obj' && recv.o.o === 'instance' ? recv.o.cls : null;
        if (cls?.dynAttrs?.length) return cls.dynAttrs.length === 1 ? { t: 'obj', o: cls.dynAttrs[0] } : { t: 'objs', items: [...cls.dynAttrs] };
        return UNKNOWN;
      }
    }
    // Method calls on values
    if (fnE.k === 'attr') {
      const special = this.methodCall(e, fnE, scope, stmt);
      if (special) return special;
    }
    const callee = this.eval(fnE, scope);
    switch (callee.t) {
      case 'ref':
        return this.callRef(callee.q, e, scope, stmt);
      case 'obj':
        return this.applyObj(callee.o, this.firstArg(e, scope), e, scope);
      case 'objs': {
        const input = this.firstArg(e, scope);
        const outs = callee.items.map((o) => this.applyObj(o, input, e, scope));
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
          if (v.t === 'obj' || v.t === 'objs' || v.t === 'cls') rich = true;
          // NNX modules take their sizes in the constructor: MLP(784, 256, 10, rngs=rngs).
          if (v.t === 'num' && callee.cls.nnx) rich = true;
          if (a.name) kwargs.set(a.name, v);
          else args.push(v);
        }
        // a construction site of a class whose layers take their fans from its arguments
        const site = !!callee.cls.framework && this.unrealDepth === 0 && this.ctorSites(callee.cls);
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
            }
            for (const nm of ['forward', 'call', '__call__']) {
              const m = c.methods.get(nm);
              if (m && !this.stack.includes(m)) this.callMethod(c, m, m.params.slice(1).map(() => tensor()), null, false, scope);
            }
          } else if (site) this.ctorIncomplete.add(c);
        }
        if (callee.cls.framework) return { t: 'obj', o: { o: 'instance', cls: callee.cls } };
        return UNKNOWN;
      }
      case 'init':
        return callee;
      default: {
        // Unknown callee: evaluate arguments (layers may be built inside), tensors
        // passed to it meet an unknown operation.
        const name = dottedName(fnE);
        if ((name === 'zip' || name === 'enumerate' || name === 'reversed') && !lookup(scope, name)) {
          const items = e.args.map((a) => this.eval(a.value, scope));
          if (name === 'enumerate') return { t: 'zip', items: [UNKNOWN, ...items.slice(0, 1)] };
          if (name === 'reversed') return items[0] ?? UNKNOWN;
          return { t: 'zip', items };
        }
        const builtin = name !== null && BUILTINS.has(name);
        for (const a of e.args) {
          const v = this.eval(a.value, scope);
          if (!builtin && v.t === 'tensor' && v.pend.length) {
            this.consume(v.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: name ?? 'a call' });
          }
        }
        return UNKNOWN;
      }
    }
  }

  firstArg(e: Extract<PyExpr, { k: 'call' }>, scope: Scope): Val {
    let first: Val | null = null;
    for (const a of e.args) {
      const v = this.eval(a.value, scope);
      if (first === null && a.name === null && !a.star) first = v;
      else if (first === null && (a.name === 'inputs' || a.name === 'x' || a.name === 'input')) first = v;
    }
    return first ?? UNKNOWN;
  }

  /** x.view(...), x.relu(), model.add(...), self.apply(fn), self.modules(), p.data.normal_(...) ... */
  methodCall(e: Extract<PyExpr, { k: 'call' }>, fnE: Extract<PyExpr, { k: 'attr' }>, scope: Scope, stmt?: PyStmt): Val | null {
    const root = rootName(fnE);
    if (root !== null && !lookup(scope, root) && this.imports.map.has(root)) return null; // an imported function: callRef
    const obj = this.eval(fnE.obj, scope);
    const m = fnE.attr;
    // `model = Net().to(device)`, `.cuda()`, `.eval()`: torch.nn.Module methods that return the module itself
    if (obj.t === 'obj' && MODULE_SELF_METHODS.has(m) && ((obj.o.o === 'seq' && obj.o.seq.framework === 'pytorch') || (obj.o.o === 'instance' && obj.o.cls.framework === 'pytorch' && !obj.o.cls.methods.has(m)))) {
      for (const a of e.args) this.eval(a.value, scope);
      return obj;
    }
    if (obj.t === 'tensor') {
      const act = TENSOR_ACT_METHODS[m];
      if (act) {
        for (const a of e.args) this.eval(a.value, scope);
        if (m === 'clamp' || m === 'clamp_' || m === 'clip') {
          const lo = kwarg(e, 'min')?.value ?? positional(e, 0);
          if (!(lo && lo.k === 'num' && lo.value === 0)) return tensor([], obj.ch);
        }
        this.consume(obj.pend, { name: act, via: 'forward', span: e.span, text: `.${m}()` });
        return tensor([], obj.ch, srcOf(obj));
      }
      if (TENSOR_QUERY_METHODS.has(m)) {
        for (const a of e.args) this.eval(a.value, scope);
        return UNKNOWN;
      }
      if (TENSOR_PASS_METHODS.has(m)) {
        for (const a of e.args) this.eval(a.value, scope);
        if (m === 'split' || m === 'chunk' || m === 'unbind' || m === 'tensor_split') {
          // a, b = h.chunk(2, dim=-1): each part may meet its own operation (a * sigmoid(b))
          return tensor(obj.pend.map((p) => ({ ...p, part: true })), null, obj.src);
        }
        return tensor(obj.pend, m === 'view' || m === 'reshape' || m === 'flatten' ? null : obj.ch, obj.src);
      }
      if (m === 'add' || m === 'add_') {
        const other = this.eval(e.args[0]?.value ?? { k: 'other', span: e.span, parts: [] }, scope);
        if (other.t === 'tensor') return this.residualAdd([obj, other], scope);
        return obj;
      }
      for (const a of e.args) this.eval(a.value, scope);
      this.consume(obj.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: `.${m}()` });
      return tensor([], null);
    }
    if (obj.t === 'obj' && obj.o.o === 'seq' && (m === 'add' || m === 'append')) {
      const v = this.eval(e.args[0]?.value ?? { k: 'other', span: e.span, parts: [] }, scope);
      const o = this.toObj(v);
      if (o) {
        obj.o.seq.items.push(o);
        this.foldSeq(obj.o.seq);
        // path for layers added to a named sequential
        if (o.o === 'weight' && obj.o.seq.name && !o.rec.name) o.rec.name = null;
      }
      return UNKNOWN;
    }
    if ((obj.t === 'self' || (obj.t === 'obj' && obj.o.o === 'instance')) && (m === 'add_module' || m === 'register_module') && e.args.length === 2 && !e.args.some((a) => a.star)) {
      // self.add_module('fc1', nn.Linear(...)): the same as self.fc1 = nn.Linear(...)
      return this.registerModule(fnE.obj, argOf(e, 0, 'name')!, argOf(e, 1, 'module')!, scope);
    }
    if (obj.t === 'obj' && obj.o.o === 'seq' && (m === 'add_module' || m === 'register_module') && e.args.length === 2 && !e.args.some((a) => a.star)) {
      // nn.Sequential().add_module('fc1', nn.Linear(...)): appended under that name
      const nameV = this.eval(argOf(e, 0, 'name')!, scope);
      const o = this.toObj(this.eval(argOf(e, 1, 'module')!, scope));
      if (o) {
        const seq = obj.o.seq as SeqRec & { names?: (string | null)[] };
        seq.items.push(o);
        (seq.names ??= []).length = seq.items.length - 1;
        seq.names.push(nameV.t === 'str' ? nameV.v : null);
        if (o.o === 'weight' && !o.rec.seqOwner) o.rec.seqOwner = seq;
        const base = dottedName(fnE.obj);
        if (nameV.t === 'str' && /^[A-Za-z_]\w*$/.test(nameV.v) && base) {
          this.nameValue({ t: 'obj', o }, nameV.v, scope, `${base}.${nameV.v}`, fnE.obj.k === 'attr' && rootName(fnE.obj) === 'self');
        }
        this.foldSeq(seq);
      }
      return UNKNOWN;
    }
    if (obj.t === 'obj' && obj.o.o === 'list' && (m === 'append' || m === 'extend')) {
      const list = obj.o;
      const v = this.eval(e.args[0]?.value ?? { k: 'other', span: e.span, parts: [] }, scope);
      const ml = list.ml;
      const added: Obj[] = [];
      if (m === 'append') {
        const o = this.toObj(v);
        if (o) {
          list.items.push(o);
          added.push(o);
          if (this.inLoop(scope)) list.template = true;
          // (a ModuleList's member appended once, after the loop, keeps its own identity: a head)
          if (o.o === 'weight' && list.template && (!ml || this.inLoop(scope))) o.rec.template = true;
        } else if (ml) ml.opaque = true;
      } else if (v.t === 'list') {
        // extend([... for _ in range(n)]) or extend(...) in a loop repeats at run time
        if (v.template || this.inLoop(scope)) list.template = true;
        for (const it of v.items) {
          const o = this.toObj(it);
          if (o) {
            list.items.push(o);
            added.push(o);
            if (o.o === 'weight' && list.template && this.inLoop(scope)) o.rec.template = true;
          } else if (ml) ml.opaque = true;
        }
      } else if (ml) ml.opaque = true;
      if (ml) {
        for (const o of added) setListOwner(o, ml);
        const stmt = this.topStmtOf(scope);
        if (stmt) ml.muts.push({ stmt, body: this.bodyOf(scope), fn: scope.fn });
      }
      return UNKNOWN;
    }
    if (obj.t === 'list' && (m === 'append' || m === 'extend')) {
      const v = this.eval(e.args[0]?.value ?? { k: 'other', span: e.span, parts: [] }, scope);
      if (m === 'append') {
        obj.items.push(v);
        if (this.inLoop(scope)) {
          obj.template = true;
          if (v.t === 'obj' && v.o.o === 'weight') v.o.rec.template = true;
        }
      } else if (v.t === 'list') obj.items.push(...v.items);
      return UNKNOWN;
    }
    if ((obj.t === 'self' || (obj.t === 'obj' && obj.o.o === 'instance')) && (m === 'modules' || m === 'children' || m === 'named_modules')) {
      const cls = obj.t === 'self' ? obj.cls : (obj.o as { cls: ClassCtx }).cls;
      const filter: ModFilter = { types: null, exclude: [], nameTests: [], substr: [], scope: cls, instanceOf: null };
      if (m === 'named_modules') return { t: 'zip', items: [UNKNOWN, { t: 'anymod', filter }] };
      return { t: 'anymod', filter };
    }
    // for m in net.modules(): the container's members (nested containers followed for modules());
    // `for seq in (self.encoder, self.decoder): for m in seq.modules()` reaches every container's
    const isContainer = (x: Obj) => x.o === 'seq' || (x.o === 'list' && !!x.ml);
    const conts = obj.t === 'obj' && isContainer(obj.o) ? [obj.o] : obj.t === 'objs' && obj.items.length && obj.items.every(isContainer) ? obj.items : [];
    if (conts.length && (m === 'modules' || m === 'children' || m === 'named_modules' || m === 'named_children')) {
      const items: Obj[] = [];
      const deep = m === 'modules' || m === 'named_modules';
      const walk = (members: Obj[]) => {
        for (const it of members) {
          items.push(it);
          if (deep && it.o === 'seq') walk(it.seq.items);
          else if (deep && it.o === 'list') walk(it.items);
        }
      };
      for (const c of conts) {
        if (c.o === 'seq') walk(c.seq.items);
        else if (c.o === 'list') walk(c.items);
      }
      const v: Val = { t: 'objs', items };
      return m.startsWith('named_') ? { t: 'zip', items: [UNKNOWN, v] } : v;
    }
    const weightsOf = obj.t === 'objs' && obj.items.length && obj.items.every((x) => x.o === 'weight') ? obj.items.map((x) => (x as { rec: LayerRec }).rec) : null;
    if ((obj.t === 'self' || weightsOf || (obj.t === 'obj' && (obj.o.o === 'instance' || obj.o.o === 'weight' || obj.o.o === 'seq'))) && (m === 'parameters' || m === 'named_parameters')) {
      let owner: LayerRec[] | null = null;
      let cls: ClassCtx | null = null;
      // `self.rnn` bound to nn.LSTM in one branch and nn.GRU in the other: both
      if (weightsOf) owner = weightsOf;
      else if (obj.t !== 'obj') cls = obj.t === 'self' ? obj.cls : null;
      else if (obj.o.o === 'instance') cls = obj.o.cls;
      else if (obj.o.o === 'weight') owner = [obj.o.rec];
      else if (obj.o.o === 'seq') owner = obj.o.seq.items.flatMap((x) => (x.o === 'weight' ? [x.rec] : []));
      const filter: ModFilter = { types: null, exclude: [], nameTests: [], substr: [], scope: cls, instanceOf: null };
      return { t: 'anyparam', owner, filter, which: 'any' };
    }
    if ((obj.t === 'self' || (obj.t === 'obj' && obj.o.o === 'instance')) && m === 'apply') {
      const fnV = this.eval(e.args[0]?.value ?? { k: 'other', span: e.span, parts: [] }, scope);
      const cls = obj.t === 'self' ? obj.cls : (obj.o as { cls: ClassCtx }).cls;
      if (fnV.t === 'fn') {
        const filter: ModFilter = { types: null, exclude: [], nameTests: [], substr: [], scope: cls, instanceOf: null };
        const arg: Val = { t: 'anymod', filter };
        if (fnV.cls && fnV.self) this.callFn(fnV.def, [fnV.self, arg], new Map(), scope, fnV.cls);
        else this.callFn(fnV.def, [arg], new Map(), scope, null);
      }
      return UNKNOWN;
    }
    if (obj.t === 'param') {
      // p.normal_(0, 0.02), p.data.zero_(), p.fill_(0), p.uniform_(-a, a)
      const spec = this.tensorInitMethod(m, e, scope);
      if (spec) {
        this.recordInit(obj, spec, e, scope, stmt);
        return UNKNOWN;
      }
      return UNKNOWN;
    }
    if (obj.t === 'anyparam' && (m === 'normal_' || m === 'uniform_' || m === 'zero_' || m === 'fill_')) {
      const spec = this.tensorInitMethod(m, e, scope);
      if (spec) this.recordInit({ t: 'param', layers: obj.owner, filter: obj.filter, which: obj.which, data: false }, spec, e, scope, stmt);
      return UNKNOWN;
    }
    return null;
  }

  /**
   * `self.add_module(name, m)`, `self.register_module(name, m)`, `setattr(self, name, m)`:
   * with a literal name, an attribute assignment; with a computed one (`f'fc{i}'`), the
   * module is still built and owned by the class, and `getattr(self, <computed>)` reaches it.
   */
  registerModule(recvE: PyExpr, nameE: PyExpr, valueE: PyExpr, scope: Scope): Val {
    const recv = this.eval(recvE, scope);
    const nameV = this.eval(nameE, scope);
    const v = this.eval(valueE, scope);
    const cls = recv.t === 'self' ? recv.cls : recv.t === 'obj' && recv.o.o === 'instance' ? recv.o.cls : null;
    if (!cls) return UNKNOWN;
    const names = this.loopNames.get(nameV);
    if (names) {
      // for name in ("fc1", "fc2"): setattr(self, name, nn.Linear(...)): one layer, built once per name
      for (const n of names) cls.attrs.set(n, v);
      return UNKNOWN;
    }
    if (nameV.t === 'str' && /^[A-Za-z_]\w*$/.test(nameV.v)) {
      if (recvE.k === 'name') this.assign({ k: 'attr', obj: recvE, attr: nameV.v, span: nameE.span }, v, scope, null);
      else cls.attrs.set(nameV.v, v);
      return UNKNOWN;
    }
    const o = v.t === 'obj' ? v.o : null;
    if (o) (cls.dynAttrs ??= []).includes(o) || cls.dynAttrs.push(o);
    return UNKNOWN;
  }

  /** Inside a `for` body of the running function (at any depth of sub-expression). */
  inLoop(scope: Scope): boolean {
    return scope.stack?.some((x) => x.loop) ?? false;
  }

  tensorInitMethod(m: string, e: Extract<PyExpr, { k: 'call' }>, scope: Scope): InitSpec | null {
    const args = this.argReader(e, scope);
    const spec = this.tensorInitSpec(m, e, args.numOf);
    return spec && args.unreadable ? { ...spec, unknownArgs: true } : spec;
  }

  tensorInitSpec(m: string, e: Extract<PyExpr, { k: 'call' }>, num: (x: PyExpr | undefined) => number | undefined): InitSpec | null {
    switch (m) {
      case 'normal_':
        return { name: 'random_normal', explicit: true, source: 'init-call', distribution: 'untruncated_normal', mean: num(argOf(e, 0, 'mean')) ?? 0, std: num(argOf(e, 1, 'std')) ?? 1 };
      case 'uniform_':
        return { name: 'random_uniform', explicit: true, source: 'init-call', distribution: 'uniform', minval: num(argOf(e, 0, 'from')) ?? 0, maxval: num(argOf(e, 1, 'to')) ?? 1 };
      case 'zero_':
        return { name: 'zeros', explicit: true, source: 'init-call', distribution: 'constant', value: 0 };
      case 'fill_': {
        const v = num(argOf(e, 0, 'value'));
        return { name: v === 0 ? 'zeros' : v === 1 ? 'ones' : 'constant', explicit: true, source: 'init-call', distribution: 'constant', value: v };
      }
      default:
        return null;
    }
  }

  // ---------------------------------------------------------------- imported callables

  callRef(q: string, e: Extract<PyExpr, { k: 'call' }>, scope: Scope, stmt?: PyStmt): Val {
    const role = roleOf(q);
    if (!role) {
      if (q === 'torch.nn.init.calculate_gain') {
        const nl = this.eval(argOf(e, 0, 'nonlinearity') ?? { k: 'other', span: e.span, parts: [] }, scope);
        const pa = this.eval(argOf(e, 1, 'param') ?? { k: 'other', span: e.span, parts: [] }, scope);
        if (nl.t === 'str') {
          const g = torchCalculateGain(nl.v, pa.t === 'num' ? pa.v : undefined);
          if (g !== null) return { t: 'num', v: g };
        }
        return UNKNOWN;
      }
      if (q === 'functools.partial') {
        // partial(nnx.leaky_relu, negative_slope=0.2): the activation, with its parameter.
        const fnV = e.args[0] && e.args[0].name === null ? this.eval(e.args[0].value, scope) : UNKNOWN;
        const fnRole = fnV.t === 'ref' ? roleOf(fnV.q) : undefined;
        if (fnV.t === 'ref' && fnRole && fnRole.r === 'actFn') {
          let param = fnRole.param;
          if (fnRole.act === 'leaky_relu') {
            const sl = kwarg(e, 'negative_slope')?.value ?? kwarg(e, 'alpha')?.value;
            const v = sl ? this.eval(sl, scope) : null;
            if (v && v.t === 'num') param = v.v;
          }
          for (const a of e.args.slice(1)) this.eval(a.value, scope);
          return { t: 'obj', o: { o: 'act', act: { name: fnRole.act, param, via: 'sequential', span: e.span, text: shortText(fnV.q) } } };
        }
        if (fnV.t === 'ref' && fnRole && fnRole.r === 'passFn') {
          // partial(nnx.avg_pool, window_shape=(2, 2)): shape only
          for (const a of e.args.slice(1)) this.eval(a.value, scope);
          return { t: 'obj', o: { o: 'pass' } };
        }
      }
      if (q === 'math.sqrt' || q === 'numpy.sqrt') {
        const v = this.eval(e.args[0]?.value ?? { k: 'other', span: e.span, parts: [] }, scope);
        return v.t === 'num' && v.v >= 0 ? { t: 'num', v: Math.sqrt(v.v) } : UNKNOWN;
      }
      if (SINKS.has(q)) {
        for (const a of e.args) {
          const v = this.eval(a.value, scope);
          if (v.t === 'tensor') this.consume(v.pend, { name: 'linear', via: 'forward', span: e.span, text: q.split('.').pop() });
        }
        return tensor([], null);
      }
      // unknown library call: args are evaluated; tensors meet an unknown op
      let out: Val = UNKNOWN;
      for (const a of e.args) {
        const v = this.eval(a.value, scope);
        if (v.t === 'tensor' && v.pend.length) this.consume(v.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: q });
        if (v.t === 'tensor') out = tensor([], null);
      }
      return out;
    }
    switch (role.r) {
      case 'weight':
        return { t: 'obj', o: { o: 'weight', rec: this.makeLayer(role.spec, q, e, scope, stmt) } };
      case 'actModule': {
        let act: ActivationInfo = { name: role.act, param: role.param, via: 'sequential', span: e.span, text: shortText(q) };
        let halves = q === 'torch.nn.GLU';
        if (role.fromArg === 'keras') {
          const a = argOf(e, 0, 'activation');
          const ka = this.kerasActivation(a, scope);
          halves = isGlu(ka.text);
          act = { ...ka, via: 'sequential', span: e.span, text: shortText(q) };
        } else {
          const slope = q.endsWith('LeakyReLU') ? argOf(e, 0, q.startsWith('keras') ? 'negative_slope' : 'negative_slope') ?? kwarg(e, 'alpha')?.value : undefined;
          if (slope) {
            const v = this.eval(slope, scope);
            if (v.t === 'num') act.param = v.v;
          }
          if (q.endsWith('.ELU') || q.endsWith('.CELU')) {
            const al = argOf(e, 0, 'alpha');
            const v = al ? this.eval(al, scope) : null;
            if (v && v.t === 'num') act.param = v.v;
          }
        }
        return { t: 'obj', o: halves ? { o: 'act', act, halves } : { o: 'act', act } };
      }
      case 'actFn': {
        // nn.relu(x) / F.relu(x) / tf.nn.relu(x) / F.leaky_relu(x, 0.2)
        const argE = e.args.find((a) => a.name === null && !a.star)?.value;
        if (argE && (argE.k === 'bin' || argE.k === 'unary') && !(argE.k === 'bin' && (argE.op === '+' || argE.op === '-'))) {
          // tanh(0.797 * (x + 0.044 * x**3)): part of a formula (GELU), not the layer's activation
          const inner = this.firstArg(e, scope);
          if (inner.t === 'tensor') this.consume(inner.pend, { name: 'unknown', via: 'forward', span: e.span, text: 'an expression' });
          return tensor([], inner.t === 'tensor' ? inner.ch : null);
        }
        const input = this.firstArg(e, scope);
        let param = role.param;
        if (role.act === 'leaky_relu') {
          const s = argOf(e, 1, q.startsWith('torch') ? 'negative_slope' : q.startsWith('keras') || q.startsWith('tensorflow') ? 'alpha' : 'negative_slope') ?? kwarg(e, 'alpha')?.value ?? kwarg(e, 'negative_slope')?.value;
          const v = s ? this.eval(s, scope) : null;
          if (v && v.t === 'num') param = v.v;
        }
        if (input.t === 'tensor') {
          this.consume(input.pend, { name: role.act, param, via: 'forward', span: e.span, text: shortText(q) });
          return tensor([], isGlu(q) ? halfWidth(input.ch) : input.ch, srcOf(input));
        }
        return tensor([], null);
      }
      case 'norm':
        return { t: 'obj', o: { o: 'norm', norm: role.norm } };
      case 'normFn': {
        const input = this.firstArg(e, scope);
        if (input.t === 'tensor') {
          this.noteNorm(input.pend, role.norm, scope);
          return input;
        }
        return tensor();
      }
      case 'pass': {
        for (const a of e.args) this.eval(a.value, scope);
        const last = q.slice(q.lastIndexOf('.') + 1);
        const reshapes = last === 'Flatten' || last === 'Reshape' || last === 'Unflatten' || last === 'Permute' || last === 'RepeatVector';
        return { t: 'obj', o: reshapes ? { o: 'pass', reshape: true } : { o: 'pass' } };
      }
      case 'passFn': {
        const input = this.firstArg(e, scope);
        if (input.t === 'tensor') return tensor(input.pend, null, input.src);
        return tensor();
      }
      case 'add':
        return { t: 'obj', o: { o: 'add' } };
      case 'concat':
        return { t: 'obj', o: { o: 'concat' } };
      case 'addFn': {
        const a0 = e.args[0] ? this.eval(e.args[0].value, scope) : UNKNOWN;
        if (a0.t === 'list') return this.residualAdd(a0.items, scope);
        const a1 = e.args[1] ? this.eval(e.args[1].value, scope) : UNKNOWN;
        return this.residualAdd([a0, a1], scope);
      }
      case 'concatFn': {
        const a0 = e.args[0] ? this.eval(e.args[0].value, scope) : UNKNOWN;
        for (const a of e.args.slice(1)) this.eval(a.value, scope);
        if (a0.t === 'list') return concatVals(a0.items);
        return UNKNOWN;
      }
      case 'wrapper': {
        const inner = e.args[0] ? this.toObj(this.eval(e.args[0].value, scope)) : null;
        for (const a of e.args.slice(1)) this.eval(a.value, scope);
        if (inner && q === 'keras.layers.Bidirectional') {
          // Bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None)
          const mm = argOf(e, 1, 'merge_mode');
          const mv = mm ? this.eval(mm, scope) : null;
          const merge: BidiMerge = !mm
            ? 'concat'
            : mm.k === 'const' && mm.value === null
              ? 'split'
              : mv && mv.t === 'str'
                ? mv.v === 'concat' ? 'concat' : mv.v === 'sum' || mv.v === 'mul' || mv.v === 'ave' ? 'keep' : 'unknown'
                : 'unknown';
          const bl = kwarg(e, 'backward_layer');
          const backward = bl ? this.toObj(this.eval(bl.value, scope)) ?? undefined : undefined;
          return { t: 'obj', o: { o: 'wrapper', inner, merge, ...(backward ? { backward } : {}) } };
        }
        if (inner && q === 'flax.linen.Bidirectional') {
          // Bidirectional(forward_rnn, backward_rnn, merge_fn=<concatenate>, ...)
          const be = argOf(e, 1, 'backward_rnn');
          const backward = be ? this.toObj(this.eval(be, scope)) ?? undefined : undefined;
          const merge: BidiMerge = kwarg(e, 'merge_fn') ? 'unknown' : 'concat';
          return { t: 'obj', o: { o: 'wrapper', inner, merge, ...(backward ? { backward } : {}) } };
        }
        return inner ? { t: 'obj', o: { o: 'wrapper', inner } } : UNKNOWN;
      }
      case 'sequential':
        return { t: 'obj', o: { o: 'seq', seq: this.makeSeq(role.framework, e, scope) } };
      case 'modulelist': {
        const a = e.args[0] ? this.eval(e.args[0].value, scope) : null;
        const items: Obj[] = [];
        let template = false;
        const ml: ModList = { call: e, items, paths: [], muts: [], opaque: !!a && a.t !== 'list' };
        if (a && a.t === 'list') {
          template = a.template;
          for (const it of a.items) {
            const o = this.toObj(it);
            if (o) items.push(o);
            else ml.opaque = true;
          }
        }
        const list: Extract<Obj, { o: 'list' }> = { o: 'list', items, template, ml };
        for (const o of items) setListOwner(o, ml);
        return { t: 'obj', o: list };
      }
      case 'moduledict': {
        const a = e.args[0] ? this.eval(e.args[0].value, scope) : null;
        return a && a.t === 'dict' ? a : { t: 'dict', entries: new Map() };
      }
      case 'orderedDict': {
        const a = e.args[0] ? this.eval(e.args[0].value, scope) : null;
        const entries = new Map<string, Val>();
        if (a && a.t === 'list') {
          for (const it of a.items) {
            if (it.t === 'list' && it.items.length === 2 && it.items[0].t === 'str') entries.set(it.items[0].v, it.items[1]);
          }
        }
        return { t: 'dict', entries };
      }
      case 'model': {
        for (const a of e.args) this.eval(a.value, scope);
        const fn = scope.fn;
        if (!this.modelCalls.has(fn)) this.modelCalls.set(fn, e);
        return UNKNOWN;
      }
      case 'input': {
        const shape = argOf(e, 0, 'shape') ?? kwarg(e, 'batch_shape')?.value;
        const ch = shape ? this.lastDim(shape, scope) : null;
        return tensor([], ch);
      }
      case 'initFn':
        this.torchInitCall(role.name, e, scope, stmt);
        return UNKNOWN;
      case 'initializer':
        return { t: 'init', spec: this.initializerCall(role.fw, role.name, e, scope) };
      case 'identityFn':
        return this.firstArg(e, scope);
      case 'baseModule':
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  lastDim(shape: PyExpr, scope: Scope): number | null {
    if (shape.k === 'tuple' || shape.k === 'list') {
      const last = shape.items[shape.items.length - 1];
      if (!last) return null;
      const v = this.eval(last, scope);
      return v.t === 'num' ? v.v : null;
    }
    const v = this.eval(shape, scope);
    if (v.t === 'num') return v.v;
    // input_shape = (28, 28, 1); keras.Input(shape=input_shape)
    if (v.t === 'list' && v.items.length) {
      const last = v.items[v.items.length - 1];
      return last.t === 'num' ? last.v : null;
    }
    return null;
  }

  toObj(v: Val): Obj | null {
    if (v.t === 'obj') return v.o;
    if (v.t === 'tensor' && v.pend.length === 0) return { o: 'input', ch: v.ch };
    if (v.t === 'ref') {
      const role = roleOf(v.q);
      if (role && role.r === 'actFn') return { o: 'act', act: { name: role.act, param: role.param, via: 'sequential', text: shortText(v.q) } };
      if (role && role.r === 'passFn') return { o: 'pass' };
    }
    if (v.t === 'list') {
      const items = v.items.map((x) => this.toObj(x)).filter((x): x is Obj => x !== null);
      return { o: 'list', items, template: v.template };
    }
    return null;
  }

  // ---------------------------------------------------------------- layers

  makeLayer(spec: WeightLayerSpec, q: string, e: Extract<PyExpr, { k: 'call' }>, scope: Scope, stmt?: PyStmt): LayerRec {
    const key = e.span.from;
    let rec = this.layers.get(key);
    const evalNum = (x: PyExpr | undefined): number | null => {
      if (!x) return null;
      const v = this.eval(x, scope);
      return v.t === 'num' && Number.isFinite(v.v) ? v.v : null;
    };
    if (!rec) {
      rec = {
        id: this.layers.size,
        spec,
        call: e,
        qname: q,
        name: null,
        inlineAct: null,
        act: null,
        norm: null,
        residual: false,
        init: { name: 'unknown', explicit: false, source: 'default' },
        recInit: undefined,
        fanIn: null,
        fanOut: null,
        outCh: null,
        kernelArea: null,
        inChFromCtor: false,
        owner: scope.cls ?? scope.owner ?? null,
        fnScope: scope.fn,
        seqOwner: null,
        applied: false,
        consumed: false,
        order: null,
        paths: [],
        events: [],
        template: false,
        bias: true,
        smallInitTransformer: false,
      };
      this.layers.set(key, rec);
      if (rec.owner && !rec.owner.layers.includes(rec)) rec.owner.layers.push(rec);
      const nameArg = kwarg(e, 'name');
      if (nameArg && nameArg.value.k === 'str') rec.name = nameArg.value.value;
    }
    if (this.inLoop(scope)) rec.template = true;
    for (const t of this.loopTracks) t.add(rec);
    // Arguments are evaluated on every construction (fans may become known).
    this.fillLayer(rec, e, scope, evalNum);
    return rec;
  }

  fillLayer(rec: LayerRec, e: Extract<PyExpr, { k: 'call' }>, scope: Scope, evalNum: (x: PyExpr | undefined) => number | null): void {
    const fw = rec.spec.framework;
    const s = rec.spec;
    const kernelArea = (x: PyExpr | undefined, rank: number): number | null => {
      if (!x) return null;
      if (x.k === 'tuple' || x.k === 'list') {
        let p = 1;
        for (const it of x.items) {
          const v = evalNum(it);
          if (v === null) return null;
          p *= v;
        }
        return p;
      }
      const v = evalNum(x);
      return v === null ? null : Math.pow(v, rank || 1);
    };
    if (fw === 'keras') {
      if (s.kind === 'Dense') {
        rec.outCh = evalNum(argOf(e, 0, 'units'));
        rec.fanOut = rec.outCh;
        rec.kernelArea = 1;
      } else if (s.recurrent) {
        const units = evalNum(argOf(e, 0, 'units'));
        const gates = s.kind.startsWith('LSTM') ? 4 : s.kind.startsWith('GRU') ? 3 : 1;
        rec.outCh = units;
        rec.fanOut = units === null ? null : units * gates;
        rec.kernelArea = 1;
      } else if (s.embedding) {
        rec.fanIn = evalNum(argOf(e, 0, 'input_dim'));
        rec.fanOut = evalNum(argOf(e, 1, 'output_dim'));
        rec.outCh = rec.fanOut;
        rec.inChFromCtor = true;
      } else if (s.depthwise) {
        const k = kernelArea(argOf(e, 0, 'kernel_size'), s.rank);
        const dm = evalNum(kwarg(e, 'depth_multiplier')?.value) ?? 1;
        rec.kernelArea = k;
        rec.fanOut = k === null ? null : k * dm;
      } else {
        const filters = evalNum(argOf(e, 0, 'filters'));
        const k = kernelArea(argOf(e, 1, 'kernel_size'), s.rank);
        rec.outCh = filters;
        rec.kernelArea = s.separable ? 1 : k;
        if (s.separable) rec.fanOut = filters;
        else rec.fanOut = filters !== null && k !== null ? filters * k : null;
      }
      const inShape = kwarg(e, 'input_shape')?.value ?? kwarg(e, 'batch_input_shape')?.value;
      const inDim = kwarg(e, 'input_dim')?.value;
      if (!s.embedding) {
        const ch = inShape ? this.lastDim(inShape, scope) : inDim ? evalNum(inDim) : null;
        if (ch !== null) this.setInCh(rec, ch);
      }
      // activation=
      const actArg = kwarg(e, 'activation') ?? (s.kind === 'Dense' && positional(e, 1) ? { name: 'activation', value: positional(e, 1)!, span: positional(e, 1)!.span } : undefined);
      if (actArg && !s.recurrent) {
        const next: ActivationInfo = { ...this.kerasActivation(actArg.value, scope), via: 'argument', span: actArg.value.span };
        const prev = rec.inlineAct;
        // A helper run again for another call site (`build()` then `build("tanh")`): a parameter's
        // default gives way to a passed value; two passed values that disagree leave it unknown,
        // so the activation of one call is never paired with the init of another.
        if (prev && prev.via === 'argument' && !rec.inlineActSoft && !sameAct(prev, next)) {
          rec.inlineAct = { name: 'unknown', via: 'argument', span: next.span, text: `${prev.text ?? prev.name} or ${next.text ?? next.name}` };
        } else rec.inlineAct = next;
        rec.inlineActSoft = actArg.value.k === 'name' && this.softVals.has(this.eval(actArg.value, scope));
        if (prev && rec.act === prev) rec.act = null;
      }
      else if (s.recurrent) rec.inlineAct = actArg ? { ...this.kerasActivation(actArg.value, scope), via: 'argument', span: actArg.value.span } : { name: 'tanh', via: 'default' };
      const useBias = kwarg(e, 'use_bias');
      if (useBias && useBias.value.k === 'const' && useBias.value.value === false) rec.bias = false;
      // initializers
      const kname = s.depthwise ? 'depthwise_initializer' : s.separable ? 'pointwise_initializer' : s.embedding ? 'embeddings_initializer' : 'kernel_initializer';
      const ki = kwarg(e, kname);
      const splat = e.args.some((a) => a.star === '**');
      rec.init = ki ? kerasNoneInit(ki.value) ?? this.initFromExpr(ki.value, scope) : splat ? { name: 'unknown', explicit: true, source: 'argument' } : kerasDefault(s);
      if (s.recurrent) {
        const ri = kwarg(e, 'recurrent_initializer');
        rec.recInit = ri ? kerasNoneInit(ri.value) ?? this.initFromExpr(ri.value, scope) : { name: 'orthogonal', explicit: false, source: 'default', distribution: 'orthogonal', gain: 1 };
      }
    } else if (fw === 'pytorch') {
      if (s.kind === 'Linear') {
        rec.fanIn = evalNum(argOf(e, 0, 'in_features'));
        rec.outCh = evalNum(argOf(e, 1, 'out_features'));
        rec.fanOut = rec.outCh;
        rec.kernelArea = 1;
        rec.inChFromCtor = true;
      } else if (s.kind === 'LazyLinear') {
        rec.outCh = evalNum(argOf(e, 0, 'out_features'));
        rec.fanOut = rec.outCh;
        rec.kernelArea = 1;
      } else if (s.bilinear) {
        rec.fanIn = evalNum(argOf(e, 0, 'in1_features'));
        rec.outCh = evalNum(argOf(e, 2, 'out_features'));
        rec.fanOut = rec.outCh;
        rec.inChFromCtor = true;
      } else if (s.recurrent) {
        rec.fanIn = evalNum(argOf(e, 0, 'input_size'));
        const hidden = evalNum(argOf(e, 1, 'hidden_size'));
        rec.fanOut = hidden;
        rec.outCh = hidden;
        rec.inChFromCtor = true;
        const nl = kwarg(e, 'nonlinearity');
        rec.inlineAct = { name: nl && nl.value.k === 'str' && nl.value.value === 'relu' ? 'relu' : 'tanh', via: 'default' };
        if (!s.cell) rec.numLayers = evalNum(argOf(e, 2, 'num_layers')) ?? 1;
      } else if (s.embedding) {
        rec.fanIn = evalNum(argOf(e, 0, 'num_embeddings'));
        rec.fanOut = evalNum(argOf(e, 1, 'embedding_dim'));
        rec.outCh = rec.fanOut;
        rec.inChFromCtor = true;
      } else if (s.kind.startsWith('Lazy')) {
        rec.outCh = evalNum(argOf(e, 0, 'out_channels'));
        rec.kernelArea = kernelArea(argOf(e, 1, 'kernel_size'), s.rank);
      } else {
        // ConvNd / ConvTransposeNd
        const inC = evalNum(argOf(e, 0, 'in_channels'));
        const outC = evalNum(argOf(e, 1, 'out_channels'));
        const k = kernelArea(argOf(e, 2, 'kernel_size'), s.rank);
        const groups = evalNum(kwarg(e, 'groups')?.value) ?? 1;
        rec.outCh = outC;
        rec.kernelArea = k;
        rec.inChFromCtor = true;
        if (s.transpose) {
          // weight (in, out/groups, *k): fan_in = out/groups·k, fan_out = in·k
          rec.fanIn = outC !== null && k !== null ? (outC / groups) * k : null;
          rec.fanOut = inC !== null && k !== null ? inC * k : null;
        } else {
          rec.fanIn = inC !== null && k !== null ? (inC / groups) * k : null;
          rec.fanOut = outC !== null && k !== null ? outC * k : null;
        }
      }
      const b = kwarg(e, 'bias')?.value ?? (s.kind === 'Linear' ? positional(e, 2) : undefined);
      if (b && b.k === 'const' && b.value === false) rec.bias = false;
      else if (b && !(b.k === 'const' && b.value === true)) {
        // bias=not use_bn: the bias may be None, so a fix must not zero it unconditionally
        const t = this.staticTruth(b, scope);
        if (t === false) rec.bias = false;
        else if (t === undefined) rec.biasUnsure = true;
      }
      if (rec.init.source === 'default') {
        rec.init = s.embedding
          ? { name: 'pytorch_default', explicit: false, source: 'default', distribution: 'untruncated_normal', std: 1, mean: 0 }
          : { name: 'pytorch_default', explicit: false, source: 'default', distribution: 'uniform' };
        if (s.recurrent) rec.recInit = { name: 'pytorch_default', explicit: false, source: 'default', distribution: 'uniform' };
      }
    } else if (fw === 'flax' && s.nnx) {
      this.fillNnx(rec, e, scope, evalNum, kernelArea);
    } else if (fw === 'flax') {
      if (s.kind === 'Embed') {
        rec.fanIn = evalNum(argOf(e, 0, 'num_embeddings'));
        rec.fanOut = evalNum(argOf(e, 1, 'features'));
        rec.outCh = rec.fanOut;
        rec.inChFromCtor = true;
      } else if (s.recurrent) {
        rec.outCh = evalNum(argOf(e, 0, 'features'));
        rec.fanOut = rec.outCh;
        rec.inlineAct = { name: 'tanh', via: 'default' };
      } else {
        rec.outCh = evalNum(argOf(e, 0, 'features'));
        const k = s.kind === 'Dense' || s.kind === 'DenseGeneral' ? 1 : kernelArea(argOf(e, 1, 'kernel_size'), 1);
        rec.kernelArea = k;
        rec.fanOut = rec.outCh !== null && k !== null ? rec.outCh * k : null;
      }
      const ub = kwarg(e, 'use_bias');
      if (ub && ub.value.k === 'const' && ub.value.value === false) rec.bias = false;
      const kname = s.embedding ? 'embedding_init' : 'kernel_init';
      const ki = kwarg(e, kname);
      const splat = e.args.some((a) => a.star === '**');
      rec.init = ki ? this.initFromExpr(ki.value, scope) : splat ? { name: 'unknown', explicit: true, source: 'argument' } : s.embedding
        ? { name: 'variance_scaling', explicit: false, source: 'default', scale: 1, mode: 'fan_in', distribution: 'untruncated_normal' }
        : { name: 'lecun_normal', explicit: false, source: 'default', distribution: 'truncated_normal' };
      const bi = kwarg(e, 'bias_init');
      if (bi) rec.biasInit = this.initFromExpr(bi.value, scope);
      if (s.recurrent) {
        const ri = kwarg(e, 'recurrent_kernel_init');
        rec.recInit = ri ? this.initFromExpr(ri.value, scope) : { name: 'orthogonal', explicit: false, source: 'default', distribution: 'orthogonal', gain: 1 };
      }
      this.readBiasInit(rec, e, scope);
    }
  }

  /** Flax `bias_init=`: only a factory passed without `()` matters (IL007). */
  readBiasInit(rec: LayerRec, e: Extract<PyExpr, { k: 'call' }>, scope: Scope): void {
    const bi = kwarg(e, 'bias_init');
    rec.biasInit = bi ? this.initFromExpr(bi.value, scope) : undefined;
  }

  /**
   * Flax NNX: `Linear(in_features, out_features)`, `Conv(in_features, out_features, kernel_size)`,
   * `Embed(num_embeddings, features)`, cells `(in_features, hidden_features)`. Kernels are laid out
   * (..., in, out) and drawn with in_axis=-2, out_axis=-1, as in linen.
   */
  fillNnx(
    rec: LayerRec,
    e: Extract<PyExpr, { k: 'call' }>,
    scope: Scope,
    evalNum: (x: PyExpr | undefined) => number | null,
    kernelArea: (x: PyExpr | undefined, rank: number) => number | null,
  ): void {
    const s = rec.spec;
    // An int or a tuple of ints (LinearGeneral flattens its in/out axes for the initializer).
    const size = (x: PyExpr | undefined): number | null => (x && (x.k === 'tuple' || x.k === 'list') ? kernelArea(x, 1) : evalNum(x));
    // A construction whose sizes cannot be read keeps what an earlier one (with sizes) found.
    const keep = (next: number | null, prev: number | null): number | null => (next === null ? prev : next);
    let fanIn: number | null = null;
    let fanOut: number | null = null;
    let outCh: number | null = null;
    let k: number | null = 1;
    if (s.embedding) {
      fanIn = evalNum(argOf(e, 0, 'num_embeddings'));
      fanOut = evalNum(argOf(e, 1, 'features'));
      outCh = fanOut;
      k = null;
    } else if (s.recurrent) {
      fanIn = evalNum(argOf(e, 0, 'in_features'));
      outCh = evalNum(argOf(e, 1, 'hidden_features'));
      fanOut = outCh;
      // SimpleCell's activation_fn= is what its kernels feed (default tanh); LSTM/GRU kernels
      // also feed sigmoid gates, so they keep tanh as their summary.
      const fnArg = s.kind === 'SimpleCell' ? kwarg(e, 'activation_fn') : undefined;
      rec.inlineAct = { name: 'tanh', via: 'default' };
      if (fnArg) {
        const v = this.eval(fnArg.value, scope);
        const role = v.t === 'ref' ? roleOf(v.q) : undefined;
        rec.inlineAct =
          v.t === 'ref' && role && role.r === 'actFn'
            ? { name: role.act, param: role.param, via: 'argument', span: fnArg.value.span, text: shortText(v.q) }
            : { name: 'unknown', via: 'argument', span: fnArg.value.span };
      }
    } else if (s.kind === 'Einsum') {
      // Einsum(einsum_str, kernel_shape): fan_in = prod(shape[:-1]), fan_out = prod(shape[:-2])·shape[-1].
      const shape = argOf(e, 1, 'kernel_shape');
      const dims = shape && (shape.k === 'tuple' || shape.k === 'list') ? shape.items.map((x) => evalNum(x)) : null;
      if (dims && dims.length >= 2 && dims.every((d) => d !== null)) {
        const d = dims as number[];
        const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
        fanIn = prod(d.slice(0, -1));
        fanOut = prod(d.slice(0, -2)) * d[d.length - 1];
        outCh = d[d.length - 1];
      }
      k = null;
    } else if (s.kind === 'Linear' || s.kind === 'LinearGeneral' || s.kind === 'LoRALinear') {
      fanIn = size(argOf(e, 0, 'in_features'));
      outCh = size(argOf(e, 1, 'out_features'));
      fanOut = outCh;
    } else {
      // Conv / ConvTranspose: an int kernel_size is a 1-D kernel, (k,).
      const inC = evalNum(argOf(e, 0, 'in_features'));
      outCh = evalNum(argOf(e, 1, 'out_features'));
      k = kernelArea(argOf(e, 2, 'kernel_size'), 1);
      const groups = evalNum(kwarg(e, 'feature_group_count')?.value) ?? 1;
      const swapped = kwarg(e, 'transpose_kernel')?.value;
      if (s.transpose && swapped && swapped.k === 'const' && swapped.value === true) {
        fanIn = outCh !== null && k !== null ? outCh * k : null;
        fanOut = inC !== null && k !== null ? inC * k : null;
      } else {
        fanIn = inC !== null && k !== null ? (s.transpose ? inC : inC / groups) * k : null;
        fanOut = outCh !== null && k !== null ? outCh * k : null;
      }
    }
    rec.fanIn = keep(fanIn, rec.fanIn);
    rec.fanOut = keep(fanOut, rec.fanOut);
    rec.outCh = keep(outCh, rec.outCh);
    rec.kernelArea = keep(k, rec.kernelArea);
    rec.inChFromCtor = true;
    const ub = kwarg(e, 'use_bias');
    if (ub && ub.value.k === 'const' && ub.value.value === false) rec.bias = false;
    const ki = kwarg(e, s.embedding ? 'embedding_init' : 'kernel_init');
    const splat = e.args.some((a) => a.star === '**');
    rec.init = ki
      ? this.initFromExpr(ki.value, scope)
      : splat
        ? { name: 'unknown', explicit: true, source: 'argument' }
        : s.embedding
          ? { name: 'variance_scaling', explicit: false, source: 'default', scale: 1, mode: 'fan_in', distribution: 'untruncated_normal' }
          : { name: 'lecun_normal', explicit: false, source: 'default', distribution: 'truncated_normal' };
    if (s.recurrent) {
      const ri = kwarg(e, 'recurrent_kernel_init');
      rec.recInit = ri ? this.initFromExpr(ri.value, scope) : { name: 'orthogonal', explicit: false, source: 'default', distribution: 'orthogonal', gain: 1 };
    }
    this.readBiasInit(rec, e, scope);
  }

  setInCh(rec: LayerRec, ch: number | null): void {
    if (ch === null) return;
    if (rec.spec.framework === 'pytorch' && rec.inChFromCtor) return;
    if (rec.spec.nnx) {
      // Sizes come from the constructor; the data flow only fills what it left unknown.
      if (rec.fanIn !== null || rec.spec.embedding) return;
      if (rec.spec.recurrent) {
        rec.fanIn = ch;
        return;
      }
      if (rec.spec.transpose) {
        const k = rec.kernelArea;
        const swapped = kwarg(rec.call, 'transpose_kernel')?.value;
        if (k !== null && !(swapped && swapped.k === 'const' && swapped.value === true)) rec.fanIn = ch * k;
        return;
      }
      const groups = evalNumStatic(kwarg(rec.call, 'feature_group_count')?.value) ?? 1;
      rec.fanIn = rec.kernelArea !== null ? (ch / groups) * rec.kernelArea : null;
      return;
    }
    const s = rec.spec;
    if (s.embedding || s.recurrent && s.framework !== 'keras') return;
    if (s.recurrent) {
      rec.fanIn = ch;
      return;
    }
    if (s.separable) {
      const dm = evalNumStatic(kwarg(rec.call, 'depth_multiplier')?.value) ?? 1;
      rec.fanIn = ch * dm;
      return;
    }
    if (s.depthwise) {
      rec.fanIn = rec.kernelArea !== null ? ch * rec.kernelArea : null;
      return;
    }
    if (s.transpose && s.framework === 'keras') {
      // kernel (k..., filters, in): fan_in = filters·k, fan_out = in·k
      const k = rec.kernelArea;
      if (k !== null && rec.outCh !== null) {
        rec.fanIn = rec.outCh * k;
        rec.fanOut = ch * k;
      }
      return;
    }
    rec.fanIn = rec.kernelArea !== null ? ch * rec.kernelArea : s.kind === 'Dense' ? ch : null;
  }

  kerasActivation(a: PyExpr | undefined, scope: Scope): ActivationInfo {
    if (!a) return { name: 'linear', via: 'default' };
    if (a.k === 'str') return { name: kerasActivationName(a.value), param: KERAS_ACT_PARAM[a.value], via: 'argument', span: a.span, text: a.value };
    if (a.k === 'const' && a.value === null) return { name: 'linear', via: 'argument', span: a.span, text: 'None' };
    const v = this.eval(a, scope);
    if (v.t === 'ref') {
      const role = roleOf(v.q);
      if (role && role.r === 'actFn') return { name: role.act, param: role.param, via: 'argument', span: a.span, text: shortText(v.q) };
    }
    if (v.t === 'obj' && v.o.o === 'act') return { ...v.o.act, via: 'argument', span: a.span };
    if (v.t === 'str') return { name: kerasActivationName(v.v), via: 'argument', span: a.span, text: v.v };
    return { name: 'unknown', via: 'argument', span: a.span };
  }

  // ---------------------------------------------------------------- dataflow

  applyObj(o: Obj, input: Val, e: Extract<PyExpr, { k: 'call' }>, scope: Scope): Val {
    const inT = input.t === 'tensor' ? input : input.t === 'list' ? null : tensor();
    switch (o.o) {
      case 'weight': {
        const rec = o.rec;
        if (inT) {
          for (const r of srcOf(inT)) if (r !== rec) r.feeds = true;
          this.consume(inT.pend, { name: 'linear', via: 'dataflow', span: e.span, text: `${rec.spec.kind} (no activation in between)` });
          if (inT.ch !== null && rec.fanIn === null) this.setInCh(rec, inT.ch);
          else if (inT.ch !== null && rec.template && !rec.inChFromCtor) {
            // a layer built in a loop, applied to inputs of another width than before: no single fan_in
            const probe: LayerRec = { ...rec, fanIn: null };
            this.setInCh(probe, inT.ch);
            if (probe.fanIn !== null && probe.fanIn !== rec.fanIn) (rec.loopVaries ??= new Set()).add('fanIn');
          }
        } else if (input.t === 'list') {
          for (const it of input.items) {
            for (const r of srcOf(it)) if (r !== rec) r.feeds = true;
            if (it.t === 'tensor') this.consume(it.pend, { name: 'linear', via: 'dataflow', span: e.span });
          }
        }
        rec.applied = true;
        if (rec.order === null) rec.order = this.order++;
        if (rec.inlineAct && rec.inlineAct.name !== 'linear') {
          if (!rec.act) rec.act = rec.inlineAct;
          return tensor([], isGlu(rec.inlineAct.text) ? halfWidth(rec.outCh) : rec.outCh, [rec]);
        }
        if (rec.spec.embedding || rec.spec.recurrent) {
          if (!rec.act) rec.act = rec.inlineAct ?? { name: 'linear', via: 'default' };
          return tensor([], rec.outCh, [rec]);
        }
        return tensor([{ rec, norm: null }], rec.outCh);
      }
      case 'act':
        if (inT) {
          this.consume(inT.pend, { ...o.act, span: o.act.span ?? e.span });
          return tensor([], o.halves ? halfWidth(inT.ch) : inT.ch, srcOf(inT));
        }
        return tensor();
      case 'norm':
        if (inT) {
          this.noteNorm(inT.pend, o.norm, scope);
          return inT;
        }
        return tensor();
      case 'pass':
        return inT ? (o.reshape ? tensor(inT.pend, null, inT.src) : inT) : tensor();
      case 'add':
        return input.t === 'list' ? this.residualAdd(input.items, scope) : inT ?? tensor();
      case 'concat':
        return input.t === 'list' ? concatVals(input.items) : inT ?? tensor();
      case 'seq': {
        let cur: Val = inT ?? tensor();
        for (const it of o.seq.items) cur = this.applyObj(it, cur, e, scope);
        return cur;
      }
      case 'list':
        return UNKNOWN;
      case 'wrapper': {
        const fwd = this.applyObj(o.inner, input, e, scope);
        if (!o.merge) return fwd;
        // Keras Bidirectional: the backward copy has the same width unless a backward_layer is given.
        const bwd = o.backward ? this.applyObj(o.backward, input, e, scope) : fwd;
        if (fwd.t !== 'tensor' || bwd.t !== 'tensor') return fwd;
        switch (o.merge) {
          case 'concat':
            return o.backward ? concatVals([fwd, bwd]) : tensor(fwd.pend, fwd.ch === null ? null : 2 * fwd.ch, fwd.src);
          case 'keep':
            return o.backward ? joinVals([fwd, bwd]) : fwd;
          case 'split':
            return { t: 'list', items: [fwd, o.backward ? bwd : tensor(fwd.pend, fwd.ch, fwd.src)], template: false };
          default:
            return tensor(fwd.pend, null, [...(fwd.src ?? []), ...(o.backward ? bwd.src ?? [] : [])]);
        }
      }
      case 'input':
        return tensor([], o.ch);
      case 'instance': {
        const own = o.cls.attrs.get('__seq__');
        if (own && own.t === 'obj' && !o.cls.methods.has('forward')) return this.applyObj(own.o, input, e, scope);
        // A user module called on the tensor: follow the tensor through its forward.
        const fwd = o.cls.methods.get('forward') ?? o.cls.methods.get('call') ?? o.cls.methods.get('__call__');
        if (fwd && inT && !this.stack.includes(fwd) && this.stack.length < 6 && this.instRuns < 256) {
          this.instRuns++;
          const out = this.callMethod(o.cls, fwd, [inT, ...fwd.params.slice(2).map(() => UNKNOWN)], null, false, scope);
          if (out.t === 'tensor') return out;
          if (out.t === 'list') return joinVals(out.items);
          this.consume(inT.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: o.cls.name });
          return tensor([], null);
        }
        if (inT) this.consume(inT.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: o.cls.name });
        return tensor([], null);
      }
      default:
        return UNKNOWN;
    }
  }

  consume(pend: Pend[], act: ActivationInfo): void {
    for (const p of pend) {
      p.rec.consumed = true;
      if (p.part && p.rec.act && !sameAct(p.rec.act, act) && p.rec.act.name !== 'unknown') {
        // GLU written out: one half linear, the other through a sigmoid
        const t = (x: ActivationInfo) => x.text ?? x.name;
        p.rec.act = { name: 'unknown', via: 'forward', span: act.span ?? p.rec.act.span, text: `parts of its output meet ${t(p.rec.act)} and ${t(act)}` };
        continue;
      }
      if (!p.rec.act) {
        const d = this.deferredActs.get(p.rec);
        if (d) this.deferredActs.delete(p.rec);
        p.rec.act = d && !sameAct(d, act) ? branchUnknown(d, act) : act;
        if (p.norm && !p.rec.norm) p.rec.norm = p.norm;
      }
    }
  }

  noteNorm(pend: Pend[], norm: Normalization, scope: Scope): void {
    for (const p of pend) {
      if (!p.norm) p.norm = norm;
      if (!p.rec.act && !p.rec.norm) p.rec.norm = norm;
    }
    if (norm === 'layernorm' || norm === 'rmsnorm') {
      if (scope.cls) scope.cls.hasLayerNorm = true;
      this.sawLayerNorm = true;
    }
  }

  residualAdd(vals: Val[], scope: Scope): Val {
    const pend: Pend[] = [];
    const src: LayerRec[] = [];
    let ch: number | null = null;
    for (const v of vals) {
      if (v.t !== 'tensor') continue;
      if (v.src) src.push(...v.src);
      if (ch === null) ch = v.ch;
      for (const p of v.pend) {
        p.rec.residual = true;
        pend.push(p);
      }
    }
    if (scope.cls) scope.cls.hasResidual = true;
    this.sawResidual = true;
    return tensor(pend, ch, src);
  }

  // ---------------------------------------------------------------- containers

  makeSeq(framework: Framework, e: Extract<PyExpr, { k: 'call' }>, scope: Scope): SeqRec {
    const key = e.span.from;
    let seq = this.seqs.get(key);
    if (!seq) {
      seq = { id: this.seqs.size, call: e, framework, name: null, owner: scope.cls, fnScope: scope.fn, items: [] };
      this.seqs.set(key, seq);
    }
    const items: Obj[] = [];
    const names: (string | null)[] = [];
    seq.opaque = false;
    const pushVal = (v: Val, nm: string | null) => {
      if (v.t === 'list') {
        for (const x of v.items) pushVal(x, null);
        return;
      }
      const o = this.toObj(v);
      if (!o) seq!.opaque = true;
      if (o && o.o === 'list') {
        for (const x of o.items) {
          items.push(x);
          names.push(null);
        }
        return;
      }
      if (o) {
        items.push(o);
        names.push(nm);
      }
    };
    const layersKw = kwarg(e, 'layers');
    if (layersKw) pushVal(this.eval(layersKw.value, scope), null);
    for (const a of e.args) {
      if (a.name !== null) {
        if (a.name !== 'layers') this.eval(a.value, scope);
        continue;
      }
      const v = this.eval(a.value, scope);
      if (v.t === 'dict') {
        for (const [k, x] of v.entries) pushVal(x, k);
      } else if (framework === 'flax' && v.t === 'unknown') {
        // A Flax Sequential applies any callable (a lambda, a helper): whatever it does
        // acts on the previous layer's output, which must not read as "no activation".
        items.push({ o: 'act', act: { name: 'unknown', via: 'sequential', span: a.value.span, text: dottedName(a.value) ?? 'a callable' } });
        names.push(null);
      } else pushVal(v, null);
    }
    seq.items = items;
    (seq as SeqRec & { names?: (string | null)[] }).names = names;
    for (const it of items) if (it.o === 'weight' && !it.rec.seqOwner) it.rec.seqOwner = seq;
    this.foldSeq(seq);
    return seq;
  }

  foldSeq(seq: SeqRec): void {
    let cur: Val = tensor();
    const dummy = seq.call;
    const scope = this.moduleScope;
    for (const it of seq.items) {
      cur = this.applyObj(it, cur, dummy, scope);
      if (it.o === 'weight' && !it.rec.seqOwner) it.rec.seqOwner = seq;
    }
  }

  // ---------------------------------------------------------------- initializers

  /**
   * Reads the numeric and string arguments of an initializer call. `unreadable`
   * turns true when a numeric argument is written but cannot be evaluated
   * (std=config.init_std): the scale is then unknown, never the default.
   */
  private argReader(e: Extract<PyExpr, { k: 'call' }> | null, scope: Scope) {
    const r = {
      unreadable: false,
      numOf: (x: PyExpr | undefined): number | undefined => {
        if (!x) return undefined;
        const v = this.eval(x, scope);
        if (v.t === 'num') return v.v;
        r.unreadable = true;
        return undefined;
      },
      num: (idx: number, kw: string): number | undefined => (e ? r.numOf(argOf(e, idx, kw)) : undefined),
      str: (idx: number, kw: string): string | undefined => {
        const a = e ? argOf(e, idx, kw) : undefined;
        if (!a) return undefined;
        const v = this.eval(a, scope);
        return v.t === 'str' ? v.v : undefined;
      },
    };
    return r;
  }

  initFromExpr(x: PyExpr, scope: Scope): InitSpec {
    if (x.k === 'str') return kerasInitFromString(x.value, x.span);
    // nnx.with_partitioning(nnx.initializers.lecun_normal(), ('embed', 'mlp')): the wrapped initializer draws.
    const inner = wrappedInitializer(x, this.imports);
    if (inner) return this.initFromExpr(inner, scope);
    const v = this.eval(x, scope);
    if (v.t === 'init') return { ...v.spec, span: x.span, explicit: true, source: 'argument' };
    if (v.t === 'ref') {
      const role = roleOf(v.q);
      if (role && role.r === 'initializer') {
        // Passed without calling it
        const spec = this.initializerCall(role.fw, role.name, null, scope);
        if (role.fw === 'flax' && role.name !== 'zeros' && role.name !== 'ones') {
          // `variance_scaling` and `constant` need arguments: adding `()` alone would not run.
          const needsArgs = role.name === 'variance_scaling' || role.name === 'constant';
          return { ...spec, span: x.span, explicit: true, source: 'argument', factoryNotCalled: true, text: (dottedName(x) ?? role.name) + (needsArgs ? '(…)' : ''), ...(needsArgs ? { unknownArgs: true } : {}) };
        }
        return { ...spec, span: x.span, explicit: true, source: 'argument' };
      }
    }
    if (v.t === 'str') return kerasInitFromString(v.v, x.span);
    return { name: 'unknown', explicit: true, source: 'argument', span: x.span };
  }

  initializerCall(fw: Framework, name: string, e: Extract<PyExpr, { k: 'call' }> | null, scope: Scope): InitSpec {
    const args = this.argReader(e, scope);
    const spec = this.initializerSpec(fw, name, e, args);
    return args.unreadable ? { ...spec, unknownArgs: true } : spec;
  }

  private initializerSpec(fw: Framework, name: string, e: Extract<PyExpr, { k: 'call' }> | null, { num, str }: ReturnType<Interp['argReader']>): InitSpec {
    const base = { explicit: true, source: 'argument' as const, span: e?.span };
    const n = name.replace(/^(kaiming)/, 'he').replace(/^xavier/, 'glorot');
    const snake = n.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    switch (snake) {
      case 'he_normal':
      case 'he_uniform':
      case 'glorot_normal':
      case 'glorot_uniform':
      case 'lecun_normal':
      case 'lecun_uniform':
        return { ...base, name: snake, distribution: snake.endsWith('uniform') ? 'uniform' : 'truncated_normal' };
      case 'orthogonal':
        return { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: fw === 'flax' ? num(0, 'scale') ?? 1 : num(0, 'gain') ?? 1 };
      case 'delta_orthogonal':
        return { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: num(0, 'scale') ?? 1 };
      case 'zeros':
      case 'zeros_init':
      case 'zero':
        return { ...base, name: 'zeros', distribution: 'constant', value: 0 };
      case 'ones':
      case 'ones_init':
      case 'one':
        return { ...base, name: 'ones', distribution: 'constant', value: 1 };
      case 'constant': {
        const v = num(0, 'value');
        return { ...base, name: v === 0 ? 'zeros' : v === 1 ? 'ones' : 'constant', distribution: 'constant', value: v };
      }
      case 'random_normal':
      case 'normal':
        if (fw === 'flax') return { ...base, name: 'random_normal', distribution: 'untruncated_normal', std: num(0, 'stddev') ?? 0.01 };
        return { ...base, name: 'random_normal', distribution: 'untruncated_normal', mean: num(0, 'mean') ?? 0, std: num(1, 'stddev') ?? 0.05 };
      case 'random_uniform':
      case 'uniform':
        if (fw === 'flax') return { ...base, name: 'random_uniform', distribution: 'uniform', scale: num(0, 'scale') ?? 0.01 };
        return { ...base, name: 'random_uniform', distribution: 'uniform', minval: num(0, 'minval') ?? -0.05, maxval: num(1, 'maxval') ?? 0.05 };
      case 'truncated_normal':
        if (fw === 'flax') return { ...base, name: 'truncated_normal', distribution: 'truncated_normal', std: num(0, 'stddev') ?? 0.01, minval: num(2, 'lower'), maxval: num(3, 'upper') };
        return { ...base, name: 'truncated_normal', distribution: 'truncated_normal', mean: num(0, 'mean') ?? 0, std: num(1, 'stddev') ?? 0.05 };
      case 'variance_scaling': {
        const mode = str(1, 'mode');
        const dist = str(2, 'distribution');
        return {
          ...base,
          name: 'variance_scaling',
          scale: num(0, 'scale') ?? 1,
          mode: mode === 'fan_out' ? 'fan_out' : mode === 'fan_avg' ? 'fan_avg' : 'fan_in',
          distribution: dist === 'uniform' ? 'uniform' : dist === 'untruncated_normal' ? 'untruncated_normal' : dist === 'normal' ? 'normal' : 'truncated_normal',
        };
      }
      case 'identity':
        return { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: num(0, 'gain') ?? 1 };
      default:
        return { ...base, name: 'unknown' };
    }
  }

  /** nn.init.kaiming_normal_(self.fc.weight, mode="fan_out", nonlinearity="relu") */
  torchInitCall(name: string, e: Extract<PyExpr, { k: 'call' }>, scope: Scope, stmt?: PyStmt): void {
    const targetE = argOf(e, 0, 'tensor');
    if (!targetE) return;
    const target = this.eval(targetE, scope);
    if (target.t !== 'param' && target.t !== 'anyparam') return;
    const args = this.argReader(e, scope);
    const { num, str } = args;
    let spec: InitSpec;
    const base = { explicit: true, source: 'init-call' as const, span: e.span };
    switch (name) {
      case 'kaiming_normal_':
      case 'kaiming_uniform_': {
        const nl = str(3, 'nonlinearity') ?? 'leaky_relu';
        const a = num(1, 'a') ?? 0;
        const mode = (str(2, 'mode') ?? 'fan_in') as 'fan_in' | 'fan_out';
        const uniform = name === 'kaiming_uniform_';
        const gain = torchCalculateGain(nl, a);
        const lecun = gain !== null && Math.abs(gain - 1) < 1e-9;
        spec = {
          ...base,
          name: lecun ? (uniform ? 'lecun_uniform' : 'lecun_normal') : uniform ? 'he_uniform' : 'he_normal',
          distribution: uniform ? 'uniform' : 'untruncated_normal',
          a,
          mode,
          nonlinearity: nl,
        };
        break;
      }
      case 'xavier_normal_':
      case 'xavier_uniform_':
        spec = { ...base, name: name === 'xavier_normal_' ? 'glorot_normal' : 'glorot_uniform', distribution: name === 'xavier_normal_' ? 'untruncated_normal' : 'uniform', gain: num(1, 'gain') ?? 1 };
        break;
      case 'normal_':
        spec = { ...base, name: 'random_normal', distribution: 'untruncated_normal', mean: num(1, 'mean') ?? 0, std: num(2, 'std') ?? 1 };
        break;
      case 'trunc_normal_':
        spec = { ...base, name: 'truncated_normal', distribution: 'truncated_normal', mean: num(1, 'mean') ?? 0, std: num(2, 'std') ?? 1, minval: num(3, 'a') ?? -2, maxval: num(4, 'b') ?? 2 };
        break;
      case 'uniform_':
        spec = { ...base, name: 'random_uniform', distribution: 'uniform', minval: num(1, 'a') ?? 0, maxval: num(2, 'b') ?? 1 };
        break;
      case 'constant_': {
        const v = num(1, 'val');
        spec = { ...base, name: v === 0 ? 'zeros' : v === 1 ? 'ones' : 'constant', distribution: 'constant', value: v };
        break;
      }
      case 'zeros_':
        spec = { ...base, name: 'zeros', distribution: 'constant', value: 0 };
        break;
      case 'ones_':
        spec = { ...base, name: 'ones', distribution: 'constant', value: 1 };
        break;
      case 'orthogonal_':
        spec = { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: num(1, 'gain') ?? 1 };
        break;
      case 'eye_':
      case 'dirac_':
        spec = { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: 1 };
        break;
      default:
        spec = { ...base, name: 'unknown' };
    }
    if (args.unreadable) spec.unknownArgs = true;
    this.recordInit(target.t === 'anyparam' ? { t: 'param', layers: target.owner, filter: target.filter, which: target.which, data: false } : target, spec, e, scope, stmt);
  }

  /** Undecided `if` arms the running code is in (see InitEvent.arms), and how many ruled-out branches. */
  armStack: string[] = [];
  deadBranches = 0;
  ifSeq = 0;

  recordInit(target: Extract<Val, { t: 'param' }>, spec: InitSpec, e: Extract<PyExpr, { k: 'call' }>, scope: Scope, stmt?: PyStmt): void {
    if (this.siteDepth > 0) return;
    const root = this.rootScope;
    const ev: InitEvent = {
      seq: this.seq++,
      spec,
      which: target.which,
      layers: target.layers ?? undefined,
      filter: target.filter ?? undefined,
      index: target.index,
      stmtSpan: stmt ? stmt.span : e.span,
      callSpan: e.span,
      rootStmt: root ? root.top : null,
      rootFn: root ? root.fn : null,
      scopeCls: scope.cls,
    };
    if (this.armStack.length) ev.arms = [...this.armStack];
    if (this.deadBranches > 0) ev.dead = true;
    const top = this.moduleScope.top;
    if (top && (e.span.from < top.span.from || e.span.to > top.span.to)) ev.site = { from: top.span.from, to: top.span.to };
    this.events.push(ev);
  }

  // ---------------------------------------------------------------- constants

  /** No side effect on the model: numbers, strings, arithmetic, names, initializer factories. */
  isPure(e: PyExpr): boolean {
    switch (e.k) {
      case 'num':
      case 'str':
      case 'name':
      case 'const':
        return true;
      case 'attr':
        return this.isPure(e.obj);
      case 'unary':
        return this.isPure(e.operand);
      case 'bin':
        return this.isPure(e.left) && this.isPure(e.right);
      case 'tuple':
      case 'list':
        return e.items.every((x) => this.isPure(x));
      case 'call': {
        const role = roleOf(this.imports.resolve(e.fn));
        if (role && role.r === 'initializer') return e.args.every((a) => this.isPure(a.value));
        const q = this.imports.resolve(e.fn);
        return (q === 'math.sqrt' || q === 'numpy.sqrt') && e.args.every((a) => this.isPure(a.value));
      }
      default:
        return false;
    }
  }

  constEval(e: PyExpr, scope: Scope): Val | null {
    if (!this.isPure(e)) return null;
    const v = this.eval(e, scope);
    if (v.t === 'num' || v.t === 'str' || v.t === 'init' || v.t === 'const') return v;
    // HIDDEN = (256, 128, 64): a loop over it runs once per value
    const scalar = (x: Val) => x.t === 'num' || x.t === 'str' || x.t === 'const';
    if (v.t === 'list' && !v.template && v.items.length <= 16 && v.items.every(scalar)) return v;
    return null;
  }
}

// ------------------------------------------------------------------ helpers

/** Flax wrappers that attach sharding metadata to an initializer and draw with it unchanged. */
const INIT_WRAPPERS = new Set([
  'flax.nnx.with_partitioning', 'flax.nnx.with_metadata', 'flax.linen.with_partitioning', 'flax.linen.with_logical_partitioning',
]);

/** The initializer inside `nnx.with_partitioning(init, ...)`, or null when `x` is no such wrapper. */
export function wrappedInitializer(x: PyExpr, imports: Imports): PyExpr | null {
  if (x.k !== 'call' || !INIT_WRAPPERS.has(imports.resolve(x.fn) ?? '')) return null;
  const first = x.args[0];
  return first && first.name === null && !first.star ? first.value : null;
}

function pushPath(rec: LayerRec, p: AccessPath): void {
  if (!rec.paths.some((x) => x.expr === p.expr && x.fn === p.fn)) rec.paths.push(p);
}

function lookup(scope: Scope | null, name: string): Val | undefined {
  for (let s = scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v) return v;
  }
  return undefined;
}

function rootName(e: PyExpr): string | null {
  let cur = e;
  while (cur.k === 'attr') cur = cur.obj;
  return cur.k === 'name' ? cur.id : null;
}

function paramWhich(attr: string): ParamWhich | null {
  if (attr === 'weight' || attr === 'kernel') return 'weight';
  if (attr === 'bias') return 'bias';
  if (attr.startsWith('weight_hh')) return 'weight_hh';
  if (attr.startsWith('weight_ih')) return 'weight_ih';
  if (attr.startsWith('bias_hh')) return 'bias_hh';
  if (attr.startsWith('bias_ih')) return 'bias_ih';
  return null;
}

function arith(op: string, a: number, b: number): number | null {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? null : a / b;
    case '//':
      return b === 0 ? null : Math.floor(a / b);
    case '**':
      return Math.pow(a, b);
    case '%':
      return b === 0 ? null : a % b;
    default:
      return null;
  }
}

/** The layers of a ModuleList's member (inside the containers it holds) belong to that list. */
function setListOwner(o: Obj, ml: ModList, depth = 0): void {
  if (depth > 8) return;
  if (o.o === 'weight') o.rec.listOwner = ml;
  else if (o.o === 'seq') for (const x of o.seq.items) setListOwner(x, ml, depth + 1);
  else if (o.o === 'list') for (const x of o.items) setListOwner(x, ml, depth + 1);
}

function joinVals(vals: Val[]): Val {
  const tensors = vals.filter((v): v is Extract<Val, { t: 'tensor' }> => v.t === 'tensor');
  if (tensors.length) {
    const pend: Pend[] = [];
    const src: LayerRec[] = [];
    for (const t of tensors) {
      for (const p of t.pend) if (!pend.includes(p)) pend.push(p);
      for (const r of t.src ?? []) if (!src.includes(r)) src.push(r);
    }
    return tensor(pend, tensors[0].ch, src);
  }
  const objs: Obj[] = [];
  for (const v of vals) {
    if (v.t === 'obj') objs.push(v.o);
    else if (v.t === 'objs') objs.push(...v.items);
  }
  if (objs.length === 1) return { t: 'obj', o: objs[0] };
  if (objs.length > 1) return { t: 'objs', items: objs };
  return vals.find((v) => v.t !== 'unknown') ?? UNKNOWN;
}

/** A binding that holds a module with weights (a layer, a container, a user module). */
function hasLayer(v: Val | undefined): boolean {
  const layerObj = (o: Obj): boolean => o.o === 'weight' || o.o === 'seq' || o.o === 'instance' || o.o === 'list' || o.o === 'wrapper';
  return !!v && ((v.t === 'obj' && layerObj(v.o)) || (v.t === 'objs' && v.items.some(layerObj)));
}

/** `return nn.ReLU()` / `return nn.GELU()` from two branches: one activation module, unknown when they differ. */
function unifyActs(v: Val): Val {
  if (v.t !== 'objs') return v;
  const acts = v.items.filter((o): o is Extract<Obj, { o: 'act' }> => o.o === 'act');
  if (acts.length < 2) return v;
  const agree = acts.every((o) => sameAct(o.act, acts[0].act));
  const act: Obj = agree ? acts[0] : { o: 'act', act: { name: 'unknown', via: 'sequential', text: acts.map((o) => o.act.text ?? o.act.name).join(' or ') } };
  const items = [act, ...v.items.filter((o) => o.o !== 'act')];
  return items.length === 1 ? { t: 'obj', o: items[0] } : { t: 'objs', items };
}

/** GLU (torch, keras, flax, jax): a·σ(b) over the two halves of its input. */
function isGlu(text: string | undefined): boolean {
  return text !== undefined && /(^|\.)glu$/.test(text);
}

function halfWidth(ch: number | null): number | null {
  return ch !== null && ch % 2 === 0 ? ch / 2 : null;
}

/** An activation that depends on which branch of an `if` runs. */
function branchUnknown(a: ActivationInfo, b: ActivationInfo): ActivationInfo {
  const t = (x: ActivationInfo) => x.text ?? x.name;
  return { name: 'unknown', via: 'forward', span: a.span ?? b.span, text: `${t(a)} or ${t(b)} (depends on an if branch)` };
}

/** Two activations are the same function (ReLU and ReLU6 are both 'relu'). */
function sameAct(a: ActivationInfo, b: ActivationInfo): boolean {
  return a.name === b.name && a.param === b.param;
}

/** One binding after an `if` whose condition is not known (see Interp.mergeBranches). */
function mergeVal(a: Val | undefined, b: Val | undefined, elseAssigned: boolean, maybeNone: WeakSet<Val>): Val | undefined {
  if (a === undefined || b === undefined) {
    // bound in one branch only (or before the `if` and not in that branch): keep a module,
    // a tensor or an activation; anything else as sequential execution leaves it
    const v = a ?? b!;
    return v.t === 'obj' || v.t === 'objs' || v.t === 'tensor' ? v : elseAssigned ? b : a;
  }
  const objsOf = (v: Val): Obj[] | null => (v.t === 'obj' ? [v.o] : v.t === 'objs' ? v.items : v.t === 'const' && v.v === null ? [] : null);
  const oa = objsOf(a);
  const ob = objsOf(b);
  if (oa && ob) {
    const items = [...oa];
    for (const o of ob) if (!items.includes(o)) items.push(o);
    const acts = items.filter((o): o is Extract<Obj, { o: 'act' }> => o.o === 'act');
    const passes = items.some((o) => o.o === 'pass' && !o.reshape);
    const agree = acts.every((o) => sameAct(o.act, acts[0].act)) && !(acts.length && passes);
    let out = items;
    if (acts.length && !agree) {
      // nn.ReLU() in one branch, nn.Tanh() (or nn.Identity()) in the other
      const text = [...acts.map((o) => o.act.text ?? o.act.name), ...(passes ? ['nn.Identity()'] : [])].join(' or ');
      const unknownAct: Obj = { o: 'act', act: { name: 'unknown', via: 'sequential', text } };
      out = [unknownAct, ...items.filter((o) => o.o !== 'act' && !(o.o === 'pass' && !o.reshape))];
    } else if (acts.length > 1) out = [acts[0], ...items.filter((o) => o.o !== 'act')];
    if (out.length === 0) return elseAssigned ? b : a;
    const v: Val = out.length === 1 ? { t: 'obj', o: out[0] } : { t: 'objs', items: out };
    if ((a.t === 'const' || b.t === 'const' || maybeNone.has(a) || maybeNone.has(b)) && hasLayer(v)) maybeNone.add(v);
    return v;
  }
  if (a.t === 'tensor' && b.t === 'tensor') return joinVals([a, b]);
  if ((a.t === 'num' || a.t === 'str' || a.t === 'const') && (b.t === 'num' || b.t === 'str' || b.t === 'const')) {
    return a.t === b.t && a.v === b.v ? a : UNKNOWN;
  }
  // `if self.downsample is not None: identity = self.downsample(x)`: an unread call on a tensor is
  // still a tensor, so the data flow (a residual `out += identity`) is kept
  if (a.t === 'tensor' && b.t === 'unknown') return a;
  if (b.t === 'tensor' && a.t === 'unknown') return b;
  return elseAssigned ? b : a;
}

function concatVals(vals: Val[]): Val {
  const pend: Pend[] = [];
  const src: LayerRec[] = [];
  let ch: number | null = 0;
  for (const v of vals) {
    if (v.t !== 'tensor') {
      ch = null;
      continue;
    }
    pend.push(...v.pend);
    if (v.src) src.push(...v.src);
    ch = ch !== null && v.ch !== null ? ch + v.ch : null;
  }
  return tensor(pend, ch, src);
}

function shortText(q: string): string {
  const parts = q.split('.');
  if (q.startsWith('torch.nn.functional.')) return 'F.' + parts[parts.length - 1];
  if (q.startsWith('torch.nn.')) return 'nn.' + parts[parts.length - 1];
  if (q.startsWith('flax.linen.')) return 'nn.' + parts[parts.length - 1];
  return parts.slice(-2).join('.');
}

function evalNumStatic(x: PyExpr | undefined): number | null {
  return x && x.k === 'num' ? x.value : null;
}

function kerasDefault(s: WeightLayerSpec): InitSpec {
  if (s.embedding) return { name: 'random_uniform', explicit: false, source: 'default', distribution: 'uniform', minval: -0.05, maxval: 0.05 };
  return { name: 'glorot_uniform', explicit: false, source: 'default', distribution: 'uniform' };
}

/**
 * Keras `*_initializer=None`: `initializers.get(None)` is None and `Layer.add_weight` then draws
 * float weights from glorot_uniform (Keras 3 and tf.keras), for every weight, the recurrent
 * kernel and embeddings included. Reported as that default; a fix replaces the `None`.
 */
function kerasNoneInit(x: PyExpr): InitSpec | null {
  if (x.k !== 'const' || x.value !== null) return null;
  return { name: 'glorot_uniform', explicit: false, source: 'argument', distribution: 'uniform', span: x.span, text: 'None' };
}

const KERAS_INIT_STRINGS: Record<string, InitSpec['name']> = {
  he_normal: 'he_normal', HeNormal: 'he_normal', he_uniform: 'he_uniform', HeUniform: 'he_uniform',
  glorot_normal: 'glorot_normal', GlorotNormal: 'glorot_normal', glorot_uniform: 'glorot_uniform', GlorotUniform: 'glorot_uniform',
  lecun_normal: 'lecun_normal', LecunNormal: 'lecun_normal', lecun_uniform: 'lecun_uniform', LecunUniform: 'lecun_uniform',
  orthogonal: 'orthogonal', Orthogonal: 'orthogonal', OrthogonalInitializer: 'orthogonal', identity: 'orthogonal', Identity: 'orthogonal',
  IdentityInitializer: 'orthogonal', zeros: 'zeros', Zeros: 'zeros', zero: 'zeros', ones: 'ones', Ones: 'ones', one: 'ones',
  constant: 'zeros', Constant: 'zeros', random_normal: 'random_normal', RandomNormal: 'random_normal', normal: 'random_normal',
  random_uniform: 'random_uniform', RandomUniform: 'random_uniform', uniform: 'random_uniform', truncated_normal: 'truncated_normal',
  TruncatedNormal: 'truncated_normal', variance_scaling: 'variance_scaling', VarianceScaling: 'variance_scaling',
};

export function kerasInitFromString(s: string, span: Span): InitSpec {
  const name = KERAS_INIT_STRINGS[s] ?? 'unknown';
  const base: InitSpec = { name, explicit: true, source: 'argument', span, text: s };
  switch (name) {
    case 'random_normal':
      return { ...base, distribution: 'untruncated_normal', std: 0.05, mean: 0 };
    case 'random_uniform':
      return { ...base, distribution: 'uniform', minval: -0.05, maxval: 0.05 };
    case 'truncated_normal':
      return { ...base, distribution: 'truncated_normal', std: 0.05 };
    case 'zeros':
    case 'ones':
      return { ...base, distribution: 'constant', value: name === 'zeros' ? 0 : 1 };
    case 'orthogonal':
      return { ...base, distribution: 'orthogonal', gain: 1 };
    case 'variance_scaling':
      return { ...base, scale: 1, mode: 'fan_in', distribution: 'truncated_normal' };
    case 'unknown':
      return base;
    default:
      return { ...base, distribution: name.endsWith('uniform') ? 'uniform' : 'truncated_normal' };
  }
}

const TENSOR_ACT_METHODS: Record<string, ActivationName> = {
  relu: 'relu', relu_: 'relu', tanh: 'tanh', tanh_: 'tanh', sigmoid: 'sigmoid', sigmoid_: 'sigmoid', softmax: 'softmax',
  log_softmax: 'softmax', clamp: 'relu', clamp_: 'relu', clip: 'relu',
};
const TENSOR_QUERY_METHODS = new Set(['size', 'dim', 'numel', 'item', 'tolist', 'numpy', 'get_device', 'element_size', 'is_contiguous', 'nelement', 'ndimension']);
const TENSOR_PASS_METHODS = new Set([
  'view', 'reshape', 'flatten', 'permute', 'transpose', 'contiguous', 'squeeze', 'unsqueeze', 'float', 'to', 'mean', 'sum', 'type',
  'cuda', 'cpu', 'double', 'half', 'view_as', 'reshape_as', 'expand', 'repeat', 'unflatten', 'detach', 'clone', 'mul', 'div', 'mul_', 'div_',
  'split', 'chunk', 'unbind', 'tensor_split',
]);
const SINKS = new Set([
  'torch.nn.functional.cross_entropy', 'torch.nn.functional.nll_loss', 'torch.nn.functional.mse_loss', 'torch.nn.functional.l1_loss',
  'torch.nn.functional.smooth_l1_loss', 'torch.nn.functional.huber_loss', 'torch.nn.functional.binary_cross_entropy_with_logits',
  'torch.nn.functional.kl_div', 'torch.argmax', 'torch.topk', 'torch.max', 'optax.softmax_cross_entropy',
  'optax.softmax_cross_entropy_with_integer_labels', 'optax.sigmoid_binary_cross_entropy', 'optax.l2_loss',
]);
/** torch.nn.Module methods that return the module itself. */
const MODULE_SELF_METHODS = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'half', 'bfloat16', 'train', 'eval', 'requires_grad_', 'share_memory', 'to_empty', 'xpu', 'mps']);

const BUILTINS = new Set(['print', 'len', 'isinstance', 'getattr', 'setattr', 'hasattr', 'super', 'range', 'enumerate', 'zip', 'int', 'float', 'str', 'list', 'tuple', 'dict', 'type', 'repr', 'format', 'max', 'min', 'assert']);

/** `x * sigmoid(x)` / `sigmoid(x) * x` with the same name: the operand. */
function siluOperand(e: Extract<PyExpr, { k: 'bin' }>, imports: Imports): PyExpr | null {
  const isSig = (c: PyExpr, name: string): boolean => {
    if (c.k === 'call') {
      const q = imports.resolve(c.fn);
      const a = c.args[0]?.value;
      if (q && /(^|\.)sigmoid$/.test(q) && a && a.k === 'name' && a.id === name) return true;
    }
    return c.k === 'call' && c.fn.k === 'attr' && c.fn.attr === 'sigmoid' && c.fn.obj.k === 'name' && c.fn.obj.id === name && c.args.length === 0;
  };
  if (e.left.k === 'name' && isSig(e.right, e.left.id)) return e.left;
  if (e.right.k === 'name' && isSig(e.left, e.right.id)) return e.right;
  return null;
}
