/**
 * One layer of the simulated network on tfjs: activations and their derivatives,
 * shape adapters between layers (each with its exact backward), normalizations,
 * the forward map with what its backward needs, and the hand-written backward.
 *
 * Speed (see /work/shared/docs/simulation.md): in tfjs-wasm, `matMul` with a
 * transpose flag and `tf.grads` fall onto a path about 10× slower, so the
 * backward pass is written by hand with explicit `tf.transpose` before each
 * multiply: dense dx = dz·transpose(W), dW = transpose(x)·dz (at a small batch only
 * dW's variance, from the Gram matrices x·xᵀ and dz·dzᵀ: denseWeightGradVariance); convolutions
 * dx = conv2dTranspose(dz, W), dW = transpose(im2col(x))·dz. Only normalization
 * layers (the norm's own backward) and gated recurrent layers (small, unrolled)
 * use tf.grads.
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkSpec, SimInit, SimLayer, SimOptions } from '../core/sim/types.js';
import { biasOf, type ConvGeometry } from '../core/sim/analytic.js';
import { draw, seedOf } from './draws.js';

const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;
const HOMOGENEOUS = new Set(['relu', 'leaky_relu', 'linear', 'softmax']);
export const RELU_FAMILY = new Set(['relu', 'leaky_relu']);
/** Embedding tables are drawn with at most this many rows (rows are i.i.d., so the statistics do not change). */
const MAX_EMBEDDING_ROWS = 4096;
const NORM_EPS = 1e-5;

// ---------------------------------------------------------------------------
// Activations and their derivatives, elementwise.

function act(z: tf.Tensor, a: SimLayer['activation']): tf.Tensor {
  switch (a.name) {
    case 'relu':
      return tf.relu(z);
    case 'leaky_relu':
      return tf.leakyRelu(z, a.param ?? 0.01);
    case 'elu': {
      const alpha = a.param ?? 1;
      return alpha === 1 ? tf.elu(z) : tf.where(tf.greater(z, 0), z, tf.mul(alpha, tf.sub(tf.exp(z), 1)));
    }
    case 'selu':
      return tf.selu(z);
    case 'gelu':
      return tf.mul(tf.mul(0.5, z), tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
    case 'silu':
      return tf.mul(z, tf.sigmoid(z));
    case 'mish':
      return tf.mul(z, tf.tanh(tf.softplus(z)));
    case 'softplus':
      return tf.softplus(z);
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    default:
      // linear; softmax is treated as the identity on its logits, as in src/core/math.
      return z;
  }
}

function actDeriv(z: tf.Tensor, a: SimLayer['activation']): tf.Tensor | null {
  switch (a.name) {
    case 'relu':
      return tf.step(z, 0);
    case 'leaky_relu': {
      const s = a.param ?? 0.01;
      return tf.add(s, tf.mul(1 - s, tf.step(z, 0)));
    }
    case 'elu': {
      const alpha = a.param ?? 1;
      return tf.where(tf.greater(z, 0), tf.onesLike(z), tf.mul(alpha, tf.exp(z)));
    }
    case 'selu':
      return tf.mul(SELU_LAMBDA, tf.where(tf.greater(z, 0), tf.onesLike(z), tf.mul(SELU_ALPHA, tf.exp(z))));
    case 'gelu': {
      const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(z, Math.SQRT1_2))));
      const pdf = tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(z))));
      return tf.add(cdf, tf.mul(z, pdf));
    }
    case 'silu': {
      const s = tf.sigmoid(z);
      return tf.mul(s, tf.add(1, tf.mul(z, tf.sub(1, s))));
    }
    case 'mish': {
      const t = tf.tanh(tf.softplus(z));
      return tf.add(t, tf.mul(tf.mul(z, tf.sub(1, tf.square(t))), tf.sigmoid(z)));
    }
    case 'softplus':
      return tf.sigmoid(z);
    case 'tanh':
      return tf.sub(1, tf.square(tf.tanh(z)));
    case 'sigmoid': {
      const s = tf.sigmoid(z);
      return tf.mul(s, tf.sub(1, s));
    }
    default:
      return null; // identity
  }
}

