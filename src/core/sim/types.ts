/**
 * The variance simulator's plain-data contract, shared by the network builder
 * (src/core/sim), the TensorFlow.js runner (src/sim, webview and Node), the
 * variance panel, the CLI's `simulate` and the tests.
 *
 * Architecture invariant: this file and the rest of src/core/sim import no tfjs,
 * no Node and no vscode; a NetworkSpec is plain JSON (it crosses postMessage and
 * worker_threads unchanged). Fields may be added; none is renamed or removed
 * without bumping `SimulationResult.version`.
 */
import type { Sampler } from '../math/variance.js';
import type { ActivationName, Framework, Normalization } from '../types.js';

/** The four initializations compared for every model. */
export type SimInit = 'current' | 'recommended' | 'orthogonal' | 'lsuv';
export const SIM_INITS: readonly SimInit[] = ['current', 'recommended', 'orthogonal', 'lsuv'];

/** How one weight tensor is drawn (absolute bounds and stds): the law's sampler, math/variance.ts. */
export type { Sampler };

export type SimLayerKind = 'dense' | 'conv' | 'conv_transpose' | 'embedding' | 'recurrent';

export interface SimLayer {
  /** Position in the simulated stack (0-based). */
  index: number;
  /** Layer.id in the engine's result (null for layers the builder adds). */
  layerId: number | null;
  /** 1-based source line of the layer, for tables and "reveal". */
  line: number | null;
  /** Layer class as the engine names it (Dense, Conv2d, LSTM...). */
  layer: string;
  name: string | null;
  kind: SimLayerKind;
  /** Fans as the simulator uses them (after defaults and overrides). */
  fanIn: number;
  fanOut: number;
  /** Input features/channels and output features/channels of the map. */
  inFeatures: number;
  outFeatures: number;
  /** Convolutions: kernel size per spatial dimension (1, 2 or 3 entries). */
  kernel?: number[];
  /** Convolutions: stride per spatial dimension (default 1). */
  stride?: number[];
  /** Recurrent layers: gates per step (LSTM 4, GRU 3, simple RNN 1). */
  gates?: number;
  activation: { name: ActivationName; param?: number };
  normalization: Normalization | null;
  residual: boolean;
  /** An output head (its target is the output scale, not unit gain). */
  head: boolean;
  /** Weight sampler under each init (the LSUV sampler is the orthogonal start; its scales come from the run). */
  weight: Record<SimInit, Sampler | null>;
  /** Recurrent kernel sampler under each init (recurrent layers only). */
  recurrentWeight?: Record<SimInit, Sampler | null>;
  /** Bias sampler as the framework draws it (null: no bias or zeros). */
  bias: Sampler | null;
  /** The bias under an init where it differs from `bias` (the recommended fix zeros PyTorch's bias: null there). */
  biasByInit?: Partial<Record<SimInit, Sampler | null>>;
  /** Initializer names for tables: what the code has, and what the fix would write. */
  initName: Record<SimInit, string>;
}

/** A default or reduction the builder or runner chose; each can be overridden through SimOptions. */
export interface Assumption {
  /** Stable key: 'widthDefault', 'spatial', 'steps', 'input', 'layer:3:fanIn', 'reduced:layers'... */
  key: string;
  value: number | string;
  /** One sentence for users, e.g. "layer 3 (Linear) has no known fan_in: 512 assumed". */
  message: string;
}

export type InputDistribution = 'normal' | 'uniform' | 'shifted';

export interface SimOptions {
  batch: number;
  /** Number of seeds; 0 = until converged (95% interval of every layer's log second moment within ±5%) or the seed cap. */
  seeds: number;
  /** First seed; seed k of a run is seed + k. The same seed gives the same numbers on the same backend. */
  seed: number;
  /** Recurrent layers: steps unrolled. */
  steps: number;
  /** Convolutions: spatial size of the input (same padding). */
  spatial: number;
  /** Width used where the engine knows none. */
  widthDefault: number;
  /** Repeat the model's layers this many times (template layers and depth studies). */
  depthMultiplier: number;
  input: InputDistribution;
  /** Mean of the 'shifted' input (unit variance around it). */
  inputShift?: number;
  /** Per-layer overrides by SimLayer.index. */
  widths?: Record<number, number>;
  inits?: Partial<Record<number, Partial<Record<SimInit, Sampler>>>>;
  /** Which inits to run (default all four). */
  which?: SimInit[];
  /** LSUV: tolerance on |Var − 1| and iteration cap per layer. */
  lsuvTolerance?: number;
  lsuvMaxIterations?: number;
  /** false: draw no biases at all (default: biases as the framework draws them). */
  bias?: boolean;
  /** Seed cap when `seeds` is 0 (default 32, DEFAULT_MAX_SEEDS). */
  maxSeeds?: number;
  /**
   * Run budget: multiply-adds of all the forward passes of a run of seeds until converged
   * (default none; the language server's default run sets one). Over it, the seed cap is
   * lowered (down to 2 per init), reported as a `reduced:seeds` assumption (src/core/sim/budget.ts).
   */
  runBudget?: number;
  /**
   * Work budget: multiply-adds of one seed's forward pass (default 2e9, src/core/sim/budget.ts).
   * A larger model is sampled down (batch, spatial input, steps, widths), each reduction
   * reported as a `reduced:…` assumption; 0 = never reduce.
   */
  budget?: number;
  /** Initializer family the `recommended` init uses (the fix's preferred distribution; default 'normal'). */
  distribution?: 'normal' | 'uniform';
}

