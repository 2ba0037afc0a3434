/**
 * The Monte Carlo variance simulator on TensorFlow.js: runs a NetworkSpec
 * (src/core/sim) forward on random inputs and backward from a standard-normal
 * cotangent, seed after seed, and pools the per-layer statistics.
 *
 * Runs in a browser/webview and in Node: no Node built-ins here (the Node-only
 * parts, the wasm path and the worker pool, live in src/sim/node.ts).
 *
 * Speed (see /work/shared/docs/simulation.md): in tfjs-wasm, `matMul` with a
 * transpose flag and `tf.grads` fall onto a path about 10× slower, so the
 * backward pass is written by hand with explicit `tf.transpose` before each
 * multiply: dense dx = dz·transpose(W), dW = transpose(x)·dz; convolutions
 * dx = conv2dTranspose(dz, W), dW = transpose(im2col(x))·dz. Only normalization
 * layers (the norm's own backward) and gated recurrent layers (small, unrolled)
 * use tf.grads.
 *
 * Float32 underflow: (1/6)^50 ≈ 1e-39. The backward pass is linear in the
 * cotangent, so the gradient is rescaled to unit second moment after every layer
 * and the log of the scale is carried (exact). The forward signal is rescaled only
 * where that is exact: when every later layer is positively homogeneous (ReLU,
 * leaky ReLU, linear) with no bias, up to the next normalization.
 */
// The union package registers the gradients, the chained ops and the CPU/WebGL backends.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { analyticResult } from '../core/sim/analytic.js';
import { normalCdf } from '../core/math/gauss.js';
import { isConverged, poolSeries, type SeedLayer, type SeedRun } from '../core/sim/pool.js';
import { validateSimOptions } from '../core/sim/network.js';
import type { NetworkSpec, Sampler, SimBackend, SimInit, SimLayer, SimOptions, SimProgress, SimSeries, SimulationResult } from '../core/sim/types.js';
import { SIM_INITS } from '../core/sim/types.js';

const SELU_LAMBDA = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;
const HOMOGENEOUS = new Set(['relu', 'leaky_relu', 'linear', 'softmax']);
const RELU_FAMILY = new Set(['relu', 'leaky_relu']);
/** Embedding tables are drawn with at most this many rows (rows are i.i.d., so the statistics do not change). */
const MAX_EMBEDDING_ROWS = 4096;
const NORM_EPS = 1e-5;

export class SimulationCancelled extends Error {
  constructor() {
    super('simulation cancelled');
    this.name = 'AbortError';
  }
}

// ---------------------------------------------------------------------------
// Backends

let wasmRegistered = false;
async function registerWasm(wasmPath?: string): Promise<void> {
  if (!wasmRegistered) {
    await import('@tensorflow/tfjs-backend-wasm');
    wasmRegistered = true;
  }
  if (wasmPath) setWasmPaths(wasmPath);
}

function inBrowser(): boolean {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown; navigator?: { userAgent?: string } };
  return g.document !== undefined || g.WorkerGlobalScope !== undefined;
}

async function tryBackend(b: SimBackend, wasmPath?: string): Promise<boolean> {
  try {
    if (b === 'webgpu') {
      const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
      if (!gpu || !tf.findBackendFactory('webgpu')) return false;
      if (!(await gpu.requestAdapter())) return false;
      return await tf.setBackend('webgpu');
    }
    if (b === 'webgl') {
      if (!inBrowser()) return false;
      // Second moments of 1e-16 are common: never accept float16 textures.
      tf.env().set('WEBGL_FORCE_F16_TEXTURES', false);
      if (!(await tf.setBackend('webgl'))) return false;
      if (tf.env().getNumber('WEBGL_VERSION') !== 2 || !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) return false;
      return true;
    }
    if (b === 'wasm') {
      await registerWasm(wasmPath);
      return await tf.setBackend('wasm');
    }
    return await tf.setBackend('cpu');
  } catch {
    return false;
  }
}

/**
 * Pick the first working backend: WebGPU (an adapter is returned) → WebGL2 with
 * float32 textures → WASM → CPU in a browser; WASM then CPU in Node. The wasm
 * binaries' folder (or URL) is given by the caller as `wasmPath`.
 */
