/**
 * Pooling Monte Carlo seeds into a SimSeries: per-layer means over seeds (the
 * estimator of the mean-field quantity, which is a mean over networks), medians
 * and spreads, the convergence rule, pooled per-layer gains, and the places where
 * Monte Carlo leaves the analytic curve beyond the seed spread, with the
 * assumption that breaks there.
 *
 * Second moments are carried as natural logs so that (1/6)^50 ≈ 1e-39 (below
 * float32's smallest normal) pools without underflow. Pure, no tfjs.
 */
import type { ConvergenceStatus, LayerStats, NetworkSpec, SimInit, SimLayer, SimSeries, Spread } from './types.js';
import { seedsFor } from './spread.js';

/** One seed's measurements of one layer (second moments and gradient variances as natural logs). */
export interface SeedLayer {
  preMean: number;
  preVar: number;
  forwardMean: number;
  forwardVar: number;
  logForwardSecondMoment: number;
  deadFraction: number;
  inactiveFraction: number;
  logBackwardVar: number;
  logWeightGradVar: number;
  spp?: { channelSquaredMean: number; channelVariance: number; branchVariance: number };
}

export interface SeedRun {
  seed: number;
  layers: SeedLayer[];
  lsuv?: { iterations: number[]; scales: number[]; variances: number[] };
}

/** 97.5% quantile of Student's t for n − 1 degrees of freedom (n ≥ 2). */
function t975(n: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];
  const df = n - 1;
  if (df <= 0) return Infinity;
  return df <= table.length ? table[df - 1]! : 1.96 + 2.4 / df;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : NaN;
}

/** log(mean(exp(logs))) without overflow or underflow. */
export function logMeanExp(logs: number[]): number {
  const finite = logs.filter((x) => Number.isFinite(x));
  if (finite.length === 0) return logs.length && logs.every((x) => x === -Infinity) ? -Infinity : NaN;
  const m = Math.max(...finite);
  let s = 0;
  for (const x of logs) s += Number.isFinite(x) ? Math.exp(x - m) : 0;
  return m + Math.log(s / logs.length);
}

/** Spread of a log-domain quantity over seeds: median/min/max and the 95% interval of the mean of the logs, back in linear units. */
function logSpread(logs: number[]): Spread {
  const n = logs.length;
  const med = Math.exp(median(logs));
  const mn = Math.exp(Math.min(...logs));
  const mx = Math.exp(Math.max(...logs));
  if (n < 2) return { median: med, min: mn, max: mx, lo95: med, hi95: med };
  const mu = mean(logs);
  let ss = 0;
  for (const x of logs) ss += (x - mu) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const h = (t975(n) * sd) / Math.sqrt(n);
  return { median: med, min: mn, max: mx, lo95: Math.exp(mu - h), hi95: Math.exp(mu + h) };
}

/** Half-width of the 95% interval of the mean log second moment, per layer. */
export function logHalfWidths(runs: SeedRun[]): number[] {
  const n = runs.length;
  if (n < 2) return runs[0]?.layers.map(() => Infinity) ?? [];
  return runs[0]!.layers.map((_, i) => {
    const logs = runs.map((r) => r.layers[i]!.logForwardSecondMoment);
    if (logs.some((x) => !Number.isFinite(x))) return 0;
    const mu = mean(logs);
    let ss = 0;
    for (const x of logs) ss += (x - mu) ** 2;
    return (t975(n) * Math.sqrt(ss / (n - 1))) / Math.sqrt(n);
  });
}

/** The convergence rule: at least 3 seeds and every layer's 95% interval of the log second moment within ±5%. */
export function isConverged(runs: SeedRun[]): boolean {
  if (runs.length < 3) return false;
  const lim = Math.log(1.05);
  return logHalfWidths(runs).every((h) => h <= lim);
}

function reasonFor(l: SimLayer, spec: NetworkSpec, init: SimInit): string {
  if (l.residual) return 'residual: the branch is correlated with the skip (its mean adds up coherently at finite width)';
  if (l.normalization === 'batchnorm') return 'normalization: batch statistics make the units of a batch dependent';
  if (l.normalization !== null) return 'normalization: per-sample statistics over a finite width';
  if (l.kind === 'recurrent') return 'recurrent: the same weights are reused at every step (correlated over time), and gates are outside the mean-field recursion';
  if (l.kind === 'conv' || l.kind === 'conv_transpose') return 'correlated inputs: neighbouring positions of a convolution share inputs';
  if (init === 'lsuv') return 'LSUV calibrates on one batch: the recursion assumes exact unit variance';
  const w = l.weight[init];
  if (w && ((w.kind === 'normal' && w.mean !== 0) || (w.kind === 'uniform' && w.low + w.high !== 0) || w.kind === 'constant')) {
    return 'non-zero-mean weights: the recursion assumes zero-mean weights';
  }
  const narrow = Math.min(...spec.layers.slice(0, l.index + 1).map((x) => x.outFeatures));
  return `finite width: fluctuations compound over depth (narrowest layer so far: ${narrow} units)`;
}

export interface PoolInput {
  spec: NetworkSpec;
  init: SimInit;
  runs: SeedRun[];
  /** Analytic values per layer (forward second moment, backward variance), from analyticSeries. */
  analytic: LayerStats[];
  converged: boolean;
}

