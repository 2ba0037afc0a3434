/**
 * The interpreter's values and records: `Val` (what an expression evaluates to), `Obj` (module
 * objects), `LayerRec` (one weight layer construction), containers, classes and init events,
 * and how values from two branches or several items are joined.
 */
import type { PyArg, PyExpr, PyLambda, PyStmt } from '../../../parse/pyast.js';
import type { ActivationInfo, Framework, InitSpec, Normalization, Span } from '../../../types.js';
import { Imports } from '../imports.js';
import type { WeightLayerSpec } from '../vocab.js';

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
  call: Extract<PyExpr, { kind: 'call' }>;
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
  /** Convolutions: kernel size and stride per spatial axis, when written as (tuples of) known ints. */
  kernelSize?: number[];
  stride?: number[];
  inChFromCtor: boolean;
  owner: ClassCtx | null;
  fnScope: PyStmt | null;
  seqOwner: SeqRec | null;
  /** Fans that differ between the iterations of a loop over known values, or between the sites that construct its module: unknown. */
  loopVaries?: Set<'fanIn' | 'fanOut'>;
  /** The constructions of its module class (`Block(dim=512)`) that ran with their arguments: its fans come from them. */
  sites?: Span[];
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
  /**
   * Its weight is recomputed from the parameter on every use (`spectral_norm(conv)`, a
   * `register_parametrization(layer, "weight", ...)`): the initializer does not set the scale of
   * the weight the layer computes with. The text names the wrapper.
   */
  reparametrized?: string;
}

export interface SeqRec {
  id: number;
  call: Extract<PyExpr, { kind: 'call' }>;
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
  call: Extract<PyExpr, { kind: 'call' }>;
  /** Its members (the list object's own array). */
  items: Obj[];
  paths: AccessPath[];
  muts: { stmt: PyStmt; body: PyStmt[]; fn: PyStmt | null }[];
  /** Holds a value that is not a known module. */
  opaque: boolean;
}

