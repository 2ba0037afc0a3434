/**
 * The plain-data contract of the InitLens engine.
 *
 * Architecture invariant: everything in src/core is pure TypeScript. No `vscode`
 * import, no I/O, no throwing on bad input. Positions are UTF-16 offsets into the
 * analysed text (`from` inclusive, `to` exclusive); conversion to lines/columns
 * happens at the edges (src/core/text.ts for the CLI/JSON, src/vscode/convert.ts
 * for the editor).
 */

export type Framework = 'keras' | 'pytorch' | 'flax' | 'tfjs';

export type ActivationName =
  | 'relu'
  | 'leaky_relu'
  | 'elu'
  | 'gelu'
  | 'silu'
  | 'mish'
  | 'softplus'
  | 'selu'
  | 'tanh'
  | 'sigmoid'
  | 'softmax'
  | 'linear'
  | 'unknown';

/** Keras snake_case spelling, shared by every framework in the JSON contract. */
export type InitName =
  | 'he_normal'
  | 'he_uniform'
  | 'glorot_uniform'
  | 'glorot_normal'
  | 'lecun_normal'
  | 'lecun_uniform'
  | 'orthogonal'
  | 'zeros'
  | 'ones'
  | 'constant'
  | 'random_normal'
  | 'random_uniform'
  | 'truncated_normal'
  | 'variance_scaling'
  | 'pytorch_default'
  | 'unknown';

export type Normalization = 'batchnorm' | 'layernorm' | 'groupnorm' | 'instancenorm' | 'rmsnorm';

export interface Span {
  from: number;
  to: number;
}

/**
 * A place in another file of the workspace (workspace-aware analysis): the init
 * applied in `train.py` to a model defined here, the activation a block gets in
 * the module that stacks it.
 */
export interface Origin {
  /** Workspace-relative path, `/` separators. */
  file: string;
  /** 1-based line (0 when the file has no meaningful lines, e.g. a notebook's joined code). */
  line: number;
  /** In a notebook: the code cell (0-based index among all cells, as in the CLI's JSON) and the 1-based line in it. */
  cell?: number;
  cellLine?: number;
  /** Offsets in that file's text. */
  span: Span;
}

/**
 * What is known about an initializer. `variance` helpers in src/core/math turn
 * this into Var(W) for given fans.
 */
export interface InitSpec {
  name: InitName;
  /** true when written by the user (argument, nn.init call, init loop, ...). */
  explicit: boolean;
  /** Where the initializer is written (argument value, or the whole nn.init call statement). */
  span?: Span;
  /** How it was found. */
  source: 'default' | 'argument' | 'init-call' | 'init-loop' | 'apply';
  /** Distribution family as the framework really draws it. */
  distribution?: 'normal' | 'truncated_normal' | 'untruncated_normal' | 'uniform' | 'orthogonal' | 'constant';
  /** Numeric parameters when statically known. */
  gain?: number; // orthogonal gain, xavier gain, kaiming gain
  scale?: number; // variance_scaling scale
  mode?: 'fan_in' | 'fan_out' | 'fan_avg';
  std?: number; // random_normal / normal_ / trunc_normal_ std
  mean?: number;
  minval?: number;
  maxval?: number;
  value?: number; // constant value (zeros → 0, ones → 1)
  /** kaiming `a` / leaky slope written in the init call. */
  a?: number;
  /** kaiming nonlinearity argument, as written. */
  nonlinearity?: string;
  /** Truncated normal whose std is NOT corrected for the truncation (tfjs, torch trunc_normal_ with small cutoffs). */
  uncorrectedTruncation?: boolean;
  /** Flax: an initializer factory passed without calling it (`nn.initializers.he_normal`). */
  factoryNotCalled?: boolean;
  /** The text as written, for messages. */
  text?: string;
  /**
   * The whole option that sets it, key and value (`kernelInitializer: 'glorotNormal'`), when
   * written as a property of a config object (TF.js): where its findings are shown.
   */
  optionSpan?: Span;
  /** A numeric argument could not be evaluated (std=config.init_std): the family is known, the scale is not. */
  unknownArgs?: boolean;
  /** Written in another workspace file (then `span` is absent). */
  origin?: Origin;
  /**
   * The module-level statement that ran the init code, when the code is written
   * elsewhere (`generator.apply(weights_init_normal)` for a `normal_` call inside
   * `weights_init_normal`).
   */
  site?: Span;
  /** The site is in another workspace file (then `site` is absent). */
  siteOrigin?: Origin;
}

export interface ActivationInfo {
  name: ActivationName;
  /** leaky_relu negative slope, elu alpha when known. */
  param?: number;
  /** How it was attributed. */
  via: 'argument' | 'sequential' | 'dataflow' | 'forward' | 'default' | 'none';
  /** Where the activation is written, when visible. */
  span?: Span;
  /** Name as written by the user, for messages (e.g. "nn.ReLU()"). */
  text?: string;
  /** Written in another workspace file (then `span` is absent). */
  origin?: Origin;
}

