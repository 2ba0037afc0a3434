/**
 * Data flow of tensors: a module object applied to a tensor (layers, activations, norms,
 * containers, instances with a forward), the first activation that consumes a layer's pending
 * output, norms and residual additions on the way, slicing, and Sequential containers.
 */
import { type PyExpr, type PySlice, type PyStmt, dottedName, kwarg, stmtExprs, walkExpr, walkStmts } from '../../../parse/pyast.js';
import type { ActivationInfo, ActivationName, Framework, Normalization } from '../../../types.js';
import type { Evaluator } from './evaluator.js';
import { callLambda } from './lambda.js';
import { setInCh } from '../semantics/layerFans.js';
import type { Scope } from './scope.js';
import { type ClassCtx, type LayerRec, type Obj, type Pend, type SeqRec, type TensorVal, UNKNOWN, type Val, afterAct, branchUnknown, concatVals, halfWidth, isGlu, joinVals, sameAct, seqLayers, srcOf, tensor } from './values.js';

export function applyObj(ev: Evaluator, o: Obj, input: Val, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope): Val {
  const inT = input.kind === 'tensor' ? input : input.kind === 'list' ? null : tensor();
  switch (o.kind) {
    case 'weight': {
      const rec = o.rec;
      if (inT) {
        for (const r of srcOf(inT)) if (r !== rec) r.feeds = true;
        consume(ev, inT.pend, { name: 'linear', via: 'dataflow', span: e.span, text: `${rec.spec.kind} (no activation in between)` });
        if (inT.ch !== null && rec.fanIn === null) setInCh(rec, inT.ch);
        else if (inT.ch !== null && rec.template && !rec.inChFromCtor) {
          // a layer built in a loop, applied to inputs of another width than before: no single fan_in
          const probe: LayerRec = { ...rec, fanIn: null };
          setInCh(probe, inT.ch);
          if (probe.fanIn !== null && probe.fanIn !== rec.fanIn) (rec.loopVaries ??= new Set()).add('fanIn');
        }
      } else if (input.kind === 'list') {
        for (const it of input.items) {
          for (const r of srcOf(it)) if (r !== rec) r.feeds = true;
          if (it.kind === 'tensor') consume(ev, it.pend, { name: 'linear', via: 'dataflow', span: e.span });
        }
      }
      rec.applied = true;
      if (rec.order === null) rec.order = ev.order++;
      if (rec.inlineAct && rec.inlineAct.name !== 'linear') {
        if (!rec.act) rec.act = rec.inlineAct;
        return afterAct(tensor([], isGlu(rec.inlineAct.text) ? halfWidth(rec.outCh) : rec.outCh, [rec]), [rec]);
      }
      if (rec.spec.embedding || rec.spec.recurrent) {
        if (!rec.act) rec.act = rec.inlineAct ?? { name: 'linear', via: 'default' };
        return tensor([], rec.outCh, [rec]);
      }
      return tensor([{ rec, norm: null }], rec.outCh);
    }
    case 'act':
      if (inT) {
        consume(ev, inT.pend, { ...o.act, span: o.act.span ?? e.span });
        return afterAct(tensor([], o.halves ? halfWidth(inT.ch) : inT.ch, srcOf(inT)), inT.pend.map((p) => p.rec));
      }
      return tensor();
    case 'norm':
      if (inT) {
        noteNorm(ev, inT.pend, o.norm, scope);
        // Conv → GELU → BatchNorm: normalized after its activation (the layer's output still is)
        if (!inT.pend.length) for (const r of inT.postAct ?? []) if (r.act && !r.norm) r.norm = o.norm;
        return inT;
      }
      return tensor();
    case 'pass':
      return inT ? (o.reshape ? tensor(inT.pend, null, inT.src) : inT) : tensor();
    case 'add':
      return input.kind === 'list' ? residualAdd(ev, input.items, scope) : inT ?? tensor();
    case 'concat':
      return input.kind === 'list' ? concatVals(input.items) : inT ?? tensor();
    case 'seq': {
      // A Sequential model called from a script (`D(G(z))` with two module-level Sequentials).
      const top = inT && o.seq.owner === null && !ev.stack.some(isForwardDef) ? ownInput(inT, otherSeqLayers(ev, o.seq)) : inT;
      let cur: Val = top ?? tensor();
      for (const it of o.seq.items) cur = applyObj(ev, it, cur, e, scope);
      return cur;
    }
    case 'list':
      return UNKNOWN;
    case 'wrapper': {
      const fwd = applyObj(ev, o.inner, input, e, scope);
      if (!o.merge) return fwd;
      // Keras Bidirectional: the backward copy has the same width unless a backward_layer is given.
      const bwd = o.backward ? applyObj(ev, o.backward, input, e, scope) : fwd;
      if (fwd.kind !== 'tensor' || bwd.kind !== 'tensor') return fwd;
      switch (o.merge) {
        case 'concat':
          return o.backward ? concatVals([fwd, bwd]) : tensor(fwd.pend, fwd.ch === null ? null : 2 * fwd.ch, fwd.src);
        case 'keep':
          return o.backward ? joinVals([fwd, bwd]) : fwd;
        case 'split':
          return { kind: 'list', items: [fwd, o.backward ? bwd : tensor(fwd.pend, fwd.ch, fwd.src)], template: false };
        default:
          return tensor(fwd.pend, null, [...(fwd.src ?? []), ...(o.backward ? bwd.src ?? [] : [])]);
      }
    }
    case 'input':
      return tensor([], o.ch);
    case 'lambda':
      return callLambda(ev, o.fn, o.scope, [input]);
    case 'instance': {
      const userNorm = userNormOf(o.cls);
      if (userNorm) return applyObj(ev, { kind: 'norm', norm: userNorm }, input, e, scope);
      const userAct = userActivationOf(o.cls);
      if (userAct) return applyObj(ev, { kind: 'act', act: { name: userAct, via: 'sequential', span: e.span, text: o.cls.name } }, input, e, scope);
      const own = o.cls.attrs.get('__seq__');
      if (own && own.kind === 'obj' && !o.cls.methods.has('forward')) return applyObj(ev, own.o, input, e, scope);
      // A user module called on the tensor: follow the tensor through its forward.
      const fwd = forwardOf(o.cls);
      if (fwd && inT && !ev.stack.includes(fwd) && ev.stack.length < 6 && ev.instRuns < 256) {
        ev.instRuns++;
        const arg = ev.stack.some(isForwardDef) ? inT : ownInput(inT);
        const out = ev.callMethod(o.cls, fwd, [arg, ...fwd.params.slice(2).map(() => UNKNOWN)], null, false, scope);
        if (out.kind === 'tensor') return out;
        if (out.kind === 'list') return joinVals(out.items);
        consume(ev, inT.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: o.cls.name });
        return tensor([], null);
      }
      if (inT) consume(ev, inT.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: o.cls.name });
      return tensor([], null);
    }
    default:
      return UNKNOWN;
  }
}

