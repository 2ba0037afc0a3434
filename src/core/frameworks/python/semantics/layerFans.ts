/**
 * Layer fans: building a layer record from its constructor call, and reading its fan-in and fan-out
 * (units, channels, kernel size, input shape), its inline activation and its initializer arguments,
 * per framework (Keras, PyTorch, Flax linen and nnx); fans fixed by the real construction sites.
 */
import { type PyExpr, type PyStmt, argOf, kwarg, positional } from '../../../parse/pyast.js';
import type { ActivationInfo } from '../../../types.js';
import { staticTruth } from '../eval/branches.js';
import { type Scope, inLoop } from '../eval/scope.js';
import { type ClassCtx, type LayerRec, sameAct } from '../eval/values.js';
import type { Evaluator } from '../eval/evaluator.js';
import { KERAS_ACT_PARAM, type WeightLayerSpec, kerasActivationName, roleOf } from '../vocab.js';
import { evalNumStatic, initFromExpr, kerasDefault, kerasNoneInit, readBiasInit } from './initializers.js';

export function lastDim(ev: Evaluator, shape: PyExpr, scope: Scope): number | null {
  if (shape.kind === 'tuple' || shape.kind === 'list') {
    const last = shape.items[shape.items.length - 1];
    if (!last) return null;
    const v = ev.eval(last, scope);
    return v.kind === 'num' ? v.v : null;
  }
  const v = ev.eval(shape, scope);
  if (v.kind === 'num') return v.v;
  // input_shape = (28, 28, 1); keras.Input(shape=input_shape)
  if (v.kind === 'list' && v.items.length) {
    const last = v.items[v.items.length - 1];
    return last.kind === 'num' ? last.v : null;
  }
  return null;
}