// ---------------------------------------------------------------------------
// Shape adapters between layers (flat [N, F], spatial [B, S, S, C], sequence [B, T, F]),
// each with its exact backward.

interface Adapted {
  x: tf.Tensor;
  back: (dx: tf.Tensor) => tf.Tensor;
}

const identityBack = (dx: tf.Tensor) => dx;

/** Make the last axis `f` long: keep the first f entries, or repeat the entries cyclically. */
function fitLastAxis(x: tf.Tensor, f: number): Adapted {
  const shape = x.shape;
  const f0 = shape[shape.length - 1]!;
  if (f0 === f) return { x, back: identityBack };
  const lead = shape.slice(0, -1);
  const rows = lead.reduce((a, b) => a * b, 1);
  const x2 = x.reshape([rows, f0]);
  if (f0 > f) {
    const y = tf.slice(x2, [0, 0], [rows, f]).reshape([...lead, f]);
    return { x: y, back: (dx) => tf.pad(dx.reshape([rows, f]), [[0, 0], [0, f0 - f]]).reshape(shape) };
  }
  const r = Math.ceil(f / f0);
  const y = tf.slice(tf.tile(x2, [1, r]), [0, 0], [rows, f]).reshape([...lead, f]);
  return {
    x: y,
    back: (dx) => tf.sum(tf.pad(dx.reshape([rows, f]), [[0, 0], [0, r * f0 - f]]).reshape([rows, r, f0]), 1).reshape(shape),
  };
}

function chain(a: Adapted, b: (x: tf.Tensor) => Adapted): Adapted {
  const second = b(a.x);
  return { x: second.x, back: (dx) => a.back(second.back(dx)) };
}

function reshapeTo(x: tf.Tensor, shape: number[]): Adapted {
  const from = x.shape;
  return { x: x.reshape(shape), back: (dx) => dx.reshape(from) };
}

export interface Geometry {
  batch: number;
  spatial: number;
  steps: number;
  /** Every layer's convolution geometry (src/core/sim/analytic.ts convPlan). */
  plan: (ConvGeometry | null)[];
}

/**
 * A convolution's spatial axes as the runner stores them: 1-D as [1, W] (tfjs's
 * conv1d is this 2-D convolution of height 1), 2-D [H, W], 3-D [D, H, W].
 */
export function storedSpatial(sizes: readonly number[]): number[] {
  return sizes.length === 1 ? [1, sizes[0]!] : [...sizes];
}

/** Kernel and strides as the runner stores them (1-D: height 1). */
function storedKernel(l: SimLayer): { kernel: number[]; strides: number[] } {
  const k = l.kernel ?? [1, 1];
  const s = l.stride && l.stride.length === k.length ? l.stride : k.map(() => 1);
  return k.length === 1 ? { kernel: [1, k[0]!], strides: [1, s[0]!] } : { kernel: k, strides: s };
}

/** Any tensor as rows of features: flat [N, F] as is, a sequence [B, T, F] as [B·T, F], spatial [B, …, C] as [B, …·C]. */
function flatten(x: tf.Tensor): Adapted {
  if (x.rank === 2) return { x, back: identityBack };
  if (x.rank === 3) return reshapeTo(x, [x.shape[0]! * x.shape[1]!, x.shape[2]!]);
  return reshapeTo(x, [x.shape[0]!, x.shape.slice(1).reduce((a, b) => a * b, 1)]);
}