/** Seed cap of a run until converged when the options give none. */
export const DEFAULT_MAX_SEEDS = 32;

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  batch: 64,
  seeds: 0,
  seed: 1,
  steps: 8,
  spatial: 16,
  widthDefault: 256,
  depthMultiplier: 1,
  input: 'normal',
};

/** The network to simulate for one model: plain data built from the engine's result. */
export interface NetworkSpec {
  modelId: number;
  /** "Generator (pytorch) — models.py". */
  title: string;
  framework: Framework;
  layers: SimLayer[];
  assumptions: Assumption[];
}

/** Spread of one quantity over seeds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** 95% interval of the mean over seeds (log domain for second moments). */
  lo95: number;
  hi95: number;
}

/** One layer's statistics under one init (the JSON contract of `initlens simulate`, version 1). */
export interface LayerStats {
  index: number;
  line: number | null;
  layer: string;
  activation: string;
  fanIn: number;
  fanOut: number;
  /** The layer's output before its activation. */
  preMean: number;
  preVar: number;
  /** After the activation (the input has second moment 1). */
  forwardMean: number;
  forwardVar: number;
  forwardSecondMoment: number;
  /** ReLU family: fraction of units never positive over the batch; 0 otherwise. */
  deadFraction: number;
  /** Fraction of (unit, sample) pairs whose pre-activation is not positive (ReLU family; 0 otherwise). */
  inactiveFraction?: number;
  /** Variance of the gradient with respect to the layer's output (cotangent at the output ~ N(0,1)). */
  backwardVar: number;
  /** Variance of the gradient with respect to the layer's weights. */
  weightGradVar: number;
  analyticForwardSecondMoment: number | null;
  analyticBackwardVar: number | null;
  spread: { forwardSecondMoment: Spread; backwardVar: Spread };
  /** Residual layers: the signal propagation plot's three quantities (Brock, De & Smith 2021), medians over seeds. */
  spp?: { channelSquaredMean: number; channelVariance: number; branchVariance: number };
  /** Analytic pre-activation variance and weight-gradient variance (mean-field), when known. */
  analyticPreVar?: number | null;
  analyticWeightGradVar?: number | null;
}

export interface SimSeries {
  init: SimInit;
  layers: LayerStats[];
  /** Seeds pooled so far. */
  seeds: number;
  converged: boolean;
  /** Last layer's backward variance over the first layer's. */
  backwardRatio: number | null;
  /** LSUV only: iterations and final scale per layer. */
  lsuv?: { iterations: number[]; scales: number[]; variances?: number[] };
  /** Where Monte Carlo leaves the analytic curve beyond the seed spread: which assumption breaks. */
  disagreements: { index: number; reason: string }[];
  /** Per-layer gains pooled over seeds and layers: forward (m̄_L/m_input)^(1/L), backward (b̄_0/b̄_{L−1})^(1/(L−1)). */
  gain?: { forward: number; backward: number | null };
  /**
   * Where the convergence rule stands (two seeds or more): the widest 95% interval of a
   * layer's mean log second moment as ±`halfWidth` (0.05 = ±5%, the rule) at `layer`, the
   * seed-to-seed sd of log m there, and the seeds that sd needs for ±5%.
   */
  convergence?: ConvergenceStatus;
}

export interface ConvergenceStatus {
  halfWidth: number;
  layer: number;
  sd: number;
  seedsFor5: number;
}

export type SimBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface SimulationResult {
  version: 1;
  modelId: number;
  title: string;
  backend: SimBackend;
  options: SimOptions;
  assumptions: Assumption[];
  series: SimSeries[];
  timings: { firstCurveMs: number | null; totalMs: number };
}

/** Progress of a running simulation: partial series arrive as seeds are pooled. */
export interface SimProgress {
  done: number;
  total: number;
  partial: SimulationResult;
  /** The first curve of an init from a small batch of its first seed's weights (replaced when the full batch is pooled). */
  preview?: boolean;
}
