/**
 * Calls into the libraries: an imported name called (`nn.Linear(...)`, `layers.Dense(...)`,
 * `F.relu(x)`, `torch.cat`, `nn.init.kaiming_normal_`) and methods called on values
 * (`x.relu()`, `model.add(...)`, `seq.append(...)`, `self.add_module(...)`), by framework role.
 */
import { torchCalculateGain } from '../../../math/index.js';
import { type PyExpr, type PyStmt, argOf, dottedName, kwarg, positional } from '../../../parse/pyast.js';
import { callLambda } from '../eval/lambda.js';
import type { ActivationInfo, ActivationName, InitSpec } from '../../../types.js';
import { consume, foldSeq, makeSeq, noteNorm, residualAdd } from '../eval/dataflow.js';
import { nameValue } from '../eval/paths.js';
import { type Scope, bodyOf, inLoop, lookup, rootName, topStmtOf } from '../eval/scope.js';
import { type BidiMerge, type ClassCtx, type LayerRec, type ModFilter, type ModList, type Obj, type SeqRec, UNKNOWN, type Val, afterAct, concatVals, halfWidth, isGlu, joinVals, setListOwner, srcOf, tensor } from '../eval/values.js';
import { Imports } from '../imports.js';
import type { Evaluator } from '../eval/evaluator.js';
import { roleOf } from '../vocab.js';
import { initializerCall, tensorInitMethod } from './initializers.js';
import { kerasActivation, lastDim, makeLayer, shortText } from './layerFans.js';
import { recordInit, torchInitCall } from './torchInitCode.js';

/**
 * Wrappers that return the layer they are given (true: its weight is recomputed so the init's
 * scale no longer counts; 'orthogonal': the weight is orthogonal whatever the init; false: the
 * init still sets the start).
 */
const WEIGHT_WRAPPERS = new Map<string, boolean | 'orthogonal'>([
  ['torch.nn.utils.spectral_norm', true],
  ['torch.nn.utils.parametrizations.spectral_norm', true],
  ['torch.nn.utils.weight_norm', false],
  ['torch.nn.utils.parametrizations.weight_norm', false],
  ['torch.nn.utils.parametrizations.orthogonal', 'orthogonal'],
]);

