/**
 * Initializer reading: an initializer argument or call (`"he_normal"`, `initializers.HeNormal()`,
 * `nn.initializers.lecun_normal()`, `nn.init.kaiming_normal_`, `tensor.normal_(0, s)`) to an
 * `InitSpec`, each framework's default, and bias initializers.
 */
import { type PyExpr, argOf, dottedName, kwarg } from '../../../parse/pyast.js';
import type { Framework, InitSpec, Span } from '../../../types.js';
import type { Scope } from '../eval/scope.js';
import type { LayerRec } from '../eval/values.js';
import { KERAS_INIT_STRINGS, varianceScalingLaw } from '../../shared/initializers.js';
import { Imports } from '../imports.js';
import type { Evaluator } from '../eval/evaluator.js';
import { type WeightLayerSpec, roleOf } from '../vocab.js';


/**
 * Reads the numeric and string arguments of an initializer call. `unreadable`
 * turns true when a numeric argument is written but cannot be evaluated
 * (std=config.init_std): the scale is then unknown, never the default.
 */
export function argReader(ev: Evaluator, e: Extract<PyExpr, { kind: 'call' }> | null, scope: Scope) {
  const r = {
    unreadable: false,
    numOf: (x: PyExpr | undefined): number | undefined => {
      if (!x) return undefined;
      const v = ev.eval(x, scope);
      if (v.kind === 'num') return v.v;
      r.unreadable = true;
      return undefined;
    },
    num: (idx: number, kw: string): number | undefined => (e ? r.numOf(argOf(e, idx, kw)) : undefined),
    str: (idx: number, kw: string): string | undefined => {
      const a = e ? argOf(e, idx, kw) : undefined;
      if (!a) return undefined;
      const v = ev.eval(a, scope);
      return v.kind === 'str' ? v.v : undefined;
    },
  };
  return r;
}

export function initFromExpr(ev: Evaluator, x: PyExpr, scope: Scope): InitSpec {
  if (x.kind === 'str') return kerasInitFromString(x.value, x.span);
  // nnx.with_partitioning(nnx.initializers.lecun_normal(), ('embed', 'mlp')): the wrapped initializer draws.
  const inner = wrappedInitializer(x, ev.imports);
  if (inner) return initFromExpr(ev, inner, scope);
  const v = ev.eval(x, scope);
  if (v.kind === 'init') return { ...v.spec, span: x.span, explicit: true, source: 'argument' };
  if (v.kind === 'ref') {
    const role = roleOf(v.q);
    if (role && role.kind === 'initializer') {
      // Passed without calling it
      const spec = initializerCall(ev, role.fw, role.name, null, scope);
      if (role.fw === 'flax' && role.name !== 'zeros' && role.name !== 'ones') {
        // `variance_scaling` and `constant` need arguments: adding `()` alone would not run.
        const needsArgs = role.name === 'variance_scaling' || role.name === 'constant';
        return { ...spec, span: x.span, explicit: true, source: 'argument', factoryNotCalled: true, text: (dottedName(x) ?? role.name) + (needsArgs ? '(…)' : ''), ...(needsArgs ? { unknownArgs: true } : {}) };
      }
      return { ...spec, span: x.span, explicit: true, source: 'argument' };
    }
  }
  if (v.kind === 'str') return kerasInitFromString(v.v, x.span);
  return { name: 'unknown', explicit: true, source: 'argument', span: x.span };
}

export function initializerCall(ev: Evaluator, fw: Framework, name: string, e: Extract<PyExpr, { kind: 'call' }> | null, scope: Scope): InitSpec {
  const args = argReader(ev, e, scope);
  const spec = initializerSpec(fw, name, e, args);
  return args.unreadable ? { ...spec, unknownArgs: true } : spec;
}