/** The input of layer `l` from the previous layer's output, in the layer's own shape. */
function adaptInput(x: tf.Tensor, l: SimLayer, g: Geometry): Adapted {
  const rank = x.rank;
  if (l.kind === 'dense') return chain(flatten(x), (y) => fitLastAxis(y, l.inFeatures));
  if (l.kind === 'conv' || l.kind === 'conv_transpose') {
    const want = storedSpatial(g.plan[l.index]?.input ?? [g.spatial, g.spatial]);
    if (rank === want.length + 2 && want.every((d, i) => x.shape[i + 1] === d)) return fitLastAxis(x, l.inFeatures);
    const flat = flatten(x);
    const n = flat.x.shape[0]!;
    const size = want.reduce((a, b) => a * b, 1);
    return chain(chain(flat, (y) => fitLastAxis(y, size * l.inFeatures)), (y) => reshapeTo(y, [n, ...want, l.inFeatures]));
  }
  if (l.kind === 'recurrent') {
    let seq: Adapted;
    if (rank === 3) seq = { x, back: identityBack };
    else {
      const flat = flatten(x);
      const n = flat.x.shape[0]!;
      if (n === g.batch * g.steps) seq = chain(flat, (y) => reshapeTo(y, [g.batch, g.steps, y.shape[1]!]));
      else {
        // The same input at every step (a sequence built from one vector per sample).
        const f = flat.x.shape[1]!;
        seq = chain(flat, (y) => ({
          x: tf.tile(y.reshape([n, 1, f]), [1, g.steps, 1]),
          back: (dx) => tf.sum(dx, 1),
        }));
      }
    }
    return chain(seq, (y) => fitLastAxis(y, l.inFeatures));
  }
  return { x, back: identityBack };
}

// ---------------------------------------------------------------------------
// Normalizations (applied between the linear map and the activation).

function normalize(z: tf.Tensor, kind: NonNullable<SimLayer['normalization']>): tf.Tensor {
  const r = z.rank;
  const last = r - 1;
  const all = Array.from({ length: r }, (_, i) => i);
  switch (kind) {
    case 'batchnorm': {
      const axes = all.filter((i) => i !== last); // per channel over batch (and positions)
      const { mean, variance } = tf.moments(z, axes, true);
      return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, NORM_EPS)));
    }
    case 'layernorm': {
      const axes = all.filter((i) => i !== 0 && (r !== 3 || i === last)); // per sample (per step for sequences)
      const { mean, variance } = tf.moments(z, axes, true);
      return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, NORM_EPS)));
    }
    case 'rmsnorm': {
      const ms = tf.mean(tf.square(z), last, true);
      return tf.div(z, tf.sqrt(tf.add(ms, NORM_EPS)));
    }
    case 'instancenorm': {
      if (r !== 4) return normalize(z, 'layernorm');
      const { mean, variance } = tf.moments(z, [1, 2], true);
      return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, NORM_EPS)));
    }
    case 'groupnorm': {
      const c = z.shape[last]!;
      let groups = Math.min(32, c);
      while (c % groups !== 0) groups--;
      const shape = z.shape;
      const grouped = z.reshape([...shape.slice(0, last), groups, c / groups]);
      const axes = Array.from({ length: grouped.rank }, (_, i) => i).filter((i) => i !== 0 && i !== grouped.rank - 2);
      const { mean, variance } = tf.moments(grouped, axes, true);
      return tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, NORM_EPS))).reshape(shape);
    }
  }
}

// ---------------------------------------------------------------------------
// One layer forward, with what its backward needs.

export interface Params {
  w: tf.Tensor;
  u?: tf.Tensor;
  b?: tf.Tensor;
  /** Embedding: the token ids drawn for this seed. */
  ids?: tf.Tensor;
}

export interface Forward {
  adapted: Adapted;
  /** The linear map's output before normalization. */
  zRaw: tf.Tensor;
  /** What the activation sees (after normalization). */
  z: tf.Tensor;
  /** The branch: φ(z) (recurrent: the hidden states). */
  a: tf.Tensor;
  y: tf.Tensor;
  /** Residual skip, adapted to the output shape. */
  skip?: Adapted;
}

/** A transposed convolution that really up-samples (some stride > 1); at stride 1 it is a convolution with the flipped kernel, the same law for i.i.d. weights. */
function upsamples(l: SimLayer): boolean {
  return l.kind === 'conv_transpose' && (l.stride ?? []).some((s) => s > 1);
}

/** The filter of a transposed convolution in tfjs's layout ([…k, out, in]) from the runner's ([…k, in, out]). */
function transposedFilter(w: tf.Tensor): tf.Tensor {
  const r = w.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(w, perm);
}

