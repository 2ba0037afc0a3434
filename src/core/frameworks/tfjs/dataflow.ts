/**
 * TensorFlow.js data flow and activation following. `applyOf` builds the graph of `.apply` calls
 * and tensor ops (`tf.relu(h)`, `h.relu()`), each node knowing its inputs and consumers;
 * `evalTensors` follows a value to the tensors it holds, through local helpers' returns.
 * A layer's activation, when its config does not write one, is found by walking forward: the
 * next items of its sequential (`followSequential`) or the consumers of its output
 * (`followDataflow`), through dropout, pooling, flatten, reshape and normalization (recorded),
 * and noting a residual `add`.
 */
import type { ActivationInfo, Normalization } from '../../types.js';
import { calleePath, callArgs, deref, resolveRef, strip } from './bindings.js';
import { configValue, evalLayer, evalNumber, evalString, weightOf } from './evaluate.js';
import { initFrom } from './initializers.js';
import type { ApplyNode, FollowResult, LayerCall, SeqItem, TensorVal } from './records.js';
import type { TfjsFile } from './state.js';
import { children, exprChildren, nodeKey } from './syntax.js';
import { ACTIVATION_LAYERS, ACTIVATION_STRINGS, FEATURE_PRESERVING, FUNCTION_NODES, NORM_LAYERS, OP_ACTIVATIONS, SHAPE_CHANGING } from './vocab.js';
import type { SyntaxNode } from '@lezer/common';

export function evalTensors(file: TfjsFile, n: SyntaxNode | null): TensorVal[] {
  if (!n || file.depth > 40) return [{ kind: 'unknown' }];
  file.depth++;
  try {
    const e = strip(file, n);
    if (e.name === 'ArrayExpression') {
      return exprChildren(e).flatMap((el) => evalTensors(file, el));
    }
    if (e.name === 'CallExpression') {
      const app = applyOf(file, e);
      if (app) return [{ kind: 'apply', app }];
      const path = calleePath(file, e);
      if (path && path.length === 1 && path[0] === 'input') return [{ kind: 'input', node: e }];
      // A local helper (`const y = convBlock(x, 32)`): what it returns.
      const fn = e.firstChild ? deref(file, e.firstChild) : null;
      if (fn && FUNCTION_NODES.has(fn.name) && !file.inFunction.has(nodeKey(fn))) {
        file.inFunction.add(nodeKey(fn));
        try {
          const returned = returnedExprs(file, fn);
          if (returned.length > 0) return returned.flatMap((r) => evalTensors(file, r));
        } finally {
          file.inFunction.delete(nodeKey(fn));
        }
      }
      return [{ kind: 'unknown' }];
    }
    if (e.name === 'VariableName' || e.name === 'MemberExpression') {
      const d = resolveRef(file, e);
      return d?.value ? evalTensors(file, d.value) : [{ kind: 'unknown' }];
    }
    return [{ kind: 'unknown' }];
  } finally {
    file.depth--;
  }
}

/** The expressions a function returns (its own `return`s, not nested functions'). */
export function returnedExprs(file: TfjsFile, fn: SyntaxNode): SyntaxNode[] {
  const body = fn.lastChild;
  if (!body) return [];
  if (body.name !== 'Block') return fn.name === 'ArrowFunction' ? [body] : [];
  const out: SyntaxNode[] = [];
  const walk = (n: SyntaxNode): void => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (FUNCTION_NODES.has(c.name) || c.name === 'ClassDeclaration' || c.name === 'ClassExpression') continue;
      if (c.name === 'ReturnStatement') {
        const e = exprChildren(c).find((k) => k.name !== 'return');
        if (e) out.push(e);
        continue;
      }
      walk(c);
    }
  };
  walk(body);
  return out;
}