export async function initBackend(preferred?: SimBackend[], opts: { wasmPath?: string } = {}): Promise<SimBackend> {
  const order: SimBackend[] = preferred && preferred.length > 0 ? preferred : inBrowser() ? ['webgpu', 'webgl', 'wasm', 'cpu'] : ['wasm', 'cpu'];
  for (const b of order) {
    if (await tryBackend(b, opts.wasmPath)) {
      await tf.ready();
      return b;
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

function currentBackend(): SimBackend {
  const b = tf.getBackend();
  return b === 'webgpu' || b === 'webgl' || b === 'wasm' ? b : 'cpu';
}

// ---------------------------------------------------------------------------
// Seeded draws

/** A 31-bit seed for one tensor of one seed of one layer. */
function seedOf(seed: number, layer: number, tensor: number): number {
  let h = (seed * 0x9e3779b1) ^ (layer * 0x85ebca6b) ^ (tensor * 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 13), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 1;
}

/**
 * mulberry32: a small, fast seeded PRNG for the weight draws. tfjs's own random
 * ops draw the same laws about 10× slower (simulation.md: sampling costs as much
 * as the matmuls), so the draws are made here in plain JS.
 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n standard normal draws (Marsaglia's polar method). */
function gaussians(n: number, seed: number): Float64Array {
  const r = prng(seed);
  const out = new Float64Array(n);
  let i = 0;
  while (i < n) {
    const u = 2 * r() - 1;
    const v = 2 * r() - 1;
    const q = u * u + v * v;
    if (q >= 1 || q === 0) continue;
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    out[i++] = u * f;
    if (i < n) out[i++] = v * f;
  }
  return out;
}

function uniforms(n: number, low: number, high: number, seed: number): Float32Array {
  const r = prng(seed);
  const out = new Float32Array(n);
  const d = high - low;
  for (let i = 0; i < n; i++) out[i] = low + d * r();
  return out;
}

/**
 * A matrix with orthonormal columns (rows ≥ cols) or rows (rows < cols): Householder
 * QR of a Gaussian matrix, with Q's columns multiplied by sign(diag(R)) (as Keras,
 * TF.js and PyTorch do), times gain. Row-major Float32Array of rows × cols.
 */
export function orthogonalMatrix(rows: number, cols: number, gain: number, seed: number): Float32Array {
  const transpose = rows < cols;
  const m = transpose ? cols : rows; // tall
  const n = transpose ? rows : cols;
  const a = gaussians(m * n, seed); // column-major m × n
  const betas = new Float64Array(n);
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const ak = k * m;
    let norm = 0;
    for (let i = k; i < m; i++) {
      const x = a[ak + i]!;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    const x0 = a[ak + k]!;
    const alpha = x0 >= 0 ? -norm : norm; // R[k][k] = alpha
    signs[k] = alpha >= 0 ? 1 : -1;
    const v0 = x0 - alpha;
    a[ak + k] = v0;
    const vnorm2 = norm * norm - x0 * x0 + v0 * v0;
    const beta = vnorm2 > 0 ? 2 / vnorm2 : 0;
    betas[k] = beta;
    for (let j = k + 1; j < n; j++) {
      const aj = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += a[ak + i]! * a[aj + i]!;
      const f = beta * dot;
      for (let i = k; i < m; i++) a[aj + i] = a[aj + i]! - f * a[ak + i]!;
    }
  }
  // Q = H_0 … H_{n−1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const b = betas[k]!;
    if (b === 0) continue;
    const ak = k * m;
    for (let j = k; j < n; j++) {
      const qj = j * m;
      let dot = 0;
      for (let i = k; i < m; i++) dot += a[ak + i]! * q[qj + i]!;
      const f = b * dot;
      if (f === 0) continue;
      for (let i = k; i < m; i++) q[qj + i] = q[qj + i]! - f * a[ak + i]!;
    }
  }
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < n; j++) {
    const s = signs[j]! * gain;
    for (let i = 0; i < m; i++) {
      const v = q[j * m + i]! * s;
      if (transpose) out[j * cols + i] = v; // (n × m) = rows × cols, row j
      else out[i * cols + j] = v;
    }
  }
  return out;
}

function truncatedDraws(n: number, s: Extract<Sampler, { kind: 'truncated_normal' }>, seed: number): Float32Array {
  const lo = s.low !== undefined ? (s.low - s.mean) / s.std : -s.cut;
  const hi = s.high !== undefined ? (s.high - s.mean) / s.std : s.cut;
  const accept = Math.max(1e-6, normalCdf(hi) - normalCdf(lo));
  const out = new Float32Array(n);
  let k = 0;
  let round = 0;
  while (k < n) {
    const z = gaussians(Math.max(1024, Math.ceil(((n - k) / accept) * 1.05)), seedOf(seed, round++, 7));
    for (let i = 0; i < z.length && k < n; i++) if (z[i]! >= lo && z[i]! <= hi) out[k++] = s.mean + s.std * z[i]!;
    if (round > 10000) break; // an interval of negligible mass: leave the rest at the mean
  }
  for (; k < n; k++) out[k] = s.mean;
  return out;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Draw one tensor of `shape` with `sampler`; `rows`×`cols` is the matrix an orthogonal init flattens it to. */
export function draw(sampler: Sampler, shape: number[], seed: number, rows: number, cols: number): tf.Tensor {
  switch (sampler.kind) {
    case 'uniform':
      return tf.tensor(uniforms(size(shape), sampler.low, sampler.high, seed), shape, 'float32');
    case 'normal': {
      const z = gaussians(size(shape), seed);
      const out = new Float32Array(z.length);
      for (let i = 0; i < z.length; i++) out[i] = sampler.mean + sampler.std * z[i]!;
      return tf.tensor(out, shape, 'float32');
    }
    case 'truncated_normal':
      // Redraw outside the bounds, as tf.truncatedNormal, jax.random.truncated_normal and torch's trunc_normal_ do.
      return tf.tensor(truncatedDraws(size(shape), sampler, seed), shape, 'float32');
    case 'orthogonal':
      return tf.tensor(orthogonalMatrix(rows, cols, sampler.gain, seed), shape, 'float32');
    case 'constant':
      return tf.fill(shape, sampler.value, 'float32');
  }
}

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

interface Geometry {
  batch: number;
  spatial: number;
  steps: number;
}

/** The input of layer `l` from the previous layer's output, in the layer's own shape. */
function adaptInput(x: tf.Tensor, l: SimLayer, g: Geometry): Adapted {
  const rank = x.rank;
  if (l.kind === 'dense') {
    const flat = rank === 2 ? { x, back: identityBack } : reshapeTo(x, rank === 4 ? [x.shape[0]!, x.shape[1]! * x.shape[2]! * x.shape[3]!] : [x.shape[0]! * x.shape[1]!, x.shape[2]!]);
    return chain(flat, (y) => fitLastAxis(y, l.inFeatures));
  }
  if (l.kind === 'conv' || l.kind === 'conv_transpose') {
    const [kh, kw] = l.kernel ?? [1, 1];
    void kh;
    void kw;
    if (rank === 4) return fitLastAxis(x, l.inFeatures);
    const flat = rank === 2 ? { x, back: identityBack } : reshapeTo(x, [x.shape[0]! * x.shape[1]!, x.shape[2]!]);
    const n = flat.x.shape[0]!;
    const s = g.spatial;
    return chain(chain(flat, (y) => fitLastAxis(y, s * s * l.inFeatures)), (y) => reshapeTo(y, [n, s, s, l.inFeatures]));
  }
  if (l.kind === 'recurrent') {
    let seq: Adapted;
    if (rank === 3) seq = { x, back: identityBack };
    else {
      const flat = rank === 2 ? { x, back: identityBack } : reshapeTo(x, [x.shape[0]!, x.shape[1]! * x.shape[2]! * x.shape[3]!]);
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

interface Params {
  w: tf.Tensor;
  u?: tf.Tensor;
  b?: tf.Tensor;
  /** Embedding: the token ids drawn for this seed. */
  ids?: tf.Tensor;
}

interface Forward {
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

function linear(x: tf.Tensor, l: SimLayer, p: Params): tf.Tensor {
  if (l.kind === 'dense') {
    const z = tf.matMul(x as tf.Tensor2D, p.w as tf.Tensor2D);
    return p.b ? tf.add(z, p.b) : z;
  }
  if (l.kind === 'conv' || l.kind === 'conv_transpose') {
    // A stride-1 'same' transposed convolution is a convolution with the flipped kernel;
    // i.i.d. weights make the two the same law, so one op serves both.
    const z = tf.conv2d(x as tf.Tensor4D, p.w as tf.Tensor4D, 1, 'same');
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

function forwardLayer(xIn: tf.Tensor | null, l: SimLayer, p: Params, g: Geometry): Forward {
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
    zRaw = linear(x, l, p);
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

/** Column matrix of 'same'-padded k×k patches of x [B, S, S, C]: [B·S·S, kh·kw·C], tap-major like the kernel. */
function im2col(x: tf.Tensor4D, kh: number, kw: number): tf.Tensor2D {
  const [b, h, w, c] = x.shape;
  const ph = kh - 1;
  const pw = kw - 1;
  const padded = tf.pad(x, [[0, 0], [Math.floor(ph / 2), ph - Math.floor(ph / 2)], [Math.floor(pw / 2), pw - Math.floor(pw / 2)], [0, 0]]);
  const taps: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) taps.push(tf.slice(padded, [0, i, j, 0], [b, h, w, c]));
  return tf.concat(taps, 3).reshape([b * h * w, kh * kw * c]) as tf.Tensor2D;
}

/** Backward of one layer: gradient w.r.t. its input (raw, previous layer's output shape) and w.r.t. its weights. */
function backwardLayer(f: Forward, l: SimLayer, p: Params, dy: tf.Tensor, embeddingRows: number): { dx: tf.Tensor | null; dw: tf.Tensor | Float64Array } {
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
  let dw: tf.Tensor;
  if (l.kind === 'dense') {
    dx = tf.matMul(dz as tf.Tensor2D, tf.transpose(p.w) as tf.Tensor2D);
    dw = tf.matMul(tf.transpose(x) as tf.Tensor2D, dz as tf.Tensor2D);
  } else {
    const [kh, kw] = l.kernel ?? [1, 1];
    dx = tf.conv2dTranspose(dz as tf.Tensor4D, p.w as tf.Tensor4D, x.shape as [number, number, number, number], 1, 'same');
    const cols = im2col(x as tf.Tensor4D, kh!, kw!);
    const [b, h, w, o] = dz.shape as [number, number, number, number];
    dw = tf.matMul(tf.transpose(cols) as tf.Tensor2D, dz.reshape([b * h * w, o]) as tf.Tensor2D);
  }
  if (f.skip) dx = tf.add(dx, f.skip.back(dy));
  return { dx: f.adapted.back(dx), dw };
}

// ---------------------------------------------------------------------------
// Statistics

function momentsOf(t: tf.Tensor): tf.Tensor[] {
  const { mean, variance } = tf.moments(t);
  return [mean, variance, tf.mean(tf.square(t))];
}

function varianceOf(data: Float64Array): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) m += data[i]!;
  m /= data.length || 1;
  let s = 0;
  for (let i = 0; i < data.length; i++) s += (data[i]! - m) ** 2;
  return s / (data.length || 1);
}

/** Layers after which a forward rescale is exact: every later layer homogeneous with no bias, up to the next normalization. */
function rescalableAfter(spec: NetworkSpec, init: SimInit): boolean[] {
  const n = spec.layers.length;
  const out = new Array<boolean>(n).fill(false);
  let ok = true;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = ok;
    const l = spec.layers[i]!;
    const w = l.weight[init];
    const homogeneous =
      (l.kind === 'dense' || l.kind === 'conv' || l.kind === 'conv_transpose') && HOMOGENEOUS.has(l.activation.name) && l.bias === null && w?.kind !== 'constant';
    if (l.normalization !== null && !l.residual && l.kind !== 'embedding' && l.kind !== 'recurrent') ok = true;
    else ok = ok && homogeneous;
  }
  return out;
}

function weightShape(l: SimLayer): { shape: number[]; rows: number; cols: number } {
  if (l.kind === 'conv' || l.kind === 'conv_transpose') {
    const [kh, kw] = l.kernel ?? [1, 1];
    return { shape: [kh!, kw!, l.inFeatures, l.outFeatures], rows: kh! * kw! * l.inFeatures, cols: l.outFeatures };
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

function drawParams(l: SimLayer, init: SimInit, seed: number, g: Geometry, nextRecurrent: boolean): Params {
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
  if (l.bias) {
    const width = l.kind === 'recurrent' ? (l.gates ?? 1) * l.outFeatures : l.outFeatures;
    p.b = draw(l.bias, [width], seedOf(seed, l.index, 3), width, 1);
  }
  if (l.kind === 'embedding') {
    const n = nextRecurrent ? g.batch * g.steps : g.batch;
    const ids = tf.randomUniform([n], 0, ws.rows, 'int32', seedOf(seed, l.index, 4));
    p.ids = nextRecurrent ? ids : ids;
  }
  return p;
}

function networkInput(spec: NetworkSpec, options: SimOptions, g: Geometry, seed: number, batch: number): tf.Tensor | null {
  const first = spec.layers[0]!;
  if (first.kind === 'embedding') return null;
  let shape: number[];
  if (first.kind === 'conv' || first.kind === 'conv_transpose') shape = [batch, g.spatial, g.spatial, first.inFeatures];
  else if (first.kind === 'recurrent') shape = [batch, g.steps, first.inFeatures];
  else shape = [batch, first.inFeatures];
  const s = seedOf(seed, 100000, 5);
  if (options.input === 'uniform') return tf.randomUniform(shape, -Math.sqrt(3), Math.sqrt(3), 'float32', s);
  const shift = options.input === 'shifted' ? (options.inputShift ?? 1) : 0;
  return tf.randomNormal(shape, shift, 1, 'float32', s);
}

interface SeedOptions {
  init: SimInit;
  seed: number;
  batch: number;
  signal?: AbortSignal;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SimulationCancelled();
}

/**
 * LSUV (Mishkin & Matas 2016) on a calibration batch: the orthogonal start of each
 * layer, in order, rescaled until the variance of its pre-activation is 1 within
 * the tolerance (at most maxIterations). Returns the calibrated parameters.
 */
function calibrateLsuv(spec: NetworkSpec, options: SimOptions, g: Geometry, seed: number, params: Params[], signal?: AbortSignal): { iterations: number[]; scales: number[]; variances: number[] } {
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

/** One seed of one init: forward and backward, per-layer statistics. */
export function runSeed(spec: NetworkSpec, options: SimOptions, so: SeedOptions): SeedRun {
  const g: Geometry = { batch: so.batch, spatial: options.spatial, steps: options.steps };
  const L = spec.layers.length;
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
    const forwards: Forward[] = [];
    // The stored activations are the true ones divided by σ (σ² = e^ls): rescaling is
    // done only where it is exact (rescalableAfter). logIn[i]: log σ² of layer i's input
    // as it matters for its statistics (0 for layers whose output forgets the scale).
    const logIn: number[] = [];
    const exact: boolean[] = [];
    const outScale: number[] = [];
    const stats: SeedLayer[] = [];
    const keep: tf.Tensor[] = [];
    let x = networkInput(spec, options, g, so.seed, so.batch);
    let ls = 0;
    for (let i = 0; i < L; i++) {
      checkAbort(so.signal);
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
      const m = v[5]!;
      const st: SeedLayer = {
        preMean: v[0]! * sez,
        preVar: v[1]! * ez,
        forwardMean: v[3]! * se,
        forwardVar: v[4]! * e,
        logForwardSecondMoment: Math.log(m) + li,
        deadFraction: relu ? v[6]! : 0,
        inactiveFraction: relu ? v[7]! : 0,
        logBackwardVar: NaN,
        logWeightGradVar: NaN,
      };
      if (l.residual && f.skip) {
        const o = relu ? 8 : 6;
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
    let dy: tf.Tensor = tf.randomNormal(out.shape, 0, 1, 'float32', seedOf(so.seed, 200000, 6));
    let lb = 0;
    for (let i = L - 1; i >= 0; i--) {
      checkAbort(so.signal);
      const l = spec.layers[i]!;
      const f = forwards[i]!;
      const bv = tf.tidy(() => tf.moments(dy).variance.dataSync()[0]!);
      stats[i]!.logBackwardVar = Math.log(bv) + lb;
      const rows = params[i]!.w.shape[0]!;
      const { dx, dw } = backwardLayer(f, l, params[i]!, dy, rows);
      const wv = dw instanceof Float64Array ? varianceOf(dw) : tf.tidy(() => tf.moments(dw).variance.dataSync()[0]!);
      if (!(dw instanceof Float64Array)) dw.dispose();
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
      const m2 = tf.tidy(() => tf.mean(tf.square(dx)).dataSync()[0]!);
      if (m2 > 0 && Number.isFinite(m2)) {
        dy = tf.div(dx, Math.sqrt(m2));
        dx.dispose();
        lb += Math.log(m2);
      } else dy = dx;
    }
    const run: SeedRun = { seed: so.seed, layers: stats };
    if (lsuv) run.lsuv = lsuv;
    for (const t of keep) t.dispose();
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
    const g: Geometry = { batch: options.batch, spatial: options.spatial, steps: options.steps };
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
export async function runSimulation(
  spec: NetworkSpec,
  options: SimOptions,
  hooks: { onProgress?: (p: SimProgress) => void; signal?: AbortSignal } = {},
): Promise<SimulationResult> {
  const bad = validateSimOptions(options);
  if (bad) throw new Error(bad);
  if (spec.layers.length === 0) throw new Error('the network has no layers');
  if (!tf.getBackend()) await initBackend();
  const t0 = Date.now();
  const backend = currentBackend();
  const which = options.which ?? [...SIM_INITS];
  const analytic = analyticResult(spec, { ...options, which });
  const cap = options.seeds > 0 ? options.seeds : (options.maxSeeds ?? 32);
  const runs = new Map<SimInit, SeedRun[]>(which.map((w) => [w, []]));
  let firstCurveMs: number | null = null;
  const build = (final: boolean): SimulationResult => {
    const series: SimSeries[] = which.map((init) => {
      const r = runs.get(init)!;
      const a = analytic.series.find((s) => s.init === init)!;
      const converged = options.seeds > 0 ? r.length >= options.seeds : isConverged(r);
      return poolSeries({ spec, init, runs: r, analytic: a.layers, converged });
    });
    void final;
    return {
      version: 1,
      modelId: spec.modelId,
      title: spec.title,
      backend,
      options,
      assumptions: spec.assumptions,
      series,
      timings: { firstCurveMs, totalMs: Date.now() - t0 },
    };
  };
  const pending = new Set(which);
  for (let k = 0; k < cap && pending.size > 0; k++) {
    for (const init of which) {
      if (!pending.has(init)) continue;
      checkAbort(hooks.signal);
      const run = scoped(() => runSeed(spec, options, { init, seed: options.seed + k, batch: options.batch, signal: hooks.signal }));
      runs.get(init)!.push(run);
      if (options.seeds === 0 && isConverged(runs.get(init)!)) pending.delete(init);
      // Yield to the event loop so a UI stays responsive and a cancel can land.
      await new Promise((r) => setTimeout(r, 0));
    }
    if (firstCurveMs === null) firstCurveMs = Date.now() - t0;
    hooks.onProgress?.({ done: k + 1, total: cap, partial: build(false) });
  }
  return build(true);
}

/** The series of one init from already-run seeds (for callers that run seeds elsewhere, e.g. workers). */
export function pooledResult(spec: NetworkSpec, options: SimOptions, runs: Map<SimInit, SeedRun[]>, backend: SimBackend, timings: SimulationResult['timings']): SimulationResult {
  const which = [...runs.keys()];
  const analytic = analyticResult(spec, { ...options, which });
  return {
    version: 1,
    modelId: spec.modelId,
    title: spec.title,
    backend,
    options,
    assumptions: spec.assumptions,
    series: which.map((init) => {
      const r = runs.get(init)!;
      const converged = options.seeds > 0 ? r.length >= options.seeds : isConverged(r);
      return poolSeries({ spec, init, runs: r, analytic: analytic.series.find((s) => s.init === init)!.layers, converged });
    }),
    timings,
  };
}