/** A weight-bearing layer found in the source. */
export interface Layer {
  id: number;
  framework: Framework;
  /** Canonical layer class name: Dense, Conv2D, Linear, Conv2d, LSTM, dense (tfjs)... */
  layer: string;
  /** Attribute / variable / `name=` of the layer, null when anonymous. */
  name: string | null;
  /** The constructor call, e.g. `Dense(64, activation="relu")`. */
  span: Span;
  /**
   * The factory's name in the call (`tf.layers.dense`), when findings about a default are
   * shown there rather than on the whole call (TF.js: a config object spans many lines).
   */
  nameSpan?: Span;
  activation: ActivationInfo;
  normalization: Normalization | null;
  /** A residual addition consumes this layer's (activated) output. */
  residual: boolean;
  init: InitSpec;
  /** Recurrent kernel init (RNN layers only). */
  recurrentInit?: InitSpec;
  /** Flax: an explicit `bias_init=` (read for IL007 only: a bias is not judged against the activation). */
  biasInit?: InitSpec;
  /** false: the layer has no bias (`bias=False`, `use_bias=False`); absent: it has the framework's default bias. */
  bias?: false;
  /** Convolutions: kernel size and stride per spatial axis, when the code writes them as known ints. */
  kernelSize?: number[];
  stride?: number[];
  recurrent: boolean;
  embedding: boolean;
  fanIn: number | null;
  fanOut: number | null;
  /** The model (container) this layer belongs to, index into AnalysisResult.models. */
  model: number | null;
  /** Position in the model's forward order, when known. */
  order: number | null;
  /** Explicit small normal init in a LayerNorm + residual (GPT-style) model: deliberate, not flagged. */
  transformerStyle?: boolean;
  /** Built in a loop or comprehension: one source line, several runtime layers. */
  template?: boolean;
  /** Its output reaches no other weight layer: a model output (logits, a head). */
  head?: boolean;
  /**
   * The file defines an init function of one module (`def weights_init(m)`) that nothing in it
   * applies: another file may (`model.apply(weights_init)`), so a default init here may not be final.
   */
  initElsewhere?: { name: string; span: Span };
  /** The construction of its module class whose arguments gave its fans (`Block(dim=512)`), the first when several agree. */
  sizesFrom?: Span;
  /** That construction is in another workspace file (then `sizesFrom` is absent). */
  sizesFromOrigin?: Origin;
  /** In a model with LayerNorm and residual connections (transformer-like): mismatches matter less. */
  normalizedResidual?: boolean;
  /** Keras/TF.js depthwise convolution: the framework's fans count all input channels, not the k·k taps each output sums. */
  depthwise?: boolean;
  /** Framework-specific data the fix builders need (opaque to rules). */
  fixContext?: unknown;
}

export interface ModelInfo {
  id: number;
  framework: Framework;
  /** 'Sequential', class name, 'tf.sequential', ... */
  kind: string;
  name: string | null;
  /** Span to anchor a CodeLens / model-level finding (class name, Sequential call). */
  span: Span;
  /** Layer ids in forward order. */
  layers: number[];
  /**
   * A module class that holds instances of other user module classes
   * (`self.body = TanhBlock(256)`, also imported from another file): the ids of
   * its own layers followed by those of the modules it holds, recursively. The
   * model is one stack of these layers (IL004). Absent when it holds none.
   */
  stack?: number[];
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export type RuleCode = 'IL001' | 'IL002' | 'IL003' | 'IL004' | 'IL005' | 'IL006' | 'IL007';

export interface TextEdit {
  from: number;
  to: number;
  newText: string;
}

export interface Fix {
  description: string;
  edits: TextEdit[];
  safety: 'safe' | 'unsafe';
  /** The initializer the fix writes, snake_case. */
  init?: InitName;
  /** Preferred among several fixes for the same finding. */
  preferred?: boolean;
}

export interface Finding {
  code: RuleCode;
  severity: Severity;
  /** The full explanation: numbers, why, what the recommendation gives (hover, `--verbose`, JSON, SARIF). */
  message: string;
  /** Its first sentence, one line (rule, activation, factor): the Problems panel and the CLI's text output. */
  summary: string;
  span: Span;
  /** The layer the finding is about (null for model-level findings). */
  layer: number | null;
  model: number | null;
  recommended: InitName | null;
  /** First entry is the preferred fix (respecting the preferred distribution); more follow. */
  fixes: Fix[];
  /** Other workspace files the finding depends on (where the init was applied, the activation written). */
  dependsOn?: Origin[];
  /**
   * Other places in this text the finding is about, outside `span` (the layer when the squiggle
   * is on its init call, the activation that follows, the init code): the editor's related
   * information, SARIF's relatedLocations, the JSON report's `related`.
   */
  related?: RelatedPlace[];
}

export interface RelatedPlace {
  span: Span;
  /** What is there: "the layer", "the activation (ReLU)", "the initializer". */
  message: string;
}

export interface ParseError {
  message: string;
  span: Span;
}

export interface AnalysisOptions {
  /** Preferred distribution for fixes. */
  distribution: 'normal' | 'uniform';
  /** Report PyTorch's default init (kaiming_uniform a=√5) as a finding. */
  pytorchDefaultIsFinding: boolean;
  /** Plain stacks at least this deep get IL004. */
  deepStackThreshold: number;
  /** Per-code severity overrides; 'off' disables. */
  severity: Partial<Record<RuleCode, Severity | 'off'>>;
  /** Codes to keep (empty = all). */
  select: RuleCode[];
  ignore: RuleCode[];
}

export const defaultOptions: AnalysisOptions = {
  distribution: 'normal',
  pytorchDefaultIsFinding: true,
  deepStackThreshold: 10,
  severity: {},
  select: [],
  ignore: [],
};

export type Language = 'python' | 'javascript' | 'typescript';

export interface AnalysisResult {
  language: Language;
  layers: Layer[];
  models: ModelInfo[];
  findings: Finding[];
  /** Syntax errors seen by the error-tolerant parser (informational, analysis continues). */
  errors: ParseError[];
  /** Workspace-aware analysis: the other workspace files whose code was read (sorted). */
  linkedFiles?: string[];
}