/** `layer.apply(x)` → its dataflow node (memoized); null when the call is not `.apply`. */
export function applyOf(file: TfjsFile, call: SyntaxNode): ApplyNode | null {
  const memo = file.applyMemo.get(nodeKey(call));
  if (memo) return memo;
  const callee = call.firstChild;
  if (!callee) return null;
  const op = opActivation(file, call);
  if (op) {
    const app: ApplyNode = { node: call, layer: null, op: op.info, inputs: [], consumers: [] };
    file.applyMemo.set(nodeKey(call), app);
    app.inputs = evalTensors(file, op.input);
    for (const i of app.inputs) if (i.kind === 'apply' && !i.app.consumers.includes(app)) i.app.consumers.push(app);
    return app;
  }
  if (callee.name !== 'MemberExpression') return null;
  const kids = children(callee);
  const prop = kids[kids.length - 1];
  if (!prop || prop.name !== 'PropertyName' || file.textOf(prop) !== 'apply' || !kids[0]) return null;
  const app: ApplyNode = { node: call, layer: null, inputs: [], consumers: [] };
  file.applyMemo.set(nodeKey(call), app);
  app.layer = evalLayer(file, kids[0]);
  app.inputs = evalTensors(file, callArgs(file, call)[0] ?? null);
  for (const i of app.inputs) if (i.kind === 'apply' && !i.app.consumers.includes(app)) i.app.consumers.push(app);
  return app;
}

/** `tf.relu(t)` / `tf.leakyRelu(t, 0.1)` / `t.relu()`: the activation and its input tensor. */
export function opActivation(file: TfjsFile, call: SyntaxNode): { info: ActivationInfo; input: SyntaxNode | null } | null {
  const callee = call.firstChild;
  if (!callee) return null;
  const args = callArgs(file, call);
  const path = calleePath(file, call);
  let name: string | null = null;
  let input: SyntaxNode | null = null;
  let alphaArg: SyntaxNode | null = null;
  if (path) {
    if (path.length !== 1 || !OP_ACTIVATIONS[path[0]!]) return null;
    name = path[0]!;
    input = args[0] ?? null;
    alphaArg = args[1] ?? null;
  } else if (callee.name === 'MemberExpression') {
    const kids = children(callee);
    const prop = kids[kids.length - 1];
    if (!prop || prop.name !== 'PropertyName' || !OP_ACTIVATIONS[file.textOf(prop)] || !kids[0] || kids[0].name === 'this') return null;
    name = file.textOf(prop);
    input = kids[0];
    alphaArg = args[0] ?? null;
  }
  if (!name) return null;
  const info: ActivationInfo = { name: OP_ACTIVATIONS[name]!, via: 'dataflow', span: { from: call.from, to: call.to }, text: file.textOf(call) };
  if (name === 'leakyRelu') {
    // tfjs-core leakyRelu(x, alpha = 0.2).
    const a = alphaArg ? evalNumber(file, alphaArg) : 0.2;
    if (a !== null) info.param = a;
  }
  if (name === 'elu') info.param = 1;
  return { info, input };
}

export function activationFromString(file: TfjsFile, value: SyntaxNode, via: ActivationInfo['via']): ActivationInfo {
  const s = evalString(file, value);
  const span = { from: value.from, to: value.to };
  const text = file.textOf(value);
  if (s === null) return { name: 'unknown', via, span, text };
  const name = ACTIVATION_STRINGS[s] ?? 'unknown';
  const info: ActivationInfo = { name, via, span, text };
  if (name === 'elu') info.param = 1;
  return info;
}

/** The activation an activation layer applies. */
export function activationOfLayer(file: TfjsFile, lc: LayerCall, via: ActivationInfo['via']): ActivationInfo {
  const span = { from: lc.node.from, to: lc.node.to };
  const text = file.textOf(lc.node);
  const num = (k: string, dflt: number): number | undefined => {
    const v = configValue(file, lc.config, k);
    if (!v) return dflt;
    return evalNumber(file, v) ?? undefined;
  };
  switch (lc.factory) {
    case 'activation': {
      const v = configValue(file, lc.config, 'activation');
      if (!v) return { name: 'unknown', via, span, text };
      return { ...activationFromString(file, v, via), span, text };
    }
    case 'reLU':
    case 'thresholdedReLU':
      return { name: 'relu', via, span, text };
    case 'leakyReLU': {
      const info: ActivationInfo = { name: 'leaky_relu', via, span, text };
      const a = num('alpha', 0.3);
      if (a !== undefined) info.param = a;
      return info;
    }
    case 'elu': {
      const info: ActivationInfo = { name: 'elu', via, span, text };
      const a = num('alpha', 1);
      if (a !== undefined) info.param = a;
      return info;
    }
    case 'softmax':
      return { name: 'softmax', via, span, text };
    case 'prelu': {
      // tfjs PReLU: DEFAULT_ALPHA_INITIALIZER = 'zeros', so the learned slope starts at 0.
      const v = configValue(file, lc.config, 'alphaInitializer');
      const init = v ? initFrom(file, v) : null;
      const info: ActivationInfo = { name: 'leaky_relu', via, span };
      let slope: number | undefined = 0;
      if (init) slope = init.name === 'zeros' ? 0 : init.name === 'ones' ? 1 : init.name === 'constant' ? init.value : undefined;
      if (slope !== undefined) info.param = slope;
      info.text = `${text} (learned slope, initial value ${slope === undefined ? 'unknown' : slope})`;
      return info;
    }
    default:
      return { name: 'unknown', via, span, text };
  }
}