/** Pool seeds into a series. LayerStats' MC fields are means over seeds; spread.median is the median network. */
export function poolSeries(input: PoolInput): SimSeries {
  const { spec, init, runs, analytic } = input;
  const layers: LayerStats[] = spec.layers.map((l, i) => {
    const at = runs.map((r) => r.layers[i]!);
    const logM = at.map((s) => s.logForwardSecondMoment);
    const logB = at.map((s) => s.logBackwardVar);
    const a = analytic[i];
    const stats: LayerStats = {
      index: l.index,
      line: l.line,
      layer: l.layer,
      activation: l.activation.name,
      fanIn: l.fanIn,
      fanOut: l.fanOut,
      preMean: mean(at.map((s) => s.preMean)),
      preVar: mean(at.map((s) => s.preVar)),
      forwardMean: mean(at.map((s) => s.forwardMean)),
      forwardVar: mean(at.map((s) => s.forwardVar)),
      forwardSecondMoment: Math.exp(logMeanExp(logM)),
      deadFraction: mean(at.map((s) => s.deadFraction)),
      inactiveFraction: mean(at.map((s) => s.inactiveFraction)),
      backwardVar: Math.exp(logMeanExp(logB)),
      weightGradVar: Math.exp(logMeanExp(at.map((s) => s.logWeightGradVar))),
      analyticForwardSecondMoment: a?.analyticForwardSecondMoment ?? null,
      analyticBackwardVar: a?.analyticBackwardVar ?? null,
      analyticPreVar: a?.analyticPreVar ?? null,
      analyticWeightGradVar: a?.analyticWeightGradVar ?? null,
      spread: { forwardSecondMoment: logSpread(logM), backwardVar: logSpread(logB) },
    };
    const spp = at.map((s) => s.spp).filter((x): x is NonNullable<SeedLayer['spp']> => !!x);
    if (spp.length === at.length && spp.length > 0) {
      stats.spp = {
        channelSquaredMean: median(spp.map((x) => x.channelSquaredMean)),
        channelVariance: median(spp.map((x) => x.channelVariance)),
        branchVariance: median(spp.map((x) => x.branchVariance)),
      };
    }
    return stats;
  });
  const disagreements: { index: number; reason: string }[] = [];
  for (const s of layers) {
    const l = spec.layers[s.index]!;
    const am = s.analyticForwardSecondMoment;
    if (am === null || !(am > 0) || runs.length < 2) continue;
    const sp = s.spread.forwardSecondMoment;
    // The mean over seeds vs the analytic mean, with the seed spread of the mean as the yardstick.
    const width = Math.max(sp.hi95 / sp.lo95, 1.02);
    const ratio = s.forwardSecondMoment / am;
    if (ratio > width || ratio < 1 / width) disagreements.push({ index: s.index, reason: reasonFor(l, spec, init) });
  }
  const first = layers[0]?.backwardVar;
  const last = layers[layers.length - 1]?.backwardVar;
  const series: SimSeries = {
    init,
    layers,
    seeds: runs.length,
    converged: input.converged,
    backwardRatio: first !== undefined && last !== undefined && first > 0 ? last / first : null,
    disagreements,
  };
  const lsuv = runs.find((r) => r.lsuv)?.lsuv;
  if (lsuv) {
    series.lsuv = {
      iterations: lsuv.iterations.map((_, i) => median(runs.map((r) => r.lsuv!.iterations[i]!))),
      scales: lsuv.scales.map((_, i) => median(runs.map((r) => r.lsuv!.scales[i]!))),
      // The worst calibration-batch variance over seeds, per layer.
      variances: lsuv.variances.map((_, i) => runs.map((r) => r.lsuv!.variances[i]!).reduce((w, v) => (Math.abs(v - 1) > Math.abs(w - 1) ? v : w), 1)),
    };
  }
  const gains = pooledGains(layers);
  if (gains) series.gain = gains;
  const status = convergenceStatus(runs);
  if (status) series.convergence = status;
  return series;
}

/** The widest layer interval of the convergence rule, the sd there and the seeds it needs for ±5% (null under two seeds). */
export function convergenceStatus(runs: SeedRun[]): ConvergenceStatus | null {
  const n = runs.length;
  if (n < 2) return null;
  const hw = logHalfWidths(runs);
  let layer = 0;
  hw.forEach((h, i) => {
    if (h > hw[layer]!) layer = i;
  });
  const h = hw[layer] ?? 0;
  const sd = Number.isFinite(h) ? (h * Math.sqrt(n)) / t975(n) : Infinity;
  return { halfWidth: Math.exp(h) - 1, layer, sd, seedsFor5: Number.isFinite(sd) ? Math.max(3, seedsFor(sd)) : Infinity };
}

/**
 * Per-layer gains pooled over seeds and layers: forward (m̄_L / m_input)^(1/L) from
 * the mean second moment after the last layer, backward (b̄_0 / b̄_{L−1})^(1/(L−1)).
 * Unbiased for mean-field gains (means over networks telescope).
 */
export function pooledGains(layers: LayerStats[], inputSecondMoment = 1): { forward: number; backward: number | null } | null {
  const L = layers.length;
  if (L === 0) return null;
  const mL = layers[L - 1]!.forwardSecondMoment;
  const forward = Math.pow(mL / inputSecondMoment, 1 / L);
  const b0 = layers[0]!.backwardVar;
  const bL = layers[L - 1]!.backwardVar;
  const backward = L > 1 && b0 > 0 && bL > 0 ? Math.pow(b0 / bL, 1 / (L - 1)) : null;
  return { forward, backward };
}
