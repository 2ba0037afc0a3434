/** Flax fixes (linen and nnx): `kernel_init=` with the initializer namespace the file imports. */
import { kwarg } from '../../../parse/pyast.js';
import type { TextEdit } from '../../../types.js';
import type { InitTarget } from '../../adapter.js';
import { spelling } from '../../shared/initializers.js';
import type { LayerRec } from '../eval/values.js';
import { wrappedInitializer } from '../semantics/initializers.js';
import { type FixCtx, fmt, importEdit, kwargBefore, localCtx, quoted, setKwarg } from './common.js';

/** Where initializers are reached from in this file; an import is added only when none is. */
export function flaxInitNamespace(ctx: FixCtx, nnx: boolean): { ns: string; imports: TextEdit[] } {
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

export function flaxInitValue(ctx: FixCtx, target: InitTarget, nnx: boolean): { value: string; imports: TextEdit[] } {
  const { ns, imports } = flaxInitNamespace(ctx, nnx);
  if (target.init === 'variance_scaling' && target.scale !== undefined) {
    return { value: `${ns}.variance_scaling(${fmt(target.scale)}, ${quoted(ctx, 'fan_in')}, ${quoted(ctx, target.distribution === 'uniform' ? 'uniform' : 'truncated_normal')})`, imports };
  }
  return { value: `${ns}.${spelling('flax', target.init) ?? target.init}()`, imports };
}

export function flaxFix(ctx0: FixCtx, rec: LayerRec, target: InitTarget): TextEdit[] | null {
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
