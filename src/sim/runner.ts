/**
 * The Monte Carlo variance simulator on TensorFlow.js: runs a NetworkSpec
 * (src/core/sim) forward on random inputs and backward from a standard-normal
 * cotangent, seed after seed, and pools the per-layer statistics.
 *
 * Runs in a browser/webview and in Node: no Node built-ins here (the Node-only
 * parts, the wasm path and the worker pool, live in src/sim/node.ts). The pieces:
 * backend.ts (backend choice), draws.ts (seeded weight draws), layers.ts (one
 * layer forward and backward), lsuv.ts (LSUV calibration), cancel.ts.
 *
 * Float32 underflow: (1/6)^50 ≈ 1e-39. The backward pass is linear in the
 * cotangent, so the gradient is rescaled to unit second moment after every layer
 * and the log of the scale is carried (exact). The forward signal is rescaled only
 * where that is exact: when every later layer is positively homogeneous (ReLU,
 * leaky ReLU, linear) with no bias, up to the next normalization.
 */
import * as tf from '@tensorflow/tfjs';
import { convPlan } from '../core/sim/analytic.js';
import { isConverged, type SeedLayer, type SeedRun } from '../core/sim/pool.js';
import { validateSimOptions } from '../core/sim/network.js';
import { fitBudget } from '../core/sim/budget.js';
import { pooledResult } from '../core/sim/schedule.js';
import type { NetworkSpec, SimBackend, SimInit, SimOptions, SimProgress, SimulationResult } from '../core/sim/types.js';
import { DEFAULT_MAX_SEEDS, SIM_INITS } from '../core/sim/types.js';
import { currentBackend, initBackend } from './backend.js';
import { checkAbort, SimulationCancelled } from './cancel.js';
import { seedOf } from './draws.js';
import { backwardLayer, drawParams, forwardLayer, momentsOf, networkInput, RELU_FAMILY, rescalableAfter, varianceFrom, varianceOf, type Forward, type Geometry, type Params } from './layers.js';
import { calibrateLsuv } from './lsuv.js';

export { initBackend } from './backend.js';
export { draw, orthogonalMatrix } from './draws.js';
export { SimulationCancelled };

interface SeedOptions {
  init: SimInit;
  seed: number;
  batch: number;
  signal?: AbortSignal;
  /** Also measure the same drawn weights on a small batch first, and hand that run over (the first curve). */
  preview?: { batch: number; onPreview: (run: SeedRun) => void };
}

/** Batch of the first curve (simulation.md: 50×512 at batch 16 runs in about a quarter of batch 64's time). */
export const PREVIEW_BATCH = 16;
/** Input seeds of preview batches: apart from every real seed's. */
const PREVIEW_SEED = 0x2545f491;

/**
 * Forward and backward of one drawn network on a batch of `g.batch` inputs drawn from
 * `inputSeed`: the per-layer statistics of one seed. The parameters are not changed.
 */
