/**
 * User classes: what a class statement declares (its framework, from its bases: a torch/Flax/Keras
 * base module, a sequential base, a user class it extends; its methods; whether it subclasses a
 * framework weight layer and keeps that layer's constructor) and whether it has construction
 * sites whose arguments decide its layers' fans (`ctorSites`).
 */
import { type PyStmt, stmtExprs, walkExpr, walkStmts } from '../../../parse/pyast.js';
import { callIndex } from '../eval/branches.js';
import type { Evaluator } from '../eval/evaluator.js';
import type { ClassCtx } from '../eval/values.js';
import { roleOf } from '../vocab.js';

/** Records a class: its framework (from its bases), methods, and whether it is a framework layer's subclass. */
export function declareClass(ev: Evaluator, s: Extract<PyStmt, { kind: 'class' }>): void {
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
    const q = ev.imports.resolve(b);
    const role = roleOf(q);
    if (role && role.kind === 'baseModule') {
      ctx.framework = role.framework;
      if (role.nnx) ctx.nnx = true;
    }
    else if (role && role.kind === 'sequential') {
      ctx.framework = role.framework;
      ctx.seqBase = role.framework;
    }
    else if (q === 'keras.Model' || q === 'keras.models.Model') ctx.framework = 'keras';
    else if (b.kind === 'name' && ev.classes.has(b.id)) {
      const parent = ev.classes.get(b.id)!;
      ctx.framework = parent.framework;
      if (parent.nnx) ctx.nnx = true;
      for (const [k, v] of parent.methods) ctx.methods.set(k, v);
    }
  }
  for (const st of s.body) {
    if (st.kind === 'def') ctx.methods.set(st.name, st);
  }
  ev.classes.set(s.name, ctx);
  ev.classList.push(ctx);
  // a class declared while running (inside a function) may subclass one: ask ctorSites again
  ev.ctorSiteOf.clear();
  // A subclass of a framework weight layer that keeps its constructor (`class StdConv(nn.Conv)`
  // overriding `param`, `class MyConv(layers.Conv2D)` overriding `call`): constructing it builds
  // that layer, with the same arguments, fans and default initializer.
  const layerBase = layerBaseOf(ev, s);
  if (layerBase && !ctx.methods.has('__init__')) {
    ev.layerSubclasses.set(s.name, layerBase);
    if (transformsWeights(s)) ev.weightTransforming.add(s.name);
    ev.moduleScope.vars.set(s.name, { kind: 'ref', q: layerBase });
    return;
  }
  ev.moduleScope.vars.set(s.name, { kind: 'cls', cls: ctx });
}

function layerBaseOf(ev: Evaluator, s: Extract<PyStmt, { kind: 'class' }>): string | null {
  for (const b of s.bases) {
    if (b.kind === 'name' && ev.layerSubclasses.has(b.id)) return ev.layerSubclasses.get(b.id)!;
    const q = ev.imports.resolve(b);
    if (q && roleOf(q)?.kind === 'weight') return q;
  }
  return null;
}

/**
 * A user module class constructed by name somewhere in the file (`Block(dim=512)`), with a
 * constructor taking arguments and no subclass: each construction reruns its constructor with the
 * site's arguments, and the fans of its layers come from those runs (equal in all of them, or unknown).
 */
export function ctorSites(ev: Evaluator, c: ClassCtx): boolean {
  // asked at every construction: the answer depends only on the declared classes and the calls
  let known = ev.ctorSiteOf.get(c);
  if (known === undefined) ev.ctorSiteOf.set(c, (known = ctorSitesUncached(ev, c)));
  return known;
}

function ctorSitesUncached(ev: Evaluator, c: ClassCtx): boolean {
  const init = c.methods.get('__init__');
  if (!init || init.params.length < 2 || c.nnx || c.seqBase) return false;
  if (ev.classList.some((o) => o !== c && o.stmt.bases.some((b) => b.kind === 'name' && b.id === c.name))) return false;
  callIndex(ev);
  return (ev.sitesByName!.get(c.name) ?? 0) > 0;
}

/** Does a layer subclass rework its kernel (see `InterpState.weightTransforming`)? */
function transformsWeights(s: Extract<PyStmt, { kind: 'class' }>): boolean {
  for (const st of s.body) {
    if (st.kind !== 'def') continue;
    if (st.name === 'param' || st.name === 'convolution_op') return true;
    if (st.name !== 'call' && st.name !== 'forward' && st.name !== '__call__') continue;
    let reads = false;
    walkStmts(st.body, (inner) => {
      for (const x of stmtExprs(inner)) walkExpr(x, (e) => {
        if (e.kind === 'attr' && (e.attr === 'kernel' || e.attr === 'weight') && e.obj.kind === 'name' && e.obj.id === 'self') reads = true;
      });
    });
    if (reads) return true;
  }
  return false;
}
