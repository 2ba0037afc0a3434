/** The TensorFlow.js vocabulary: module names, weight layers and their kinds, activation layers, ops and strings, norms, shape-preserving and shape-changing layers, wrappers, initializer identifiers. */
import type { ActivationName, Normalization } from '../../types.js';

// tfjs vocabulary
export const TFJS_MODULES = new Set([
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-layers',
]);

export type WeightKind = 'dense' | 'conv' | 'transpose' | 'depthwise' | 'separable' | 'rnn' | 'convrnn' | 'embedding';

export interface WeightDesc {
  kind: WeightKind;
  /** Spatial rank of the kernel (conv layers). */
  rank: number;
  /** Gates of an RNN kernel (lstm 4, gru 3, simpleRNN 1). */
  gates: number;
}

export const weightDesc = (kind: WeightKind, rank = 0, gates = 0): WeightDesc => ({ kind, rank, gates });

/** Weight-bearing layer factories of `tf.layers`, by the name written in tfjs. */
export const WEIGHT_LAYERS: Record<string, WeightDesc> = {
  dense: weightDesc('dense'),
  conv1d: weightDesc('conv', 1),
  conv2d: weightDesc('conv', 2),
  conv3d: weightDesc('conv', 3),
  conv2dTranspose: weightDesc('transpose', 2),
  conv3dTranspose: weightDesc('transpose', 3),
  depthwiseConv2d: weightDesc('depthwise', 2),
  separableConv2d: weightDesc('separable', 2),
  simpleRNN: weightDesc('rnn', 0, 1),
  lstm: weightDesc('rnn', 0, 4),
  gru: weightDesc('rnn', 0, 3),
  simpleRNNCell: weightDesc('rnn', 0, 1),
  lstmCell: weightDesc('rnn', 0, 4),
  gruCell: weightDesc('rnn', 0, 3),
  convLstm2d: weightDesc('convrnn', 2, 4),
  convLstm2dCell: weightDesc('convrnn', 2, 4),
  embedding: weightDesc('embedding'),
};

export const ACTIVATION_LAYERS = new Set(['activation', 'reLU', 'leakyReLU', 'elu', 'softmax', 'prelu', 'thresholdedReLU']);

/** tfjs-core activation ops usable on a layer's output (custom layers' `call`). */
export const OP_ACTIVATIONS: Record<string, ActivationName> = {
  relu: 'relu',
  relu6: 'relu',
  elu: 'elu',
  selu: 'selu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  softmax: 'softmax',
  softplus: 'softplus',
  leakyRelu: 'leaky_relu',
  prelu: 'leaky_relu',
};

export const NORM_LAYERS: Record<string, Normalization> = {
  batchNormalization: 'batchnorm',
  layerNormalization: 'layernorm',
};

/** Layers the activation search walks through, keeping the last (feature) dimension. */
export const FEATURE_PRESERVING = new Set([
  'dropout',
  'spatialDropout1d',
  'gaussianNoise',
  'gaussianDropout',
  'alphaDropout',
  'masking',
  'rescaling',
  'maxPooling1d',
  'maxPooling2d',
  'maxPooling3d',
  'averagePooling1d',
  'averagePooling2d',
  'averagePooling3d',
  'avgPool1d',
  'avgPool2d',
  'avgPool3d',
  'avgPooling1d',
  'avgPooling2d',
  'avgPooling3d',
  'globalAveragePooling1d',
  'globalAveragePooling2d',
  'globalMaxPooling1d',
  'globalMaxPooling2d',
  'zeroPadding2d',
  'upSampling2d',
  'cropping2D',
  'repeatVector',
]);

/** Local pooling layers and their spatial rank. */
export const POOLING_RANK: Record<string, number> = {
  maxPooling1d: 1,
  maxPooling2d: 2,
  maxPooling3d: 3,
  averagePooling1d: 1,
  averagePooling2d: 2,
  averagePooling3d: 3,
  avgPool1d: 1,
  avgPool2d: 2,
  avgPool3d: 3,
  avgPooling1d: 1,
  avgPooling2d: 2,
  avgPooling3d: 3,
};

/** Layers the activation search walks through, changing the shape. */
export const SHAPE_CHANGING = new Set(['flatten', 'reshape', 'permute']);

export const WRAPPERS: Record<string, string> = { bidirectional: 'layer', timeDistributed: 'layer', rnn: 'cell' };

/** tfjs `ActivationIdentifier` → our activation names. */
export const ACTIVATION_STRINGS: Record<string, ActivationName> = {
  relu: 'relu',
  relu6: 'relu',
  elu: 'elu',
  selu: 'selu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  hardSigmoid: 'sigmoid',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'tanh',
  linear: 'linear',
  swish: 'silu',
  mish: 'mish',
  gelu: 'gelu',
  gelu_new: 'gelu',
};

export const FUNCTION_NODES = new Set([
  'FunctionDeclaration',
  'FunctionExpression',
  'ArrowFunction',
  'MethodDeclaration',
]);

export const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', ';', 'LineComment', 'BlockComment']);
