/**
 * PyTorch init code: `nn.init.*` calls and in-place tensor inits on parameters, recorded as init
 * events; narrowing of the module loop variable by `isinstance`, class-name tests and parameter
 * name tests (`for m in self.modules(): if isinstance(m, nn.Linear): ...`).
 */
import { torchCalculateGain } from '../../../math/index.js';
import { type PyExpr, type PyStmt, argOf } from '../../../parse/pyast.js';
import type { InitSpec } from '../../../types.js';
import type { Scope } from '../eval/scope.js';
import type { ClassCtx, InitEvent, NameTest, ParamWhich, Val } from '../eval/values.js';
import type { Evaluator } from '../eval/evaluator.js';
import { roleOf } from '../vocab.js';
import { argReader } from './initializers.js';

/** nn.init.kaiming_normal_(self.fc.weight, mode="fan_out", nonlinearity="relu") */
export function torchInitCall(ev: Evaluator, name: string, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, stmt?: PyStmt): void {
  const targetE = argOf(e, 0, 'tensor');
  if (!targetE) return;
  const target = ev.eval(targetE, scope);
  if (target.kind !== 'param' && target.kind !== 'anyparam') return;
  const args = argReader(ev, e, scope);
  const { num, str } = args;
  let spec: InitSpec;
  const base = { explicit: true, source: 'init-call' as const, span: e.span };
  switch (name) {
    case 'kaiming_normal_':
    case 'kaiming_uniform_': {
      const nl = str(3, 'nonlinearity') ?? 'leaky_relu';
      const a = num(1, 'a') ?? 0;
      const mode = (str(2, 'mode') ?? 'fan_in') as 'fan_in' | 'fan_out';
      const uniform = name === 'kaiming_uniform_';
      const gain = torchCalculateGain(nl, a);
      const lecun = gain !== null && Math.abs(gain - 1) < 1e-9;
      spec = {
        ...base,
        name: lecun ? (uniform ? 'lecun_uniform' : 'lecun_normal') : uniform ? 'he_uniform' : 'he_normal',
        distribution: uniform ? 'uniform' : 'untruncated_normal',
        a,
        mode,
        nonlinearity: nl,
      };
      break;
    }
    case 'xavier_normal_':
    case 'xavier_uniform_':
      spec = { ...base, name: name === 'xavier_normal_' ? 'glorot_normal' : 'glorot_uniform', distribution: name === 'xavier_normal_' ? 'untruncated_normal' : 'uniform', gain: num(1, 'gain') ?? 1 };
      break;
    case 'normal_':
      spec = { ...base, name: 'random_normal', distribution: 'untruncated_normal', mean: num(1, 'mean') ?? 0, std: num(2, 'std') ?? 1 };
      break;
    case 'trunc_normal_':
      spec = { ...base, name: 'truncated_normal', distribution: 'truncated_normal', mean: num(1, 'mean') ?? 0, std: num(2, 'std') ?? 1, minval: num(3, 'a') ?? -2, maxval: num(4, 'b') ?? 2 };
      break;
    case 'uniform_':
      spec = { ...base, name: 'random_uniform', distribution: 'uniform', minval: num(1, 'a') ?? 0, maxval: num(2, 'b') ?? 1 };
      break;
    case 'constant_': {
      const v = num(1, 'val');
      spec = { ...base, name: v === 0 ? 'zeros' : v === 1 ? 'ones' : 'constant', distribution: 'constant', value: v };
      break;
    }
    case 'zeros_':
      spec = { ...base, name: 'zeros', distribution: 'constant', value: 0 };
      break;
    case 'ones_':
      spec = { ...base, name: 'ones', distribution: 'constant', value: 1 };
      break;
    case 'orthogonal_':
      spec = { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: num(1, 'gain') ?? 1 };
      break;
    case 'eye_':
    case 'dirac_':
      spec = { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: 1 };
      break;
    default:
      spec = { ...base, name: 'unknown' };
  }
  if (args.unreadable) spec.unknownArgs = true;
  recordInit(ev, target.kind === 'anyparam' ? { kind: 'param', layers: target.owner, filter: target.filter, which: target.which, data: false } : target, spec, e, scope, stmt);
}

