/**
 * PyTorch fixes: an `nn.init.*_(…weight…)` line after the statement that builds the layer, or a
 * loop over the container that holds it; the existing init call replaced when there is one.
 */
import { type PyStmt, dottedName } from '../../../parse/pyast.js';
import { type InitSpec, type TextEdit, defaultOptions } from '../../../types.js';
import type { InitTarget } from '../../adapter.js';
import { spelling } from '../../shared/initializers.js';
import { recommendation } from '../../shared/recommend.js';
import { indentOf } from '../../shared/textEdits.js';
import type { LayerRec, Obj, SeqRec } from '../eval/values.js';
import { type FixCtx, findCall, fmt, importEdit, indentUnit, initTargetText, insertAfterStmt, lineEnd, quoted } from './common.js';

export function torchInitNamespace(ctx: FixCtx): { ns: string; imports: TextEdit[] } {
  const direct = ctx.imports.spell('torch.nn.init');
  if (direct) return { ns: direct, imports: [] };
  if (!ctx.imports.map.has('nn')) return { ns: 'nn.init', imports: [importEdit(ctx, 'import torch.nn as nn')] };
  return { ns: 'torch.nn.init', imports: ctx.imports.map.get('torch') === 'torch' ? [] : [importEdit(ctx, 'import torch')] };
}

export function torchCall(ctx: FixCtx, ns: string, target: InitTarget, weight: string): string {
  const uniform = target.init.endsWith('uniform') || target.distribution === 'uniform';
  const kfn = spelling('pytorch', uniform ? 'he_uniform' : 'he_normal')!;
  const xfn = spelling('pytorch', uniform ? 'glorot_uniform' : 'glorot_normal')!;
  switch (target.init) {
    case 'orthogonal':
      return `${ns}.${spelling('pytorch', 'orthogonal')}(${weight})`;
    case 'lecun_normal':
    case 'lecun_uniform':
      return `${ns}.${kfn}(${weight}, nonlinearity=${quoted(ctx, 'linear')})`;
    case 'glorot_normal':
    case 'glorot_uniform':
      return `${ns}.${xfn}(${weight})`;
    case 'variance_scaling':
    case 'he_normal':
    case 'he_uniform':
    default:
      if (target.activation === 'leaky_relu' && target.slope !== undefined && target.slope !== 0) {
        return `${ns}.${kfn}(${weight}, a=${fmt(target.slope)}, nonlinearity=${quoted(ctx, 'leaky_relu')})`;
      }
      return `${ns}.${kfn}(${weight}, nonlinearity=${quoted(ctx, 'relu')})`;
  }
}

export function torchFix(ctx: FixCtx, rec: LayerRec, target: InitTarget): TextEdit[] | null {
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
    lines.push(`${ind}${unit}if ${quoted(ctx, 'weight_hh')} in param_name:`);
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
export function seqLoopFix(ctx: FixCtx, rec: LayerRec, target: InitTarget, ns: string, imports: TextEdit[]): TextEdit[] | null {
  if (!rec.template || target.which !== 'kernel' || rec.spec.recurrent || rec.spec.embedding || !ctx.layerOf) return null;
  // the innermost container first, then the ones holding it (blocks built in a loop as
  // nn.Sequential(conv, bn, relu), then nn.Sequential(*blocks))
  for (let seq: SeqRec | undefined = rec.seqOwner ?? undefined, depth = 0; seq && depth < 8; depth++) {
    const edits = seqLoopFixIn(ctx, rec, target, ns, imports, seq);
    if (edits) return edits;
    const inner: SeqRec = seq;
    seq = ctx.seqs?.find((s) => s.items.some((it) => it.kind === 'seq' && it.seq === inner));
  }
  return null;
}

export function seqLoopFixIn(ctx: FixCtx, rec: LayerRec, target: InitTarget, ns: string, imports: TextEdit[], seq: SeqRec): TextEdit[] | null {
  if (seq.framework !== 'pytorch' || !ctx.layerOf) return null;
  // the statement that builds the container
  let found: { stmt: PyStmt; fn: PyStmt | null } | null = null;
  const visit = (ss: PyStmt[], fn: PyStmt | null) => {
    for (const st of ss) {
      if (found) return;
      if (st.span.from > seq.call.span.from || st.span.to < seq.call.span.to) continue;
      if ((st.kind === 'assign' && st.value === seq.call) || (st.kind === 'return' && st.value === seq.call)) {
        found = { stmt: st, fn };
        return;
      }
      if (st.kind === 'def') visit(st.body, st);
      else if (st.kind === 'class' || st.kind === 'with' || st.kind === 'block') visit(st.body, fn);
      else if (st.kind === 'if' || st.kind === 'for') {
        visit(st.body, fn);
        visit(st.orelse, fn);
      }
    }
  };
  visit(ctx.stmts, null);
  if (!found) return null;
  const { stmt, fn } = found as { stmt: PyStmt; fn: PyStmt | null };
  let owner: string | null = null;
  if (stmt.kind === 'assign') {
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
export function listLoopFix(ctx: FixCtx, rec: LayerRec, target: InitTarget, ns: string, imports: TextEdit[]): TextEdit[] | null {
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
export function containerLoopFix(
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
      if (it.kind === 'weight') weights.push(it.rec);
      else if (it.kind === 'seq') {
        if (it.seq.opaque) known = false;
        walk(it.seq.items);
      } else if (it.kind === 'list') walk(it.items);
      else if (it.kind !== 'act' && it.kind !== 'norm' && it.kind !== 'pass') known = false;
    }
  };
  walk(members);
  if (!known) return null;
  const kind = rec.spec.kind;
  // nn.LazyLinear is an nn.Linear: an init loop would touch its uninitialized weight
  if (weights.some((w) => w.spec.kind === 'Lazy' + kind)) return null;
  const options = { ...defaultOptions, distribution: target.init.endsWith('uniform') || target.distribution === 'uniform' ? ('uniform' as const) : ('normal' as const) };
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
    const i = members.findIndex((it) => it.kind === 'weight' && it.rec === w);
    if (i < 0) return null;
    cutFrom = Math.min(cutFrom, i);
  }
  const tail = members.slice(cutFrom);
  if (tail.some((it) => it.kind !== 'weight' || it.rec.template)) return null;
  const keep = members.slice(0, cutFrom);
  const holds = (it: Obj): boolean => (it.kind === 'weight' && it.rec === rec) || (it.kind === 'seq' && it.seq.items.some(holds)) || (it.kind === 'list' && it.items.some(holds));
  if (!keep.some(holds)) return null;
  const touched = weights.filter((w) => w.spec.kind === kind && !tail.some((it) => it.kind === 'weight' && it.rec === w));
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
  if (!name || stmt.kind !== 'return' || !stmt.value) return null;
  const value = text.slice(stmt.value.span.from, stmt.value.span.to);
  const lines = [`${name} = ${value}`, ...loop(name), `${indent}return ${name}`];
  return [{ from: stmt.span.from, to: stmt.span.to, newText: lines.join(eol) }, ...imports];
}
