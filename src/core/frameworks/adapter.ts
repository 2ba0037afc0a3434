import type { ActivationName, InitName, Layer, ModelInfo, TextEdit } from '../types.js';

/** What a fix should write for one layer. */
export interface InitTarget {
  /** snake_case initializer to write (he_normal, he_uniform, glorot_uniform, glorot_normal, lecun_normal, lecun_uniform, orthogonal, variance_scaling). */
  init: InitName;
  /** Which weight: the (input) kernel, or the recurrent kernel of an RNN layer. */
  which: 'kernel' | 'recurrent';
  /** Activation after the layer (PyTorch `nonlinearity=`, xavier `gain=`). */
  activation: ActivationName;
  /** leaky_relu negative slope. */
  slope?: number;
  /** variance_scaling scale, when init is variance_scaling (e.g. 2/(1+α²) for leaky ReLU). */
  scale?: number;
  /** The law to write where the framework lets one choose it (TensorFlow.js varianceScaling); default: the preferred distribution. */
  distribution?: 'normal' | 'uniform';
}

/**
 * The result of one framework's detector on one file. `fix` turns a target
 * initializer into pure text edits in that framework's idiom (imports included),
 * or null when no safe edit exists.
 */
export interface FrameworkAnalysis {
  layers: Layer[];
  models: ModelInfo[];
  fix(layer: Layer, target: InitTarget): TextEdit[] | null;
  /** Flax only: edits that call an initializer factory passed without `()`. */
  fixFactoryCall?(layer: Layer): TextEdit[] | null;
}
