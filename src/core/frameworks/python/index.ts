/**
 * Keras, PyTorch and Flax on one Python module: runs the interpreter, resolves
 * PyTorch's post-construction init code, groups layers into models, and
 * builds fixes in each framework's idiom.
 */
import type { InitSpec, Layer, ModelInfo, Span, TextEdit } from '../../types.js';
import type { FrameworkAnalysis, InitTarget } from '../adapter.js';
import type { PyExpr, PyStmt } from '../../parse/pyast.js';
import { dottedName, kwarg, walkExpr, walkStmts, stmtExprs } from '../../parse/pyast.js';
import type { PythonModule } from '../../parse/python.js';
import { Interp } from './interp.js';
import type { ClassCtx, InitEvent, LayerRec, NameTest, Obj, SeqRec } from './eval/values.js';
import { wrappedInitializer } from './semantics/initializers.js';
import { Imports } from './imports.js';
import { recommendation } from '../../analysis/rules/common.js';
import { defaultOptions } from '../../types.js';

export interface PythonAnalysis extends FrameworkAnalysis {
  recs: LayerRec[];
  imports: Imports;
}

export function analyzePython(mod: PythonModule): PythonAnalysis {
  const interp = new Interp(mod.stmts);
  const res = interp.run();
  const recs = res.layers;
  resolveTorchInits(interp, recs, mod.stmts);
  markTransformerStyle(recs, res.classes, interp.sawLayerNorm && interp.sawResidual);

  // A model with LayerNorm and residual additions (transformer-like) makes mismatches milder.
  const normalizedResidual = interp.sawLayerNorm && interp.sawResidual;
  const layers: Layer[] = [];
  const byRec = new Map<LayerRec, Layer>();
  recs.forEach((rec, i) => {
    const layer = toLayer(rec, i, normalizedResidual);
    layers.push(layer);
    byRec.set(rec, layer);
  });
  const models = buildModels(recs, byRec, res.classes, interp);

  const text = mod.text;
  let quote: string | null = null;
  const ctx: FixCtx = {
    text,
    imports: res.imports,
    stmts: mod.stmts,
    errors: mod.errors,
    layerOf: (r) => byRec.get(r),
    seqs: res.seqs,
    get quote() {
      return (quote ??= detectQuote(mod.stmts));
    },
  };
  return {
    layers,
    models,
    recs,
    imports: res.imports,
    fix: (layer: Layer, target: InitTarget) => {
      const rec = recs[layer.id];
      if (!rec) return null;
      try {
        return buildFix(ctx, rec, target);
      } catch {
        return null;
      }
    },
    fixFactoryCall: (layer: Layer) => {
      const span = layer.init.span;
      if (!span || !layer.init.factoryNotCalled || layer.init.unknownArgs) return null;
      return [{ from: span.to, to: span.to, newText: '()' }];
    },
  };
}

// ---------------------------------------------------------------- layer records → Layer

function toLayer(rec: LayerRec, id: number, normalizedResidual: boolean): Layer {
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
    init: cp(rec.init),
    recurrentInit: rec.recInit ? cp(rec.recInit) : undefined,
    ...(rec.biasInit ? { biasInit: cp(rec.biasInit) } : {}),
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
  };
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) && x > 0 ? Math.round(x * 1e6) / 1e6 : null;
}

// ---------------------------------------------------------------- models

function buildModels(recs: LayerRec[], byRec: Map<LayerRec, Layer>, classes: ClassCtx[], interp: Interp): ModelInfo[] {
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
  for (const s of interp.seqs.values()) for (const it of s.items) if (it.o === 'seq') nested.add(it.seq);
  for (const s of interp.seqs.values()) {
    if (s.owner || nested.has(s)) continue;
    const rs: LayerRec[] = [];
    const collect = (seq: typeof s) => {
      for (const it of seq.items) {
        if (it.o === 'weight') rs.push(it.rec);
        else if (it.o === 'seq') collect(it.seq);
        else if (it.o === 'wrapper' && it.inner.o === 'weight') rs.push(it.inner.rec);
        else if (it.o === 'list') for (const x of it.items) if (x.o === 'weight') rs.push(x.rec);
      }
    };
    collect(s);
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
    const fnStmt = fn && fn.k === 'def' ? fn : null;
    const framework = rs[0].spec.framework;
    const span: Span = call ? { ...call.span } : fnStmt ? { ...fnStmt.nameSpan } : { ...rs[0].call.span };
    const m: ModelInfo = { id: nextId, framework, kind: 'functional', name: fnStmt ? fnStmt.name : null, span, layers: [] };
    assign(m, rs);
    if (m.layers.length) nextId++;
  }
  return models;
}

/** User module classes whose instances a class holds in its attributes (directly, in containers or lists). */
function heldClasses(c: ClassCtx): ClassCtx[] {
  const out: ClassCtx[] = [];
  const visitObj = (o: Obj, depth: number): void => {
    if (depth > 6) return;
    if (o.o === 'instance') {
      if (o.cls !== c && !out.includes(o.cls)) out.push(o.cls);
    } else if (o.o === 'seq') for (const it of o.seq.items) visitObj(it, depth + 1);
    else if (o.o === 'list') for (const it of o.items) visitObj(it, depth + 1);
    else if (o.o === 'wrapper') visitObj(o.inner, depth + 1);
  };
  for (const v of c.attrs.values()) {
    if (v.t === 'obj') visitObj(v.o, 0);
    else if (v.t === 'objs') for (const o of v.items) visitObj(o, 0);
  }
  return out;
}

// ---------------------------------------------------------------- PyTorch init resolution

