/**
 * What each Python framework's names mean: weight layers, activation modules
 * and functions, normalizations, shape-only layers, containers. Keys are
 * canonical qualified names produced by imports.ts (`keras.layers.Dense`,
 * `torch.nn.Linear`, `flax.linen.Dense`, ...).
 */
import type { ActivationName, Framework, Normalization } from '../../types.js';
import { INITIALIZERS } from '../shared/initializers.js';

export interface WeightLayerSpec {
  framework: Framework;
  kind: string;
  /** conv rank (1,2,3) for conv layers, 0 for dense-like. */
  rank: number;
  recurrent?: boolean;
  embedding?: boolean;
  transpose?: boolean;
  /** Keras separable / depthwise conv. */
  separable?: boolean;
  depthwise?: boolean;
  /** Keras/Flax wrapper-less cell (LSTMCell...). */
  cell?: boolean;
  bilinear?: boolean;
  /** Flax NNX module (`nnx.Linear(in, out, rngs=rngs)`): fans from the constructor, NNX fix idiom. */
  nnx?: boolean;
}

export type Role =
  | { kind: 'weight'; spec: WeightLayerSpec }
  | { kind: 'actModule'; act: ActivationName; param?: number; fromArg?: 'keras' | 'none' }
  | { kind: 'actFn'; act: ActivationName; param?: number }
  | { kind: 'norm'; norm: Normalization }
  | { kind: 'normFn'; norm: Normalization }
  | { kind: 'pass' } // module that does not change the activation attribution
  | { kind: 'passFn' } // function applied to a tensor, transparent
  | { kind: 'sequential'; framework: Framework }
  | { kind: 'modulelist' }
  | { kind: 'add' } // residual add module (Keras Add())
  | { kind: 'addFn' } // residual add function (keras.layers.add, torch.add)
  | { kind: 'concat' }
  | { kind: 'concatFn' }
  | { kind: 'wrapper' } // Bidirectional, TimeDistributed, nn.RNN(cell)
  | { kind: 'model' } // keras.Model(inputs, outputs)
  | { kind: 'input' } // keras.Input
  | { kind: 'orderedDict' }
  | { kind: 'moduledict' }
  | { kind: 'initFn'; fw: Framework; name: string } // torch.nn.init.*
  | { kind: 'initializer'; fw: Framework; name: string } // keras.initializers.*, flax initializers
  | { kind: 'baseModule'; framework: Framework; nnx?: boolean }
  | { kind: 'identityFn' }; // returns its first argument unchanged (nnx.data([...]))

const roles = new Map<string, Role>();

function add(names: string[], role: Role): void {
  for (const n of names) roles.set(n, role);
}