export function recordInit(ev: Evaluator, target: Extract<Val, { kind: 'param' }>, spec: InitSpec, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope, stmt?: PyStmt): void {
  if (ev.siteDepth > 0) return;
  const root = ev.rootScope;
  const event: InitEvent = {
    seq: ev.seq++,
    spec,
    which: target.which,
    layers: target.layers ?? undefined,
    filter: target.filter ?? undefined,
    index: target.index,
    stmtSpan: stmt ? stmt.span : e.span,
    callSpan: e.span,
    rootStmt: root ? root.top : null,
    rootFn: root ? root.fn : null,
    scopeCls: scope.cls,
  };
  if (ev.armStack.length) event.arms = [...ev.armStack];
  if (ev.deadBranches > 0) event.dead = true;
  const top = ev.moduleScope.top;
  if (top && (e.span.from < top.span.from || e.span.to > top.span.to)) event.site = { from: top.span.from, to: top.span.to };
  ev.events.push(event);
}

export function narrow(ev: Evaluator, test: PyExpr, scope: Scope): { name: string; then: Val; else: Val | null } | null {
  // isinstance(m, nn.Linear) / isinstance(m, (A, B))
  if (test.kind === 'call' && test.fn.kind === 'name' && test.fn.id === 'isinstance' && test.args.length >= 2) {
    const subj = test.args[0].value;
    if (subj.kind !== 'name') return null;
    const cur = scope.vars.get(subj.id);
    const typesExpr = test.args[1].value;
    if (cur && cur.kind === 'objs') {
      const tl = typesExpr.kind === 'tuple' || typesExpr.kind === 'list' ? typesExpr.items : [typesExpr];
      const kinds = new Set<string>();
      for (const te of tl) {
        const role = roleOf(ev.imports.resolve(te));
        if (role && role.kind === 'weight') kinds.add(role.spec.kind);
      }
      const keep = cur.items.filter((o) => o.kind === 'weight' && kinds.has(o.rec.spec.kind));
      const rest = cur.items.filter((o) => !(o.kind === 'weight' && kinds.has(o.rec.spec.kind)));
      return { name: subj.id, then: { kind: 'objs', items: keep }, else: { kind: 'objs', items: rest } };
    }
    if (!cur || cur.kind !== 'anymod') return null;
    const tlist = typesExpr.kind === 'tuple' || typesExpr.kind === 'list' ? typesExpr.items : [typesExpr];
    const kinds: string[] = [];
    let instanceOf: ClassCtx | null = null;
    for (const te of tlist) {
      const role = roleOf(ev.imports.resolve(te));
      if (role && role.kind === 'weight') kinds.push(role.spec.kind);
      else if (role) kinds.push('#' + (ev.imports.resolve(te) ?? ''));
      else if (te.kind === 'name' && ev.classes.has(te.id)) instanceOf = ev.classes.get(te.id)!;
      else kinds.push('#other');
    }
    const f = cur.filter;
    return {
      name: subj.id,
      then: { kind: 'anymod', filter: { ...f, types: instanceOf ? f.types : kinds, instanceOf: instanceOf ?? f.instanceOf } },
      else: { kind: 'anymod', filter: { ...f, exclude: [...f.exclude, ...kinds] } },
    };
  }
  // type(m) == nn.Linear
  if (test.kind === 'bin' && (test.op === '==' || test.op === 'is') && test.left.kind === 'call' && test.left.fn.kind === 'name' && test.left.fn.id === 'type') {
    const subj = test.left.args[0]?.value;
    if (!subj || subj.kind !== 'name') return null;
    const cur = scope.vars.get(subj.id);
    if (!cur || cur.kind !== 'anymod') return null;
    const role = roleOf(ev.imports.resolve(test.right));
    const kinds = role && role.kind === 'weight' ? [role.spec.kind] : ['#other'];
    return { name: subj.id, then: { kind: 'anymod', filter: { ...cur.filter, types: kinds } }, else: { kind: 'anymod', filter: { ...cur.filter, exclude: [...cur.filter.exclude, ...kinds] } } };
  }
  // classname.find('Conv') != -1  /  'Conv' in classname
  const cn = classnameTest(test, scope);
  if (cn) return cn;
  // 'weight_hh' in name / name.startswith('weight') / pn.endswith('c_proj.weight')
  const pt = paramNameTest(test, scope);
  if (pt) return pt;
  if (test.kind === 'unary' && test.op === 'not') {
    const inner = paramNameTest(test.operand, scope, true);
    if (inner) return inner;
  }
  return null;
}