/**
 * A normalization written as a class of its own (`class LayerNorm(nn.Module)` over the channel
 * axis, `class RMSNorm`, `ChanLayerNorm`: common in research code): named for its normalization,
 * holding no weight layer, and computing a statistic in its forward (mean/var/std/norm, rsqrt,
 * or the framework's functional norm).
 */
/**
 * An activation written as a class of its own (minGPT's `NewGELU`, CLIP's `QuickGELU`, `Swish`,
 * `Mish`): named for the activation (an optional New/Quick/Fast/Approx prefix and Activation
 * suffix), holding no weight layer, with a forward.
 */
export function userActivationOf(cls: ClassCtx): ActivationName | null {
  if (cls.layers.length > 0) return null;
  const m = /^(?:New|Quick|Fast|Approx|Approximate)?(GELU|GeLU|Gelu|SiLU|Silu|Swish|Mish|ReLU|Relu|LeakyReLU|ELU|Elu|SELU|Sigmoid|Tanh|Softplus)(?:Activation)?$/.exec(cls.name);
  if (!m || !forwardOf(cls)) return null;
  const n = m[1]!.toLowerCase();
  return n === 'swish' ? 'silu' : n === 'leakyrelu' ? 'leaky_relu' : (n as ActivationName);
}

const userNorms = new WeakMap<ClassCtx, Normalization | null>();

export function userNormOf(cls: ClassCtx): Normalization | null {
  if (cls.layers.length > 0 || !/Norm(alization)?$/.test(cls.name)) return null;
  let n = userNorms.get(cls);
  if (n === undefined) userNorms.set(cls, (n = readUserNorm(cls)));
  return n;
}

function readUserNorm(cls: ClassCtx): Normalization | null {
  const fwd = forwardOf(cls);
  if (!fwd || !computesStatistic(fwd.body)) return null;
  const n = cls.name;
  if (n.includes('RMS')) return 'rmsnorm';
  if (n.includes('Group')) return 'groupnorm';
  if (n.includes('Batch')) return 'batchnorm';
  if (n.includes('Instance')) return 'instancenorm';
  return 'layernorm';
}

const STATISTICS = new Set(['mean', 'var', 'std', 'norm', 'rsqrt', 'layer_norm', 'group_norm', 'rms_norm', 'normalize', 'batch_norm', 'instance_norm', 'var_mean', 'std_mean']);