// ---------------------------------------------------------------- Keras
const K = 'keras.layers.';
function kw(kind: string, rank: number, extra: Partial<WeightLayerSpec> = {}): Role {
  return { kind: 'weight', spec: { framework: 'keras', kind, rank, ...extra } };
}
add([K + 'Dense'], kw('Dense', 0));
for (const r of [1, 2, 3]) {
  add([`${K}Conv${r}D`, `${K}Convolution${r}D`], kw(`Conv${r}D`, r));
  add([`${K}Conv${r}DTranspose`, `${K}Convolution${r}DTranspose`], kw(`Conv${r}DTranspose`, r, { transpose: true }));
}
add([K + 'SeparableConv1D', K + 'SeparableConvolution1D'], kw('SeparableConv1D', 1, { separable: true }));
add([K + 'SeparableConv2D', K + 'SeparableConvolution2D'], kw('SeparableConv2D', 2, { separable: true }));
add([K + 'DepthwiseConv1D'], kw('DepthwiseConv1D', 1, { depthwise: true }));
add([K + 'DepthwiseConv2D'], kw('DepthwiseConv2D', 2, { depthwise: true }));
add([K + 'SimpleRNN'], kw('SimpleRNN', 0, { recurrent: true }));
add([K + 'LSTM'], kw('LSTM', 0, { recurrent: true }));
add([K + 'GRU'], kw('GRU', 0, { recurrent: true }));
add([K + 'SimpleRNNCell'], kw('SimpleRNNCell', 0, { recurrent: true, cell: true }));
add([K + 'LSTMCell'], kw('LSTMCell', 0, { recurrent: true, cell: true }));
add([K + 'GRUCell'], kw('GRUCell', 0, { recurrent: true, cell: true }));
add([K + 'Embedding'], kw('Embedding', 0, { embedding: true }));
add([K + 'Activation'], { kind: 'actModule', act: 'unknown', fromArg: 'keras' });
add([K + 'ReLU'], { kind: 'actModule', act: 'relu' });
add([K + 'LeakyReLU'], { kind: 'actModule', act: 'leaky_relu', param: 0.3 });
add([K + 'PReLU'], { kind: 'actModule', act: 'relu' }); // alpha initialized to zeros: ReLU at init
add([K + 'ELU'], { kind: 'actModule', act: 'elu' });
add([K + 'Softmax'], { kind: 'actModule', act: 'softmax' });
add(
  ['BatchNormalization', 'SyncBatchNormalization'].map((n) => K + n),
  { kind: 'norm', norm: 'batchnorm' },
);
add([K + 'LayerNormalization'], { kind: 'norm', norm: 'layernorm' });
add([K + 'GroupNormalization'], { kind: 'norm', norm: 'groupnorm' });
add([K + 'RMSNormalization'], { kind: 'norm', norm: 'rmsnorm' });
add([K + 'UnitNormalization'], { kind: 'norm', norm: 'layernorm' });
add(
  [
    'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise',
    'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'MaxPool1D', 'MaxPool2D',
    'MaxPool3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
    'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
    'GlobalMaxPooling3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'ZeroPadding1D',
    'ZeroPadding2D', 'ZeroPadding3D', 'Cropping1D', 'Cropping2D', 'Cropping3D', 'UpSampling1D', 'UpSampling2D', 'UpSampling3D',
    'InputLayer', 'Rescaling', 'Resizing', 'Masking', 'ActivityRegularization', 'Identity',
  ].map((n) => K + n),
  { kind: 'pass' },
);
add([K + 'Add'], { kind: 'add' });
add([K + 'add'], { kind: 'addFn' });
add([K + 'Concatenate'], { kind: 'concat' });
add([K + 'concatenate'], { kind: 'concatFn' });
add([K + 'Bidirectional', K + 'TimeDistributed', K + 'RNN'], { kind: 'wrapper' });
add(['keras.Sequential', 'keras.models.Sequential'], { kind: 'sequential', framework: 'keras' });
add(['keras.Model', 'keras.models.Model'], { kind: 'model' });
add(['keras.Input', 'keras.layers.Input'], { kind: 'input' });
add(['keras.layers.Layer', 'keras.Layer'], { kind: 'baseModule', framework: 'keras' });