function classUses(stmts: PyStmt[], classes: ClassCtx[]): Map<ClassCtx, Set<string>> {
  const out = new Map<ClassCtx, Set<string>>();
  const names = new Set(classes.map((c) => c.name));
  for (const c of classes) {
    const used = new Set<string>();
    walkStmts(c.stmt.body, (s) => {
      for (const e of stmtExprs(s)) walkExpr(e, (x) => {
        if (x.k === 'name' && names.has(x.id) && x.id !== c.name) used.add(x.id);
      });
    });
    out.set(c, used);
  }
  // Call sites: `ResNet(BasicBlock, [2, 2, 2, 2])`, or through a factory function
  // whose body instantiates the class: `_resnet(BasicBlock, ...)`.
  const fnRefs = new Map<string, Set<string>>(); // function name → classes it references
  for (const s of stmts) {
    if (s.k !== 'def') continue;
    const refs = new Set<string>();
    walkStmts(s.body, (st) => {
      for (const e of stmtExprs(st)) walkExpr(e, (x) => {
        if (x.k === 'name' && names.has(x.id)) refs.add(x.id);
      });
    });
    fnRefs.set(s.name, refs);
  }
  const visitCalls = (e: PyExpr) =>
    walkExpr(e, (x) => {
      if (x.k !== 'call' || x.fn.k !== 'name') return;
      const callee = x.fn.id;
      const targets = names.has(callee) ? [callee] : [...(fnRefs.get(callee) ?? [])];
      if (!targets.length) return;
      const argNames = new Set<string>();
      for (const a of x.args) walkExpr(a.value, (y) => {
        if (y.k === 'name' && names.has(y.id)) argNames.add(y.id);
      });
      for (const t of targets) {
        const c = classes.find((cc) => cc.name === t);
        if (c) for (const n of argNames) if (n !== t) out.get(c)!.add(n);
      }
    });
  walkStmts(stmts, (s) => {
    for (const e of stmtExprs(s)) visitCalls(e);
  });
  // transitive closure
  let changed = true;
  while (changed) {
    changed = false;
    for (const c of classes) {
      const set = out.get(c)!;
      for (const n of [...set]) {
        const cc = classes.find((x) => x.name === n);
        if (!cc) continue;
        for (const m of out.get(cc) ?? []) if (!set.has(m) && m !== c.name) {
          set.add(m);
          changed = true;
        }
      }
    }
  }
  return out;
}

function paramNames(rec: LayerRec): { name: string; which: 'kernel' | 'recurrent' | 'bias' }[] {
  const n = rec.name ?? '';
  const pre = n ? n + '.' : '';
  if (rec.spec.recurrent) {
    const cell = rec.spec.cell;
    const sfx = cell ? '' : '_l0';
    return [
      { name: `${pre}weight_ih${sfx}`, which: 'kernel' },
      { name: `${pre}weight_hh${sfx}`, which: 'recurrent' },
      { name: `${pre}bias_ih${sfx}`, which: 'bias' },
      { name: `${pre}bias_hh${sfx}`, which: 'bias' },
    ];
  }
  return [
    { name: `${pre}weight`, which: 'kernel' },
    { name: `${pre}bias`, which: 'bias' },
  ];
}

function testName(tests: NameTest[], name: string): boolean {
  for (const t of tests) {
    let ok: boolean;
    switch (t.op) {
      case 'in':
        ok = name.includes(t.s);
        break;
      case 'startswith':
        ok = name.startsWith(t.s) || name.split('.').pop()!.startsWith(t.s);
        break;
      case 'endswith':
        ok = name.endsWith(t.s);
        break;
      case 'eq':
        ok = name === t.s || name.split('.').pop() === t.s;
        break;
    }
    if (ok === t.negate) return false;
  }
  return true;
}

/** Which weights of `rec` an init event writes: 'kernel', 'recurrent', both, or none. */
function eventTargets(ev: InitEvent, rec: LayerRec, uses: Map<ClassCtx, Set<string>>): Set<'kernel' | 'recurrent'> {
  const out = new Set<'kernel' | 'recurrent'>();
  if (ev.layers) {
    if (!ev.layers.includes(rec)) return out;
  } else if (ev.filter) {
    const f = ev.filter;
    if (f.instanceOf) return out;
    if (f.scope) {
      if (rec.owner !== f.scope) {
        if (!rec.owner || !(uses.get(f.scope)?.has(rec.owner.name) ?? false)) return out;
      }
    }
    const kind = rec.spec.kind;
    if (f.types && !f.types.includes(kind)) return out;
    if (f.exclude.includes(kind)) return out;
    for (const s of f.substr) if (!kind.includes(s)) return out;
    for (const s of f.notSubstr ?? []) if (kind.includes(s)) return out;
    if (rec.spec.framework !== 'pytorch') return out;
  } else return out;
  const tests = ev.filter?.nameTests ?? [];
  const which = ev.which;
  for (const p of paramNames(rec)) {
    if (p.which === 'bias') continue;
    if (tests.length && !testName(tests, p.name)) continue;
    if (which === 'weight' && !rec.spec.recurrent && p.which === 'kernel') out.add('kernel');
    else if (which === 'weight_ih' && p.which === 'kernel') out.add('kernel');
    else if (which === 'weight_hh' && p.which === 'recurrent') out.add('recurrent');
    else if (which === 'any') out.add(p.which as 'kernel' | 'recurrent');
  }
  return out;
}