export interface ClassCtx {
  stmt: Extract<PyStmt, { kind: 'class' }>;
  name: string;
  framework: Framework | null;
  attrs: Map<string, Val>;
  fields: Map<string, Val>;
  methods: Map<string, Extract<PyStmt, { kind: 'def' }>>;
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
  | { kind: 'weight'; rec: LayerRec }
  | { kind: 'act'; act: ActivationInfo; halves?: boolean }
  | { kind: 'norm'; norm: Normalization }
  | { kind: 'pass'; reshape?: boolean }
  | { kind: 'add' }
  | { kind: 'concat' }
  | { kind: 'seq'; seq: SeqRec }
  | { kind: 'list'; items: Obj[]; template: boolean; ml?: ModList }
  | { kind: 'instance'; cls: ClassCtx }
  | { kind: 'wrapper'; inner: Obj; merge?: BidiMerge; backward?: Obj }
  | { kind: 'input'; ch: number | null }
  /** A lambda used as a module (`nnx.Sequential(..., lambda x: x.mean((1, 2)))`): its body runs on the input. */
  | { kind: 'lambda'; fn: PyLambda; scope: LambdaHome };

/** The scope a lambda was written in: eval/scope.ts `Scope`, which imports this module (eval/lambda.ts reads it back). */
export interface LambdaHome {
  vars: Map<string, Val>;
  depth: number;
}

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
  /** `postAct`: the layers whose activation produced this tensor just now (a norm here follows their activation). */
  | { kind: 'tensor'; pend: Pend[]; ch: number | null; src?: LayerRec[]; postAct?: LayerRec[] }
  | { kind: 'obj'; o: Obj }
  | { kind: 'objs'; items: Obj[] }
  | { kind: 'list'; items: Val[]; template: boolean }
  | { kind: 'num'; v: number }
  | { kind: 'str'; v: string }
  | { kind: 'param'; layers: LayerRec[] | null; filter: ModFilter | null; which: ParamWhich; data: boolean; index?: number }
  | { kind: 'anymod'; filter: ModFilter }
  | { kind: 'anyparam'; owner: LayerRec[] | null; filter: ModFilter; which: ParamWhich }
  | { kind: 'pname'; owner: 'anyparam'; varName: string | null }
  | { kind: 'zip'; items: Val[] }
  | { kind: 'classname'; of: Extract<Val, { kind: 'anymod' }>; varName: string | null }
  | { kind: 'init'; spec: InitSpec }
  | { kind: 'fn'; def: Extract<PyStmt, { kind: 'def' }>; cls: ClassCtx | null; self: Val | null }
  | { kind: 'cls'; cls: ClassCtx }
  | { kind: 'self'; cls: ClassCtx }
  | { kind: 'dict'; entries: Map<string, Val> }
  | { kind: 'ref'; q: string } // an imported name not called (nn.relu, initializer factory...)
  /** functools.partial(target, *args, **kwargs): calling it calls target with those arguments first. */
  | { kind: 'partial'; target: Val; args: PyArg[] }
  /** `lambda x: ...`, with the scope it was written in (a `Scope`; typed here as its home only, as scope.ts imports this module). */
  | { kind: 'lambda'; fn: PyLambda; scope: LambdaHome }
  | { kind: 'const'; v: boolean | null } // True / False / None
  /**
   * k · out^out · in^inn · (one kernel_size entry)^ks, read from a module iterated by init code
   * (`m.kernel_size[0] * m.kernel_size[1] * m.out_channels`, `math.sqrt(2. / n)`).
   */
  | { kind: 'fan'; k: number; out: number; inn: number; ks: number }
  | { kind: 'unknown' };

export const UNKNOWN: Val = { kind: 'unknown' };

export type TensorVal = Extract<Val, { kind: 'tensor' }>;

export function tensor(pend: Pend[] = [], ch: number | null = null, src?: LayerRec[]): TensorVal {
  return src && src.length ? { kind: 'tensor', pend, ch, src } : { kind: 'tensor', pend, ch };
}

/** Layers whose (activated) output this tensor carries. */
export function srcOf(v: Val): LayerRec[] {
  if (v.kind !== 'tensor') return [];
  return [...(v.src ?? []), ...v.pend.map((p) => p.rec)];
}

export interface PyFrameworkResult {
  layers: LayerRec[];
  seqs: SeqRec[];
  classes: ClassCtx[];
  imports: Imports;
}

export function pushPath(rec: LayerRec, p: AccessPath): void {
  if (!rec.paths.some((x) => x.expr === p.expr && x.fn === p.fn)) rec.paths.push(p);
}

export function arith(op: string, a: number, b: number): number | null {
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
/** The weight layers of a Sequential, nested containers, wrapped layers and list items included. */
export function seqLayers(seq: SeqRec, seen: Set<SeqRec> = new Set()): LayerRec[] {
  if (seen.has(seq)) return [];
  seen.add(seq);
  const out: LayerRec[] = [];
  for (const it of seq.items) {
    if (it.kind === 'weight') out.push(it.rec);
    else if (it.kind === 'seq') out.push(...seqLayers(it.seq, seen));
    else if (it.kind === 'wrapper' && it.inner.kind === 'weight') out.push(it.inner.rec);
    else if (it.kind === 'list') for (const x of it.items) if (x.kind === 'weight') out.push(x.rec);
  }
  return out;
}

export function setListOwner(o: Obj, ml: ModList, depth = 0): void {
  if (depth > 8) return;
  if (o.kind === 'weight') o.rec.listOwner = ml;
  else if (o.kind === 'seq') for (const x of o.seq.items) setListOwner(x, ml, depth + 1);
  else if (o.kind === 'list') for (const x of o.items) setListOwner(x, ml, depth + 1);
}

export function joinVals(vals: Val[]): Val {
  const tensors = vals.filter((v): v is Extract<Val, { kind: 'tensor' }> => v.kind === 'tensor');
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
    if (v.kind === 'obj') objs.push(v.o);
    else if (v.kind === 'objs') objs.push(...v.items);
  }
  if (objs.length === 1) return { kind: 'obj', o: objs[0] };
  if (objs.length > 1) return { kind: 'objs', items: objs };
  return vals.find((v) => v.kind !== 'unknown') ?? UNKNOWN;
}

/** A binding that holds a module with weights (a layer, a container, a user module). */
export function hasLayer(v: Val | undefined): boolean {
  const layerObj = (o: Obj): boolean => o.kind === 'weight' || o.kind === 'seq' || o.kind === 'instance' || o.kind === 'list' || o.kind === 'wrapper';
  return !!v && ((v.kind === 'obj' && layerObj(v.o)) || (v.kind === 'objs' && v.items.some(layerObj)));
}

/** `return nn.ReLU()` / `return nn.GELU()` from two branches: one activation module, unknown when they differ. */
export function unifyActs(v: Val): Val {
  if (v.kind !== 'objs') return v;
  const acts = v.items.filter((o): o is Extract<Obj, { kind: 'act' }> => o.kind === 'act');
  if (acts.length < 2) return v;
  const agree = acts.every((o) => sameAct(o.act, acts[0].act));
  const act: Obj = agree ? acts[0] : { kind: 'act', act: { name: 'unknown', via: 'sequential', text: acts.map((o) => o.act.text ?? o.act.name).join(' or ') } };
  const items = [act, ...v.items.filter((o) => o.kind !== 'act')];
  return items.length === 1 ? { kind: 'obj', o: items[0] } : { kind: 'objs', items };
}

/** GLU (torch, keras, flax, jax): a·σ(b) over the two halves of its input. */
export function isGlu(text: string | undefined): boolean {
  return text !== undefined && /(^|\.)glu$/.test(text);
}

export function halfWidth(ch: number | null): number | null {
  return ch !== null && ch % 2 === 0 ? ch / 2 : null;
}

/** An activation that depends on which branch of an `if` runs. */
export function branchUnknown(a: ActivationInfo, b: ActivationInfo): ActivationInfo {
  const t = (x: ActivationInfo) => x.text ?? x.name;
  return { name: 'unknown', via: 'forward', span: a.span ?? b.span, text: `${t(a)} or ${t(b)} (depends on an if branch)` };
}

/** Two activations are the same function (ReLU and ReLU6 are both 'relu'). */
export function sameAct(a: ActivationInfo, b: ActivationInfo): boolean {
  return a.name === b.name && a.param === b.param;
}

/** One binding after an `if` whose condition is not known (see mergeBranches in branches.ts). */
export function mergeVal(a: Val | undefined, b: Val | undefined, elseAssigned: boolean, maybeNone: WeakSet<Val>): Val | undefined {
  if (a === undefined || b === undefined) {
    // bound in one branch only (or before the `if` and not in that branch): keep a module,
    // a tensor or an activation; anything else as sequential execution leaves it
    const v = a ?? b!;
    return v.kind === 'obj' || v.kind === 'objs' || v.kind === 'tensor' ? v : elseAssigned ? b : a;
  }
  const objsOf = (v: Val): Obj[] | null => (v.kind === 'obj' ? [v.o] : v.kind === 'objs' ? v.items : v.kind === 'const' && v.v === null ? [] : null);
  const oa = objsOf(a);
  const ob = objsOf(b);
  if (oa && ob) {
    const items = [...oa];
    for (const o of ob) if (!items.includes(o)) items.push(o);
    const acts = items.filter((o): o is Extract<Obj, { kind: 'act' }> => o.kind === 'act');
    const passes = items.some((o) => o.kind === 'pass' && !o.reshape);
    const agree = acts.every((o) => sameAct(o.act, acts[0].act)) && !(acts.length && passes);
    let out = items;
    if (acts.length && !agree) {
      // nn.ReLU() in one branch, nn.Tanh() (or nn.Identity()) in the other
      const text = [...acts.map((o) => o.act.text ?? o.act.name), ...(passes ? ['nn.Identity()'] : [])].join(' or ');
      const unknownAct: Obj = { kind: 'act', act: { name: 'unknown', via: 'sequential', text } };
      out = [unknownAct, ...items.filter((o) => o.kind !== 'act' && !(o.kind === 'pass' && !o.reshape))];
    } else if (acts.length > 1) out = [acts[0], ...items.filter((o) => o.kind !== 'act')];
    if (out.length === 0) return elseAssigned ? b : a;
    const v: Val = out.length === 1 ? { kind: 'obj', o: out[0] } : { kind: 'objs', items: out };
    if ((a.kind === 'const' || b.kind === 'const' || maybeNone.has(a) || maybeNone.has(b)) && hasLayer(v)) maybeNone.add(v);
    return v;
  }
  if (a.kind === 'tensor' && b.kind === 'tensor') return joinVals([a, b]);
  if ((a.kind === 'num' || a.kind === 'str' || a.kind === 'const') && (b.kind === 'num' || b.kind === 'str' || b.kind === 'const')) {
    return a.kind === b.kind && a.v === b.v ? a : UNKNOWN;
  }
  // `if self.downsample is not None: identity = self.downsample(x)`: an unread call on a tensor is
  // still a tensor, so the data flow (a residual `out += identity`) is kept
  if (a.kind === 'tensor' && b.kind === 'unknown') return a;
  if (b.kind === 'tensor' && a.kind === 'unknown') return b;
  return elseAssigned ? b : a;
}

export function concatVals(vals: Val[]): Val {
  const pend: Pend[] = [];
  const src: LayerRec[] = [];
  let ch: number | null = 0;
  for (const v of vals) {
    if (v.kind !== 'tensor') {
      ch = null;
      continue;
    }
    pend.push(...v.pend);
    if (v.src) src.push(...v.src);
    ch = ch !== null && v.ch !== null ? ch + v.ch : null;
  }
  return tensor(pend, ch, src);
}

/** The output of an activation applied to `input`: it follows the layers whose output was pending. */
export function afterAct(out: Extract<Val, { kind: 'tensor' }>, recs: LayerRec[]): Extract<Val, { kind: 'tensor' }> {
  return recs.length ? { ...out, postAct: recs } : out;
}