function linear(x: tf.Tensor, l: SimLayer, p: Params, g: Geometry): tf.Tensor {
  if (l.kind === 'dense') {
    const z = tf.matMul(x as tf.Tensor2D, p.w as tf.Tensor2D);
    return p.b ? tf.add(z, p.b) : z;
  }
  if (l.kind === 'conv' || l.kind === 'conv_transpose') {
    const { strides } = storedKernel(l);
    const out = storedSpatial(g.plan[l.index]?.output ?? x.shape.slice(1, -1));
    let z: tf.Tensor;
    if (x.rank === 5) {
      const st = strides as [number, number, number];
      // A strided transposed 3-D convolution is the adjoint of the convolution out → in (see conv3dAdjoint).
      z = upsamples(l) ? conv3dAdjoint(x, transposedFilter(p.w), out, st) : tf.conv3d(x as tf.Tensor5D, p.w as tf.Tensor5D, st, 'same');
    } else {
      const st = strides as [number, number];
      z = upsamples(l)
        ? tf.conv2dTranspose(x as tf.Tensor4D, transposedFilter(p.w) as tf.Tensor4D, [x.shape[0]!, out[0]!, out[1]!, l.outFeatures], st, 'same')
        : tf.conv2d(x as tf.Tensor4D, p.w as tf.Tensor4D, st, 'same');
    }
    return p.b ? tf.add(z, p.b) : z;
  }
  throw new Error(`linear: ${l.kind}`);
}

