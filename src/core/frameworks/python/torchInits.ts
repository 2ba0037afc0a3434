/**
 * PyTorch init resolution: which recorded init events (nn.init calls, `.normal_()`, `apply(fn)`
 * hooks, loops over `self.modules()`) reach which layer's weights, in order, and which init wins.
 */
import { type PyExpr, type PyStmt, stmtExprs, walkExpr, walkStmts } from '../../parse/pyast.js';
import type { ClassCtx, InitEvent, LayerRec, NameTest } from './eval/values.js';
import { Interp } from './interp.js';

export function classUses(stmts: PyStmt[], classes: ClassCtx[]): Map<ClassCtx, Set<string>> {
  const out = new Map<ClassCtx, Set<string>>();
  const names = new Set(classes.map((c) => c.name));
  for (const c of classes) {
    const used = new Set<string>();
    walkStmts(c.stmt.body, (s) => {
      for (const e of stmtExprs(s)) walkExpr(e, (x) => {
        if (x.kind === 'name' && names.has(x.id) && x.id !== c.name) used.add(x.id);
      });
    });
    out.set(c, used);
  }
  // Call sites: `ResNet(BasicBlock, [2, 2, 2, 2])`, or through a factory function
  // whose body instantiates the class: `_resnet(BasicBlock, ...)`.
  const fnRefs = new Map<string, Set<string>>(); // function name → classes it references
  for (const s of stmts) {
    if (s.kind !== 'def') continue;
    const refs = new Set<string>();
    walkStmts(s.body, (st) => {
      for (const e of stmtExprs(st)) walkExpr(e, (x) => {
        if (x.kind === 'name' && names.has(x.id)) refs.add(x.id);
      });
    });
    fnRefs.set(s.name, refs);
  }
  const visitCalls = (e: PyExpr) =>
    walkExpr(e, (x) => {
      if (x.kind !== 'call' || x.fn.kind !== 'name') return;
      const callee = x.fn.id;
      const targets = names.has(callee) ? [callee] : [...(fnRefs.get(callee) ?? [])];
      if (!targets.length) return;
      const argNames = new Set<string>();
      for (const a of x.args) walkExpr(a.value, (y) => {
        if (y.kind === 'name' && names.has(y.id)) argNames.add(y.id);
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

export function paramNames(rec: LayerRec): { name: string; which: 'kernel' | 'recurrent' | 'bias' }[] {
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

export function testName(tests: NameTest[], name: string): boolean {
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
export function eventTargets(ev: InitEvent, rec: LayerRec, uses: Map<ClassCtx, Set<string>>): Set<'kernel' | 'recurrent'> {
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

export function resolveTorchInits(interp: Interp, recs: LayerRec[], stmts: PyStmt[]): void {
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
export function otherArmInit(ev: InitEvent, events: InitEvent[], same: (e: InitEvent) => boolean): boolean {
  const mine = new Set(ev.arms);
  return events.some((o) => {
    if (o === ev || !o.arms || !same(o) || o.spec.name === ev.spec.name) return false;
    return o.arms.some((a) => !mine.has(a) && mine.has(a.slice(0, a.indexOf(':') + 1) + (a.endsWith(':0') ? '1' : '0')));
  });
}