function measure(spec: NetworkSpec, options: SimOptions, g: Geometry, params: Params[], rescalable: boolean[], inputSeed: number, signal?: AbortSignal): SeedLayer[] {
  const L = spec.layers.length;
  const keep: tf.Tensor[] = [];
  try {
    const forwards: Forward[] = [];
    // The stored activations are the true ones divided by σ (σ² = e^ls): rescaling is
    // done only where it is exact (rescalableAfter). logIn[i]: log σ² of layer i's input
    // as it matters for its statistics (0 for layers whose output forgets the scale).
    const logIn: number[] = [];
    const exact: boolean[] = [];
    const outScale: number[] = [];
    const stats: SeedLayer[] = [];
    let x = networkInput(spec, options, g, inputSeed, g.batch);
    let ls = 0;
    for (let i = 0; i < L; i++) {
      checkAbort(signal);
      const l = spec.layers[i]!;
      const f = forwardLayer(x, l, params[i]!, g);
      forwards.push(f);
      const isExact = l.kind === 'embedding' || (l.normalization !== null && !l.residual && l.kind !== 'recurrent');
      exact.push(isExact);
      logIn.push(isExact ? 0 : ls);
      const li = isExact ? 0 : ls;
      const relu = RELU_FAMILY.has(l.activation.name) && l.kind !== 'recurrent';
      const lastAxis = f.y.rank - 1;
      const chanAxes = Array.from({ length: f.y.rank }, (_, k) => k).filter((k) => k !== lastAxis);
      const read = tf.tidy(() => {
        const parts: tf.Tensor[] = [...momentsOf(f.z), ...momentsOf(f.y)];
        // [mean z, mean z², mean y, mean y²]
        if (relu) {
          const z2 = f.z.reshape([-1, f.z.shape[lastAxis]!]);
          parts.push(tf.mean(tf.cast(tf.lessEqual(tf.max(z2, 0), 0), 'float32')));
          parts.push(tf.mean(tf.cast(tf.lessEqual(f.z, 0), 'float32')));
        }
        if (l.residual && f.skip) {
          const cm = tf.moments(f.y, chanAxes);
          parts.push(tf.mean(tf.square(cm.mean)), tf.mean(cm.variance), tf.mean(tf.moments(f.a, chanAxes).variance));
        }
        return tf.stack(parts.map((t) => t.reshape([])));
      });
      const v = read.dataSync();
      read.dispose();
      const e = Math.exp(li);
      const se = Math.exp(li / 2);
      // A normalized layer's pre-activations are exact whatever its input's scale.
      const ez = l.normalization ? 1 : e;
      const sez = l.normalization ? 1 : se;
      const m = v[3]!;
      const st: SeedLayer = {
        preMean: v[0]! * sez,
        preVar: varianceFrom(f.z, v[0]!, v[1]!) * ez,
        forwardMean: v[2]! * se,
        forwardVar: varianceFrom(f.y, v[2]!, m) * e,
        logForwardSecondMoment: Math.log(m) + li,
        deadFraction: relu ? v[4]! : 0,
        inactiveFraction: relu ? v[5]! : 0,
        logBackwardVar: NaN,
        logWeightGradVar: NaN,
      };
      if (l.residual && f.skip) {
        const o = relu ? 6 : 4;
        st.spp = { channelSquaredMean: v[o]! * e, channelVariance: v[o + 1]! * e, branchVariance: v[o + 2]! * e };
      }
      stats.push(st);
      ls = li;
      let y = f.y;
      if (rescalable[i] && m > 0 && Number.isFinite(m) && (m < 1e-8 || m > 1e8)) {
        y = tf.div(f.y, Math.sqrt(m));
        keep.push(y);
        ls += Math.log(m);
      }
      outScale.push(ls);
      x = y;
    }
    // Backward from a standard-normal cotangent; the stored gradient is the true one
    // divided by e^(lb/2), rescaled to unit second moment after every layer (exact: linear).
    const out = forwards[L - 1]!.y;
    let dy: tf.Tensor = tf.randomNormal(out.shape, 0, 1, 'float32', seedOf(inputSeed, 200000, 6));
    let lb = 0;
    // Var(dy) when known from the previous layer's dx (its mean and second moment), else null.
    let known: number | null = null;
    for (let i = L - 1; i >= 0; i--) {
      checkAbort(signal);
      const l = spec.layers[i]!;
      const f = forwards[i]!;
      const bv = known ?? tf.tidy(() => tf.moments(dy).variance.dataSync()[0]!);
      known = null;
      stats[i]!.logBackwardVar = Math.log(bv) + lb;
      const rows = params[i]!.w.shape[0]!;
      const { dx, dw } = backwardLayer(f, l, params[i]!, dy, rows);
      const wv = typeof dw === 'number' ? dw : dw instanceof Float64Array ? varianceOf(dw) : tf.tidy(() => tf.moments(dw).variance.dataSync()[0]!);
      if (dw instanceof tf.Tensor) dw.dispose();
      // Homogeneous layers: dW scales with the input's σ; scale-free (normalized) layers: it does not.
      stats[i]!.logWeightGradVar = Math.log(wv) + lb + (exact[i] ? 0 : logIn[i]!);
      dy.dispose();
      if (!dx) {
        // An embedding starts a fresh signal: nothing flows to the layers before it.
        for (let k = i - 1; k >= 0; k--) {
          stats[k]!.logBackwardVar = -Infinity;
          stats[k]!.logWeightGradVar = -Infinity;
        }
        break;
      }
      // A scale-free layer's true input gradient is the stored one divided by its input's σ.
      if (exact[i] && i > 0) lb -= outScale[i - 1]!;
      const [mu, m2] = tf.tidy(() => tf.stack(momentsOf(dx)).dataSync());
      if (m2! > 0 && Number.isFinite(m2)) {
        dy = tf.div(dx, Math.sqrt(m2!));
        dx.dispose();
        lb += Math.log(m2!);
        // The next layer's cotangent has second moment 1: its variance is 1 − mean², read here.
        const v = 1 - (mu! * mu!) / m2!;
        known = v > 1e-3 ? v : null;
      } else dy = dx;
    }
    return stats;
  } finally {
    for (const t of keep) t.dispose();
  }
}

