/** What the TensorFlow.js analyzer records: bindings, layer calls, tensors, apply graphs, shapes, sequential and functional models. */
import type { ActivationInfo, Normalization, Span } from '../../types.js';
import type { SyntaxNode } from '@lezer/common';

// Internal model
export interface Def {
  pos: number;
  /** Enclosing function node ("from:to"), '' for the top level. */
  scope: string;
  value: SyntaxNode | null;
  /** Path inside the tfjs module when the binding is an import of it ([] = the namespace). */
  imported?: string[];
}

export interface LayerCall {
  node: SyntaxNode;
  factory: string;
  /** The config object literal, possibly reached through a variable. */
  config: SyntaxNode | null;
  /** The config is written inline as an object literal (fixable). */
  configInline: boolean;
  /** The call has an argument that is not an object literal we could read. */
  configOpaque: boolean;
  /** Weight layer wrapped by bidirectional/timeDistributed/rnn. */
  inner: LayerCall | null;
}

export type TensorVal =
  | { kind: 'apply'; app: ApplyNode }
  | { kind: 'input'; node: SyntaxNode }
  | { kind: 'unknown' };

export interface ApplyNode {
  node: SyntaxNode;
  layer: LayerCall | null;
  /** A tensor op activation (`tf.relu(x)`, `x.relu()`) instead of a layer. */
  op?: ActivationInfo;
  inputs: TensorVal[];
  consumers: ApplyNode[];
}

/** A tensor shape without the batch dimension; null entries are unknown sizes, null an unknown rank. */
export type Shape = (number | null)[] | null;

export type SeqItem = { layer: LayerCall | null; node: SyntaxNode };

export interface SeqModel {
  call: SyntaxNode;
  name: string | null;
  items: SeqItem[];
}

export interface FuncModel {
  call: SyntaxNode;
  name: string | null;
  outputs: TensorVal[];
}

/** Plain data a fix needs, kept on `Layer.fixContext`. */
export interface TfjsFixContext {
  framework: 'tfjs';
  factory: string;
  /** The config object literal, when written inline. */
  config: Span | null;
}

export interface FollowResult {
  activation: ActivationInfo | null;
  normalization: Normalization | null;
  residual: boolean;
  /** The chain ended on something we do not understand. */
  unknown: boolean;
}