function resolveTorchInits(interp: Interp, recs: LayerRec[], stmts: PyStmt[]): void {
  if (!interp.events.length) return;
  const uses = classUses(stmts, interp.classList);
  for (const rec of recs) {
    if (rec.spec.framework !== 'pytorch') continue;
    let bestK: InitEvent | null = null;
    let bestR: InitEvent | null = null;
    const rank = (ev: InitEvent) => (ev.dead ? -1e12 : 0) + (ev.scopeCls !== rec.owner ? 1e9 : 0) + ev.seq;
    for (const ev of interp.events) {
      const t = eventTargets(ev, rec, uses);
      if (t.has('kernel') && (!bestK || rank(ev) > rank(bestK))) bestK = ev;
      if (t.has('recurrent') && (!bestR || rank(ev) > rank(bestR))) bestR = ev;
      if (t.size) rec.events.push(ev);
    }
    if (bestK) rec.init = { ...bestK.spec, source: bestK.layers ? 'init-call' : 'init-loop', span: bestK.callSpan, ...(bestK.site ? { site: bestK.site } : {}) };
    // `if init == "kaiming": kaiming_normal_(...) else: normal_(...)` with the condition unknown:
    // the other arm's init may be the one that runs.
    if (bestK && bestK.arms && otherArmInit(bestK, rec.events, (ev) => eventTargets(ev, rec, uses).has('kernel'))) {
      rec.init = { name: 'unknown', explicit: true, source: bestK.layers ? 'init-call' : 'init-loop', span: bestK.callSpan, text: 'an init chosen by a condition' };
    }
    if (bestR && rec.spec.recurrent) {
      rec.recInit = { ...bestR.spec, source: bestR.layers ? 'init-call' : 'init-loop', span: bestR.callSpan };
      // nn.init.orthogonal_(self.rnn.weight_hh_l0) on a 2-layer RNN leaves weight_hh_l1 at the default.
      const n = rec.numLayers ?? 1;
      if (bestR.index !== undefined && n > 1) {
        const covered = new Set<number>();
        for (const ev of rec.events) {
          if (ev.index !== undefined && ev.which === 'weight_hh' && ev.spec.name === bestR.spec.name) covered.add(ev.index);
        }
        const missing = [...Array(n).keys()].filter((i) => !covered.has(i));
        if (missing.length) {
          rec.recInit = { name: 'pytorch_default', explicit: false, source: 'default', distribution: 'uniform', text: `weight_hh_l${missing.join(', weight_hh_l')}` };
        }
      }
    }
  }
}

/** Another event for the same weight in the other arm of an undecided `if` around `ev`, with a different init. */
function otherArmInit(ev: InitEvent, events: InitEvent[], same: (e: InitEvent) => boolean): boolean {
  const mine = new Set(ev.arms);
  return events.some((o) => {
    if (o === ev || !o.arms || !same(o) || o.spec.name === ev.spec.name) return false;
    return o.arms.some((a) => !mine.has(a) && mine.has(a.slice(0, a.indexOf(':') + 1) + (a.endsWith(':0') ? '1' : '0')));
  });
}

/** GPT-style: explicit small normal init inside a model with LayerNorm and residual additions. */
function markTransformerStyle(recs: LayerRec[], classes: ClassCtx[], functional: boolean): void {
  const ln = classes.some((c) => c.hasLayerNorm);
  const res = classes.some((c) => c.hasResidual);
  if (!(ln && res) && !functional) return;
  for (const r of recs) {
    const i = r.init;
    if (!i.explicit) continue;
    if ((i.name === 'random_normal' || i.name === 'truncated_normal') && typeof i.std === 'number' && i.std > 0 && i.std <= 0.05) r.smallInitTransformer = true;
  }
}

// ---------------------------------------------------------------- fixes

interface FixCtx {
  text: string;
  imports: Imports;
  stmts: PyStmt[];
  /** Syntax errors: no statement is inserted after a statement the parser could not read. */
  errors: { span: Span }[];
  quote: string;
  layerOf?: (r: LayerRec) => Layer | undefined;
  seqs?: SeqRec[];
}

/** The file's prevailing quote, from its first string literals (a bounded walk). */
function detectQuote(stmts: PyStmt[]): string {
  let dq = 0;
  let sq = 0;
  const LIMIT = 40;
  const visitExpr = (e: PyExpr): boolean => {
    if (e.k === 'str') {
      if (e.quote === '"') dq++;
      else if (e.quote === "'") sq++;
      return dq + sq >= LIMIT;
    }
    let stop = false;
    walkExpr(e, (x) => {
      if (stop || x === e || x.k !== 'str') return;
      if (x.quote === '"') dq++;
      else if (x.quote === "'") sq++;
      if (dq + sq >= LIMIT) stop = true;
    });
    return stop;
  };
  const visit = (ss: PyStmt[]): boolean => {
    for (const s of ss) {
      for (const e of stmtExprs(s)) if (visitExpr(e)) return true;
      if ((s.k === 'class' || s.k === 'def' || s.k === 'with' || s.k === 'block') && visit(s.body)) return true;
      if ((s.k === 'for' || s.k === 'if') && (visit(s.body) || visit(s.orelse))) return true;
    }
    return false;
  };
  visit(stmts);
  return sq > dq ? "'" : '"';
}

function buildFix(ctx: FixCtx, rec: LayerRec, target: InitTarget): TextEdit[] | null {
  // Never edit a call the parser could not read completely (code being typed).
  if (rec.call.broken) return null;
  // Lazy modules have no weight until the first forward: an init call in __init__ would fail.
  if (rec.spec.kind.startsWith('Lazy')) return null;
  switch (rec.spec.framework) {
    case 'keras':
      return kerasFix(ctx, rec, target);
    case 'flax':
      return flaxFix(ctx, rec, target);
    case 'pytorch':
      return torchFix(ctx, rec, target);
    default:
      return null;
  }
}