/** One seed of one init: forward and backward, per-layer statistics. */
export function runSeed(spec: NetworkSpec, options: SimOptions, so: SeedOptions): SeedRun {
  const g: Geometry = { batch: so.batch, spatial: options.spatial, steps: options.steps, plan: convPlan(spec, options) };
  const rescalable = rescalableAfter(spec, so.init);
  const params: Params[] = spec.layers.map((l, i) => drawParams(l, so.init, so.seed, g, spec.layers[i + 1]?.kind === 'recurrent'));
  let lsuv: SeedRun['lsuv'];
  try {
    if (so.init === 'lsuv') {
      lsuv = calibrateLsuv(spec, options, g, so.seed, params, so.signal);
      // Fresh token ids for the measuring batch.
      spec.layers.forEach((l, i) => {
        if (l.kind === 'embedding') {
          params[i]!.ids?.dispose();
          params[i]!.ids = tf.randomUniform([spec.layers[i + 1]?.kind === 'recurrent' ? g.batch * g.steps : g.batch], 0, params[i]!.w.shape[0]!, 'int32', seedOf(so.seed, i, 4));
        }
      });
    }
    if (so.preview) {
      // The first curve: the same drawn weights on a small batch (the weights' draw, not the
      // batch, is where a deep net's spread comes from), reported before the full batch runs.
      const pg: Geometry = { ...g, batch: so.preview.batch };
      const saved = params.map((p) => p.ids);
      spec.layers.forEach((l, i) => {
        if (l.kind === 'embedding') params[i]!.ids = tf.randomUniform([spec.layers[i + 1]?.kind === 'recurrent' ? pg.batch * pg.steps : pg.batch], 0, params[i]!.w.shape[0]!, 'int32', seedOf(so.seed + PREVIEW_SEED, i, 4));
      });
      try {
        so.preview.onPreview({ seed: so.seed, layers: measure(spec, options, pg, params, rescalable, so.seed + PREVIEW_SEED, so.signal) });
      } finally {
        spec.layers.forEach((l, i) => {
          if (l.kind === 'embedding') {
            params[i]!.ids?.dispose();
            params[i]!.ids = saved[i];
          }
        });
      }
    }
    const stats = measure(spec, options, g, params, rescalable, so.seed, so.signal);
    const run: SeedRun = { seed: so.seed, layers: stats };
    if (lsuv) run.lsuv = lsuv;
    return run;
  } finally {
    for (const p of params) {
      p.w.dispose();
      p.u?.dispose();
      p.b?.dispose();
      p.ids?.dispose();
    }
  }
}

/**
 * One seed's tensors for cross-checks: the input, every layer's weights and bias
 * (runner layout: dense [in, out], conv [kh, kw, in, out]), every layer's output,
 * the cotangent and the gradient w.r.t. every layer's output. No rescaling.
 * For dense and conv stacks (what a framework can rebuild layer for layer).
 */
export function traceSeed(spec: NetworkSpec, options: SimOptions, init: SimInit, seed: number): {
  input: Float32Array; inputShape: number[];
  layers: { w: Float32Array; wShape: number[]; b: Float32Array | null; y: Float32Array; yShape: number[]; dy: Float32Array }[];
} {
  return scoped(() => {
    const g: Geometry = { batch: options.batch, spatial: options.spatial, steps: options.steps, plan: convPlan(spec, options) };
    const params = spec.layers.map((l) => drawParams(l, init, seed, g, false));
    const x0 = networkInput(spec, options, g, seed, options.batch)!;
    const fs: Forward[] = [];
    let x: tf.Tensor = x0;
    for (let i = 0; i < spec.layers.length; i++) {
      const f = forwardLayer(x, spec.layers[i]!, params[i]!, g);
      fs.push(f);
      x = f.y;
    }
    let dy: tf.Tensor = tf.randomNormal(x.shape, 0, 1, 'float32', seedOf(seed, 200000, 6));
    const grads: Float32Array[] = new Array(spec.layers.length);
    for (let i = spec.layers.length - 1; i >= 0; i--) {
      grads[i] = dy.dataSync() as Float32Array;
      const { dx } = backwardLayer(fs[i]!, spec.layers[i]!, params[i]!, dy, params[i]!.w.shape[0]!);
      if (!dx) break;
      dy = dx;
    }
    return {
      input: x0.dataSync() as Float32Array,
      inputShape: x0.shape,
      layers: spec.layers.map((_, i) => ({
        w: params[i]!.w.dataSync() as Float32Array,
        wShape: params[i]!.w.shape,
        b: params[i]!.b ? (params[i]!.b!.dataSync() as Float32Array) : null,
        y: fs[i]!.y.dataSync() as Float32Array,
        yShape: fs[i]!.y.shape,
        dy: grads[i]!,
      })),
    };
  });
}