export function classnameTest(test: PyExpr, scope: Scope): { name: string; then: Val; else: Val | null } | null {
  let subj: string | null = null;
  let needle: string | null = null;
  if (test.kind === 'bin' && (test.op === '!=' || test.op === '>=' || test.op === '>') && test.left.kind === 'call' && test.left.fn.kind === 'attr' && test.left.fn.attr === 'find') {
    const o = test.left.fn.obj;
    const a = test.left.args[0]?.value;
    if (o.kind === 'name' && a && a.kind === 'str') {
      subj = o.id;
      needle = a.value;
    }
  } else if (test.kind === 'bin' && (test.op === 'in' || test.op === 'not in') && test.left.kind === 'str' && test.right.kind === 'name') {
    subj = test.right.id;
    needle = test.left.value;
  }
  const swap = test.kind === 'bin' && test.op === 'not in';
  if (subj === null || needle === null) return null;
  const v = scope.vars.get(subj);
  if (!v || v.kind !== 'classname' || !v.varName) return null;
  const m = scope.vars.get(v.varName);
  if (!m || m.kind !== 'anymod') return null;
  const has: Val = { kind: 'anymod', filter: { ...m.filter, substr: [...m.filter.substr, needle] } };
  const hasNot: Val = { kind: 'anymod', filter: { ...m.filter, notSubstr: [...(m.filter.notSubstr ?? []), needle] } };
  return { name: v.varName, then: swap ? hasNot : has, else: swap ? has : hasNot };
}

export function paramNameTest(test: PyExpr, scope: Scope, negate = false): { name: string; then: Val; else: Val | null } | null {
  let nameVar: string | null = null;
  let t: NameTest | null = null;
  if (test.kind === 'bin' && (test.op === 'in' || test.op === 'not in') && test.left.kind === 'str' && test.right.kind === 'name') {
    nameVar = test.right.id;
    t = { op: 'in', s: test.left.value, negate: test.op === 'not in' ? !negate : negate };
  } else if (test.kind === 'call' && test.fn.kind === 'attr' && test.fn.obj.kind === 'name' && (test.fn.attr === 'startswith' || test.fn.attr === 'endswith')) {
    const a = test.args[0]?.value;
    if (a && a.kind === 'str') {
      nameVar = test.fn.obj.id;
      t = { op: test.fn.attr, s: a.value, negate };
    }
  } else if (test.kind === 'bin' && test.op === '==' && test.left.kind === 'name' && test.right.kind === 'str') {
    nameVar = test.left.id;
    t = { op: 'eq', s: test.right.value, negate };
  }
  if (nameVar === null || t === null) return null;
  const v = scope.vars.get(nameVar);
  if (!v || v.kind !== 'pname' || !v.varName) return null;
  const p = scope.vars.get(v.varName);
  if (!p || p.kind !== 'anyparam') return null;
  const then: Val = { ...p, filter: { ...p.filter, nameTests: [...p.filter.nameTests, t] } };
  const els: Val = { ...p, filter: { ...p.filter, nameTests: [...p.filter.nameTests, { ...t, negate: !t.negate }] } };
  return { name: v.varName, then, else: els };
}

export function paramWhich(attr: string): ParamWhich | null {
  if (attr === 'weight' || attr === 'kernel') return 'weight';
  if (attr === 'bias') return 'bias';
  if (attr.startsWith('weight_hh')) return 'weight_hh';
  if (attr.startsWith('weight_ih')) return 'weight_ih';
  if (attr.startsWith('bias_hh')) return 'bias_hh';
  if (attr.startsWith('bias_ih')) return 'bias_ih';
  return null;
}
