/**
 * Messages between the extension host (src/vscode/varianceView.ts) and the
 * variance webview (webview/variance/). The only file both sides import: change
 * a message here and both sides fail to compile.
 *
 * Everything the webview sends is untrusted: the host passes it through
 * `parseFromWebview` before use, and drops (and logs) what does not match.
 */
import type { NetworkSpec, SimOptions, SimulationResult, SimInit, Sampler, InputDistribution } from '../core/sim/types.js';

/* The analytic per-layer table (the hover's numbers, logic/variance.ts modelTable; not sent to the panel any more). */
/** One side (current or recommended init) of a layer's row. */
export interface InitColumn {
  /** snake_case initializer name ('unknown' when not known). */
  init: string;
  /** Var(W) of one weight entry, null when unknown. */
  variance: number | null;
  /** Per-layer forward factor fan_in·Var(W)·E[φ(z)²] (z ~ N(0,1)), null when unknown. */
  factor: number | null;
  /** Product of the forward factors up to and including this layer (input second moment = 1). */
  cumulative: number | null;
}

export interface VarianceRow {
  index: number;
  /** Layer class as written (Dense, Linear, dense...). */
  layer: string;
  name: string | null;
  fanIn: number | null;
  fanOut: number | null;
  activation: string;
  /** How the activation was attributed (argument, sequential, forward...). */
  activationVia: string;
  current: InitColumn;
  recommended: InitColumn;
  /** Rule codes reported on this layer. */
  findings: string[];
  /** Start offset of the layer in the analysed text (to reveal it). */
  offset: number;
  /** Only one fan was known: the numbers assume fan_in = fan_out. */
  assumedFans: boolean;
  /** An output head: its target is the output scale, not a gain of 1 (not colored by the unit-gain rule). */
  head?: boolean;
}

export interface VarianceTable {
  /** Title line, e.g. "Sequential (keras) — model.py". */
  title: string;
  framework: string;
  rows: VarianceRow[];
}

/** Per-layer facts the table shows that the network spec does not carry. */
export interface PanelLayerInfo {
  /** SimLayer.layerId. */
  layerId: number;
  /** Rule codes reported on the layer. */
  findings: string[];
  /** Title of the quick fix "Apply recommended init" uses, null when the layer has no safe fix. */
  fix: string | null;
}

/** Localized UI strings, sent by the host (the webview has no l10n runtime). */
export const STRING_KEYS = [
  'forwardTitle',
  'backwardTitle',
  'forwardAxis',
  'backwardAxis',
  'layerAxis',
  'inputLabel',
  'reference',
  'initCurrent',
  'initRecommended',
  'initOrthogonal',
  'initLsuv',
  'analytic',
  'monteCarlo',
  'band',
  'line',
  'layer',
  'activation',
  'normalization',
  'fans',
  'initNow',
  'initRecommendedCol',
  'gainCurrent',
  'gainRecommended',
  'gainOrthogonal',
  'gainLsuv',
  'dead',
  'apply',
  'applyAll',
  'stop',
  'rerun',
  'exportCsv',
  'exportPng',
  'controls',
  'batch',
  'seeds',
  'seedsAuto',
  'input',
  'inputNormal',
  'inputUniform',
  'inputShifted',
  'depthMultiplier',
  'widthDefault',
  'spatial',
  'steps',
  'override',
  'overrideNone',
  'assumptions',
  'noAssumptions',
  'backend',
  'firstCurve',
  'progress',
  'analyticOnly',
  'analyticReady',
  'stopped',
  'running',
  'done',
  'outOfRange',
  'reveal',
  'empty',
  'closed',
  'gone',
  'stale',
  'applied',
  'noFix',
  'meaningDecay',
  'meaningGrow',
  'meaningFlat',
  'meaningTanhEdge',
  'meaningTanhChaos',
  'meaningHead',
  'headZone',
  'meaningBackward',
  'updating',
  'simError',
] as const;
export type StringKey = (typeof STRING_KEYS)[number];
export type WebviewStrings = Record<StringKey, string>;

/** The model the panel shows, at one document version. */
export interface LoadMessage {
  kind: 'load';
  /** Increases with every load of this panel; the webview drops results of older ones. */
  seq: number;
  /** The document version the spec was built from (apply requests must name it). */
  version: string;
  spec: NetworkSpec;
  /** The analytic curves, computed by the host (instant, no tfjs). */
  analytic: SimulationResult;
  options: SimOptions;
  layers: PanelLayerInfo[];
  strings: WebviewStrings;
  /** Run the Monte Carlo simulation at once (otherwise it starts from the panel's Run button, and then follows every reload until stopped). */
  autoRun: boolean;
}

export type PanelState = 'closed' | 'gone' | 'stale' | 'applied' | 'noFix' | 'error';