function recurrentForward(x: tf.Tensor, l: SimLayer, w: tf.Tensor, u: tf.Tensor, b: tf.Tensor | undefined): { z: tf.Tensor; h: tf.Tensor } {
  const [batch, steps] = [x.shape[0]!, x.shape[1]!];
  const hdim = l.outFeatures;
  const gates = l.gates ?? 1;
  let h = tf.zeros([batch, hdim]);
  let c = tf.zeros([batch, hdim]);
  const zs: tf.Tensor[] = [];
  const hs: tf.Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const xt = tf.slice(x, [0, t, 0], [batch, 1, x.shape[2]!]).reshape([batch, x.shape[2]!]);
    const zx = tf.matMul(xt, w);
    const zh = tf.matMul(h, u);
    if (gates === 4) {
      const z = b ? tf.add(tf.add(zx, zh), b) : tf.add(zx, zh);
      const [i, f, g, o] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
      zs.push(z);
    } else if (gates === 3) {
      const zxb = b ? tf.add(zx, b) : zx;
      const [xr, xz, xn] = tf.split(zxb, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [hr, hz, hn] = tf.split(zh, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const r = tf.sigmoid(tf.add(xr, hr));
      const uz = tf.sigmoid(tf.add(xz, hz));
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      h = tf.add(tf.mul(tf.sub(1, uz), n), tf.mul(uz, h));
      zs.push(tf.concat([tf.add(xr, hr), tf.add(xz, hz), tf.add(xn, tf.mul(r, hn))], 1));
    } else {
      const z = b ? tf.add(tf.add(zx, zh), b) : tf.add(zx, zh);
      h = act(z, l.activation);
      zs.push(z);
    }
    hs.push(h);
  }
  return { z: tf.stack(zs, 1), h: tf.stack(hs, 1) };
}

export function forwardLayer(xIn: tf.Tensor | null, l: SimLayer, p: Params, g: Geometry): Forward {
  if (l.kind === 'embedding') {
    const rows = p.w.shape[0]!;
    void rows;
    const zRaw = tf.gather(p.w, p.ids!);
    const z = l.normalization ? normalize(zRaw, l.normalization) : zRaw;
    const a = act(z, l.activation);
    const dummy = xIn ?? tf.zeros([1]);
    return { adapted: { x: dummy, back: identityBack }, zRaw, z, a, y: a };
  }
  const adapted = adaptInput(xIn!, l, g);
  const x = adapted.x;
  let zRaw: tf.Tensor;
  let z: tf.Tensor;
  let a: tf.Tensor;
  if (l.kind === 'recurrent') {
    const r = recurrentForward(x, l, p.w, p.u!, p.b);
    zRaw = r.z;
    z = r.z;
    a = r.h;
  } else {
    zRaw = linear(x, l, p, g);
    z = l.normalization ? normalize(zRaw, l.normalization) : zRaw;
    a = act(z, l.activation);
  }
  if (l.residual) {
    const skip = fitLastAxis(x, a.shape[a.shape.length - 1]!);
    if (skip.x.rank === a.rank && skip.x.shape.every((d, i) => d === a.shape[i])) {
      return { adapted, zRaw, z, a, y: tf.add(skip.x, a), skip };
    }
  }
  return { adapted, zRaw, z, a, y: a };
}

/**
 * tfjs's 'same' padding of one axis: out = ⌈n/s⌉, padding (out−1)·s + k − n, the smaller
 * half first. conv2d clamps it at 0; conv3d does not (a kernel smaller than its stride
 * then starts one position in: the padding before is negative), so `clamp` follows the op.
 */
function samePad(n: number, k: number, s: number, clamp: boolean): { out: number; before: number; after: number } {
  const out = Math.ceil(n / s);
  const raw = (out - 1) * s + k - n;
  const total = clamp ? Math.max(raw, 0) : raw;
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/**
 * Column matrix of the 'same'-padded patches of x [B, …spatial, C] (2 or 3 spatial
 * axes) at the given strides: [B·∏out, ∏k·C], tap-major like the kernel.
 */
function im2col(x: tf.Tensor, kernel: readonly number[], strides: readonly number[]): tf.Tensor2D {
  const shape = x.shape;
  const r = kernel.length;
  const b = shape[0]!;
  const c = shape[r + 1]!;
  const pads = kernel.map((k, i) => samePad(shape[i + 1]!, k, strides[i]!, r !== 3));
  const padded = tf.pad(x, [[0, 0], ...pads.map((p) => [Math.max(p.before, 0), Math.max(p.after, 0)] as [number, number]), [0, 0]]);
  const shift = pads.map((p) => Math.max(-p.before, 0));
  const unit = strides.every((v) => v === 1);
  const taps: tf.Tensor[] = [];
  const offset = new Array<number>(r).fill(0);
  const total = kernel.reduce((a, k) => a * k, 1);
  for (let t = 0; t < total; t++) {
    let rem = t;
    for (let i = r - 1; i >= 0; i--) {
      offset[i] = rem % kernel[i]!;
      rem = Math.floor(rem / kernel[i]!);
    }
    const at = offset.map((o, i) => o + shift[i]!);
    const begin = [0, ...at, 0];
    if (unit) taps.push(tf.slice(padded, begin, [b, ...pads.map((p) => p.out), c]));
    else taps.push(tf.stridedSlice(padded, begin, [b, ...at.map((o, i) => o + (pads[i]!.out - 1) * strides[i]! + 1), c], [1, ...strides, 1]));
  }
  const rows = b * pads.reduce((a, p) => a * p.out, 1);
  return tf.concat(taps, r + 1).reshape([rows, total * c]) as tf.Tensor2D;
}

/**
 * The adjoint of a strided 'same' 3-D convolution (x of spatial size n → out), computed
 * with forward convolutions only: the cotangent spread onto the stride-1 grid (zeros
 * between), padded, correlated with the spatially flipped kernel. tfjs-wasm's
 * Conv3DBackpropInputV2 (which conv3dTranspose and the gradient of conv3d use) gives
 * wrong values here (measured against the CPU backend: a mean square of 140 for 336 at
 * stride 1), so neither is used. `w` is [k…, cIn, cOut] of the forward convolution; the
 * result has cIn channels.
 */
export function conv3dAdjoint(dz: tf.Tensor, w: tf.Tensor, n: readonly number[], strides: readonly number[]): tf.Tensor {
  const k = w.shape.slice(0, 3);
  let u = dz;
  for (let i = 0; i < 3; i++) {
    const s = strides[i]!;
    if (s === 1) continue;
    const axis = i + 1;
    const len = u.shape[axis]!;
    // Insert s − 1 zeros after every entry along the axis, keep (len − 1)·s + 1.
    const expanded = tf.expandDims(u, axis + 1);
    const zerosShape = [...expanded.shape];
    zerosShape[axis + 1] = s - 1;
    const inter = tf.concat([expanded, tf.zeros(zerosShape)], axis + 1);
    const merged = [...u.shape];
    merged[axis] = len * s;
    const size = [...merged];
    size[axis] = (len - 1) * s + 1;
    u = tf.slice(inter.reshape(merged), new Array<number>(merged.length).fill(0), size);
  }
  const pads = k.map((kk, i) => {
    const p = samePad(n[i]!, kk, strides[i]!, false);
    return [kk - 1 - p.before, n[i]! + p.before - (p.out - 1) * strides[i]! - 1] as [number, number];
  });
  const padded = tf.pad(u, [[0, 0], ...pads, [0, 0]]);
  const flipped = tf.transpose(tf.reverse(w, [0, 1, 2]), [0, 1, 2, 4, 3]);
  return tf.conv3d(padded as tf.Tensor5D, flipped as tf.Tensor5D, 1, 'valid');
}

/** Backward of one layer: gradient w.r.t. its input (raw, previous layer's output shape) and w.r.t. its weights. */
/**
 * The variance over the entries of dW = xᵀ·dz (x: B × n_in, dz: B × n_out) without
 * forming it, for a small batch: Σ dW² = Σ (x·xᵀ)∘(dz·dzᵀ) and Σ dW = Σ_b (Σ_i x_bi)(Σ_j dz_bj),
 * B²·(n_in + n_out) multiply-adds instead of B·n_in·n_out and a pass over n_in·n_out entries.
 */
export function denseWeightGradVariance(x: tf.Tensor, dz: tf.Tensor): number {
  const nIn = x.shape[1]!;
  const nOut = dz.shape[1]!;
  const v = tf.tidy(() => {
    const x2 = x as tf.Tensor2D;
    const d2 = dz as tf.Tensor2D;
    const sq = tf.sum(tf.mul(tf.matMul(x2, tf.transpose(x2) as tf.Tensor2D), tf.matMul(d2, tf.transpose(d2) as tf.Tensor2D)));
    const s = tf.sum(tf.mul(tf.sum(x2, 1), tf.sum(d2, 1)));
    return tf.stack([sq, s]).dataSync();
  });
  const n = nIn * nOut;
  const mean = v[1]! / n;
  return Math.max(0, v[0]! / n - mean * mean);
}

/** Whether the Gram form of denseWeightGradVariance is the cheaper one. */
function gramCheaper(batch: number, nIn: number, nOut: number): boolean {
  return batch * (nIn + nOut) < nIn * nOut / 2;
}

export function backwardLayer(f: Forward, l: SimLayer, p: Params, dy: tf.Tensor, embeddingRows: number): { dx: tf.Tensor | null; dw: tf.Tensor | Float64Array | number } {
  const x = f.adapted.x;
  if (l.kind === 'recurrent') {
    const b = p.b;
    const u = p.u!;
    const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => recurrentForward(xx, l, ww, u, b).h);
    const [dxr, dw] = grads([x, p.w], dy);
    let dx = dxr!;
    if (f.skip) dx = tf.add(dx, f.skip.back(dy));
    return { dx: f.adapted.back(dx), dw: dw! };
  }
  const d = actDeriv(f.z, l.activation);
  let dz = d ? tf.mul(dy, d) : dy;
  if (l.normalization) {
    const norm = l.normalization;
    const g = tf.grads((zr: tf.Tensor) => normalize(zr, norm));
    dz = g([f.zRaw], dz)[0]!;
  }
  if (l.kind === 'embedding') {
    // dW: the cotangents of the tokens summed into their rows (no scatter kernel in wasm: done here).
    const ids = p.ids!.dataSync();
    const g = dz.dataSync();
    const dim = l.outFeatures;
    const acc = new Float64Array(embeddingRows * dim);
    for (let n = 0; n < ids.length; n++) {
      const row = ids[n]! * dim;
      for (let j = 0; j < dim; j++) acc[row + j] = acc[row + j]! + g[n * dim + j]!;
    }
    return { dx: null, dw: acc };
  }
  let dx: tf.Tensor;
  let dw: tf.Tensor | number;
  if (l.kind === 'dense') {
    dx = tf.matMul(dz as tf.Tensor2D, tf.transpose(p.w) as tf.Tensor2D);
    // Only dW's variance is measured: at a small batch it is read off Gram matrices.
    dw = gramCheaper(x.shape[0]!, x.shape[1]!, dz.shape[1]!) ? denseWeightGradVariance(x, dz) : tf.matMul(tf.transpose(x) as tf.Tensor2D, dz as tf.Tensor2D);
  } else if (x.rank === 5) {
    // 3-D: by hand too (tfjs-wasm's 3-D backprop kernels give wrong values, see conv3dAdjoint).
    const { kernel, strides } = storedKernel(l);
    if (upsamples(l)) {
      const wt = transposedFilter(p.w);
      dx = tf.conv3d(dz as tf.Tensor5D, wt as tf.Tensor5D, strides as [number, number, number], 'same');
      const cols = im2col(dz, kernel, strides);
      dw = tf.matMul(tf.transpose(cols) as tf.Tensor2D, x.reshape([cols.shape[0], l.inFeatures]) as tf.Tensor2D);
    } else {
      dx = conv3dAdjoint(dz, p.w, x.shape.slice(1, 4), strides);
      const cols = im2col(x, kernel, strides);
      dw = tf.matMul(tf.transpose(cols) as tf.Tensor2D, dz.reshape([cols.shape[0], l.outFeatures]) as tf.Tensor2D);
    }
  } else {
    const { kernel, strides } = storedKernel(l);
    const [sh, sw] = strides as [number, number];
    if (upsamples(l)) {
      // conv2dTranspose is the adjoint of conv2d with the same filter and strides: dx = conv2d(dz, F),
      // dF = transpose(im2col(dz))·x (F in [kh, kw, out, in]; the entries' variance is the layout's).
      const wt = transposedFilter(p.w);
      dx = tf.conv2d(dz as tf.Tensor4D, wt as tf.Tensor4D, [sh, sw], 'same');
      const cols = im2col(dz, kernel, strides);
      dw = tf.matMul(tf.transpose(cols) as tf.Tensor2D, x.reshape([cols.shape[0], l.inFeatures]) as tf.Tensor2D);
    } else {
      dx = tf.conv2dTranspose(dz as tf.Tensor4D, p.w as tf.Tensor4D, x.shape as [number, number, number, number], [sh, sw], 'same');
      const cols = im2col(x, kernel, strides);
      dw = tf.matMul(tf.transpose(cols) as tf.Tensor2D, dz.reshape([cols.shape[0], l.outFeatures]) as tf.Tensor2D);
    }
  }
  if (f.skip) dx = tf.add(dx, f.skip.back(dy));
  return { dx: f.adapted.back(dx), dw };
}

// ---------------------------------------------------------------------------
// Statistics

/** [mean, mean of squares] of t, in three passes (the variance follows: varianceFrom). */
export function momentsOf(t: tf.Tensor): tf.Tensor[] {
  return [tf.mean(t), tf.mean(tf.square(t))];
}

/**
 * The variance of `t` from its mean and mean of squares; where those nearly cancel
 * (|mean| within 0.1% of the root mean square: float32 would keep too few digits)
 * it is computed again in two passes.
 */
export function varianceFrom(t: tf.Tensor, mean: number, meanSquare: number): number {
  const v = meanSquare - mean * mean;
  if (v > 1e-3 * meanSquare) return v;
  return tf.tidy(() => tf.moments(t).variance.dataSync()[0]!);
}

export function varianceOf(data: Float64Array): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) m += data[i]!;
  m /= data.length || 1;
  let s = 0;
  for (let i = 0; i < data.length; i++) s += (data[i]! - m) ** 2;
  return s / (data.length || 1);
}