function q(ctx: FixCtx, s: string): string {
  return ctx.quote + s + ctx.quote;
}

/** Set keyword `name=value` in a call: replace the existing value or add the argument, keeping the layout. */
export function setKwarg(text: string, call: Extract<PyExpr, { k: 'call' }>, name: string, value: string): TextEdit {
  const existing = kwarg(call, name);
  if (existing) return { from: existing.value.span.from, to: existing.value.span.to, newText: value };
  const args = call.args;
  const open = call.argsSpan.from; // '('
  const close = call.argsSpan.to - 1; // ')'
  if (text[close] !== ')') {
    // Unclosed call (half-typed): add right after the last argument.
    const last = args[args.length - 1];
    const at = last ? last.span.to : open + 1;
    return { from: at, to: at, newText: (last ? ', ' : '') + `${name}=${value}` };
  }
  if (args.length === 0) return { from: open + 1, to: open + 1, newText: `${name}=${value}` };
  const last = args[args.length - 1];
  const firstArg = args[0];
  const multiline = text.slice(open, firstArg.span.from).includes('\n');
  if (multiline) {
    const lineStart = text.lastIndexOf('\n', last.span.from - 1) + 1;
    let indent = '';
    for (let i = lineStart; i < last.span.from && (text[i] === ' ' || text[i] === '\t'); i++) indent += text[i];
    // A comment after the last argument (`activation="relu",  # initlens: ignore[IL005]`) stays
    // where it is: the new argument goes on a line of its own after it, or inline when the
    // closing bracket shares that line.
    const eol = lineEnd(text, last.span.to);
    const rest = text.slice(last.span.to, eol);
    const hash = rest.indexOf('#');
    if (hash >= 0 && !rest.slice(0, hash).includes(')')) {
      const nl = text[eol] === '\r' ? '\r\n' : '\n';
      if (/^\s*,/.test(rest)) return { from: eol, to: eol, newText: `${nl}${indent}${name}=${value},` };
      return { from: last.span.to, to: eol, newText: `,${rest}${nl}${indent}${name}=${value}` };
    }
    if (hash >= 0) return { from: last.span.to, to: last.span.to, newText: `, ${name}=${value}` };
    return { from: last.span.to, to: last.span.to, newText: `,\n${indent}${name}=${value}` };
  }
  return { from: last.span.to, to: last.span.to, newText: `, ${name}=${value}` };
}

function importEdit(ctx: FixCtx, line: string): TextEdit {
  const last = ctx.imports.lastImport;
  if (last) {
    const eol = lineEnd(ctx.text, last.span.to);
    return { from: eol, to: eol, newText: (ctx.text[eol] === '\r' ? '\r\n' : '\n') + line };
  }
  // After a module docstring / shebang / __future__ imports: top of file otherwise.
  let at = 0;
  const first = ctx.stmts[0];
  if (first && first.k === 'expr' && first.value.k === 'str') at = lineEnd(ctx.text, first.span.to) + 1;
  else if (ctx.text.startsWith('#!')) at = lineEnd(ctx.text, 0) + 1;
  if (at > ctx.text.length) return { from: ctx.text.length, to: ctx.text.length, newText: '\n' + line + '\n' };
  return { from: at, to: at, newText: line + '\n' };
}

function lineEnd(text: string, pos: number): number {
  const i = text.indexOf('\n', pos);
  if (i < 0) return text.length;
  return text[i - 1] === '\r' ? i - 1 : i;
}

function kerasInitValue(ctx: FixCtx, target: InitTarget): string {
  if (target.init === 'variance_scaling' && target.scale !== undefined) {
    const ns = ctx.imports.spell('keras.initializers') ?? ctx.imports.spell('tensorflow.keras.initializers');
    if (ns) return `${ns}.VarianceScaling(scale=${fmt(target.scale)}, mode=${q(ctx, 'fan_in')}, distribution=${q(ctx, 'truncated_normal')})`;
    return q(ctx, 'he_normal');
  }
  return q(ctx, target.init);
}

/** The quote style of the call's own string arguments, else the file's. */
function localCtx(ctx: FixCtx, call: Extract<PyExpr, { k: 'call' }>): FixCtx {
  for (const a of call.args) if (a.value.k === 'str' && a.value.quote.length === 1) return { ...ctx, quote: a.value.quote };
  return ctx;
}

function kerasFix(ctx0: FixCtx, rec: LayerRec, target: InitTarget): TextEdit[] | null {
  const ctx = localCtx(ctx0, rec.call);
  const value = kerasInitValue(ctx, target);
  if (target.which === 'recurrent') return [setKwarg(ctx.text, rec.call, 'recurrent_initializer', value)];
  if (rec.spec.separable) {
    const a = setKwarg(ctx.text, rec.call, 'depthwise_initializer', value);
    const b = setKwarg(ctx.text, rec.call, 'pointwise_initializer', value);
    if (a.from === b.from && a.to === b.to) return [{ from: a.from, to: a.to, newText: a.newText + b.newText }];
    return [a, b];
  }
  const kname = rec.spec.depthwise ? 'depthwise_initializer' : rec.spec.embedding ? 'embeddings_initializer' : 'kernel_initializer';
  return [setKwarg(ctx.text, rec.call, kname, value)];
}