export type ToWebview =
  | LoadMessage
  /** Something happened to the document or an apply: one sentence, shown in the panel. */
  | { kind: 'status'; state: PanelState; message: string }
  /** The host asks the webview to stop the running simulation (panel hidden, document closed). */
  | { kind: 'stop' };

export type ExportFormat = 'csv' | 'png';

export type FromWebview =
  | { kind: 'ready' }
  | { kind: 'reveal'; layerId: number }
  /** Apply the recommended init to one layer (layerId) or to every layer of the model (null). */
  | { kind: 'apply'; layerId: number | null; version: string }
  /** New simulation options: the host rebuilds the spec and the analytic curves. */
  | { kind: 'options'; options: SimOptions }
  | { kind: 'export'; format: ExportFormat; name: string; data: string }
  /** Milestones of a run, logged by the host (the output channel). */
  | { kind: 'event'; event: 'backend' | 'firstCurve' | 'done' | 'stopped' | 'error'; seq: number; detail: string };

/** Largest export accepted (a data URL of a chart or a CSV of every series). */
export const MAX_EXPORT_CHARS = 20_000_000;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown, min: number, max: number): x is number =>
  typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

const INITS: readonly SimInit[] = ['current', 'recommended', 'orthogonal', 'lsuv'];
const INPUTS: readonly InputDistribution[] = ['normal', 'uniform', 'shifted'];

/** Limits of what the panel may ask the simulator for (the controls use the same). */
export const OPTION_LIMITS = {
  batch: [1, 4096],
  seeds: [0, 64],
  seed: [0, 2 ** 31 - 1],
  steps: [1, 64],
  spatial: [1, 128],
  widthDefault: [1, 8192],
  depthMultiplier: [1, 16],
} as const satisfies Record<string, readonly [number, number]>;

function sampler(x: unknown): Sampler | string {
  if (!isObj(x)) return 'sampler is not an object';
  switch (x.kind) {
    case 'uniform':
      return isNum(x.low) && isNum(x.high) && x.low <= x.high ? { kind: 'uniform', low: x.low, high: x.high } : 'bad uniform sampler';
    case 'normal':
      return isNum(x.mean) && isNum(x.std) && x.std >= 0 ? { kind: 'normal', mean: x.mean, std: x.std } : 'bad normal sampler';
    case 'truncated_normal': {
      if (!(isNum(x.mean) && isNum(x.std) && x.std >= 0 && isNum(x.cut) && x.cut > 0)) return 'bad truncated normal sampler';
      if ((x.low !== undefined && !isNum(x.low)) || (x.high !== undefined && !isNum(x.high))) return 'bad truncated normal bounds';
      const t: Sampler = { kind: 'truncated_normal', mean: x.mean, std: x.std, cut: x.cut };
      if (isNum(x.low)) t.low = x.low;
      if (isNum(x.high)) t.high = x.high;
      return t;
    }
    case 'orthogonal':
      return isNum(x.gain) && x.gain >= 0 ? { kind: 'orthogonal', gain: x.gain } : 'bad orthogonal sampler';
    case 'constant':
      return isNum(x.value) ? { kind: 'constant', value: x.value } : 'bad constant sampler';
    default:
      return `unknown sampler kind ${JSON.stringify(x.kind)}`;
  }
}

