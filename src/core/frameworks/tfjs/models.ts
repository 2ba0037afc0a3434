/**
 * TensorFlow.js models: the containers (`tf.sequential({layers: [...]})` and its `model.add(...)`
 * calls, in document order; `tf.model({inputs, outputs})`, whose layers are those its outputs are
 * computed from), each weight layer's model and forward order, and the name a layer or model is
 * bound to (`const hidden = ...`, `{ hidden: ... }`, `this.hidden = ...`).
 */
import type { ModelInfo } from '../../types.js';
import { callArgs, calleePath, deref, refKey } from './bindings.js';
import { evalTensors } from './dataflow.js';
import { configValue, evalArray, evalLayer, propKey, weightOf } from './evaluate.js';
import type { ApplyNode, FuncModel, LayerCall, SeqItem, SeqModel, Shape, TensorVal } from './records.js';
import { outShape } from './shapes.js';
import type { TfjsFile } from './state.js';
import { children, nodeKey } from './syntax.js';
import type { SyntaxNode } from '@lezer/common';

/** The name a call's value is bound to: the variable, property or `this.` field it is assigned to. */
export function bindingNameOf(file: TfjsFile, call: SyntaxNode): string | null {
  let child = call;
  let p = call.parent;
  while (p && (p.name === 'ParenthesizedExpression' || p.name === 'AwaitExpression' || p.name === 'BinaryExpression')) {
    child = p;
    p = p.parent;
  }
  if (!p) return null;
  if (p.name === 'VariableDeclaration') {
    // The VariableDefinition just before `=` and this value.
    let s = child.prevSibling;
    while (s && s.name !== 'Equals') s = s.prevSibling;
    let d = s?.prevSibling ?? null;
    if (d?.name === 'TypeAnnotation') d = d.prevSibling;
    return d?.name === 'VariableDefinition' ? file.textOf(d) : null;
  }
  if (p.name === 'Property' && child.prevSibling?.name === ':') {
    // `{ hidden: tf.layers.dense(...) }`, but not a wrapper's config (`{layer: tf.layers.lstm(...)}`).
    if (p.parent?.parent?.name === 'ArgList') return null;
    return propKey(file, p);
  }
  if (p.name === 'AssignmentExpression' || p.name === 'PropertyDeclaration') {
    const key = p.name === 'AssignmentExpression' ? (p.firstChild ? refKey(file, p.firstChild) : null) : null;
    if (key) return key.startsWith('this.') ? key.slice(5) : key;
    const def = children(p).find((k) => k.name === 'PropertyDefinition');
    return def ? file.textOf(def) : null;
  }
  return null;
}

/** The sequential and functional models of the file. */
export function findContainers(file: TfjsFile): { seqModels: SeqModel[]; funcModels: FuncModel[] } {
  const seqModels: SeqModel[] = [];
  const funcModels: FuncModel[] = [];
  const seqByCall = new Map<string, SeqModel>();
  for (const call of file.calls) {
    const path = calleePath(file, call);
    if (!path || path.length !== 1) continue;
    if (path[0] === 'sequential') {
      const cfg = deref(file, callArgs(file, call)[0] ?? null);
      const items: SeqItem[] = [];
      for (const el of evalArray(file, configValue(file, cfg, 'layers')) ?? []) {
        items.push({ layer: el.name === 'Spread' ? null : evalLayer(file, el), node: el });
      }
      const m: SeqModel = { call, name: bindingNameOf(file, call), items };
      seqModels.push(m);
      seqByCall.set(nodeKey(call), m);
    } else if (path[0] === 'model') {
      const cfg = deref(file, callArgs(file, call)[0] ?? null);
      const out = configValue(file, cfg, 'outputs');
      funcModels.push({ call, name: bindingNameOf(file, call), outputs: out ? evalTensors(file, out) : [] });
    }
  }
  // `model.add(layer)`, in document order.
  for (const call of file.calls) {
    const callee = call.firstChild;
    if (callee?.name !== 'MemberExpression') continue;
    const kids = children(callee);
    const prop = kids[kids.length - 1];
    if (!prop || prop.name !== 'PropertyName' || file.textOf(prop) !== 'add' || !kids[0]) continue;
    const target = deref(file, kids[0]);
    const m = target?.name === 'CallExpression' ? seqByCall.get(nodeKey(target)) : undefined;
    if (!m) continue;
    const arg = callArgs(file, call)[0];
    if (arg) m.items.push({ layer: evalLayer(file, arg), node: arg });
  }
  return { seqModels, funcModels };
}

/** A layer's model and its place in the model's forward order. */
export type Membership = { model: number; order: number };

/** Where a layer sits in a sequential: the item's index and the shape flowing into it. */
export type SequentialPosition = { m: SeqModel; index: number; inShape: Shape };

/**
 * The models (sorted by position, ids in that order) with their weight layers (`idOf`: the id
 * of each weight layer), each weight layer's first membership, and its sequential position.
 */
export function modelMembership(
  file: TfjsFile,
  seqModels: SeqModel[],
  funcModels: FuncModel[],
  idOf: Map<LayerCall, number>,
): { models: ModelInfo[]; membership: Map<LayerCall, Membership>; seqPos: Map<LayerCall, SequentialPosition> } {
  const membership = new Map<LayerCall, Membership>();
  const seqPos = new Map<LayerCall, SequentialPosition>();
  const modelCalls: { call: SyntaxNode; kind: 'tf.sequential' | 'tf.model'; name: string | null; weights: LayerCall[] }[] = [];
  for (const m of seqModels) {
    const weights: LayerCall[] = [];
    let shape: Shape = null; // shape flowing into the item
    m.items.forEach((it, index) => {
      const inShape = shape;
      shape = outShape(file, it.layer, shape);
      const w = weightOf(file, it.layer);
      if (!w || weights.includes(w)) return;
      weights.push(w);
      // A timeDistributed wrapper hands its layer one time step.
      const wInShape = it.layer?.factory === 'timeDistributed' && inShape ? inShape.slice(1) : inShape;
      if (!seqPos.has(w)) seqPos.set(w, { m, index, inShape: wInShape });
    });
    modelCalls.push({ call: m.call, kind: 'tf.sequential', name: m.name, weights });
  }
  for (const f of funcModels) {
    const weights: LayerCall[] = [];
    const seen = new Set<ApplyNode>();
    const visit = (tv: TensorVal): void => {
      if (tv.kind !== 'apply' || seen.has(tv.app)) return;
      seen.add(tv.app);
      for (const i of tv.app.inputs) visit(i);
      const w = weightOf(file, tv.app.layer);
      if (w && !weights.includes(w)) weights.push(w);
    };
    for (const o of f.outputs) visit(o);
    modelCalls.push({ call: f.call, kind: 'tf.model', name: f.name, weights });
  }
  modelCalls.sort((x, y) => x.call.from - y.call.from);
  const models: ModelInfo[] = modelCalls.map((mc, id) => {
    const ids: number[] = [];
    mc.weights.forEach((w) => {
      const lid = idOf.get(w);
      if (lid === undefined) return;
      ids.push(lid);
      if (!membership.has(w)) membership.set(w, { model: id, order: ids.length - 1 });
    });
    return { id, framework: 'tfjs', kind: mc.kind, name: mc.name, span: { from: mc.call.from, to: mc.call.to }, layers: ids };
  });
  return { models, membership, seqPos };
}
