/**
 * The seed-to-seed spread of a deep ReLU network's log second moment, from theory:
 * how many seeds a Monte Carlo interval needs, before running any.
 *
 * In a He-initialized ReLU MLP of width n, layer l multiplies the signal's second
 * moment m (over the batch and the units) by R_l = (2/n)·Σ_j Y_j, with
 * Y_j = mean_b relu(z_jb)² over the batch and z_j· ~ N(0, Σ) given the layer's
 * input: E[R] = 1 and Var(R) = (4/n)·Var(Y). One input: Var(Y) = E[relu(g)⁴] −
 * E[relu(g)²]² = 3/2 − 1/4 = 5/4, so Var(R) = 5/n and, the R_l being uncorrelated,
 * Var(log m_L) ≈ 5L/n (Hanin & Nica 2019, "Products of many large random matrices
 * and gradients in deep neural networks"). A batch of B inputs averages each unit
 * over inputs that the weights correlate: Var(Y) = (1/B)·5/4 + (1 − 1/B)·C(c_l),
 * C(c) = Cov(relu(g₁)², relu(g₂)²) at the inputs' correlation c_l (closed form
 * below), and the arc-cosine map c_{l+1} = (√(1 − c²) + (π − arccos c)·c)/π carries
 * independent inputs (c = 0) towards 1 with depth: the first layers fluctuate less
 * than 5/n, deep ones as much. bench/sim.ts and test/sim/spread.test.ts compare it
 * with the measured spread. Pure.
 */

/** E[relu(g₁)² relu(g₂)²] for standard normals of correlation c. */
function reluSquaresProduct(c: number): number {
  const s = Math.sqrt(Math.max(0, 1 - c * c));
  return ((1 + 2 * c * c) * (Math.PI / 2 + Math.asin(c)) + 3 * c * s) / (2 * Math.PI);
}

/** The correlation of two inputs after a He + ReLU layer (arc-cosine kernel of degree 1). */
export function reluCorrelation(c: number): number {
  const x = Math.max(-1, Math.min(1, c));
  return (Math.sqrt(1 - x * x) + (Math.PI - Math.acos(x)) * x) / Math.PI;
}

/**
 * Standard deviation over seeds (weight draws) of log m_l after each of `depth` layers
 * of a He + ReLU MLP of `width`, for a batch of `batch` inputs of correlation
 * `inputCorrelation` (0: independent standard-normal inputs). Leading order in depth/width.
 */
export function reluLogMomentSd(depth: number, width: number, batch: number, inputCorrelation = 0): number[] {
  const out: number[] = [];
  let c = inputCorrelation;
  let v = 0;
  for (let l = 0; l < depth; l++) {
    const cov = batch > 1 ? reluSquaresProduct(c) - 0.25 : 0;
    v += (4 / width) * (1.25 / batch + (1 - 1 / batch) * cov);
    out.push(Math.sqrt(v));
    c = reluCorrelation(c);
  }
  return out;
}

/** Seeds for a 95% interval of the mean log second moment within ±`tolerance` (0.05: ±5%), at a seed-to-seed sd. */
export function seedsFor(sd: number, tolerance = 0.05): number {
  return Math.ceil(((1.96 * sd) / Math.log(1 + tolerance)) ** 2);
}