/** Where initializers are reached from in this file; an import is added only when none is. */
function flaxInitNamespace(ctx: FixCtx, nnx: boolean): { ns: string; imports: TextEdit[] } {
  if (nnx) {
    // NNX idiom: nnx.initializers.he_normal(), through the file's own name for flax.nnx.
    const ns = ctx.imports.spell('flax.nnx.initializers');
    if (ns) return { ns, imports: [] };
    if (!ctx.imports.map.has('nnx')) return { ns: 'nnx.initializers', imports: [importEdit(ctx, 'from flax import nnx')] };
  }
  const ns = (nnx ? null : ctx.imports.spell('flax.linen.initializers')) ?? ctx.imports.spell('jax.nn.initializers');
  if (ns) return { ns, imports: [] };
  return { ns: 'jax.nn.initializers', imports: [importEdit(ctx, 'import jax')] };
}

function flaxInitValue(ctx: FixCtx, target: InitTarget, nnx: boolean): { value: string; imports: TextEdit[] } {
  const { ns, imports } = flaxInitNamespace(ctx, nnx);
  if (target.init === 'variance_scaling' && target.scale !== undefined) {
    return { value: `${ns}.variance_scaling(${fmt(target.scale)}, ${q(ctx, 'fan_in')}, ${q(ctx, 'truncated_normal')})`, imports };
  }
  return { value: `${ns}.${target.init}()`, imports };
}

function flaxFix(ctx0: FixCtx, rec: LayerRec, target: InitTarget): TextEdit[] | null {
  const ctx = localCtx(ctx0, rec.call);
  const { value, imports } = flaxInitValue(ctx, target, rec.spec.nnx === true);
  const kname = target.which === 'recurrent' ? 'recurrent_kernel_init' : rec.spec.embedding ? 'embedding_init' : 'kernel_init';
  const existing = kwarg(rec.call, kname);
  // Keep a sharding wrapper: replace only the initializer it wraps.
  let inner = existing ? wrappedInitializer(existing.value, ctx.imports) : null;
  for (let next = inner; next; next = wrappedInitializer(next, ctx.imports)) inner = next;
  if (inner) return [{ from: inner.span.from, to: inner.span.to, newText: value }, ...imports];
  if (rec.spec.nnx && !existing) {
    // NNX convention: `rngs=rngs` stays the last argument.
    const rngs = rec.call.args.find((a) => a.name === 'rngs');
    if (rngs) return [kwargBefore(ctx.text, rngs, kname, value), ...imports];
  }
  return [setKwarg(ctx.text, rec.call, kname, value), ...imports];
}

/** Insert `name=value` just before argument `arg`: on its own line when `arg` starts a line. */
function kwargBefore(text: string, arg: { span: Span }, name: string, value: string): TextEdit {
  const at = arg.span.from;
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lead = text.slice(lineStart, at);
  if (/^[ \t]*$/.test(lead)) {
    const eol = text[lineStart - 2] === '\r' ? '\r\n' : '\n';
    return { from: at, to: at, newText: `${name}=${value},${eol}${lead}` };
  }
  return { from: at, to: at, newText: `${name}=${value}, ` };
}

function fmt(x: number): string {
  return String(Math.round(x * 10000) / 10000);
}

function torchInitNamespace(ctx: FixCtx): { ns: string; imports: TextEdit[] } {
  const direct = ctx.imports.spell('torch.nn.init');
  if (direct) return { ns: direct, imports: [] };
  if (!ctx.imports.map.has('nn')) return { ns: 'nn.init', imports: [importEdit(ctx, 'import torch.nn as nn')] };
  return { ns: 'torch.nn.init', imports: ctx.imports.map.get('torch') === 'torch' ? [] : [importEdit(ctx, 'import torch')] };
}

function torchCall(ctx: FixCtx, ns: string, target: InitTarget, weight: string): string {
  const uniform = target.init.endsWith('uniform');
  const kfn = uniform ? 'kaiming_uniform_' : 'kaiming_normal_';
  const xfn = uniform ? 'xavier_uniform_' : 'xavier_normal_';
  switch (target.init) {
    case 'orthogonal':
      return `${ns}.orthogonal_(${weight})`;
    case 'lecun_normal':
    case 'lecun_uniform':
      return `${ns}.${kfn}(${weight}, nonlinearity=${q(ctx, 'linear')})`;
    case 'glorot_normal':
    case 'glorot_uniform':
      if (target.activation === 'tanh') return `${ns}.${xfn}(${weight}, gain=${ns}.calculate_gain(${q(ctx, 'tanh')}))`;
      return `${ns}.${xfn}(${weight})`;
    case 'variance_scaling':
    case 'he_normal':
    case 'he_uniform':
    default:
      if (target.activation === 'leaky_relu' && target.slope !== undefined && target.slope !== 0) {
        return `${ns}.${kfn}(${weight}, a=${fmt(target.slope)}, nonlinearity=${q(ctx, 'leaky_relu')})`;
      }
      return `${ns}.${kfn}(${weight}, nonlinearity=${q(ctx, 'relu')})`;
  }
}

function indentOf(text: string, pos: number): string {
  const ls = text.lastIndexOf('\n', pos - 1) + 1;
  let i = ls;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text.slice(ls, i);
}

function indentUnit(text: string, anchor: PyStmt, fn: PyStmt | null): string {
  const a = indentOf(text, anchor.span.from);
  if (fn) {
    const f = indentOf(text, fn.span.from);
    if (a.length > f.length && a.startsWith(f)) return a.slice(f.length);
  }
  return a.includes('\t') ? '\t' : '    ';
}