/** Walk a sequential's items after index `i`. */
export function followSequential(file: TfjsFile, items: SeqItem[], i: number): FollowResult {
  let normalization: Normalization | null = null;
  for (let j = i + 1; j < items.length; j++) {
    const lc = items[j]!.layer;
    if (!lc) return { activation: null, normalization, residual: false, unknown: true };
    if (ACTIVATION_LAYERS.has(lc.factory)) {
      return { activation: activationOfLayer(file, lc, 'sequential'), normalization, residual: false, unknown: false };
    }
    const norm = NORM_LAYERS[lc.factory];
    if (norm) {
      normalization ??= norm;
      continue;
    }
    if (FEATURE_PRESERVING.has(lc.factory) || SHAPE_CHANGING.has(lc.factory)) continue;
    if (weightOf(file, lc)) break;
    return { activation: null, normalization, residual: false, unknown: true };
  }
  return { activation: null, normalization, residual: false, unknown: false };
}

/** Walk the consumers of an applied layer's output. */
export function followDataflow(file: TfjsFile, start: ApplyNode): FollowResult {
  let normalization: Normalization | null = null;
  let residual = false;
  const seen = new Set<ApplyNode>([start]);
  let cur = start;
  let activation: ActivationInfo | null = null;
  for (let steps = 0; steps < 50; steps++) {
    const consumers = [...cur.consumers].sort((a, b) => a.node.from - b.node.from);
    if (consumers.some((c) => c.layer?.factory === 'add')) residual = true;
    if (activation) {
      // Look one step past the activation for a residual add (and through pass-through layers).
      const next = consumers.find((c) => (c.layer && FEATURE_PRESERVING.has(c.layer.factory)) || c.op);
      if (!next || seen.has(next)) break;
      seen.add(next);
      cur = next;
      continue;
    }
    // Branching output: prefer the consumer that says most about this layer's activation.
    const rank = (c: ApplyNode): number => {
      const f = c.layer?.factory;
      if (c.op || (f && ACTIVATION_LAYERS.has(f))) return 0;
      if (f && NORM_LAYERS[f]) return 1;
      if (f && (FEATURE_PRESERVING.has(f) || SHAPE_CHANGING.has(f))) return 2;
      if (f && f !== 'add') return 3;
      return f === 'add' ? 5 : 4;
    };
    const next = [...consumers].sort((a, b) => rank(a) - rank(b))[0];
    if (!next || seen.has(next)) break;
    seen.add(next);
    if (next.op) {
      activation = next.op;
      cur = next;
      continue;
    }
    const lc = next.layer;
    if (!lc) return { activation: null, normalization, residual, unknown: true };
    if (ACTIVATION_LAYERS.has(lc.factory)) {
      activation = activationOfLayer(file, lc, 'dataflow');
      cur = next;
      continue;
    }
    const norm = NORM_LAYERS[lc.factory];
    if (norm) {
      normalization ??= norm;
      cur = next;
      continue;
    }
    if (
      FEATURE_PRESERVING.has(lc.factory) ||
      SHAPE_CHANGING.has(lc.factory) ||
      lc.factory === 'add' ||
      lc.factory === 'concatenate'
    ) {
      cur = next;
      continue;
    }
    if (weightOf(file, lc)) break;
    return { activation: null, normalization, residual, unknown: true };
  }
  return { activation, normalization, residual, unknown: false };
}
