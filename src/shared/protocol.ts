/**
 * Messages between the extension host and the variance webview. The only file
 * both sides import: change a message here and both sides fail to compile.
 */

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

/** Localized UI strings, sent by the host (the webview has no l10n runtime). */
export type WebviewStrings = Record<
  | 'layer'
  | 'fans'
  | 'activation'
  | 'current'
  | 'recommended'
  | 'init'
  | 'variance'
  | 'factor'
  | 'cumulative'
  | 'chartTitle'
  | 'note'
  | 'empty'
  | 'reveal'
  | 'assumedFans',
  string
>;

export type ToWebview = { kind: 'show'; table: VarianceTable; strings: WebviewStrings };

export type FromWebview = { kind: 'ready' } | { kind: 'reveal'; offset: number };