function torchFix(ctx: FixCtx, rec: LayerRec, target: InitTarget): TextEdit[] | null {
  const { ns, imports } = torchInitNamespace(ctx);
  // The event that currently decides this weight
  const which = target.which;
  const decisive = rec.events
    .filter((ev) => {
      const t = ev.layers ? (ev.which === 'weight_hh' ? 'recurrent' : ev.which === 'any' ? null : 'kernel') : null;
      return t === null ? true : t === which;
    })
    .sort((a, b) => a.seq - b.seq);
  const spec: InitSpec | undefined = which === 'recurrent' ? rec.recInit : rec.init;
  let last = spec && spec.source !== 'default' ? decisive.find((ev) => ev.callSpan.from === spec.span?.from) ?? null : null;
  if (!last && which === 'recurrent') {
    // A partial init (weight_hh_l0 only) must be followed, not preceded, by the fix.
    const rec_ = rec.events.filter((ev) => ev.which === 'weight_hh' || ev.which === 'any');
    last = rec_.length ? rec_.reduce((a, b) => (b.seq > a.seq ? b : a)) : null;
    if (last && last.layers && last.layers.length === 1 && last.which !== 'any') {
      // Do not replace the partial call: insert after it.
      last = { ...last, layers: undefined };
    }
  }
  if (last && last.scopeCls !== rec.owner) return null; // decided by an enclosing model's init code: no local fix can win
  // Replace a direct nn.init call on this single weight.
  if (last && last.layers && last.layers.length === 1 && last.which !== 'any') {
    const call = findCall(ctx.stmts, last.callSpan);
    if (call) {
      const weightText = initTargetText(ctx.text, call, ctx.imports);
      if (weightText) {
        const newCall = torchCall(ctx, ns, target, weightText);
        return [{ from: call.span.from, to: call.span.to, newText: newCall }, ...imports];
      }
    }
  }
  // A ModuleList filled by .append/.extend (in a loop): one init loop over it after it is filled.
  if (rec.listOwner?.muts.length && rec.template) return last ? null : listLoopFix(ctx, rec, target, ns, imports);
  // Otherwise insert after the construction (or after the init code that runs later).
  const path = rec.paths.find((p) => p.fn !== null && rec.owner !== null) ?? rec.paths.find((p) => p.fn === null) ?? null;
  if (!path) return last ? null : seqLoopFix(ctx, rec, target, ns, imports);
  let anchor: PyStmt = path.anchor;
  if (last) {
    if (last.rootFn !== path.fn) return null;
    if (last.rootStmt && last.rootStmt.span.from > anchor.span.from) anchor = last.rootStmt;
  }
  // The anchor must be a statement of the path's own body, and complete.
  if (!path.body.includes(anchor)) return null;
  if (ctx.errors.some((er) => er.span.from <= anchor.span.to && er.span.to >= anchor.span.from)) return null;
  const indent = indentOf(ctx.text, anchor.span.from);
  const unit = indentUnit(ctx.text, anchor, path.fn);
  const lines: string[] = [];
  const hasBias = rec.bias && !rec.spec.recurrent && !rec.spec.embedding && which === 'kernel';
  if (which === 'recurrent') {
    const it = path.loop ? 'm' : null;
    const owner = it ?? path.expr;
    if (it) lines.push(`${indent}for m in ${path.expr}:`);
    const ind = it ? indent + unit : indent;
    lines.push(`${ind}for param_name, param in ${owner}.named_parameters():`);
    lines.push(`${ind}${unit}if ${q(ctx, 'weight_hh')} in param_name:`);
    lines.push(`${ind}${unit}${unit}${ns}.orthogonal_(param)`);
  } else if (path.loop) {
    lines.push(`${indent}for m in ${path.expr}:`);
    lines.push(`${indent}${unit}${torchCall(ctx, ns, target, 'm.weight')}`);
    if (hasBias && rec.biasUnsure) lines.push(`${indent}${unit}if m.bias is not None:`, `${indent}${unit}${unit}${ns}.zeros_(m.bias)`);
    else if (hasBias) lines.push(`${indent}${unit}${ns}.zeros_(m.bias)`);
  } else {
    lines.push(`${indent}${torchCall(ctx, ns, target, path.expr + '.weight')}`);
    if (hasBias && rec.biasUnsure) lines.push(`${indent}if ${path.expr}.bias is not None:`, `${indent}${unit}${ns}.zeros_(${path.expr}.bias)`);
    else if (hasBias) lines.push(`${indent}${ns}.zeros_(${path.expr}.bias)`);
  }
  const edit = insertAfterStmt(ctx.text, anchor, indent, lines);
  return edit ? [edit, ...imports] : null;
}

/**
 * Inserts `lines` after a statement: at the end of its line, or, when `; more` follows it on that
 * line (`net = nn.Sequential(...); return net`), between the two (the rest moves to its own line).
 * No edit for a statement that does not start its line (`if proj: self.proj = nn.Linear(...)`):
 * lines at the line's indentation would run whether or not the layer was built.
 */
function insertAfterStmt(text: string, stmt: PyStmt, indent: string, lines: string[]): TextEdit | null {
  if (text.slice(text.lastIndexOf('\n', stmt.span.from - 1) + 1, stmt.span.from).trim() !== '') return null;
  // (a compound statement's span ends after its last line's newline)
  let end = stmt.span.to;
  while (end > stmt.span.from && /\s/.test(text[end - 1])) end--;
  const at = lineEnd(text, end);
  const eol = text[at] === '\r' ? '\r\n' : '\n';
  const rest = text.slice(end, at).trim();
  if (rest === '' || rest.startsWith('#')) return { from: at, to: at, newText: eol + lines.join(eol) };
  const more = /^;\s*(.*)$/.exec(rest);
  if (!more) return null;
  if (more[1] === '' || more[1].startsWith('#')) return { from: at, to: at, newText: eol + lines.join(eol) };
  return { from: end, to: at, newText: eol + lines.join(eol) + eol + indent + more[1] };
}