/** Keras / tf activation function names (`activation=` strings and keras.activations.*). */
export const KERAS_ACT_PARAM: Record<string, number> = { leaky_relu: 0.2 };
const KERAS_ACT: Record<string, ActivationName> = {
  relu: 'relu', relu6: 'relu', leaky_relu: 'leaky_relu', elu: 'elu', selu: 'selu', gelu: 'gelu', silu: 'silu', swish: 'silu',
  mish: 'mish', softplus: 'softplus', softsign: 'tanh', tanh: 'tanh', sigmoid: 'sigmoid', hard_sigmoid: 'sigmoid',
  hard_silu: 'silu', hard_swish: 'silu', softmax: 'softmax', log_softmax: 'softmax', linear: 'linear', exponential: 'unknown',
  celu: 'elu', glu: 'unknown', hard_tanh: 'tanh', sparse_plus: 'softplus', squareplus: 'softplus', tanh_shrink: 'unknown',
  log_sigmoid: 'unknown', sparsemax: 'softmax', threshold: 'unknown', relu_6: 'relu',
};
export function kerasActivationName(s: string): ActivationName {
  return KERAS_ACT[s] ?? 'unknown';
}
for (const [n, a] of Object.entries(KERAS_ACT)) {
  const param = n === 'leaky_relu' ? 0.2 : undefined; // keras.activations.leaky_relu negative_slope default 0.2
  add([`keras.activations.${n}`, `keras.ops.${n}`, `keras.ops.nn.${n}`, `tensorflow.nn.${n}`, `tensorflow.math.${n}`], { kind: 'actFn', act: a, param });
}
add(['tensorflow.tanh', 'tensorflow.sigmoid', 'tensorflow.math.tanh', 'tensorflow.math.sigmoid'], { kind: 'actFn', act: 'tanh' });
roles.set('tensorflow.sigmoid', { kind: 'actFn', act: 'sigmoid' });
roles.set('tensorflow.math.sigmoid', { kind: 'actFn', act: 'sigmoid' });
roles.set('tensorflow.nn.leaky_relu', { kind: 'actFn', act: 'leaky_relu', param: 0.2 });
add(['tensorflow.reshape', 'tensorflow.squeeze', 'tensorflow.expand_dims', 'tensorflow.transpose', 'keras.ops.reshape'], { kind: 'passFn' });
add(['tensorflow.add', 'keras.ops.add'], { kind: 'addFn' });
add(['tensorflow.concat', 'keras.ops.concatenate'], { kind: 'concatFn' });
// Keras initializer classes and functions (the table's, and Identity, read as orthogonal).
for (const n of [...INITIALIZERS.flatMap((e) => (e.keras ? [e.keras.class, e.keras.string] : [])), 'Identity', 'identity']) {
  add([`keras.initializers.${n}`], { kind: 'initializer', fw: 'keras', name: n });
}