export function callRef(ev: Evaluator, q: string, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, stmt?: PyStmt): Val {
  const role = roleOf(q);
  if (!role) {
    if (q === 'torch.nn.init.calculate_gain') {
      const nl = ev.eval(argOf(e, 0, 'nonlinearity') ?? { kind: 'other', span: e.span, parts: [] }, scope);
      const pa = ev.eval(argOf(e, 1, 'param') ?? { kind: 'other', span: e.span, parts: [] }, scope);
      if (nl.kind === 'str') {
        const g = torchCalculateGain(nl.v, pa.kind === 'num' ? pa.v : undefined);
        if (g !== null) return { kind: 'num', v: g };
      }
      return UNKNOWN;
    }
    if (q === 'functools.partial') {
      // partial(nnx.leaky_relu, negative_slope=0.2): the activation, with its parameter.
      const fnV = e.args[0] && e.args[0].name === null ? ev.eval(e.args[0].value, scope) : UNKNOWN;
      const fnRole = fnV.kind === 'ref' ? roleOf(fnV.q) : undefined;
      if (fnV.kind === 'ref' && fnRole && fnRole.kind === 'actFn') {
        let param = fnRole.param;
        if (fnRole.act === 'leaky_relu') {
          const sl = kwarg(e, 'negative_slope')?.value ?? kwarg(e, 'alpha')?.value;
          const v = sl ? ev.eval(sl, scope) : null;
          if (v && v.kind === 'num') param = v.v;
        }
        for (const a of e.args.slice(1)) ev.eval(a.value, scope);
        return { kind: 'obj', o: { kind: 'act', act: { name: fnRole.act, param, via: 'sequential', span: e.span, text: shortText(fnV.q) } } };
      }
      if (fnV.kind === 'ref' && fnRole && fnRole.kind === 'passFn') {
        // partial(nnx.avg_pool, window_shape=(2, 2)): shape only
        for (const a of e.args.slice(1)) ev.eval(a.value, scope);
        return { kind: 'obj', o: { kind: 'pass' } };
      }
      // partial(nn.Conv, use_bias=False), partial(nn.BatchNorm, momentum=0.9), partial(Block, act=...):
      // each call of it builds the target with these arguments first (Flax's ResNet idiom).
      if (fnV.kind === 'ref' || fnV.kind === 'cls' || fnV.kind === 'fn' || fnV.kind === 'partial') return { kind: 'partial', target: fnV, args: e.args.slice(1) };
    }
    if (q === 'math.sqrt' || q === 'numpy.sqrt') {
      const v = ev.eval(e.args[0]?.value ?? { kind: 'other', span: e.span, parts: [] }, scope);
      if (v.kind === 'fan' && v.k > 0) return { kind: 'fan', k: Math.sqrt(v.k), out: v.out / 2, inn: v.inn / 2, ks: v.ks / 2 };
      return v.kind === 'num' && v.v >= 0 ? { kind: 'num', v: Math.sqrt(v.v) } : UNKNOWN;
    }
    if (IDENTITY_LIKE.has(q.slice(q.lastIndexOf('.') + 1))) {
      // DropPath(0.1), StochasticDepth(rate), LayerScale(1e-6) from another module of the project
      // or a library: they drop or scale whole samples/channels, no nonlinearity
      for (const a of e.args) ev.eval(a.value, scope);
      return { kind: 'obj', o: { kind: 'pass' } };
    }
    const reparam = WEIGHT_WRAPPERS.get(q);
    if (reparam !== undefined) {
      // spectral_norm(nn.Conv2d(...)) is the layer itself, its weight divided by its largest
      // singular value on every use; weight_norm keeps W = g·v/|v| equal to its init at the start.
      const layer = e.args[0] && e.args[0].name === null ? ev.eval(e.args[0].value, scope) : UNKNOWN;
      for (const a of e.args.slice(1)) ev.eval(a.value, scope);
      const name = kwarg(e, 'name')?.value;
      const onWeight = !name || (name.kind === 'str' && name.value === 'weight');
      if (layer.kind === 'obj' && layer.o.kind === 'weight') {
        if (reparam === 'orthogonal' && onWeight) layer.o.rec.init = { name: 'orthogonal', explicit: true, source: 'argument', distribution: 'orthogonal', gain: 1, span: e.span };
        else if (reparam && onWeight) layer.o.rec.reparametrized = shortText(q);
        return layer;
      }
      return layer.kind === 'obj' ? layer : UNKNOWN;
    }
    if (q === 'torch.nn.utils.parametrize.register_parametrization') {
      const layer = e.args[0] && e.args[0].name === null ? ev.eval(e.args[0].value, scope) : UNKNOWN;
      const tensorName = argOf(e, 1, 'tensor_name');
      for (const a of e.args.slice(1)) ev.eval(a.value, scope);
      if (layer.kind === 'obj' && layer.o.kind === 'weight' && tensorName?.kind === 'str' && tensorName.value === 'weight') layer.o.rec.reparametrized = 'register_parametrization';
      return layer.kind === 'obj' ? layer : UNKNOWN;
    }
    if (SHAPE_READS.has(q)) {
      for (const a of e.args) ev.eval(a.value, scope);
      return UNKNOWN;
    }
    if (EINSUM.has(q)) {
      // einsum('nct,ncp->ntp', q, k), matmul(q, k): a product of its operands (attention scores, weighted sums)
      const what = `${q.slice(q.lastIndexOf('.') + 1)} (a product of tensors)`;
      const eat = (v: Val): void => {
        if (v.kind === 'tensor') consume(ev, v.pend, { name: 'linear', via: 'dataflow', span: e.span, text: what });
        else if (v.kind === 'list') v.items.forEach(eat);
      };
      for (const a of e.args) eat(ev.eval(a.value, scope));
      return tensor([], null);
    }
    if (isSink(q)) {
      for (const a of e.args) {
        const v = ev.eval(a.value, scope);
        if (v.kind === 'tensor') consume(ev, v.pend, { name: 'linear', via: 'forward', span: e.span, text: q.split('.').pop() });
      }
      return tensor([], null);
    }
    // unknown library call: args are evaluated; tensors meet an unknown op
    let out: Val = UNKNOWN;
    for (const a of e.args) {
      const v = ev.eval(a.value, scope);
      if (v.kind === 'tensor' && v.pend.length) consume(ev, v.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: q });
      if (v.kind === 'tensor') out = tensor([], null);
    }
    return out;
  }
  switch (role.kind) {
    case 'weight':
      return { kind: 'obj', o: { kind: 'weight', rec: makeLayer(ev, role.spec, q, e, scope, stmt) } };
    case 'actModule': {
      let act: ActivationInfo = { name: role.act, param: role.param, via: 'sequential', span: e.span, text: shortText(q) };
      let halves = q === 'torch.nn.GLU';
      if (role.fromArg === 'keras') {
        const a = argOf(e, 0, 'activation');
        const ka = kerasActivation(ev, a, scope);
        halves = isGlu(ka.text);
        act = { ...ka, via: 'sequential', span: e.span, text: shortText(q) };
      } else {
        const slope = q.endsWith('LeakyReLU') ? argOf(e, 0, 'negative_slope') ?? kwarg(e, 'alpha')?.value : undefined;
        if (slope) {
          const v = ev.eval(slope, scope);
          if (v.kind === 'num') act.param = v.v;
        }
        if (q.endsWith('.ELU') || q.endsWith('.CELU')) {
          const al = argOf(e, 0, 'alpha');
          const v = al ? ev.eval(al, scope) : null;
          if (v && v.kind === 'num') act.param = v.v;
        }
      }
      return { kind: 'obj', o: halves ? { kind: 'act', act, halves } : { kind: 'act', act } };
    }
    case 'actFn': {
      // nn.relu(x) / F.relu(x) / tf.nn.relu(x) / F.leaky_relu(x, 0.2)
      const argE = e.args.find((a) => a.name === null && !a.star)?.value;
      // (x * mask, x / scale with named operands: a masked input, not a formula)
      const plain = (x: PyExpr) => x.kind === 'name' || x.kind === 'attr';
      const masked = argE?.kind === 'bin' && (argE.op === '*' || argE.op === '/') && plain(argE.left) && plain(argE.right);
      if (argE && !masked && (argE.kind === 'bin' || argE.kind === 'unary') && !(argE.kind === 'bin' && (argE.op === '+' || argE.op === '-'))) {
        // tanh(0.797 * (x + 0.044 * x**3)): part of a formula (GELU), not the layer's activation
        const inner = ev.firstArg(e, scope);
        if (inner.kind === 'tensor') consume(ev, inner.pend, { name: 'unknown', via: 'forward', span: e.span, text: 'an expression' });
        return tensor([], inner.kind === 'tensor' ? inner.ch : null);
      }
      const input = ev.firstArg(e, scope);
      let param = role.param;
      if (role.act === 'leaky_relu') {
        const s = argOf(e, 1, q.startsWith('torch') ? 'negative_slope' : q.startsWith('keras') || q.startsWith('tensorflow') ? 'alpha' : 'negative_slope') ?? kwarg(e, 'alpha')?.value ?? kwarg(e, 'negative_slope')?.value;
        const v = s ? ev.eval(s, scope) : null;
        if (v && v.kind === 'num') param = v.v;
      }
      if (input.kind === 'tensor') {
        consume(ev, input.pend, { name: role.act, param, via: 'forward', span: e.span, text: shortText(q) });
        return afterAct(tensor([], isGlu(q) ? halfWidth(input.ch) : input.ch, srcOf(input)), input.pend.map((p) => p.rec));
      }
      return tensor([], null);
    }
    case 'norm':
      return { kind: 'obj', o: { kind: 'norm', norm: role.norm } };
    case 'normFn': {
      const input = ev.firstArg(e, scope);
      if (input.kind === 'tensor') {
        noteNorm(ev, input.pend, role.norm, scope);
        return input;
      }
      return tensor();
    }
    case 'pass': {
      for (const a of e.args) ev.eval(a.value, scope);
      const last = q.slice(q.lastIndexOf('.') + 1);
      const reshapes = last === 'Flatten' || last === 'Reshape' || last === 'Unflatten' || last === 'Permute' || last === 'RepeatVector';
      return { kind: 'obj', o: reshapes ? { kind: 'pass', reshape: true } : { kind: 'pass' } };
    }
    case 'passFn': {
      const input = ev.firstArg(e, scope);
      if (input.kind === 'tensor') return tensor(input.pend, null, input.src);
      return tensor();
    }
    case 'add':
      return { kind: 'obj', o: { kind: 'add' } };
    case 'concat':
      return { kind: 'obj', o: { kind: 'concat' } };
    case 'addFn': {
      const a0 = e.args[0] ? ev.eval(e.args[0].value, scope) : UNKNOWN;
      if (a0.kind === 'list') return residualAdd(ev, a0.items, scope);
      const a1 = e.args[1] ? ev.eval(e.args[1].value, scope) : UNKNOWN;
      return residualAdd(ev, [a0, a1], scope);
    }
    case 'concatFn': {
      const a0 = e.args[0] ? ev.eval(e.args[0].value, scope) : UNKNOWN;
      for (const a of e.args.slice(1)) ev.eval(a.value, scope);
      if (a0.kind === 'list') return concatVals(a0.items);
      return UNKNOWN;
    }
    case 'wrapper': {
      const inner = e.args[0] ? ev.toObj(ev.eval(e.args[0].value, scope)) : null;
      for (const a of e.args.slice(1)) ev.eval(a.value, scope);
      if (inner && q === 'keras.layers.Bidirectional') {
        // Bidirectional(layer, merge_mode="concat", weights=None, backward_layer=None)
        const mm = argOf(e, 1, 'merge_mode');
        const mv = mm ? ev.eval(mm, scope) : null;
        const merge: BidiMerge = !mm
          ? 'concat'
          : mm.kind === 'const' && mm.value === null
            ? 'split'
            : mv && mv.kind === 'str'
              ? mv.v === 'concat' ? 'concat' : mv.v === 'sum' || mv.v === 'mul' || mv.v === 'ave' ? 'keep' : 'unknown'
              : 'unknown';
        const bl = kwarg(e, 'backward_layer');
        const backward = bl ? ev.toObj(ev.eval(bl.value, scope)) ?? undefined : undefined;
        return { kind: 'obj', o: { kind: 'wrapper', inner, merge, ...(backward ? { backward } : {}) } };
      }
      if (inner && q === 'flax.linen.Bidirectional') {
        // Bidirectional(forward_rnn, backward_rnn, merge_fn=<concatenate>, ...)
        const be = argOf(e, 1, 'backward_rnn');
        const backward = be ? ev.toObj(ev.eval(be, scope)) ?? undefined : undefined;
        const merge: BidiMerge = kwarg(e, 'merge_fn') ? 'unknown' : 'concat';
        return { kind: 'obj', o: { kind: 'wrapper', inner, merge, ...(backward ? { backward } : {}) } };
      }
      return inner ? { kind: 'obj', o: { kind: 'wrapper', inner } } : UNKNOWN;
    }
    case 'sequential':
      return { kind: 'obj', o: { kind: 'seq', seq: makeSeq(ev, role.framework, e, scope) } };
    case 'modulelist': {
      const a = e.args[0] ? ev.eval(e.args[0].value, scope) : null;
      const items: Obj[] = [];
      let template = false;
      const ml: ModList = { call: e, items, paths: [], muts: [], opaque: !!a && a.kind !== 'list' };
      if (a && a.kind === 'list') {
        template = a.template;
        for (const it of a.items) {
          const o = ev.toObj(it);
          if (o) items.push(o);
          else ml.opaque = true;
        }
      }
      const list: Extract<Obj, { kind: 'list' }> = { kind: 'list', items, template, ml };
      for (const o of items) setListOwner(o, ml);
      return { kind: 'obj', o: list };
    }
    case 'moduledict': {
      const a = e.args[0] ? ev.eval(e.args[0].value, scope) : null;
      return a && a.kind === 'dict' ? a : { kind: 'dict', entries: new Map() };
    }
    case 'orderedDict': {
      const a = e.args[0] ? ev.eval(e.args[0].value, scope) : null;
      const entries = new Map<string, Val>();
      if (a && a.kind === 'list') {
        for (const it of a.items) {
          if (it.kind === 'list' && it.items.length === 2 && it.items[0].kind === 'str') entries.set(it.items[0].v, it.items[1]);
        }
      }
      return { kind: 'dict', entries };
    }
    case 'model': {
      for (const a of e.args) ev.eval(a.value, scope);
      const fn = scope.fn;
      if (!ev.modelCalls.has(fn)) ev.modelCalls.set(fn, e);
      const all = ev.modelCallsAll.get(fn) ?? new Map<number, Extract<PyExpr, { kind: 'call' }>>();
      all.set(e.span.from, e);
      ev.modelCallsAll.set(fn, all);
      return UNKNOWN;
    }
    case 'input': {
      const shape = argOf(e, 0, 'shape') ?? kwarg(e, 'batch_shape')?.value;
      const ch = shape ? lastDim(ev, shape, scope) : null;
      return tensor([], ch);
    }
    case 'initFn':
      torchInitCall(ev, role.name, e, scope, stmt);
      return UNKNOWN;
    case 'initializer':
      return { kind: 'init', spec: initializerCall(ev, role.fw, role.name, e, scope) };
    case 'identityFn':
      return ev.firstArg(e, scope);
    case 'baseModule':
      return UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** x.view(...), x.relu(), model.add(...), self.apply(fn), self.modules(), p.data.normal_(...) ... */
export function methodCall(ev: Evaluator, e: Extract<PyExpr, { kind: 'call' }>, fnE: Extract<PyExpr, { kind: 'attr' }>, scope: Scope, stmt?: PyStmt): Val | null {
  const root = rootName(fnE);
  if (root !== null && !lookup(scope, root) && ev.imports.map.has(root)) return null; // an imported function: callRef
  const obj = ev.eval(fnE.obj, scope);
  const m = fnE.attr;
  // `model = Net().to(device)`, `.cuda()`, `.eval()`: torch.nn.Module methods that return the module itself
  // (also on a layer: `self.conv1 = nn.Conv2d(1, 32, 3).to(device)`)
  const o = obj.kind === 'obj' ? obj.o : null;
  const torchModule =
    o !== null &&
    ((o.kind === 'seq' && o.seq.framework === 'pytorch') ||
      (o.kind === 'instance' && o.cls.framework === 'pytorch' && !o.cls.methods.has(m)) ||
      (o.kind === 'weight' && o.rec.spec.framework === 'pytorch'));
  if (torchModule && MODULE_SELF_METHODS.has(m)) {
    for (const a of e.args) ev.eval(a.value, scope);
    return obj;
  }
  if (obj.kind === 'tensor') {
    const act = TENSOR_ACT_METHODS[m];
    if (act) {
      for (const a of e.args) ev.eval(a.value, scope);
      if (m === 'clamp' || m === 'clamp_' || m === 'clip') {
        const lo = kwarg(e, 'min')?.value ?? positional(e, 0);
        if (!(lo && lo.kind === 'num' && lo.value === 0)) return tensor([], obj.ch);
      }
      consume(ev, obj.pend, { name: act, via: 'forward', span: e.span, text: `.${m}()` });
      return tensor([], obj.ch, srcOf(obj));
    }
    if (TENSOR_QUERY_METHODS.has(m)) {
      for (const a of e.args) ev.eval(a.value, scope);
      return UNKNOWN;
    }
    if (TENSOR_PASS_METHODS.has(m)) {
      for (const a of e.args) ev.eval(a.value, scope);
      if (m === 'split' || m === 'chunk' || m === 'unbind' || m === 'tensor_split') {
        // a, b = h.chunk(2, dim=-1): each part may meet its own operation (a * sigmoid(b))
        return tensor(obj.pend.map((p) => ({ ...p, part: true })), null, obj.src);
      }
      return tensor(obj.pend, m === 'view' || m === 'reshape' || m === 'flatten' ? null : obj.ch, obj.src);
    }
    if (m === 'add' || m === 'add_') {
      const other = ev.eval(e.args[0]?.value ?? { kind: 'other', span: e.span, parts: [] }, scope);
      if (other.kind === 'tensor') return residualAdd(ev, [obj, other], scope);
      return obj;
    }
    for (const a of e.args) ev.eval(a.value, scope);
    consume(ev, obj.pend, { name: 'unknown', via: 'dataflow', span: e.span, text: `.${m}()` });
    return tensor([], null);
  }
  if (obj.kind === 'obj' && obj.o.kind === 'seq' && (m === 'add' || m === 'append')) {
    const v = ev.eval(e.args[0]?.value ?? { kind: 'other', span: e.span, parts: [] }, scope);
    const o = ev.toObj(v);
    if (o) {
      obj.o.seq.items.push(o);
      foldSeq(ev, obj.o.seq);
      // path for layers added to a named sequential
      if (o.kind === 'weight' && obj.o.seq.name && !o.rec.name) o.rec.name = null;
    }
    return UNKNOWN;
  }
  if ((obj.kind === 'self' || (obj.kind === 'obj' && obj.o.kind === 'instance')) && (m === 'add_module' || m === 'register_module') && e.args.length === 2 && !e.args.some((a) => a.star)) {
    // self.add_module('fc1', nn.Linear(...)): the same as self.fc1 = nn.Linear(...)
    return registerModule(ev, fnE.obj, argOf(e, 0, 'name')!, argOf(e, 1, 'module')!, scope);
  }
  if (obj.kind === 'obj' && obj.o.kind === 'seq' && (m === 'add_module' || m === 'register_module') && e.args.length === 2 && !e.args.some((a) => a.star)) {
    // nn.Sequential().add_module('fc1', nn.Linear(...)): appended under that name
    const nameV = ev.eval(argOf(e, 0, 'name')!, scope);
    const o = ev.toObj(ev.eval(argOf(e, 1, 'module')!, scope));
    if (o) {
      const seq = obj.o.seq as SeqRec & { names?: (string | null)[] };
      seq.items.push(o);
      (seq.names ??= []).length = seq.items.length - 1;
      seq.names.push(nameV.kind === 'str' ? nameV.v : null);
      if (o.kind === 'weight' && !o.rec.seqOwner) o.rec.seqOwner = seq;
      const base = dottedName(fnE.obj);
      if (nameV.kind === 'str' && /^[A-Za-z_]\w*$/.test(nameV.v) && base) {
        nameValue(ev, { kind: 'obj', o }, nameV.v, scope, `${base}.${nameV.v}`, fnE.obj.kind === 'attr' && rootName(fnE.obj) === 'self');
      }
      foldSeq(ev, seq);
    }
    return UNKNOWN;
  }
  if (obj.kind === 'obj' && obj.o.kind === 'list' && (m === 'append' || m === 'extend')) {
    const list = obj.o;
    const v = ev.eval(e.args[0]?.value ?? { kind: 'other', span: e.span, parts: [] }, scope);
    const ml = list.ml;
    const added: Obj[] = [];
    if (m === 'append') {
      const o = ev.toObj(v);
      if (o) {
        list.items.push(o);
        added.push(o);
        if (inLoop(scope)) list.template = true;
        // (a ModuleList's member appended once, after the loop, keeps its own identity: a head)
        if (o.kind === 'weight' && list.template && (!ml || inLoop(scope))) o.rec.template = true;
      } else if (ml) ml.opaque = true;
    } else if (v.kind === 'list') {
      // extend([... for _ in range(n)]) or extend(...) in a loop repeats at run time
      if (v.template || inLoop(scope)) list.template = true;
      for (const it of v.items) {
        const o = ev.toObj(it);
        if (o) {
          list.items.push(o);
          added.push(o);
          if (o.kind === 'weight' && list.template && inLoop(scope)) o.rec.template = true;
        } else if (ml) ml.opaque = true;
      }
    } else if (ml) ml.opaque = true;
    if (ml) {
      for (const o of added) setListOwner(o, ml);
      const stmt = topStmtOf(scope);
      if (stmt) ml.muts.push({ stmt, body: bodyOf(scope), fn: scope.fn });
    }
    return UNKNOWN;
  }
  if (obj.kind === 'list' && (m === 'append' || m === 'extend')) {
    const v = ev.eval(e.args[0]?.value ?? { kind: 'other', span: e.span, parts: [] }, scope);
    if (m === 'append') {
      obj.items.push(v);
      if (inLoop(scope)) {
        obj.template = true;
        if (v.kind === 'obj' && v.o.kind === 'weight') v.o.rec.template = true;
      }
    } else if (v.kind === 'list') obj.items.push(...v.items);
    return UNKNOWN;
  }
  if ((obj.kind === 'self' || (obj.kind === 'obj' && obj.o.kind === 'instance')) && (m === 'modules' || m === 'children' || m === 'named_modules')) {
    const cls = obj.kind === 'self' ? obj.cls : (obj.o as { cls: ClassCtx }).cls;
    const filter: ModFilter = { types: null, exclude: [], nameTests: [], substr: [], scope: cls, instanceOf: null };
    if (m === 'named_modules') return { kind: 'zip', items: [UNKNOWN, { kind: 'anymod', filter }] };
    return { kind: 'anymod', filter };
  }
  // for m in net.modules(): the container's members (nested containers followed for modules());
  // `for seq in (self.encoder, self.decoder): for m in seq.modules()` reaches every container's
  const isContainer = (x: Obj) => x.kind === 'seq' || (x.kind === 'list' && !!x.ml);
  const conts = obj.kind === 'obj' && isContainer(obj.o) ? [obj.o] : obj.kind === 'objs' && obj.items.length && obj.items.every(isContainer) ? obj.items : [];
  if (conts.length && (m === 'modules' || m === 'children' || m === 'named_modules' || m === 'named_children')) {
    const items: Obj[] = [];
    const deep = m === 'modules' || m === 'named_modules';
    const walk = (members: Obj[]) => {
      for (const it of members) {
        items.push(it);
        if (deep && it.kind === 'seq') walk(it.seq.items);
        else if (deep && it.kind === 'list') walk(it.items);
      }
    };
    for (const c of conts) {
      if (c.kind === 'seq') walk(c.seq.items);
      else if (c.kind === 'list') walk(c.items);
    }
    const v: Val = { kind: 'objs', items };
    return m.startsWith('named_') ? { kind: 'zip', items: [UNKNOWN, v] } : v;
  }
  const weightsOf = obj.kind === 'objs' && obj.items.length && obj.items.every((x) => x.kind === 'weight') ? obj.items.map((x) => (x as { rec: LayerRec }).rec) : null;
  if ((obj.kind === 'self' || weightsOf || (obj.kind === 'obj' && (obj.o.kind === 'instance' || obj.o.kind === 'weight' || obj.o.kind === 'seq'))) && (m === 'parameters' || m === 'named_parameters')) {
    let owner: LayerRec[] | null = null;
    let cls: ClassCtx | null = null;
    // `self.rnn` bound to nn.LSTM in one branch and nn.GRU in the other: both
    if (weightsOf) owner = weightsOf;
    else if (obj.kind !== 'obj') cls = obj.kind === 'self' ? obj.cls : null;
    else if (obj.o.kind === 'instance') cls = obj.o.cls;
    else if (obj.o.kind === 'weight') owner = [obj.o.rec];
    else if (obj.o.kind === 'seq') owner = obj.o.seq.items.flatMap((x) => (x.kind === 'weight' ? [x.rec] : []));
    const filter: ModFilter = { types: null, exclude: [], nameTests: [], substr: [], scope: cls, instanceOf: null };
    return { kind: 'anyparam', owner, filter, which: 'any' };
  }
  if ((obj.kind === 'self' || (obj.kind === 'obj' && obj.o.kind === 'instance')) && m === 'apply') {
    const fnV = ev.eval(e.args[0]?.value ?? { kind: 'other', span: e.span, parts: [] }, scope);
    const cls = obj.kind === 'self' ? obj.cls : (obj.o as { cls: ClassCtx }).cls;
    if (fnV.kind === 'fn') {
      const filter: ModFilter = { types: null, exclude: [], nameTests: [], substr: [], scope: cls, instanceOf: null };
      const arg: Val = { kind: 'anymod', filter };
      if (fnV.cls && fnV.self) ev.callFn(fnV.def, [fnV.self, arg], new Map(), scope, fnV.cls);
      else ev.callFn(fnV.def, [arg], new Map(), scope, null);
    }
    return UNKNOWN;
  }
  if (obj.kind === 'param') {
    // p.normal_(0, 0.02), p.data.zero_(), p.fill_(0), p.uniform_(-a, a)
    const spec = fanScaledNormal(ev, m, e, scope, obj.filter) ?? tensorInitMethod(ev, m, e, scope);
    if (spec) {
      recordInit(ev, obj, spec, e, scope, stmt);
      return UNKNOWN;
    }
    return UNKNOWN;
  }
  if (obj.kind === 'anyparam' && (m === 'normal_' || m === 'uniform_' || m === 'zero_' || m === 'fill_')) {
    const spec = tensorInitMethod(ev, m, e, scope);
    if (spec) recordInit(ev, { kind: 'param', layers: obj.owner, filter: obj.filter, which: obj.which, data: false }, spec, e, scope, stmt);
    return UNKNOWN;
  }
  return null;
}

/**
 * `self.add_module(name, m)`, `self.register_module(name, m)`, `setattr(self, name, m)`:
 * with a literal name, an attribute assignment; with a computed one (`f'fc{i}'`), the
 * module is still built and owned by the class, and `getattr(self, <computed>)` reaches it.
 */
export function registerModule(ev: Evaluator, recvE: PyExpr, nameE: PyExpr, valueE: PyExpr, scope: Scope): Val {
  const recv = ev.eval(recvE, scope);
  const nameV = ev.eval(nameE, scope);
  const v = ev.eval(valueE, scope);
  const cls = recv.kind === 'self' ? recv.cls : recv.kind === 'obj' && recv.o.kind === 'instance' ? recv.o.cls : null;
  if (!cls) return UNKNOWN;
  const names = ev.loopNames.get(nameV);
  if (names) {
    // for name in ("fc1", "fc2"): setattr(self, name, nn.Linear(...)): one layer, built once per name
    for (const n of names) cls.attrs.set(n, v);
    return UNKNOWN;
  }
  if (nameV.kind === 'str' && /^[A-Za-z_]\w*$/.test(nameV.v)) {
    if (recvE.kind === 'name') ev.assign({ kind: 'attr', obj: recvE, attr: nameV.v, span: nameE.span }, v, scope, null);
    else cls.attrs.set(nameV.v, v);
    return UNKNOWN;
  }
  const o = v.kind === 'obj' ? v.o : null;
  if (o) (cls.dynAttrs ??= []).includes(o) || cls.dynAttrs.push(o);
  return UNKNOWN;
}

export const TENSOR_ACT_METHODS: Record<string, ActivationName> = {
  relu: 'relu', relu_: 'relu', tanh: 'tanh', tanh_: 'tanh', sigmoid: 'sigmoid', sigmoid_: 'sigmoid', softmax: 'softmax',
  log_softmax: 'softmax', clamp: 'relu', clamp_: 'relu', clip: 'relu',
};

export const TENSOR_QUERY_METHODS = new Set(['size', 'dim', 'numel', 'item', 'tolist', 'numpy', 'get_device', 'element_size', 'is_contiguous', 'nelement', 'ndimension']);

export const TENSOR_PASS_METHODS = new Set([
  'view', 'reshape', 'flatten', 'permute', 'transpose', 'contiguous', 'squeeze', 'unsqueeze', 'float', 'to', 'mean', 'sum', 'type',
  'cuda', 'cpu', 'double', 'half', 'view_as', 'reshape_as', 'expand', 'repeat', 'unflatten', 'detach', 'clone', 'mul', 'div', 'mul_', 'div_',
  'split', 'chunk', 'unbind', 'tensor_split',
]);

const SPATIAL_DIMS: Record<string, number> = { Linear: 0, Conv1d: 1, Conv2d: 2, Conv3d: 3, ConvTranspose1d: 1, ConvTranspose2d: 2, ConvTranspose3d: 3 };

/**
 * `m.weight.data.normal_(0, math.sqrt(2. / n))` with `n = m.kernel_size[0] * m.kernel_size[1] *
 * m.out_channels` in a loop over `isinstance(m, nn.Conv2d)` modules: a variance scaling of each
 * layer's own fan (He fan_out here). The kernel_size entries must cover every spatial dimension of
 * the layers the branch selects; otherwise the scale is left unknown.
 */
function fanScaledNormal(ev: Evaluator, m: string, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, filter: ModFilter | null): InitSpec | null {
  if (m !== 'normal_') return null;
  const stdE = argOf(e, 1, 'std');
  const v = stdE ? ev.eval(stdE, scope) : null;
  if (!v || v.kind !== 'fan') return null;
  const mean = argOf(e, 0, 'mean');
  const mv = mean ? ev.eval(mean, scope) : ({ kind: 'num', v: 0 } as Val);
  const unknown: InitSpec = { name: 'random_normal', explicit: true, source: 'init-call', distribution: 'untruncated_normal', mean: 0, std: 1, unknownArgs: true };
  const one = (x: number, y: number) => x === -0.5 && y === 0;
  const mode = one(v.out, v.inn) ? 'fan_out' : one(v.inn, v.out) ? 'fan_in' : null;
  const dims = filter?.types?.map((t) => SPATIAL_DIMS[t]);
  const factors = v.ks / -0.5;
  if (!mode || mv.kind !== 'num' || mv.v !== 0 || !dims?.length || dims.some((d) => d !== factors)) return unknown;
  const scale = Math.round(v.k * v.k * 1e9) / 1e9;
  return { name: 'variance_scaling', explicit: true, source: 'init-call', distribution: 'untruncated_normal', scale, mode, mean: 0, text: `normal_(0, √(${+scale.toFixed(4)}/${mode}))` };
}

/** `torch.einsum`, `jnp.einsum`, `keras.ops.matmul`, `torch.bmm`: a product of the operands. */
const EINSUM = new Set([
  'torch.einsum', 'jax.numpy.einsum', 'tensorflow.einsum', 'keras.ops.einsum', 'numpy.einsum', 'torch.matmul', 'torch.bmm', 'torch.mm',
  'jax.numpy.matmul', 'jax.numpy.dot', 'tensorflow.matmul', 'tensorflow.linalg.matmul', 'keras.ops.matmul', 'keras.ops.dot',
  // fused attention: softmax(q·kᵀ)·v, products of the projections it is given
  'torch.nn.functional.scaled_dot_product_attention', 'jax.nn.dot_product_attention', 'flax.linen.dot_product_attention',
  'flax.linen.attention.dot_product_attention', 'flax.nnx.dot_product_attention', 'keras.ops.dot_product_attention',
]);

/**
 * Imported module classes known by their conventional names (timm's `DropPath`, Keras CV's
 * `StochasticDepth`, CaiT/ConvNeXt `LayerScale`, Scenic's `IdentityLayer`) whose output is their
 * input, dropped per sample or scaled per channel: what follows them acts on the layer before.
 */
const IDENTITY_LIKE = new Set(['DropPath', 'StochasticDepth', 'LayerScale', 'IdentityLayer']);

/** Calls that read a tensor's shape, not its values (`keras.ops.shape(x)`, `tf.shape(x)`). */
const SHAPE_READS = new Set(['keras.ops.shape', 'keras.ops.size', 'keras.ops.ndim', 'tensorflow.shape', 'tensorflow.size', 'tensorflow.rank', 'jax.numpy.shape', 'jax.numpy.size', 'torch.numel']);

/**
 * Where a layer's output is read as raw values (logits, means, regression targets): losses and
 * probability distributions built from its output (`Categorical(logits=...)`, `Normal(mu, std)`).
 */
const SINK_PREFIXES = ['torch.distributions.', 'tensorflow_probability.distributions.', 'tensorflow_probability.python.distributions.', 'distrax.', 'numpyro.distributions.', 'keras.losses.'];
export function isSink(q: string): boolean {
  return SINKS.has(q) || SINK_PREFIXES.some((p) => q.startsWith(p));
}

/**
 * A callee named as a loss or a metric (`criterion(out, y)`, `self.loss_fn(labels, logits)`,
 * `bce_loss(...)`, `self.accuracy_fn(y, logits)`): it reads a model's output, it is not part of
 * the network.
 */
export function isLossName(dotted: string): boolean {
  const last = dotted.slice(dotted.lastIndexOf('.') + 1).toLowerCase().replace(/_?(fn|func|function|obj|object)$/, '');
  const word = last.slice(last.lastIndexOf('_') + 1);
  return ['loss', 'criterion', 'metric', 'accuracy'].includes(word);
}

/**
 * `set_attributes(self, locals())` (pytorchvideo and similar helpers): every argument of the
 * method becomes an attribute of the same name, as if written `self.x = x` for each.
 */
export function storesLocals(ev: Evaluator, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope): boolean {
  if (e.args.length !== 2 || e.args.some((a) => a.star || a.name !== null) || !scope.fn) return false;
  const [a0, a1] = [e.args[0]!.value, e.args[1]!.value];
  if (a0.kind !== 'name' || a1.kind !== 'call' || a1.fn.kind !== 'name' || a1.fn.id !== 'locals' || a1.args.length !== 0) return false;
  const recv = scope.vars.get(a0.id);
  if (!recv || recv.kind !== 'self') return false;
  for (const p of scope.fn.params.slice(1)) {
    const v = scope.vars.get(p.name);
    if (v && p.name) ev.assign({ kind: 'attr', obj: a0, attr: p.name, span: e.span }, v, scope, null);
  }
  return true;
}

export const SINKS = new Set([
  'torch.nn.functional.cross_entropy', 'torch.nn.functional.nll_loss', 'torch.nn.functional.mse_loss', 'torch.nn.functional.l1_loss',
  'torch.nn.functional.smooth_l1_loss', 'torch.nn.functional.huber_loss', 'torch.nn.functional.binary_cross_entropy_with_logits',
  'torch.nn.functional.kl_div', 'torch.argmax', 'torch.topk', 'torch.max', 'optax.softmax_cross_entropy',
  'optax.softmax_cross_entropy_with_integer_labels', 'optax.sigmoid_binary_cross_entropy', 'optax.l2_loss',
]);

/** torch.nn.Module methods that return the module itself. */
export const MODULE_SELF_METHODS = new Set(['to', 'cuda', 'cpu', 'float', 'double', 'half', 'bfloat16', 'train', 'eval', 'requires_grad_', 'share_memory', 'to_empty', 'xpu', 'mps']);

export const BUILTINS = new Set(['print', 'len', 'isinstance', 'getattr', 'setattr', 'hasattr', 'super', 'range', 'enumerate', 'zip', 'int', 'float', 'str', 'list', 'tuple', 'dict', 'type', 'repr', 'format', 'max', 'min', 'assert']);

/** `x * sigmoid(x)` / `sigmoid(x) * x` with the same name: the operand. */
export function siluOperand(e: Extract<PyExpr, { kind: 'bin' }>, imports: Imports): PyExpr | null {
  const isSig = (c: PyExpr, name: string): boolean => {
    if (c.kind === 'call') {
      const q = imports.resolve(c.fn);
      const a = c.args[0]?.value;
      if (q && /(^|\.)sigmoid$/.test(q) && a && a.kind === 'name' && a.id === name) return true;
    }
    return c.kind === 'call' && c.fn.kind === 'attr' && c.fn.attr === 'sigmoid' && c.fn.obj.kind === 'name' && c.fn.obj.id === name && c.args.length === 0;
  };
  if (e.left.kind === 'name' && isSig(e.right, e.left.id)) return e.left;
  if (e.right.kind === 'name' && isSig(e.left, e.right.id)) return e.right;
  return null;
}

/**
 * Calls a partial: Python's partial(f, *a, **k)(*b, **j) is f(*a, *b, **{**k, **j}). The bound
 * arguments are read again at each call, in the calling scope (they are almost always literals
 * or names of the module), and the layer is placed at the call.
 */
export function callPartial(ev: Evaluator, p: Extract<Val, { kind: 'partial' }>, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, stmt?: PyStmt): Val {
  const given = new Set(e.args.filter((a) => a.name !== null).map((a) => a.name));
  const args = [
    ...p.args.filter((a) => a.name === null && !a.star),
    ...e.args.filter((a) => a.name === null && !a.star),
    ...p.args.filter((a) => a.name !== null && !given.has(a.name)),
    ...e.args.filter((a) => a.name !== null || a.star),
  ];
  return ev.callValue(p.target, { ...e, args }, scope, stmt);
}

/**
 * `map(lambda t: rearrange(t, ...), qkv)`: the lambda's body run on the items (their tensors
 * joined: the chunks of one projection go the same way). Null when the function is not a
 * lambda (the call is then an unknown one).
 */
export function callMap(ev: Evaluator, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope): Val | null {
  const f = e.args[0]?.value;
  const items = e.args[1]?.value;
  if (!f || !items || f.kind !== 'other' || !f.lambda || f.lambda.params.length !== 1 || e.args.length !== 2) return null;
  const it = ev.eval(items, scope);
  return callLambda(ev, f.lambda, scope, [it.kind === 'list' ? joinVals(it.items) : it]);
}
