/** LSUV calibration (Mishkin & Matas 2016) of one seed's parameters. */
import * as tf from '@tensorflow/tfjs';
import type { NetworkSpec, SimOptions } from '../core/sim/types.js';
import { checkAbort } from './cancel.js';
import { seedOf } from './draws.js';
import { forwardLayer, networkInput, type Geometry, type Params } from './layers.js';

/**
 * LSUV (Mishkin & Matas 2016) on a calibration batch: the orthogonal start of each
 * layer, in order, rescaled until the variance of its pre-activation is 1 within
 * the tolerance (at most maxIterations). Returns the calibrated parameters.
 */
export function calibrateLsuv(spec: NetworkSpec, options: SimOptions, g: Geometry, seed: number, params: Params[], signal?: AbortSignal): { iterations: number[]; scales: number[]; variances: number[] } {
  const tol = options.lsuvTolerance ?? 1e-3;
  const maxIt = options.lsuvMaxIterations ?? 10;
  const calBatch = Math.max(options.batch, 128);
  const iterations: number[] = [];
  const scales: number[] = [];
  const variances: number[] = [];
  let x = networkInput(spec, options, { ...g, batch: calBatch }, seed + 7919, calBatch);
  const cal: Geometry = { ...g, batch: calBatch };
  for (let i = 0; i < spec.layers.length; i++) {
    checkAbort(signal);
    const l = spec.layers[i]!;
    const p = params[i]!;
    let scale = 1;
    let it = 0;
    if (l.kind === 'embedding') {
      p.ids?.dispose();
      const n = spec.layers[i + 1]?.kind === 'recurrent' ? calBatch * g.steps : calBatch;
      p.ids = tf.randomUniform([n], 0, p.w.shape[0]!, 'int32', seedOf(seed + 7919, i, 4));
    }
    let out: tf.Tensor | null = null;
    let last = NaN;
    for (;;) {
      const next = tf.tidy(() => {
        const f = forwardLayer(x, l, p, cal);
        const v = tf.moments(f.zRaw).variance.dataSync()[0]!;
        return { y: f.y, v };
      });
      const v = next.v;
      last = v;
      if (out) out.dispose();
      out = next.y as tf.Tensor;
      if (!(v > 0) || !Number.isFinite(v) || Math.abs(v - 1) <= tol || it >= maxIt) break;
      const f = 1 / Math.sqrt(v);
      scale *= f;
      const old = p.w;
      p.w = tf.mul(old, f);
      old.dispose();
      it++;
    }
    iterations.push(it);
    scales.push(scale);
    variances.push(last);
    if (x) x.dispose();
    x = out;
  }
  x?.dispose();
  return { iterations, scales, variances };
}
