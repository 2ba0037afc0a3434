/** Layer records → the engine's `Layer`s, and the models (Sequential containers, module classes, functional graphs) that hold them. */
import type { PyStmt } from '../../parse/pyast.js';
import type { Layer, ModelInfo, Span } from '../../types.js';
import { type ClassCtx, type LayerRec, type Obj, seqLayers } from './eval/values.js';
import { Interp } from './interp.js';

export function toLayer(rec: LayerRec, id: number, normalizedResidual: boolean): Layer {
  let activation = rec.act;
  if (!activation) {
    if (rec.inlineAct) activation = rec.inlineAct;
    else if (rec.applied) activation = { name: 'linear', via: 'default' };
    else activation = { name: 'unknown', via: 'none' };
  }
  // Copies: spans in the syntax model are shifted in place by the chunk cache.
  const cp = <T extends { span?: Span; site?: Span }>(x: T): T => ({
    ...x,
    ...(x.span ? { span: { from: x.span.from, to: x.span.to } } : {}),
    ...(x.site ? { site: { from: x.site.from, to: x.site.to } } : {}),
  });
  activation = cp(activation);
  return {
    id,
    framework: rec.spec.framework,
    layer: rec.spec.kind,
    name: rec.name,
    span: { from: rec.call.span.from, to: rec.call.span.to },
    activation,
    normalization: rec.norm,
    residual: rec.residual,
    init: rec.reparametrized ? { name: 'unknown', explicit: true, source: 'argument', text: rec.reparametrized } : cp(rec.init),
    recurrentInit: rec.recInit ? cp(rec.recInit) : undefined,
    ...(rec.biasInit ? { biasInit: cp(rec.biasInit) } : {}),
    ...(rec.bias === false ? { bias: false as const } : {}),
    ...(rec.kernelSize ? { kernelSize: [...rec.kernelSize] } : {}),
    ...(rec.stride ? { stride: [...rec.stride] } : {}),
    recurrent: rec.spec.recurrent === true,
    embedding: rec.spec.embedding === true,
    fanIn: rec.loopVaries?.has('fanIn') ? null : finiteOrNull(rec.fanIn),
    fanOut: rec.loopVaries?.has('fanOut') ? null : finiteOrNull(rec.fanOut),
    model: null,
    order: rec.order,
    transformerStyle: rec.smallInitTransformer,
    normalizedResidual,
    depthwise: rec.spec.depthwise === true,
    head: rec.applied && !rec.feeds,
    template: rec.template,
    ...(rec.sites?.length && !rec.loopVaries?.size && (rec.fanIn !== null || rec.fanOut !== null) ? { sizesFrom: { from: rec.sites[0].from, to: rec.sites[0].to } } : {}),
  };
}

export function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) && x > 0 ? Math.round(x * 1e6) / 1e6 : null;
}