/** Layers after which a forward rescale is exact: every later layer homogeneous with no bias, up to the next normalization. */
export function rescalableAfter(spec: NetworkSpec, init: SimInit): boolean[] {
  const n = spec.layers.length;
  const out = new Array<boolean>(n).fill(false);
  let ok = true;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = ok;
    const l = spec.layers[i]!;
    const w = l.weight[init];
    const homogeneous =
      (l.kind === 'dense' || l.kind === 'conv' || l.kind === 'conv_transpose') && HOMOGENEOUS.has(l.activation.name) && biasOf(l, init) === null && w?.kind !== 'constant';
    if (l.normalization !== null && !l.residual && l.kind !== 'embedding' && l.kind !== 'recurrent') ok = true;
    else ok = ok && homogeneous;
  }
  return out;
}

function weightShape(l: SimLayer): { shape: number[]; rows: number; cols: number } {
  if (l.kind === 'conv' || l.kind === 'conv_transpose') {
    const { kernel } = storedKernel(l);
    const taps = kernel.reduce((a, b) => a * b, 1);
    return { shape: [...kernel, l.inFeatures, l.outFeatures], rows: taps * l.inFeatures, cols: l.outFeatures };
  }
  if (l.kind === 'recurrent') {
    const g = l.gates ?? 1;
    return { shape: [l.inFeatures, g * l.outFeatures], rows: l.inFeatures, cols: g * l.outFeatures };
  }
  if (l.kind === 'embedding') {
    const rows = Math.min(l.inFeatures, MAX_EMBEDDING_ROWS);
    return { shape: [rows, l.outFeatures], rows, cols: l.outFeatures };
  }
  return { shape: [l.inFeatures, l.outFeatures], rows: l.inFeatures, cols: l.outFeatures };
}