// ---------------------------------------------------------------- PyTorch
const T = 'torch.nn.';
function tw(kind: string, rank: number, extra: Partial<WeightLayerSpec> = {}): Role {
  return { kind: 'weight', spec: { framework: 'pytorch', kind, rank, ...extra } };
}
add([T + 'Linear'], tw('Linear', 0));
add([T + 'LazyLinear'], tw('LazyLinear', 0));
add([T + 'Bilinear'], tw('Bilinear', 0, { bilinear: true }));
for (const r of [1, 2, 3]) {
  add([`${T}Conv${r}d`], tw(`Conv${r}d`, r));
  add([`${T}LazyConv${r}d`], tw(`LazyConv${r}d`, r));
  add([`${T}ConvTranspose${r}d`], tw(`ConvTranspose${r}d`, r, { transpose: true }));
}
add([T + 'RNN'], tw('RNN', 0, { recurrent: true }));
add([T + 'LSTM'], tw('LSTM', 0, { recurrent: true }));
add([T + 'GRU'], tw('GRU', 0, { recurrent: true }));
add([T + 'RNNCell'], tw('RNNCell', 0, { recurrent: true, cell: true }));
add([T + 'LSTMCell'], tw('LSTMCell', 0, { recurrent: true, cell: true }));
add([T + 'GRUCell'], tw('GRUCell', 0, { recurrent: true, cell: true }));
add([T + 'Embedding'], tw('Embedding', 0, { embedding: true }));
add([T + 'EmbeddingBag'], tw('EmbeddingBag', 0, { embedding: true }));
const TORCH_ACT_MODULES: Record<string, [ActivationName, number?]> = {
  ReLU: ['relu'], ReLU6: ['relu'], LeakyReLU: ['leaky_relu', 0.01], PReLU: ['leaky_relu', 0.25], RReLU: ['leaky_relu', (1 / 8 + 1 / 3) / 2],
  ELU: ['elu'], CELU: ['elu'], GELU: ['gelu'], SiLU: ['silu'], Mish: ['mish'], Softplus: ['softplus'], SELU: ['selu'],
  Tanh: ['tanh'], Sigmoid: ['sigmoid'], Softmax: ['softmax'], LogSoftmax: ['softmax'], Hardswish: ['silu'], Hardtanh: ['tanh'],
  Hardsigmoid: ['sigmoid'], Softsign: ['tanh'], Identity: ['linear'], Tanhshrink: ['unknown'], GLU: ['unknown'], LogSigmoid: ['unknown'],
};
for (const [n, [a, p]] of Object.entries(TORCH_ACT_MODULES)) {
  add([T + n], a === 'linear' ? { kind: 'pass' } : { kind: 'actModule', act: a, param: p });
}
const TORCH_ACT_FNS: Record<string, [ActivationName, number?]> = {
  relu: ['relu'], relu_: ['relu'], relu6: ['relu'], leaky_relu: ['leaky_relu', 0.01], leaky_relu_: ['leaky_relu', 0.01], elu: ['elu'],
  celu: ['elu'], gelu: ['gelu'], silu: ['silu'], mish: ['mish'], softplus: ['softplus'], selu: ['selu'], tanh: ['tanh'],
  sigmoid: ['sigmoid'], softmax: ['softmax'], log_softmax: ['softmax'], hardswish: ['silu'], hardtanh: ['tanh'], softsign: ['tanh'],
  prelu: ['leaky_relu', 0.25], rrelu: ['leaky_relu', (1 / 8 + 1 / 3) / 2], hardsigmoid: ['sigmoid'],
};
for (const [n, [a, p]] of Object.entries(TORCH_ACT_FNS)) {
  add([`torch.nn.functional.${n}`], { kind: 'actFn', act: a, param: p });
  if (['relu', 'relu_', 'tanh', 'sigmoid', 'softmax', 'log_softmax', 'selu', 'celu', 'prelu', 'rrelu'].includes(n)) {
    add([`torch.${n}`], { kind: 'actFn', act: a, param: p });
  }
}
add(['torch.special.expit'], { kind: 'actFn', act: 'sigmoid' });
// GLU: a·σ(b) over the two halves of its input (half the width); no named init fits it
add(['torch.nn.functional.glu'], { kind: 'actFn', act: 'unknown' });
add(
  ['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'SyncBatchNorm', 'LazyBatchNorm1d', 'LazyBatchNorm2d', 'LazyBatchNorm3d'].map((n) => T + n),
  { kind: 'norm', norm: 'batchnorm' },
);
add([T + 'LayerNorm'], { kind: 'norm', norm: 'layernorm' });
add([T + 'GroupNorm'], { kind: 'norm', norm: 'groupnorm' });
add([T + 'RMSNorm'], { kind: 'norm', norm: 'rmsnorm' });
add(['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d'].map((n) => T + n), { kind: 'norm', norm: 'instancenorm' });
add(['torch.nn.functional.layer_norm'], { kind: 'normFn', norm: 'layernorm' });
// F.normalize(x, dim=...): L2 normalization over a dimension, an RMSNorm up to a constant
add(['torch.nn.functional.normalize'], { kind: 'normFn', norm: 'rmsnorm' });
add(['torch.nn.functional.batch_norm'], { kind: 'normFn', norm: 'batchnorm' });
add(['torch.nn.functional.group_norm'], { kind: 'normFn', norm: 'groupnorm' });
add(
  [
    'Dropout', 'Dropout1d', 'Dropout2d', 'Dropout3d', 'AlphaDropout', 'FeatureAlphaDropout', 'Flatten', 'Unflatten', 'MaxPool1d',
    'MaxPool2d', 'MaxPool3d', 'AvgPool1d', 'AvgPool2d', 'AvgPool3d', 'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d', 'AdaptiveAvgPool3d',
    'AdaptiveMaxPool1d', 'AdaptiveMaxPool2d', 'AdaptiveMaxPool3d', 'Upsample', 'UpsamplingNearest2d', 'UpsamplingBilinear2d',
    'PixelShuffle', 'PixelUnshuffle', 'ZeroPad2d', 'ConstantPad1d', 'ConstantPad2d', 'ReflectionPad2d', 'ReplicationPad2d',
    'ChannelShuffle',
  ].map((n) => T + n),
  { kind: 'pass' },
);
add(
  [
    'torch.flatten', 'torch.reshape', 'torch.squeeze', 'torch.unsqueeze', 'torch.transpose', 'torch.permute', 'torch.nn.functional.dropout',
    'torch.nn.functional.dropout2d', 'torch.nn.functional.max_pool1d', 'torch.nn.functional.max_pool2d', 'torch.nn.functional.max_pool3d',
    'torch.nn.functional.avg_pool1d', 'torch.nn.functional.avg_pool2d', 'torch.nn.functional.avg_pool3d',
    'torch.nn.functional.adaptive_avg_pool1d', 'torch.nn.functional.adaptive_avg_pool2d', 'torch.nn.functional.adaptive_max_pool2d',
    'torch.nn.functional.interpolate', 'torch.nn.functional.pad', 'torch.nn.functional.pixel_shuffle',
  ],
  { kind: 'passFn' },
);
add(['torch.add'], { kind: 'addFn' });
add(['torch.cat', 'torch.concat', 'torch.stack'], { kind: 'concatFn' });
add([T + 'Sequential'], { kind: 'sequential', framework: 'pytorch' });
add([T + 'ModuleList'], { kind: 'modulelist' });
add([T + 'ModuleDict'], { kind: 'moduledict' });
add(['collections.OrderedDict'], { kind: 'orderedDict' });
add([T + 'Module'], { kind: 'baseModule', framework: 'pytorch' });
// torch.nn.init: the table's functions, those InitLens does not model (eye_, dirac_, sparse_), and
// the deprecated spellings without the trailing underscore.
for (const n of [
  ...INITIALIZERS.flatMap((e) => (e.torch ? [e.torch] : [])), 'eye_', 'dirac_', 'sparse_',
  'uniform', 'normal', 'constant', 'xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'kaiming_normal', 'orthogonal',
]) {
  add([`torch.nn.init.${n}`], { kind: 'initFn', fw: 'pytorch', name: n.endsWith('_') ? n : n + '_' });
}

// timm re-exports PyTorch's trunc_normal_ (ViT, ConvNeXt, Swin code)
for (const m of ['timm.models.layers', 'timm.layers', 'timm.models.layers.weight_init', 'timm.layers.weight_init']) {
  add([`${m}.trunc_normal_`], { kind: 'initFn', fw: 'pytorch', name: 'trunc_normal_' });
}

// ---------------------------------------------------------------- Flax linen
const F = 'flax.linen.';
function fw(kind: string, rank: number, extra: Partial<WeightLayerSpec> = {}): Role {
  return { kind: 'weight', spec: { framework: 'flax', kind, rank, ...extra } };
}
add([F + 'Dense'], fw('Dense', 0));
add([F + 'DenseGeneral'], fw('DenseGeneral', 0));
add([F + 'Conv'], fw('Conv', 2));
add([F + 'ConvTranspose'], fw('ConvTranspose', 2, { transpose: true }));
add([F + 'ConvLocal'], fw('ConvLocal', 2));
add([F + 'Embed'], fw('Embed', 0, { embedding: true }));
for (const c of ['LSTMCell', 'OptimizedLSTMCell', 'GRUCell', 'SimpleCell', 'MGUCell', 'ConvLSTMCell']) {
  add([F + c], fw(c, 0, { recurrent: true, cell: true }));
}
add([F + 'RNN', F + 'Bidirectional'], { kind: 'wrapper' });
const FLAX_ACT: Record<string, [ActivationName, number?]> = {
  relu: ['relu'], relu6: ['relu'], leaky_relu: ['leaky_relu', 0.01], elu: ['elu'], celu: ['elu'], gelu: ['gelu'], silu: ['silu'],
  swish: ['silu'], mish: ['mish'], softplus: ['softplus'], selu: ['selu'], tanh: ['tanh'], sigmoid: ['sigmoid'], softmax: ['softmax'],
  log_softmax: ['softmax'], hard_tanh: ['tanh'], hard_sigmoid: ['sigmoid'], hard_silu: ['silu'], hard_swish: ['silu'], soft_sign: ['tanh'],
  glu: ['unknown'],
};
for (const [n, [a, p]] of Object.entries(FLAX_ACT)) {
  add([F + n, `jax.nn.${n}`], { kind: 'actFn', act: a, param: p });
}
add(['jax.numpy.tanh'], { kind: 'actFn', act: 'tanh' });
add([F + 'BatchNorm'], { kind: 'norm', norm: 'batchnorm' });
add([F + 'LayerNorm'], { kind: 'norm', norm: 'layernorm' });
add([F + 'GroupNorm'], { kind: 'norm', norm: 'groupnorm' });
add([F + 'RMSNorm'], { kind: 'norm', norm: 'rmsnorm' });
add([F + 'Dropout'], { kind: 'pass' });
add([F + 'max_pool', F + 'avg_pool', F + 'pooling.max_pool', 'jax.numpy.reshape', 'jax.numpy.mean'], { kind: 'passFn' });
// layout only: the values are moved, not transformed
add(
  [
    'jax.numpy.swapaxes', 'jax.numpy.transpose', 'jax.numpy.moveaxis', 'jax.numpy.squeeze', 'jax.numpy.expand_dims', 'jax.numpy.ravel',
    'einops.rearrange', 'einops.repeat', 'torch.swapaxes', 'torch.movedim', 'torch.moveaxis', 'keras.ops.transpose', 'keras.ops.squeeze',
    'keras.ops.expand_dims',
  ],
  { kind: 'passFn' },
);
add([F + 'Sequential'], { kind: 'sequential', framework: 'flax' });
add([F + 'Module'], { kind: 'baseModule', framework: 'flax' });
for (const n of INITIALIZERS.flatMap((e) => e.flax)) {
  add([`${F}initializers.${n}`, `jax.nn.initializers.${n}`, `flax.nnx.initializers.${n}`], { kind: 'initializer', fw: 'flax', name: n });
}

// ---------------------------------------------------------------- Flax NNX
// Same framework as linen in the JSON contract; layers take their input size in
// the constructor (`nnx.Linear(din, dout, rngs=rngs)`) and are built in __init__.
const X = 'flax.nnx.';
function xw(kind: string, rank: number, extra: Partial<WeightLayerSpec> = {}): Role {
  return { kind: 'weight', spec: { framework: 'flax', kind, rank, nnx: true, ...extra } };
}
add([X + 'Linear'], xw('Linear', 0));
add([X + 'LinearGeneral'], xw('LinearGeneral', 0));
add([X + 'LoRALinear'], xw('LoRALinear', 0)); // a Linear whose output gets a low-rank update: same kernel
add([X + 'Einsum'], xw('Einsum', 0));
add([X + 'Conv'], xw('Conv', 2));
add([X + 'ConvTranspose'], xw('ConvTranspose', 2, { transpose: true }));
add([X + 'Embed'], xw('Embed', 0, { embedding: true }));
for (const c of ['LSTMCell', 'OptimizedLSTMCell', 'GRUCell', 'SimpleCell']) {
  add([X + c], xw(c, 0, { recurrent: true, cell: true }));
}
add([X + 'RNN', X + 'Bidirectional'], { kind: 'wrapper' });
for (const [n, [a, p]] of Object.entries(FLAX_ACT)) add([X + n], { kind: 'actFn', act: a, param: p });
add([X + 'identity'], { kind: 'passFn' });
// nnx.PReLU: a learned slope starting at negative_slope_init=0.01.
add([X + 'PReLU'], { kind: 'actModule', act: 'leaky_relu', param: 0.01 });
add([X + 'BatchNorm'], { kind: 'norm', norm: 'batchnorm' });
add([X + 'LayerNorm'], { kind: 'norm', norm: 'layernorm' });
add([X + 'GroupNorm'], { kind: 'norm', norm: 'groupnorm' });
add([X + 'RMSNorm'], { kind: 'norm', norm: 'rmsnorm' });
add([X + 'InstanceNorm'], { kind: 'norm', norm: 'instancenorm' });
add([X + 'Dropout'], { kind: 'pass' });
add([X + 'max_pool', X + 'avg_pool', X + 'min_pool'], { kind: 'passFn' });
add([X + 'Sequential'], { kind: 'sequential', framework: 'flax' });
add([X + 'List'], { kind: 'modulelist' });
add([X + 'Dict'], { kind: 'moduledict' });
add([X + 'data'], { kind: 'identityFn' });
add([X + 'Module'], { kind: 'baseModule', framework: 'flax', nnx: true });

export function roleOf(qname: string | null): Role | undefined {
  if (qname === null) return undefined;
  return roles.get(qname);
}

/** Canonical module prefixes: tf.keras and friends all become `keras`. */
export function canonicalize(q: string): string {
  if (q.startsWith('tensorflow.keras.')) return 'keras.' + q.slice('tensorflow.keras.'.length);
  if (q === 'tensorflow.keras') return 'keras';
  if (q.startsWith('tensorflow.python.keras.')) return 'keras.' + q.slice('tensorflow.python.keras.'.length);
  if (q.startsWith('tf_keras.')) return 'keras.' + q.slice('tf_keras.'.length);
  // TF 2: tf.initializers.* are aliases of tf.keras.initializers.* (GlorotUniform, glorot_uniform, ...).
  if (q.startsWith('tensorflow.initializers.')) return 'keras.' + q.slice('tensorflow.'.length);
  if (q === 'tf_keras') return 'keras';
  if (q.startsWith('keras.api.')) return 'keras.' + q.slice('keras.api.'.length);
  if (q.startsWith('keras.src.layers.')) {
    const last = q.slice(q.lastIndexOf('.') + 1);
    return 'keras.layers.' + last;
  }
  if (q.startsWith('keras.layers.core.') || q.startsWith('keras.layers.convolutional.') || q.startsWith('keras.layers.recurrent.')) {
    return 'keras.layers.' + q.slice(q.lastIndexOf('.') + 1);
  }
  if (q.startsWith('keras.models.') && q !== 'keras.models.Sequential' && q !== 'keras.models.Model') return q;
  if (q.startsWith('torch.nn.modules.')) return 'torch.nn.' + q.slice(q.lastIndexOf('.') + 1);
  if (q.startsWith('flax.linen.linear.') || q.startsWith('flax.linen.activation.') || q.startsWith('flax.linen.normalization.')) {
    return 'flax.linen.' + q.slice(q.lastIndexOf('.') + 1);
  }
  if (q.startsWith('jax.nn.initializers.') || q.startsWith('flax.linen.initializers.')) return q;
  if (q.startsWith('flax.nnx.')) return canonicalNnx(q);
  return q;
}


/** Every qualified name the vocabulary knows, with its role (the relevance filter's source: relevance.ts). */
export function knownNames(): IterableIterator<[string, Role]> {
  return roles.entries();
}

/** `flax.nnx.nn.linear.Linear` → `flax.nnx.Linear`, `flax.nnx.nn.initializers.x` → `flax.nnx.initializers.x`. */
function canonicalNnx(q: string): string {
  const m = /^flax\.nnx\.(?:nn\.)?(initializers)(\..*)?$/.exec(q);
  if (m) return 'flax.nnx.initializers' + (m[2] ?? '');
  const sub = /^flax\.nnx\.(?:nn\.(?:linear|activations|normalization|recurrent|stochastic|attention|lora|pooling)|module|helpers)\.([A-Za-z_]\w*)$/.exec(q);
  if (sub) return 'flax.nnx.' + sub[1];
  return q;
}