/** Whether a body calls a statistic (x.var(...), torch.mean(...), F.layer_norm(...), jax.lax.rsqrt(...)). */
function computesStatistic(body: PyStmt[]): boolean {
  let found = false;
  walkStmts(body, (st) => {
    for (const x of stmtExprs(st)) {
      walkExpr(x, (y) => {
        if (y.kind !== 'call') return;
        const name = y.fn.kind === 'attr' ? y.fn.attr : y.fn.kind === 'name' ? y.fn.id : null;
        if (name !== null && STATISTICS.has(name)) found = true;
      });
    }
  });
  return found;
}

/** The method a module runs when called: PyTorch's forward, Keras' call, Flax's __call__. */
const FORWARD_NAMES = ['forward', 'call', '__call__'];
const isForwardDef = (st: PyStmt) => st.kind === 'def' && FORWARD_NAMES.includes(st.name);

function forwardOf(cls: ClassCtx): Extract<PyStmt, { kind: 'def' }> | undefined {
  for (const n of FORWARD_NAMES) {
    const m = cls.methods.get(n);
    if (m) return m;
  }
  return undefined;
}

/**
 * The input of a model called outside every forward (a training script's `D(G(z))`, an
 * autoencoder's `decoder(encoder(x))`): the output of another model's layers (those a class
 * owns) is that model's output; it neither feeds this model's layers (the other model's last
 * layer stays its head) nor meets their activation; nor does the output of another module-level
 * Sequential (`others`). Layers applied at module level (Keras functional code around a custom
 * layer or a Sequential block) still flow in.
 */
function ownInput(t: TensorVal, others?: ReadonlySet<LayerRec>): TensorVal {
  const keep = (r: LayerRec) => r.owner === null && !others?.has(r);
  const pend = t.pend.filter((p) => keep(p.rec));
  const src = (t.src ?? []).filter(keep);
  if (pend.length === t.pend.length && src.length === (t.src?.length ?? 0)) return t;
  return tensor(pend, t.ch, src);
}

/** The layers of the other module-level Sequentials (models of their own) than `seq`. */
function otherSeqLayers(ev: Evaluator, seq: SeqRec): Set<LayerRec> {
  const own = new Set(seqLayers(seq));
  const out = new Set<LayerRec>();
  for (const s of ev.seqs.values()) if (s.owner === null) for (const r of seqLayers(s)) if (!own.has(r)) out.add(r);
  return out;
}

export function consume(ev: Evaluator, pend: Pend[], act: ActivationInfo): void {
  for (const p of pend) {
    p.rec.consumed = true;
    if (p.part && p.rec.act && !sameAct(p.rec.act, act) && p.rec.act.name !== 'unknown') {
      // GLU written out: one half linear, the other through a sigmoid
      const t = (x: ActivationInfo) => x.text ?? x.name;
      p.rec.act = { name: 'unknown', via: 'forward', span: act.span ?? p.rec.act.span, text: `parts of its output meet ${t(p.rec.act)} and ${t(act)}` };
      continue;
    }
    if (!p.rec.act) {
      const d = ev.deferredActs.get(p.rec);
      if (d) ev.deferredActs.delete(p.rec);
      p.rec.act = d && !sameAct(d, act) ? branchUnknown(d, act) : act;
      if (p.norm && !p.rec.norm) p.rec.norm = p.norm;
    }
  }
}

export function noteNorm(ev: Evaluator, pend: Pend[], norm: Normalization, scope: Scope): void {
  for (const p of pend) {
    if (!p.norm) p.norm = norm;
    if (!p.rec.act && !p.rec.norm) p.rec.norm = norm;
  }
  if (norm === 'layernorm' || norm === 'rmsnorm') {
    if (scope.cls) scope.cls.hasLayerNorm = true;
    ev.sawLayerNorm = true;
  }
}

export function residualAdd(ev: Evaluator, vals: Val[], scope: Scope): Val {
  const pend: Pend[] = [];
  const src: LayerRec[] = [];
  let ch: number | null = null;
  for (const v of vals) {
    if (v.kind !== 'tensor') continue;
    if (v.src) src.push(...v.src);
    if (ch === null) ch = v.ch;
    for (const p of v.pend) {
      p.rec.residual = true;
      pend.push(p);
    }
  }
  if (scope.cls) scope.cls.hasResidual = true;
  ev.sawResidual = true;
  return tensor(pend, ch, src);
}

/**
 * `layers[1:]`, `self.net[:-1]`: the items a slice keeps, when its bounds are known. A list built
 * in a loop has no stable positions; a container whose loop-built members come first can lose
 * members after them (`[:-1]` drops the head appended after the loop).
 */