/**
 * A layer built in a loop into `nn.Sequential(*layers)` (in a class or a factory function) has no
 * stable index. After the statement that builds the container, one init loop over its modules
 * covers every copy:
 *
 *     self.net = nn.Sequential(*layers)
 *     for m in self.net.modules():
 *         if isinstance(m, nn.Linear):
 *             nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
 *             nn.init.zeros_(m.bias)
 *
 * (`return nn.Sequential(...)` becomes `net = ...`, the loop, `return net`.) Only when every layer
 * of that class inside the container is known, still at its default init, and wants this same init.
 */
function seqLoopFix(ctx: FixCtx, rec: LayerRec, target: InitTarget, ns: string, imports: TextEdit[]): TextEdit[] | null {
  if (!rec.template || target.which !== 'kernel' || rec.spec.recurrent || rec.spec.embedding || !ctx.layerOf) return null;
  // the innermost container first, then the ones holding it (blocks built in a loop as
  // nn.Sequential(conv, bn, relu), then nn.Sequential(*blocks))
  for (let seq: SeqRec | undefined = rec.seqOwner ?? undefined, depth = 0; seq && depth < 8; depth++) {
    const edits = seqLoopFixIn(ctx, rec, target, ns, imports, seq);
    if (edits) return edits;
    const inner: SeqRec = seq;
    seq = ctx.seqs?.find((s) => s.items.some((it) => it.o === 'seq' && it.seq === inner));
  }
  return null;
}

function seqLoopFixIn(ctx: FixCtx, rec: LayerRec, target: InitTarget, ns: string, imports: TextEdit[], seq: SeqRec): TextEdit[] | null {
  if (seq.framework !== 'pytorch' || !ctx.layerOf) return null;
  // the statement that builds the container
  let found: { stmt: PyStmt; fn: PyStmt | null } | null = null;
  const visit = (ss: PyStmt[], fn: PyStmt | null) => {
    for (const st of ss) {
      if (found) return;
      if (st.span.from > seq.call.span.from || st.span.to < seq.call.span.to) continue;
      if ((st.k === 'assign' && st.value === seq.call) || (st.k === 'return' && st.value === seq.call)) {
        found = { stmt: st, fn };
        return;
      }
      if (st.k === 'def') visit(st.body, st);
      else if (st.k === 'class' || st.k === 'with' || st.k === 'block') visit(st.body, fn);
      else if (st.k === 'if' || st.k === 'for') {
        visit(st.body, fn);
        visit(st.orelse, fn);
      }
    }
  };
  visit(ctx.stmts, null);
  if (!found) return null;
  const { stmt, fn } = found as { stmt: PyStmt; fn: PyStmt | null };
  let owner: string | null = null;
  if (stmt.k === 'assign') {
    if (stmt.targets.length !== 1) return null;
    owner = dottedName(stmt.targets[0]);
    if (owner === null) return null;
  }
  return containerLoopFix(ctx, rec, target, ns, imports, seq.items, !!seq.opaque, { stmt, fn, owner });
}

/**
 * A layer appended to an `nn.ModuleList` in a loop (`self.layers.append(nn.Linear(d, d))`, or
 * `.extend(...)`): the same init loop over the list's modules, after the last statement that fills
 * it (the loop), in the body where the list is bound to an attribute or a module-level name.
 */
function listLoopFix(ctx: FixCtx, rec: LayerRec, target: InitTarget, ns: string, imports: TextEdit[]): TextEdit[] | null {
  const ml = rec.listOwner;
  if (!ml || !ml.muts.length || ml.opaque || !rec.template) return null;
  const path = ml.paths.find((p) => p.fn !== null && rec.owner !== null) ?? ml.paths.find((p) => p.fn === null);
  if (!path || !path.body.includes(path.anchor)) return null;
  let anchor = path.anchor;
  for (const m of ml.muts) {
    if (m.body !== path.body || m.fn !== path.fn) return null;
    if (m.stmt.span.from > anchor.span.from) anchor = m.stmt;
  }
  return containerLoopFix(ctx, rec, target, ns, imports, ml.items, false, { stmt: anchor, fn: path.fn, owner: path.expr });
}

/**
 * One init loop over a container's modules after `place.stmt` (`return nn.Sequential(...)` is
 * bound to a name first). Only when every layer of that class inside the container is known, still
 * at its default init, and wants this same init.
 */