export function drawParams(l: SimLayer, init: SimInit, seed: number, g: Geometry, nextRecurrent: boolean): Params {
  const ws = weightShape(l);
  const sampler = l.weight[init] ?? l.weight.current!;
  const w = draw(sampler, ws.shape, seedOf(seed, l.index, 1), ws.rows, ws.cols);
  const p: Params = { w };
  if (l.kind === 'recurrent') {
    const h = l.outFeatures;
    const gates = l.gates ?? 1;
    const rs = l.recurrentWeight?.[init] ?? { kind: 'orthogonal', gain: 1 };
    p.u = draw(rs, [h, gates * h], seedOf(seed, l.index, 2), h, gates * h);
  }
  const bias = biasOf(l, init);
  if (bias) {
    const width = l.kind === 'recurrent' ? (l.gates ?? 1) * l.outFeatures : l.outFeatures;
    p.b = draw(bias, [width], seedOf(seed, l.index, 3), width, 1);
  }
  if (l.kind === 'embedding') {
    const n = nextRecurrent ? g.batch * g.steps : g.batch;
    const ids = tf.randomUniform([n], 0, ws.rows, 'int32', seedOf(seed, l.index, 4));
    p.ids = nextRecurrent ? ids : ids;
  }
  return p;
}

export function networkInput(spec: NetworkSpec, options: SimOptions, g: Geometry, seed: number, batch: number): tf.Tensor | null {
  const first = spec.layers[0]!;
  if (first.kind === 'embedding') return null;
  let shape: number[];
  if (first.kind === 'conv' || first.kind === 'conv_transpose') shape = [batch, ...storedSpatial(g.plan[0]?.input ?? [g.spatial, g.spatial]), first.inFeatures];
  else if (first.kind === 'recurrent') shape = [batch, g.steps, first.inFeatures];
  else shape = [batch, first.inFeatures];
  const s = seedOf(seed, 100000, 5);
  if (options.input === 'uniform') return tf.randomUniform(shape, -Math.sqrt(3), Math.sqrt(3), 'float32', s);
  const shift = options.input === 'shifted' ? (options.inputShift ?? 1) : 0;
  return tf.randomNormal(shape, shift, 1, 'float32', s);
}