export function buildModels(recs: LayerRec[], byRec: Map<LayerRec, Layer>, classes: ClassCtx[], interp: Interp): ModelInfo[] {
  const models: ModelInfo[] = [];
  const assign = (m: ModelInfo, rs: LayerRec[]) => {
    const sorted = [...rs].sort((a, b) => {
      const oa = a.order ?? Number.MAX_SAFE_INTEGER;
      const ob = b.order ?? Number.MAX_SAFE_INTEGER;
      return oa !== ob ? oa - ob : a.call.span.from - b.call.span.from;
    });
    for (const r of sorted) {
      const l = byRec.get(r)!;
      if (l.model === null) {
        l.model = m.id;
        m.layers.push(l.id);
      }
    }
    if (m.layers.length) models.push(m);
  };
  let nextId = 0;
  const classModel = new Map<ClassCtx, ModelInfo>();
  // classes
  for (const c of classes) {
    if (!c.framework) continue;
    const rs = recs.filter((r) => r.owner === c);
    if (!rs.length) continue;
    const kind = c.framework === 'pytorch' ? 'nn.Module' : c.framework === 'keras' ? 'keras.Model' : c.nnx ? 'flax.nnx.Module' : 'flax.linen.Module';
    const m: ModelInfo = { id: nextId, framework: c.framework, kind, name: c.name, span: { ...c.stmt.nameSpan }, layers: [] };
    assign(m, rs);
    if (m.layers.length) {
      nextId++;
      classModel.set(c, m);
    }
  }
  // a class holding other user modules is one stack with their layers
  const stackOf = (c: ClassCtx, seen: Set<ClassCtx>): number[] => {
    if (seen.has(c)) return [];
    seen.add(c);
    const out = [...(classModel.get(c)?.layers ?? [])];
    for (const h of heldClasses(c)) out.push(...stackOf(h, seen));
    return out;
  };
  for (const c of classes) {
    const m = classModel.get(c);
    if (!m || heldClasses(c).length === 0) continue;
    const stack = [...new Set(stackOf(c, new Set()))];
    if (stack.length > m.layers.length) m.stack = stack;
  }
  // Sequential containers outside classes (outermost only)
  const nested = new Set<unknown>();
  for (const s of interp.seqs.values()) for (const it of s.items) if (it.kind === 'seq') nested.add(it.seq);
  for (const s of interp.seqs.values()) {
    if (s.owner || nested.has(s)) continue;
    const rs = seqLayers(s);
    const m: ModelInfo = { id: nextId, framework: s.framework, kind: 'Sequential', name: s.name, span: { ...s.call.span }, layers: [] };
    assign(m, rs.filter((r) => byRec.get(r)!.model === null));
    if (m.layers.length) nextId++;
  }
  // Functional groups: by enclosing function (or module level)
  const groups = new Map<PyStmt | null, LayerRec[]>();
  for (const r of recs) {
    if (byRec.get(r)!.model !== null || r.owner) continue;
    const key = r.fnScope;
    const g = groups.get(key) ?? [];
    g.push(r);
    groups.set(key, g);
  }
  for (const [fn, rs] of groups) {
    const call = interp.modelCalls.get(fn as never) ?? null;
    const fnStmt = fn && fn.kind === 'def' ? fn : null;
    const framework = rs[0].spec.framework;
    // Several `keras.Model(...)` calls in one scope (a notebook's encoder and decoder, one model
    // per cell): each model holds the layers built since the previous one.
    const calls = [...(interp.modelCallsAll.get(fn as never)?.values() ?? [])].sort((a, b) => a.span.from - b.span.from);
    if (calls.length >= 2) {
      const buckets = new Map<number, LayerRec[]>();
      for (const r of rs) {
        const i = calls.findIndex((c) => c.span.from > r.call.span.from);
        const k = i < 0 ? calls.length : i;
        buckets.set(k, [...(buckets.get(k) ?? []), r]);
      }
      for (const [k, part] of [...buckets].sort((a, b) => a[0] - b[0])) {
        const c = calls[k];
        const span: Span = c ? { ...c.span } : { ...part[0].call.span };
        const m: ModelInfo = { id: nextId, framework, kind: 'functional', name: fnStmt ? fnStmt.name : null, span, layers: [] };
        assign(m, part);
        if (m.layers.length) nextId++;
      }
      continue;
    }
    const span: Span = call ? { ...call.span } : fnStmt ? { ...fnStmt.nameSpan } : { ...rs[0].call.span };
    const m: ModelInfo = { id: nextId, framework, kind: 'functional', name: fnStmt ? fnStmt.name : null, span, layers: [] };
    assign(m, rs);
    if (m.layers.length) nextId++;
  }
  return models;
}

/** User module classes whose instances a class holds in its attributes (directly, in containers or lists). */
export function heldClasses(c: ClassCtx): ClassCtx[] {
  const out: ClassCtx[] = [];
  const visitObj = (o: Obj, depth: number): void => {
    if (depth > 6) return;
    if (o.kind === 'instance') {
      if (o.cls !== c && !out.includes(o.cls)) out.push(o.cls);
    } else if (o.kind === 'seq') for (const it of o.seq.items) visitObj(it, depth + 1);
    else if (o.kind === 'list') for (const it of o.items) visitObj(it, depth + 1);
    else if (o.kind === 'wrapper') visitObj(o.inner, depth + 1);
  };
  for (const v of c.attrs.values()) {
    if (v.kind === 'obj') visitObj(v.o, 0);
    else if (v.kind === 'objs') for (const o of v.items) visitObj(o, 0);
  }
  return out;
}

/** GPT-style: explicit small normal init inside a model with LayerNorm and residual additions. */
export function markTransformerStyle(recs: LayerRec[], classes: ClassCtx[], functional: boolean): void {
  const ln = classes.some((c) => c.hasLayerNorm);
  const res = classes.some((c) => c.hasResidual);
  if (!(ln && res) && !functional) return;
  for (const r of recs) {
    const i = r.init;
    if (!i.explicit) continue;
    if ((i.name === 'random_normal' || i.name === 'truncated_normal') && typeof i.std === 'number' && i.std > 0 && i.std <= 0.05) r.smallInitTransformer = true;
  }
}
