/**
 * Attribute reads (`self.fc`, `m.weight`, `layer.kernel.data`, `blocks.conv1`, `type(m).__name__`):
 * what an attribute of each kind of value is, for the interpreter's `eval`.
 */
import { type PyExpr, dottedName } from '../../../parse/pyast.js';
import type { Evaluator } from '../eval/evaluator.js';
import { type Scope, lookup, rootName } from '../eval/scope.js';
import { type Obj, type SeqRec, UNKNOWN, type Val } from '../eval/values.js';
import { paramWhich } from './torchInitCode.js';

const FAN_ATTRS = { out_channels: 'out', out_features: 'out', in_channels: 'inn', in_features: 'inn', kernel_size: 'ks' } as const;

/** `obj.attr`: an imported dotted name, a field or method of `self`, a layer's parameter, a named submodule. */
export function evalAttr(ev: Evaluator, e: Extract<PyExpr, { kind: 'attr' }>, scope: Scope): Val {
  // imported dotted name?
  const root = rootName(e);
  if (root !== null && !lookup(scope, root) && (ev.imports.map.has(root) || false)) {
    const q = ev.imports.resolve(e);
    if (q) return { kind: 'ref', q };
  }
  const base = ev.eval(e.obj, scope);
  switch (base.kind) {
    case 'self': {
      const v = base.cls.attrs.get(e.attr) ?? base.cls.fields.get(e.attr);
      if (v) return v;
      const m = base.cls.methods.get(e.attr);
      if (m) {
        // self._init_weights with `@staticmethod` takes no self; with `@classmethod`, the class
        const deco = m.decorators.map((d) => dottedName(d));
        if (deco.includes('staticmethod')) return { kind: 'fn', def: m, cls: base.cls, self: null };
        if (deco.includes('classmethod')) return { kind: 'fn', def: m, cls: base.cls, self: { kind: 'cls', cls: base.cls } };
        return { kind: 'fn', def: m, cls: base.cls, self: base };
      }
      return UNKNOWN;
    }
    case 'obj':
      return objAttr(base.o, e.attr);
    case 'objs': {
      const recs = base.items.flatMap((o) => (o.kind === 'weight' ? [o.rec] : []));
      const which = paramWhich(e.attr);
      if (which && recs.length) return { kind: 'param', layers: recs, filter: null, which, data: false };
      return UNKNOWN;
    }
    case 'anymod': {
      const which = paramWhich(e.attr);
      if (which) return { kind: 'param', layers: null, filter: base.filter, which, data: false };
      if (e.attr === '__class__') return { kind: 'classname', of: base, varName: e.obj.kind === 'name' ? e.obj.id : null };
      // m.out_channels, m.in_features, m.kernel_size: a fan of each module the init code reaches
      const part = (FAN_ATTRS as Record<string, 'out' | 'inn' | 'ks' | undefined>)[e.attr];
      if (part) return { kind: 'fan', k: 1, out: part === 'out' ? 1 : 0, inn: part === 'inn' ? 1 : 0, ks: part === 'ks' ? 1 : 0 };
      return UNKNOWN;
    }
    case 'classname':
      return e.attr === '__name__' ? base : UNKNOWN;
    case 'param':
      if (e.attr === 'data') return { ...base, data: true };
      return UNKNOWN;
    case 'tensor':
      if (e.attr === 'T' || e.attr === 'data') return base;
      return { kind: 'unknown' };
    case 'cls': {
      const v = base.cls.fields.get(e.attr);
      return v ?? UNKNOWN;
    }
    case 'dict':
      // nn.ModuleDict reads its entries as attributes too: self.mlp.c_fc
      return base.entries.get(e.attr) ?? UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** An attribute of a module object: a weight's parameter, a named item of a container, an instance's attribute. */
export function objAttr(o: Obj, attr: string): Val {
  if (o.kind === 'weight') {
    const which = paramWhich(attr);
    if (which) {
      const m = /_l(\d+)(_reverse)?$/.exec(attr);
      return { kind: 'param', layers: [o.rec], filter: null, which, data: false, ...(m ? { index: Number(m[1]) } : {}) };
    }
    return UNKNOWN;
  }
  if (o.kind === 'seq') {
    const names = (o.seq as SeqRec & { names?: (string | null)[] }).names;
    if (names) {
      const i = names.indexOf(attr);
      if (i >= 0 && o.seq.items[i]) return { kind: 'obj', o: o.seq.items[i] };
    }
    return UNKNOWN;
  }
  if (o.kind === 'wrapper') return objAttr(o.inner, attr);
  if (o.kind === 'instance') return o.cls.attrs.get(attr) ?? o.cls.fields.get(attr) ?? UNKNOWN;
  return UNKNOWN;
}
