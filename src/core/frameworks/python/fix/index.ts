/** A Python layer's fix edits: dispatches to the framework's fix writer. */
import type { TextEdit } from '../../../types.js';
import type { InitTarget } from '../../adapter.js';
import type { LayerRec } from '../eval/values.js';
import type { FixCtx } from './common.js';
import { flaxFix } from './flax.js';
import { kerasFix } from './keras.js';
import { torchFix } from './torch.js';

export function buildFix(ctx: FixCtx, rec: LayerRec, target: InitTarget): TextEdit[] | null {
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
