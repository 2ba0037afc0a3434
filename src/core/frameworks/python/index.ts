/**
 * The Python framework adapter (Keras, PyTorch and Flax on one module): runs the interpreter
 * (interp.ts), resolves PyTorch's post-construction init code (torchInits.ts), turns layer
 * records into layers and models (models.ts), and attaches fixes in each framework's idiom (fix/).
 */
import type { PythonModule } from '../../parse/python.js';
import type { Layer } from '../../types.js';
import type { FrameworkAnalysis, InitTarget } from '../adapter.js';
import type { LayerRec } from './eval/values.js';
import { type FixCtx, detectQuote } from './fix/common.js';
import { buildFix } from './fix/index.js';
import { Imports } from './imports.js';
import { Interp } from './interp.js';
import { buildModels, markTransformerStyle, toLayer } from './models.js';
import { resolveTorchInits } from './torchInits.js';

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