export function initializerSpec(fw: Framework, name: string, e: Extract<PyExpr, { kind: 'call' }> | null, { num, str }: ReturnType<typeof argReader>): InitSpec {
  const base = { explicit: true, source: 'argument' as const, span: e?.span };
  const n = name.replace(/^(kaiming)/, 'he').replace(/^xavier/, 'glorot');
  const snake = n.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  switch (snake) {
    case 'he_normal':
    case 'he_uniform':
    case 'glorot_normal':
    case 'glorot_uniform':
    case 'lecun_normal':
    case 'lecun_uniform':
      return { ...base, name: snake, distribution: varianceScalingLaw(snake)?.uniform ? 'uniform' : 'truncated_normal' };
    case 'orthogonal':
      return { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: fw === 'flax' ? num(0, 'scale') ?? 1 : num(0, 'gain') ?? 1 };
    case 'delta_orthogonal':
      return { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: num(0, 'scale') ?? 1 };
    case 'zeros':
    case 'zeros_init':
    case 'zero':
      return { ...base, name: 'zeros', distribution: 'constant', value: 0 };
    case 'ones':
    case 'ones_init':
    case 'one':
      return { ...base, name: 'ones', distribution: 'constant', value: 1 };
    case 'constant': {
      const v = num(0, 'value');
      // Constant(embedding_matrix): the frameworks take an array too, which loads given weights
      // (pretrained embeddings), not one value: nothing to judge.
      if (v === undefined && e && argOf(e, 0, 'value')) return { ...base, name: 'unknown' };
      return { ...base, name: v === 0 ? 'zeros' : v === 1 ? 'ones' : 'constant', distribution: 'constant', value: v };
    }
    case 'random_normal':
    case 'normal':
      if (fw === 'flax') return { ...base, name: 'random_normal', distribution: 'untruncated_normal', std: num(0, 'stddev') ?? 0.01 };
      return { ...base, name: 'random_normal', distribution: 'untruncated_normal', mean: num(0, 'mean') ?? 0, std: num(1, 'stddev') ?? 0.05 };
    case 'random_uniform':
    case 'uniform':
      if (fw === 'flax') return { ...base, name: 'random_uniform', distribution: 'uniform', scale: num(0, 'scale') ?? 0.01 };
      return { ...base, name: 'random_uniform', distribution: 'uniform', minval: num(0, 'minval') ?? -0.05, maxval: num(1, 'maxval') ?? 0.05 };
    case 'truncated_normal':
      if (fw === 'flax') return { ...base, name: 'truncated_normal', distribution: 'truncated_normal', std: num(0, 'stddev') ?? 0.01, minval: num(2, 'lower'), maxval: num(3, 'upper') };
      return { ...base, name: 'truncated_normal', distribution: 'truncated_normal', mean: num(0, 'mean') ?? 0, std: num(1, 'stddev') ?? 0.05 };
    case 'variance_scaling': {
      const mode = str(1, 'mode');
      const dist = str(2, 'distribution');
      return {
        ...base,
        name: 'variance_scaling',
        scale: num(0, 'scale') ?? 1,
        mode: mode === 'fan_out' ? 'fan_out' : mode === 'fan_avg' ? 'fan_avg' : 'fan_in',
        distribution: dist === 'uniform' ? 'uniform' : dist === 'untruncated_normal' ? 'untruncated_normal' : dist === 'normal' ? 'normal' : 'truncated_normal',
      };
    }
    case 'identity':
      return { ...base, name: 'orthogonal', distribution: 'orthogonal', gain: num(0, 'gain') ?? 1 };
    default:
      return { ...base, name: 'unknown' };
  }
}

export function tensorInitMethod(ev: Evaluator, m: string, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope): InitSpec | null {
  const args = argReader(ev, e, scope);
  const spec = tensorInitSpec(m, e, args.numOf);
  return spec && args.unreadable ? { ...spec, unknownArgs: true } : spec;
}