/** Validates simulation options from the webview; returns a clean copy or an error. */
export function parseOptions(x: unknown): SimOptions | string {
  if (!isObj(x)) return 'options is not an object';
  const out: Partial<SimOptions> = {};
  for (const [key, [min, max]] of Object.entries(OPTION_LIMITS) as [keyof typeof OPTION_LIMITS, readonly [number, number]][]) {
    const v = x[key];
    if (!isInt(v, min, max)) return `options.${key} must be an integer in [${min}, ${max}]`;
    out[key] = v;
  }
  if (typeof x.input !== 'string' || !INPUTS.includes(x.input as InputDistribution)) return 'options.input is not a known distribution';
  out.input = x.input as InputDistribution;
  if (x.inputShift !== undefined) {
    if (!isNum(x.inputShift) || Math.abs(x.inputShift) > 100) return 'options.inputShift must be a number in [-100, 100]';
    out.inputShift = x.inputShift;
  }
  if (x.which !== undefined) {
    if (!Array.isArray(x.which) || x.which.length === 0 || !x.which.every((w) => INITS.includes(w as SimInit))) return 'options.which is not a list of inits';
    out.which = [...new Set(x.which as SimInit[])];
  }
  if (x.widths !== undefined) {
    if (!isObj(x.widths)) return 'options.widths is not an object';
    const widths: Record<number, number> = {};
    for (const [k, v] of Object.entries(x.widths)) {
      const i = Number(k);
      if (!isInt(i, 0, 100_000) || !isInt(v, 1, 8192)) return `options.widths[${k}] is not a width`;
      widths[i] = v;
    }
    out.widths = widths;
  }
  if (x.inits !== undefined) {
    if (!isObj(x.inits)) return 'options.inits is not an object';
    const inits: NonNullable<SimOptions['inits']> = {};
    for (const [k, v] of Object.entries(x.inits)) {
      const i = Number(k);
      if (!isInt(i, 0, 100_000) || !isObj(v)) return `options.inits[${k}] is not a layer override`;
      const per: Partial<Record<SimInit, Sampler>> = {};
      for (const [init, s] of Object.entries(v)) {
        if (!INITS.includes(init as SimInit)) return `options.inits[${k}].${init} is not an init`;
        const parsed = sampler(s);
        if (typeof parsed === 'string') return `options.inits[${k}].${init}: ${parsed}`;
        per[init as SimInit] = parsed;
      }
      inits[i] = per;
    }
    out.inits = inits;
  }
  if (x.bias !== undefined) {
    if (typeof x.bias !== 'boolean') return 'options.bias must be a boolean';
    out.bias = x.bias;
  }
  if (x.distribution !== undefined) {
    if (x.distribution !== 'normal' && x.distribution !== 'uniform') return 'options.distribution is neither normal nor uniform';
    out.distribution = x.distribution;
  }
  if (x.budget !== undefined) {
    if (!isNum(x.budget) || x.budget < 0 || x.budget > 1e15) return 'options.budget must be a number of multiply-adds in [0, 1e15] (0: never reduce)';
    out.budget = x.budget;
  }
  if (x.maxSeeds !== undefined) {
    if (!isInt(x.maxSeeds, 1, 256)) return 'options.maxSeeds must be an integer in [1, 256]';
    out.maxSeeds = x.maxSeeds;
  }
  for (const key of ['lsuvTolerance', 'lsuvMaxIterations'] as const) {
    const v = x[key];
    if (v === undefined) continue;
    if (!isNum(v) || v <= 0 || v > 1000) return `options.${key} must be a positive number`;
    out[key] = v;
  }
  return out as SimOptions;
}

const EVENTS = ['backend', 'firstCurve', 'done', 'stopped', 'error'] as const;

/**
 * Checks a message from the webview against the protocol. Returns the message
 * (a fresh object holding only the known fields) or a reason to drop it.
 */
export function parseFromWebview(raw: unknown): FromWebview | string {
  if (!isObj(raw)) return 'message is not an object';
  switch (raw.kind) {
    case 'ready':
      return { kind: 'ready' };
    case 'reveal':
      return isInt(raw.layerId, 0, Number.MAX_SAFE_INTEGER) ? { kind: 'reveal', layerId: raw.layerId } : 'reveal: layerId is not a layer id';
    case 'apply': {
      if (!(raw.layerId === null || isInt(raw.layerId, 0, Number.MAX_SAFE_INTEGER))) return 'apply: layerId is neither null nor a layer id';
      if (typeof raw.version !== 'string' || raw.version.length === 0 || raw.version.length > 10_000) return 'apply: version is not a document version';
      return { kind: 'apply', layerId: raw.layerId, version: raw.version };
    }
    case 'options': {
      const options = parseOptions(raw.options);
      return typeof options === 'string' ? `options: ${options}` : { kind: 'options', options };
    }
    case 'export': {
      if (raw.format !== 'csv' && raw.format !== 'png') return 'export: format is neither csv nor png';
      if (typeof raw.name !== 'string' || !/^[\w.-]{1,100}$/.test(raw.name)) return 'export: name is not a plain file name';
      if (typeof raw.data !== 'string' || raw.data.length > MAX_EXPORT_CHARS) return 'export: data is not a string of acceptable size';
      if (raw.format === 'png' && !raw.data.startsWith('data:image/png;base64,')) return 'export: png data is not a PNG data URL';
      return { kind: 'export', format: raw.format, name: raw.name, data: raw.data };
    }
    case 'event': {
      if (typeof raw.event !== 'string' || !(EVENTS as readonly string[]).includes(raw.event)) return 'event: unknown event';
      if (!isInt(raw.seq, 0, Number.MAX_SAFE_INTEGER)) return 'event: seq is not a sequence number';
      if (typeof raw.detail !== 'string' || raw.detail.length > 2000) return 'event: detail is not a short string';
      return { kind: 'event', event: raw.event as (typeof EVENTS)[number], seq: raw.seq, detail: raw.detail };
    }
    default:
      return `unknown message kind ${JSON.stringify(typeof raw.kind === 'string' ? raw.kind.slice(0, 40) : raw.kind)}`;
  }
}