export function slice(ev: Evaluator, base: Val, sl: PySlice, scope: Scope): Val | null {
  const bound = (x: PyExpr | null): number | null | undefined => {
    if (x === null) return null;
    const v = ev.eval(x, scope);
    return v.kind === 'num' && Number.isInteger(v.v) ? v.v : undefined;
  };
  const lo = bound(sl.lower);
  const hi = bound(sl.upper);
  const st = bound(sl.step);
  if (lo === undefined || hi === undefined || st === undefined || (st !== null && st !== 1)) return null;
  const cut = <T>(items: T[]): T[] => items.slice(lo ?? 0, hi ?? items.length);
  if (base.kind === 'list') return base.template ? null : { kind: 'list', items: cut(base.items), template: false };
  if (base.kind === 'obj' && base.o.kind === 'list' && base.o.template && base.o.ml) {
    // a ModuleList filled in a loop, then a head appended: [:-k] keeps the loop-built members
    const items = base.o.items;
    let lastT = -1;
    items.forEach((o, i) => {
      if ((o.kind === 'weight' && o.rec.template) || (o.kind === 'list' && o.template)) lastT = i;
    });
    const n = items.length;
    if (!((lo === null || lo === 0) && hi !== null && hi < 0 && n + hi > lastT)) return null;
    return { kind: 'obj', o: { kind: 'list', items: cut(items), template: true, ml: base.o.ml } };
  }
  if (base.kind === 'obj' && base.o.kind === 'list') return base.o.template ? null : { kind: 'obj', o: { kind: 'list', items: cut(base.o.items), template: false } };
  if (base.kind === 'obj' && base.o.kind === 'seq') {
    const seq = base.o.seq as SeqRec & { names?: (string | null)[] };
    let lastT = -1;
    seq.items.forEach((o, i) => {
      if ((o.kind === 'weight' && o.rec.template) || (o.kind === 'list' && o.template)) lastT = i;
    });
    const n = seq.items.length;
    if (lastT >= 0 && !((lo === null || lo === 0) && hi !== null && hi < 0 && n + hi > lastT)) return null;
    const sub: SeqRec & { names?: (string | null)[] } = { ...seq, items: cut(seq.items) };
    if (seq.names) sub.names = cut(seq.names);
    return { kind: 'obj', o: { kind: 'seq', seq: sub } };
  }
  return null;
}

export function foldSeq(ev: Evaluator, seq: SeqRec): void {
  let cur: Val = tensor();
  const dummy = seq.call;
  const scope = ev.moduleScope;
  for (const it of seq.items) {
    cur = applyObj(ev, it, cur, dummy, scope);
    if (it.kind === 'weight' && !it.rec.seqOwner) it.rec.seqOwner = seq;
  }
}

export function makeSeq(ev: Evaluator, framework: Framework, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope): SeqRec {
  const key = e.span.from;
  let seq = ev.seqs.get(key);
  if (!seq) {
    seq = { id: ev.seqs.size, call: e, framework, name: null, owner: scope.cls, fnScope: scope.fn, items: [] };
    ev.seqs.set(key, seq);
  }
  const items: Obj[] = [];
  const names: (string | null)[] = [];
  seq.opaque = false;
  const pushVal = (v: Val, nm: string | null) => {
    if (v.kind === 'list') {
      for (const x of v.items) pushVal(x, null);
      return;
    }
    const o = ev.toObj(v);
    if (!o) seq!.opaque = true;
    if (o && o.kind === 'list') {
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
  if (layersKw) pushVal(ev.eval(layersKw.value, scope), null);
  for (const a of e.args) {
    if (a.name !== null) {
      if (a.name !== 'layers') ev.eval(a.value, scope);
      continue;
    }
    const v = ev.eval(a.value, scope);
    if (v.kind === 'dict') {
      for (const [k, x] of v.entries) pushVal(x, k);
    } else if (framework === 'flax' && v.kind === 'unknown') {
      // A Flax Sequential applies any callable (a lambda, a helper): whatever it does
      // acts on the previous layer's output, which must not read as "no activation".
      items.push({ kind: 'act', act: { name: 'unknown', via: 'sequential', span: a.value.span, text: dottedName(a.value) ?? 'a callable' } });
      names.push(null);
    } else pushVal(v, null);
  }
  seq.items = items;
  (seq as SeqRec & { names?: (string | null)[] }).names = names;
  for (const it of items) if (it.kind === 'weight' && !it.rec.seqOwner) it.rec.seqOwner = seq;
  foldSeq(ev, seq);
  return seq;
}