// ---------------------------------------------------------------------------
// The whole simulation

/** Run `fn` in a tfjs scope: every tensor it creates and does not return is released. */
export function scoped<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}

/**
 * Monte Carlo for every requested init (default all four), seed after seed, until
 * `options.seeds` seeds (or, with seeds = 0, until converged or the seed cap).
 * Every pooled seed is reported through onProgress; the signal cancels between
 * layers (the promise rejects with an AbortError).
 */
/** Bad options or an empty network: a clear error before anything runs. */
function checkRunnable(spec: NetworkSpec, options: SimOptions): void {
  const bad = validateSimOptions(options);
  if (bad) throw new Error(bad);
  if (spec.layers.length === 0) throw new Error('the network has no layers');
}

export async function runSimulation(
  spec: NetworkSpec,
  options: SimOptions,
  hooks: { onProgress?: (p: SimProgress) => void; signal?: AbortSignal } = {},
): Promise<SimulationResult> {
  checkRunnable(spec, options);
  // Models too large for the budget are sampled down, and say so (assumptions `reduced:…`).
  const fitted = fitBudget(spec, options);
  return runFitted(fitted.spec, fitted.options, hooks);
}

/**
 * runSimulation of a spec and options already fitted to the budget (fitBudget, once per
 * run: a caller that splits a run, like the panel's init after init, fits the whole run).
 */
export async function runFitted(
  spec: NetworkSpec,
  options: SimOptions,
  hooks: { onProgress?: (p: SimProgress) => void; signal?: AbortSignal } = {},
): Promise<SimulationResult> {
  checkRunnable(spec, options);
  if (!tf.getBackend()) await initBackend();
  const t0 = Date.now();
  const backend = currentBackend();
  const which = options.which ?? [...SIM_INITS];
  const cap = options.seeds > 0 ? options.seeds : (options.maxSeeds ?? DEFAULT_MAX_SEEDS);
  const runs = new Map<SimInit, SeedRun[]>(which.map((w) => [w, []]));
  let firstCurveMs: number | null = null;
  // A partial result pools the inits run so far (a preview run stands in for an init's first seed).
  const build = (final: boolean, preview?: { init: SimInit; run: SeedRun }): SimulationResult =>
    pooledResult(spec, options, runs, backend, { firstCurveMs, totalMs: Date.now() - t0 }, { all: final, previews: preview ? new Map([[preview.init, preview.run]]) : undefined });
  const pending = new Set(which);
  // Progressive: the first seed of each init first shows its curves from a small batch
  // (the same drawn weights, so it costs only the small batch's matmuls), and every
  // seed of every init is reported as soon as it is pooled.
  const previewBatch = Math.min(PREVIEW_BATCH, options.batch);
  for (let k = 0; k < cap && pending.size > 0; k++) {
    for (const init of which) {
      if (!pending.has(init)) continue;
      checkAbort(hooks.signal);
      const preview =
        k === 0 && hooks.onProgress && previewBatch < options.batch
          ? {
              batch: previewBatch,
              onPreview: (run: SeedRun) => {
                firstCurveMs ??= Date.now() - t0;
                hooks.onProgress!({ done: 0, total: cap, partial: build(false, { init, run }), preview: true });
              },
            }
          : undefined;
      const run = scoped(() => runSeed(spec, options, { init, seed: options.seed + k, batch: options.batch, signal: hooks.signal, preview }));
      runs.get(init)!.push(run);
      if (options.seeds === 0 && isConverged(runs.get(init)!)) pending.delete(init);
      firstCurveMs ??= Date.now() - t0;
      hooks.onProgress?.({ done: k + 1, total: cap, partial: build(false) });
      // Yield to the event loop so a UI stays responsive and a cancel can land.
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  return build(true);
}

export { pooledResult };