export function tensorInitSpec(m: string, e: Extract<PyExpr, { kind: 'call' }>, num: (x: PyExpr | undefined) => number | undefined): InitSpec | null {
  switch (m) {
    case 'normal_':
      return { name: 'random_normal', explicit: true, source: 'init-call', distribution: 'untruncated_normal', mean: num(argOf(e, 0, 'mean')) ?? 0, std: num(argOf(e, 1, 'std')) ?? 1 };
    case 'uniform_':
      return { name: 'random_uniform', explicit: true, source: 'init-call', distribution: 'uniform', minval: num(argOf(e, 0, 'from')) ?? 0, maxval: num(argOf(e, 1, 'to')) ?? 1 };
    case 'zero_':
      return { name: 'zeros', explicit: true, source: 'init-call', distribution: 'constant', value: 0 };
    case 'fill_': {
      const v = num(argOf(e, 0, 'value'));
      return { name: v === 0 ? 'zeros' : v === 1 ? 'ones' : 'constant', explicit: true, source: 'init-call', distribution: 'constant', value: v };
    }
    default:
      return null;
  }
}

/** Flax `bias_init=`: only a factory passed without `()` matters (IL007). */
export function readBiasInit(ev: Evaluator, rec: LayerRec, e: Extract<PyExpr, { kind: 'call' }>, scope: Scope): void {
  const bi = kwarg(e, 'bias_init');
  rec.biasInit = bi ? initFromExpr(ev, bi.value, scope) : undefined;
}


/** Flax wrappers that attach sharding metadata to an initializer and draw with it unchanged. */
export const INIT_WRAPPERS = new Set([
  'flax.nnx.with_partitioning', 'flax.nnx.with_metadata', 'flax.linen.with_partitioning', 'flax.linen.with_logical_partitioning',
]);

/** The initializer inside `nnx.with_partitioning(init, ...)`, or null when `x` is no such wrapper. */
export function wrappedInitializer(x: PyExpr, imports: Imports): PyExpr | null {
  if (x.kind !== 'call' || !INIT_WRAPPERS.has(imports.resolve(x.fn) ?? '')) return null;
  const first = x.args[0];
  return first && first.name === null && !first.star ? first.value : null;
}

export function evalNumStatic(x: PyExpr | undefined): number | null {
  return x && x.kind === 'num' ? x.value : null;
}

export function kerasDefault(s: WeightLayerSpec): InitSpec {
  if (s.embedding) return { name: 'random_uniform', explicit: false, source: 'default', distribution: 'uniform', minval: -0.05, maxval: 0.05 };
  return { name: 'glorot_uniform', explicit: false, source: 'default', distribution: 'uniform' };
}

/**
 * Keras `*_initializer=None`: `initializers.get(None)` is None and `Layer.add_weight` then draws
 * float weights from glorot_uniform (Keras 3 and tf.keras), for every weight, the recurrent
 * kernel and embeddings included. Reported as that default; a fix replaces the `None`.
 */
export function kerasNoneInit(x: PyExpr): InitSpec | null {
  if (x.kind !== 'const' || x.value !== null) return null;
  return { name: 'glorot_uniform', explicit: false, source: 'argument', distribution: 'uniform', span: x.span, text: 'None' };
}

export function kerasInitFromString(s: string, span: Span): InitSpec {
  const name = KERAS_INIT_STRINGS[s] ?? 'unknown';
  const base: InitSpec = { name, explicit: true, source: 'argument', span, text: s };
  switch (name) {
    case 'random_normal':
      return { ...base, distribution: 'untruncated_normal', std: 0.05, mean: 0 };
    case 'random_uniform':
      return { ...base, distribution: 'uniform', minval: -0.05, maxval: 0.05 };
    case 'truncated_normal':
      return { ...base, distribution: 'truncated_normal', std: 0.05 };
    case 'zeros':
    case 'ones':
      return { ...base, distribution: 'constant', value: name === 'zeros' ? 0 : 1 };
    case 'orthogonal':
      return { ...base, distribution: 'orthogonal', gain: 1 };
    case 'variance_scaling':
      return { ...base, scale: 1, mode: 'fan_in', distribution: 'truncated_normal' };
    case 'unknown':
      return base;
    default:
      return { ...base, distribution: varianceScalingLaw(name)?.uniform ? 'uniform' : 'truncated_normal' };
  }
}