function containerLoopFix(
  ctx: FixCtx,
  rec: LayerRec,
  target: InitTarget,
  ns: string,
  imports: TextEdit[],
  members: Obj[],
  opaque: boolean,
  place: { stmt: PyStmt; fn: PyStmt | null; owner: string | null },
): TextEdit[] | null {
  if (!ctx.layerOf) return null;
  // .modules() reaches every member: each must be a module the engine knows
  const weights: LayerRec[] = [];
  let known = !opaque;
  const walk = (items: Obj[]) => {
    for (const it of items) {
      if (it.o === 'weight') weights.push(it.rec);
      else if (it.o === 'seq') {
        if (it.seq.opaque) known = false;
        walk(it.seq.items);
      } else if (it.o === 'list') walk(it.items);
      else if (it.o !== 'act' && it.o !== 'norm' && it.o !== 'pass') known = false;
    }
  };
  walk(members);
  if (!known) return null;
  const kind = rec.spec.kind;
  // nn.LazyLinear is an nn.Linear: an init loop would touch its uninitialized weight
  if (weights.some((w) => w.spec.kind === 'Lazy' + kind)) return null;
  const options = { ...defaultOptions, distribution: target.init.endsWith('uniform') ? ('uniform' as const) : ('normal' as const) };
  const want = torchCall(ctx, ns, target, 'm.weight');
  const agrees = (w: LayerRec): boolean => {
    const l = ctx.layerOf!(w);
    if (!l || w.events.length || w.call.broken) return false;
    const r = recommendation(l, options);
    return r !== null && torchCall(ctx, ns, r.target, 'm.weight') === want;
  };
  const disagree = weights.filter((w) => w.spec.kind === kind && !agrees(w));
  // Layers that want another init may only be the container's last members, built once after the
  // loop (an output head): the loop then runs over `net[:-k]`, which keeps the loop-built ones.
  let cutFrom = members.length;
  for (const w of disagree) {
    const i = members.findIndex((it) => it.o === 'weight' && it.rec === w);
    if (i < 0) return null;
    cutFrom = Math.min(cutFrom, i);
  }
  const tail = members.slice(cutFrom);
  if (tail.some((it) => it.o !== 'weight' || it.rec.template)) return null;
  const keep = members.slice(0, cutFrom);
  const holds = (it: Obj): boolean => (it.o === 'weight' && it.rec === rec) || (it.o === 'seq' && it.seq.items.some(holds)) || (it.o === 'list' && it.items.some(holds));
  if (!keep.some(holds)) return null;
  const touched = weights.filter((w) => w.spec.kind === kind && !tail.some((it) => it.o === 'weight' && it.rec === w));
  const sliceText = cutFrom < members.length ? `[:${cutFrom - members.length}]` : '';
  const cls = ctx.imports.spell(rec.qname);
  if (!cls) return null;
  const { stmt, fn, owner } = place;
  if (ctx.errors.some((er) => er.span.from <= stmt.span.to && er.span.to >= stmt.span.from)) return null;
  const text = ctx.text;
  const indent = indentOf(text, stmt.span.from);
  // the statement must start its line
  if (text.slice(text.lastIndexOf('\n', stmt.span.from - 1) + 1, stmt.span.from).trim() !== '') return null;
  const unit = indentUnit(text, stmt, fn);
  // (a compound statement's span ends after its last line's newline)
  let end = stmt.span.to;
  while (end > stmt.span.from && /\s/.test(text[end - 1])) end--;
  const at = lineEnd(text, end);
  const eol = text[at] === '\r' ? '\r\n' : '\n';
  const bias = touched.every((w) => w.bias && !w.biasUnsure) ? 'all' : touched.some((w) => w.bias) ? 'some' : 'none';
  const loop = (it: string): string[] => {
    const out = [`${indent}for m in ${it}${sliceText}.modules():`, `${indent}${unit}if isinstance(m, ${cls}):`, `${indent}${unit}${unit}${want}`];
    if (bias === 'all') out.push(`${indent}${unit}${unit}${ns}.zeros_(m.bias)`);
    else if (bias === 'some') out.push(`${indent}${unit}${unit}if m.bias is not None:`, `${indent}${unit}${unit}${unit}${ns}.zeros_(m.bias)`);
    return out;
  };
  if (owner !== null) {
    const edit = insertAfterStmt(text, stmt, indent, loop(owner));
    return edit ? [edit, ...imports] : null;
  }
  // return nn.Sequential(...): bind it to a name that function does not use
  const body = fn ? text.slice(fn.span.from, fn.span.to) : text;
  const name = ['net', 'model', 'seq', 'stack'].find((n) => !new RegExp(`\\b${n}\\b`).test(body));
  if (!name || stmt.k !== 'return' || !stmt.value) return null;
  const value = text.slice(stmt.value.span.from, stmt.value.span.to);
  const lines = [`${name} = ${value}`, ...loop(name), `${indent}return ${name}`];
  return [{ from: stmt.span.from, to: stmt.span.to, newText: lines.join(eol) }, ...imports];
}

function findCall(stmts: PyStmt[], span: Span): Extract<PyExpr, { k: 'call' }> | null {
  let found: Extract<PyExpr, { k: 'call' }> | null = null;
  walkStmts(stmts, (s) => {
    if (found || s.span.from > span.from || s.span.to < span.to) return;
    for (const e of stmtExprs(s)) walkExpr(e, (x) => {
      if (!found && x.k === 'call' && x.span.from === span.from && x.span.to === span.to) found = x;
    });
  });
  return found;
}

/** The weight expression an init call writes: first argument of nn.init.*, or the receiver of `.normal_()`. */
function initTargetText(text: string, call: Extract<PyExpr, { k: 'call' }>, imports: Imports): string | null {
  const fn = call.fn;
  const isInitModule = fn.k === 'attr' && imports.resolve(fn.obj) === 'torch.nn.init';
  if (!isInitModule && fn.k === 'attr' && (fn.attr === 'normal_' || fn.attr === 'uniform_' || fn.attr === 'zero_' || fn.attr === 'fill_')) {
    let obj = fn.obj;
    if (obj.k === 'attr' && obj.attr === 'data') obj = obj.obj;
    return text.slice(obj.span.from, obj.span.to);
  }
  const first = call.args.find((a) => a.name === null || a.name === 'tensor');
  if (!first) return null;
  let v = first.value;
  if (v.k === 'attr' && v.attr === 'data') v = v.obj;
  return text.slice(v.span.from, v.span.to);
}
