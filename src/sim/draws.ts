/**
 * Seeded weight draws in plain JS (tfjs's random ops draw the same laws about 10×
 * slower): uniform, normal, truncated normal by redrawing, orthogonal (Householder
 * QR), constants — each as a tfjs tensor.
 */
import * as tf from '@tensorflow/tfjs';
import { normalCdf } from '../core/math/gauss.js';
import { mulberry32 } from '../core/math/random.js';
import type { Sampler } from '../core/sim/types.js';

/** A 31-bit seed for one tensor of one seed of one layer. */
export function seedOf(seed: number, layer: number, tensor: number): number {
  let h = (seed * 0x9e3779b1) ^ (layer * 0x85ebca6b) ^ (tensor * 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 13), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 1;
}


// Ziggurat tables (Marsaglia & Tsang 2000, 128 strips): most draws cost one
// 32-bit integer, one compare and one multiply, about 3× faster than the polar
// method, which made sampling the weights the larger part of a small-batch seed.
const ZR = 3.442619855899;
const ZV = 9.91256303526217e-3;
const KN = new Uint32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
{
  const m1 = 2147483648;
  let dn = ZR;
  let tn = dn;
  const q = ZV / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZV / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
}

/** n standard normal draws into `out` (or a new array), from a seeded mulberry32 stream (ziggurat). */
function gaussiansInto<T extends Float32Array | Float64Array>(out: T, seed: number, mean = 0, std = 1): T {
  let a = seed >>> 0;
  // mulberry32 inlined: a signed 32-bit integer per call.
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return t ^ (t >>> 14);
  };
  const uni = (): number => ((next() >>> 0) + 0.5) / 4294967296;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    let hz = next();
    let iz = hz & 127;
    let z: number;
    if (Math.abs(hz) < KN[iz]!) z = hz * WN[iz]!;
    else {
      for (;;) {
        const x = hz * WN[iz]!;
        if (iz === 0) {
          // The tail beyond r (Marsaglia 1964).
          let xt: number;
          let yt: number;
          do {
            xt = -Math.log(uni()) / ZR;
            yt = -Math.log(uni());
          } while (yt + yt < xt * xt);
          z = hz > 0 ? ZR + xt : -ZR - xt;
          break;
        }
        if (FN[iz]! + uni() * (FN[iz - 1]! - FN[iz]!) < Math.exp(-0.5 * x * x)) {
          z = x;
          break;
        }
        hz = next();
        iz = hz & 127;
        if (Math.abs(hz) < KN[iz]!) {
          z = hz * WN[iz]!;
          break;
        }
      }
    }
    out[i] = mean + std * z;
  }
  return out;
}

/** n standard normal draws. */
export function gaussians(n: number, seed: number): Float64Array {
  return gaussiansInto(new Float64Array(n), seed);
}

function uniforms(n: number, low: number, high: number, seed: number): Float32Array {
  const r = mulberry32(seed);
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
      return tf.tensor(gaussiansInto(new Float32Array(size(shape)), seed, sampler.mean, sampler.std), shape, 'float32');
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
