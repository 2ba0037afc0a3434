/** Keras fixes: `kernel_initializer=` set or replaced on the layer call. */
import type { TextEdit } from '../../../types.js';
import type { InitTarget } from '../../adapter.js';
import { spelling } from '../../shared/initializers.js';
import type { LayerRec } from '../eval/values.js';
import { type FixCtx, fmt, localCtx, quoted, setKwarg } from './common.js';

export function kerasInitValue(ctx: FixCtx, target: InitTarget): string {
  if (target.init === 'variance_scaling' && target.scale !== undefined) {
    const ns = ctx.imports.spell('keras.initializers') ?? ctx.imports.spell('tensorflow.keras.initializers');
    if (ns) return `${ns}.VarianceScaling(scale=${fmt(target.scale)}, mode=${quoted(ctx, 'fan_in')}, distribution=${quoted(ctx, target.distribution === 'uniform' ? 'uniform' : 'truncated_normal')})`;
    return quoted(ctx, 'he_normal');
  }
  return quoted(ctx, spelling('keras', target.init) ?? target.init);
}

export function kerasFix(ctx0: FixCtx, rec: LayerRec, target: InitTarget): TextEdit[] | null {
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