export function makeLayer(ev: Evaluator, spec: WeightLayerSpec, q: string, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, stmt?: PyStmt): LayerRec {
  const key = e.span.from;
  let rec = ev.layers.get(key);
  const evalNum = (x: PyExpr | undefined): number | null => {
    if (!x) return null;
    const v = ev.eval(x, scope);
    return v.kind === 'num' && Number.isFinite(v.v) ? v.v : null;
  };
  if (!rec) {
    rec = {
      id: ev.layers.size,
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
    ev.layers.set(key, rec);
    if (rec.owner && !rec.owner.layers.includes(rec)) rec.owner.layers.push(rec);
    const nameArg = kwarg(e, 'name');
    if (nameArg && nameArg.value.kind === 'str') rec.name = nameArg.value.value;
  }
  if (inLoop(scope)) rec.template = true;
  for (const t of ev.loopTracks) t.add(rec);
  // Arguments are evaluated on every construction (fans may become known).
  fillLayer(ev, rec, e, scope, evalNum);
  return rec;
}

export function fillLayer(ev: Evaluator, rec: LayerRec, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, evalNum: (x: PyExpr | undefined) => number | null): void {
  const fw = rec.spec.framework;
  const s = rec.spec;
  const kernelArea = (x: PyExpr | undefined, rank: number): number | null => {
    if (!x) return null;
    if (x.kind === 'tuple' || x.kind === 'list') {
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
  // Kernel size and stride per axis (an int repeated over the rank; a tuple as written).
  const perAxis = (x: PyExpr | undefined, rank: number): number[] | null => {
    if (!x) return null;
    if (x.kind === 'tuple' || x.kind === 'list') {
      const out: number[] = [];
      for (const it of x.items) {
        const v = evalNum(it);
        if (v === null || !Number.isInteger(v) || v < 1) return null;
        out.push(v);
      }
      return out.length > 0 ? out : null;
    }
    const v = evalNum(x);
    return v === null || !Number.isInteger(v) || v < 1 ? null : Array<number>(rank || 1).fill(v);
  };
  const geometry = (kernel: PyExpr | undefined, stride: PyExpr | undefined, rank: number) => {
    const k = perAxis(kernel, rank);
    if (!k) return;
    rec.kernelSize = k;
    const st = stride ? perAxis(stride, k.length) : Array<number>(k.length).fill(1);
    if (st && st.length === k.length) rec.stride = st;
    else delete rec.stride;
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
      if (!s.separable) geometry(argOf(e, 1, 'kernel_size'), argOf(e, 2, 'strides'), s.rank);
      rec.outCh = filters;
      rec.kernelArea = s.separable ? 1 : k;
      if (s.separable) rec.fanOut = filters;
      else rec.fanOut = filters !== null && k !== null ? filters * k : null;
    }
    const inShape = kwarg(e, 'input_shape')?.value ?? kwarg(e, 'batch_input_shape')?.value;
    const inDim = kwarg(e, 'input_dim')?.value;
    if (!s.embedding) {
      const ch = inShape ? lastDim(ev, inShape, scope) : inDim ? evalNum(inDim) : null;
      if (ch !== null) setInCh(rec, ch);
    }
    // activation=
    const actArg = kwarg(e, 'activation') ?? (s.kind === 'Dense' && positional(e, 1) ? { name: 'activation', value: positional(e, 1)!, span: positional(e, 1)!.span } : undefined);
    if (actArg && !s.recurrent) {
      const next: ActivationInfo = { ...kerasActivation(ev, actArg.value, scope), via: 'argument', span: actArg.value.span };
      const prev = rec.inlineAct;
      // A helper run again for another call site (`build()` then `build("tanh")`): a parameter's
      // default gives way to a passed value; two passed values that disagree leave it unknown,
      // so the activation of one call is never paired with the init of another.
      if (prev && prev.via === 'argument' && !rec.inlineActSoft && !sameAct(prev, next)) {
        rec.inlineAct = { name: 'unknown', via: 'argument', span: next.span, text: `${prev.text ?? prev.name} or ${next.text ?? next.name}` };
      } else rec.inlineAct = next;
      rec.inlineActSoft = actArg.value.kind === 'name' && ev.softVals.has(ev.eval(actArg.value, scope));
      if (prev && rec.act === prev) rec.act = null;
    }
    else if (s.recurrent) rec.inlineAct = actArg ? { ...kerasActivation(ev, actArg.value, scope), via: 'argument', span: actArg.value.span } : { name: 'tanh', via: 'default' };
    const useBias = kwarg(e, 'use_bias');
    if (useBias && useBias.value.kind === 'const' && useBias.value.value === false) rec.bias = false;
    // initializers
    const kname = s.depthwise ? 'depthwise_initializer' : s.separable ? 'pointwise_initializer' : s.embedding ? 'embeddings_initializer' : 'kernel_initializer';
    const ki = kwarg(e, kname);
    const splat = e.args.some((a) => a.star === '**');
    rec.init = ki ? kerasNoneInit(ki.value) ?? initFromExpr(ev, ki.value, scope) : splat ? { name: 'unknown', explicit: true, source: 'argument' } : kerasDefault(s);
    if (s.recurrent) {
      const ri = kwarg(e, 'recurrent_initializer');
      rec.recInit = ri ? kerasNoneInit(ri.value) ?? initFromExpr(ev, ri.value, scope) : { name: 'orthogonal', explicit: false, source: 'default', distribution: 'orthogonal', gain: 1 };
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
      rec.inlineAct = { name: nl && nl.value.kind === 'str' && nl.value.value === 'relu' ? 'relu' : 'tanh', via: 'default' };
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
      geometry(argOf(e, 2, 'kernel_size'), argOf(e, 3, 'stride'), s.rank);
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
    if (b && b.kind === 'const' && b.value === false) rec.bias = false;
    else if (b && !(b.kind === 'const' && b.value === true)) {
      // bias=not use_bn: the bias may be None, so a fix must not zero it unconditionally
      const t = staticTruth(ev, b, scope);
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
    fillNnx(ev, rec, e, scope, evalNum, kernelArea);
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
      if (k !== 1) geometry(argOf(e, 1, 'kernel_size'), argOf(e, 2, 'strides'), 1);
      rec.kernelArea = k;
      rec.fanOut = rec.outCh !== null && k !== null ? rec.outCh * k : null;
    }
    const ub = kwarg(e, 'use_bias');
    if (ub && ub.value.kind === 'const' && ub.value.value === false) rec.bias = false;
    const kname = s.embedding ? 'embedding_init' : 'kernel_init';
    const ki = kwarg(e, kname);
    const splat = e.args.some((a) => a.star === '**');
    rec.init = ki ? initFromExpr(ev, ki.value, scope) : splat ? { name: 'unknown', explicit: true, source: 'argument' } : s.embedding
      ? { name: 'variance_scaling', explicit: false, source: 'default', scale: 1, mode: 'fan_in', distribution: 'untruncated_normal' }
      : { name: 'lecun_normal', explicit: false, source: 'default', distribution: 'truncated_normal' };
    const bi = kwarg(e, 'bias_init');
    if (bi) rec.biasInit = initFromExpr(ev, bi.value, scope);
    if (s.recurrent) {
      const ri = kwarg(e, 'recurrent_kernel_init');
      rec.recInit = ri ? initFromExpr(ev, ri.value, scope) : { name: 'orthogonal', explicit: false, source: 'default', distribution: 'orthogonal', gain: 1 };
    }
    readBiasInit(ev, rec, e, scope);
  }
}

export function setInCh(rec: LayerRec, ch: number | null): void {
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
      if (k !== null && !(swapped && swapped.kind === 'const' && swapped.value === true)) rec.fanIn = ch * k;
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

/** After every run: a layer of a class constructed at sites gets the fans those sites agree on. */
export function resolveCtorFans(ev: Evaluator): void {
  // a class built with different sizes at different sites: a fan_in the data flow gave one of
  // its layers (Keras) may come from any of them
  const varying = new Set<ClassCtx>();
  for (const [r, snaps] of ev.ctorSnaps) {
    if (r.owner && snaps.some((x) => x[0] !== snaps[0][0] || x[1] !== snaps[0][1])) varying.add(r.owner);
  }
  for (const r of ev.layers.values()) {
    if (r.owner && varying.has(r.owner) && !r.inChFromCtor) (r.loopVaries ??= new Set()).add('fanIn');
  }
  for (const [r, snaps] of ev.ctorSnaps) {
    if (r.owner && ev.ctorIncomplete.has(r.owner)) {
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

export function kerasActivation(ev: Evaluator, a: PyExpr | undefined, scope: Scope): ActivationInfo {
  if (!a) return { name: 'linear', via: 'default' };
  if (a.kind === 'str') return { name: kerasActivationName(a.value), param: KERAS_ACT_PARAM[a.value], via: 'argument', span: a.span, text: a.value };
  if (a.kind === 'const' && a.value === null) return { name: 'linear', via: 'argument', span: a.span, text: 'None' };
  const v = ev.eval(a, scope);
  if (v.kind === 'ref') {
    const role = roleOf(v.q);
    if (role && role.kind === 'actFn') return { name: role.act, param: role.param, via: 'argument', span: a.span, text: shortText(v.q) };
  }
  if (v.kind === 'obj' && v.o.kind === 'act') return { ...v.o.act, via: 'argument', span: a.span };
  if (v.kind === 'str') return { name: kerasActivationName(v.v), via: 'argument', span: a.span, text: v.v };
  return { name: 'unknown', via: 'argument', span: a.span };
}

/**
 * Flax NNX: `Linear(in_features, out_features)`, `Conv(in_features, out_features, kernel_size)`,
 * `Embed(num_embeddings, features)`, cells `(in_features, hidden_features)`. Kernels are laid out
 * (..., in, out) and drawn with in_axis=-2, out_axis=-1, as in linen.
 */
export function fillNnx(ev: Evaluator, rec: LayerRec,
    e: Extract<PyExpr, { kind: 'call' }>,
    scope: Scope,
    evalNum: (x: PyExpr | undefined) => number | null,
    kernelArea: (x: PyExpr | undefined, rank: number) => number | null,): void {
  const s = rec.spec;
  // An int or a tuple of ints (LinearGeneral flattens its in/out axes for the initializer).
  const size = (x: PyExpr | undefined): number | null => (x && (x.kind === 'tuple' || x.kind === 'list') ? kernelArea(x, 1) : evalNum(x));
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
      const v = ev.eval(fnArg.value, scope);
      const role = v.kind === 'ref' ? roleOf(v.q) : undefined;
      rec.inlineAct =
        v.kind === 'ref' && role && role.kind === 'actFn'
          ? { name: role.act, param: role.param, via: 'argument', span: fnArg.value.span, text: shortText(v.q) }
          : { name: 'unknown', via: 'argument', span: fnArg.value.span };
    }
  } else if (s.kind === 'Einsum') {
    // Einsum(einsum_str, kernel_shape): fan_in = prod(shape[:-1]), fan_out = prod(shape[:-2])·shape[-1].
    const shape = argOf(e, 1, 'kernel_shape');
    const dims = shape && (shape.kind === 'tuple' || shape.kind === 'list') ? shape.items.map((x) => evalNum(x)) : null;
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
    if (s.transpose && swapped && swapped.kind === 'const' && swapped.value === true) {
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
  if (ub && ub.value.kind === 'const' && ub.value.value === false) rec.bias = false;
  const ki = kwarg(e, s.embedding ? 'embedding_init' : 'kernel_init');
  const splat = e.args.some((a) => a.star === '**');
  rec.init = ki
    ? initFromExpr(ev, ki.value, scope)
    : splat
      ? { name: 'unknown', explicit: true, source: 'argument' }
      : s.embedding
        ? { name: 'variance_scaling', explicit: false, source: 'default', scale: 1, mode: 'fan_in', distribution: 'untruncated_normal' }
        : { name: 'lecun_normal', explicit: false, source: 'default', distribution: 'truncated_normal' };
  if (s.recurrent) {
    const ri = kwarg(e, 'recurrent_kernel_init');
    rec.recInit = ri ? initFromExpr(ev, ri.value, scope) : { name: 'orthogonal', explicit: false, source: 'default', distribution: 'orthogonal', gain: 1 };
  }
  readBiasInit(ev, rec, e, scope);
}

/** shortText by qualified name: asked at every activation the interpreter meets. Bounded: cleared past 4,096 names. */
const shortTexts = new Map<string, string>();

export function shortText(q: string): string {
  let t = shortTexts.get(q);
  if (t === undefined) {
    if (shortTexts.size >= 4096) shortTexts.clear();
    t = shortTextUncached(q);
    shortTexts.set(q, t);
  }
  return t;
}

function shortTextUncached(q: string): string {
  const parts = q.split('.');
  if (q.startsWith('torch.nn.functional.')) return 'F.' + parts[parts.length - 1];
  if (q.startsWith('torch.nn.')) return 'nn.' + parts[parts.length - 1];
  if (q.startsWith('flax.linen.')) return 'nn.' + parts[parts.length - 1];
  return parts.slice(-2).join('.');
}
