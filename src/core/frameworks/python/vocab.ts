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
const KERAS_LAYERS = 'keras.layers.';
function kerasWeight(kind: string, rank: number, extra: Partial<WeightLayerSpec> = {}): Role {
  return { kind: 'weight', spec: { framework: 'keras', kind, rank, ...extra } };
}
add([KERAS_LAYERS + 'Dense'], kerasWeight('Dense', 0));
for (const r of [1, 2, 3]) {
  add([`${KERAS_LAYERS}Conv${r}D`, `${KERAS_LAYERS}Convolution${r}D`], kerasWeight(`Conv${r}D`, r));
  add([`${KERAS_LAYERS}Conv${r}DTranspose`, `${KERAS_LAYERS}Convolution${r}DTranspose`], kerasWeight(`Conv${r}DTranspose`, r, { transpose: true }));
}
add([KERAS_LAYERS + 'SeparableConv1D', KERAS_LAYERS + 'SeparableConvolution1D'], kerasWeight('SeparableConv1D', 1, { separable: true }));
add([KERAS_LAYERS + 'SeparableConv2D', KERAS_LAYERS + 'SeparableConvolution2D'], kerasWeight('SeparableConv2D', 2, { separable: true }));
add([KERAS_LAYERS + 'DepthwiseConv1D'], kerasWeight('DepthwiseConv1D', 1, { depthwise: true }));
add([KERAS_LAYERS + 'DepthwiseConv2D'], kerasWeight('DepthwiseConv2D', 2, { depthwise: true }));
add([KERAS_LAYERS + 'SimpleRNN'], kerasWeight('SimpleRNN', 0, { recurrent: true }));
add([KERAS_LAYERS + 'LSTM'], kerasWeight('LSTM', 0, { recurrent: true }));
add([KERAS_LAYERS + 'GRU'], kerasWeight('GRU', 0, { recurrent: true }));
add([KERAS_LAYERS + 'SimpleRNNCell'], kerasWeight('SimpleRNNCell', 0, { recurrent: true, cell: true }));
add([KERAS_LAYERS + 'LSTMCell'], kerasWeight('LSTMCell', 0, { recurrent: true, cell: true }));
add([KERAS_LAYERS + 'GRUCell'], kerasWeight('GRUCell', 0, { recurrent: true, cell: true }));
add([KERAS_LAYERS + 'Embedding'], kerasWeight('Embedding', 0, { embedding: true }));
add([KERAS_LAYERS + 'Activation'], { kind: 'actModule', act: 'unknown', fromArg: 'keras' });
add([KERAS_LAYERS + 'ReLU'], { kind: 'actModule', act: 'relu' });
add([KERAS_LAYERS + 'LeakyReLU'], { kind: 'actModule', act: 'leaky_relu', param: 0.3 });
add([KERAS_LAYERS + 'PReLU'], { kind: 'actModule', act: 'relu' }); // alpha initialized to zeros: ReLU at init
add([KERAS_LAYERS + 'ELU'], { kind: 'actModule', act: 'elu' });
add([KERAS_LAYERS + 'Softmax'], { kind: 'actModule', act: 'softmax' });
add(
  ['BatchNormalization', 'SyncBatchNormalization'].map((n) => KERAS_LAYERS + n),
  { kind: 'norm', norm: 'batchnorm' },
);
add([KERAS_LAYERS + 'LayerNormalization'], { kind: 'norm', norm: 'layernorm' });
add([KERAS_LAYERS + 'GroupNormalization'], { kind: 'norm', norm: 'groupnorm' });
add([KERAS_LAYERS + 'RMSNormalization'], { kind: 'norm', norm: 'rmsnorm' });
add([KERAS_LAYERS + 'UnitNormalization'], { kind: 'norm', norm: 'layernorm' });
add(
  [
    'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'AlphaDropout', 'GaussianDropout', 'GaussianNoise',
    'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'MaxPool1D', 'MaxPool2D',
    'MaxPool3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
    'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
    'GlobalMaxPooling3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'ZeroPadding1D',
    'ZeroPadding2D', 'ZeroPadding3D', 'Cropping1D', 'Cropping2D', 'Cropping3D', 'UpSampling1D', 'UpSampling2D', 'UpSampling3D',
    'InputLayer', 'Rescaling', 'Resizing', 'Masking', 'ActivityRegularization', 'Identity',
  ].map((n) => KERAS_LAYERS + n),
  { kind: 'pass' },
);
add([KERAS_LAYERS + 'Add'], { kind: 'add' });
add([KERAS_LAYERS + 'add'], { kind: 'addFn' });
add([KERAS_LAYERS + 'Concatenate'], { kind: 'concat' });
add([KERAS_LAYERS + 'concatenate'], { kind: 'concatFn' });
add([KERAS_LAYERS + 'Bidirectional', KERAS_LAYERS + 'TimeDistributed', KERAS_LAYERS + 'RNN'], { kind: 'wrapper' });
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
const TORCH_NN = 'torch.nn.';
function torchWeight(kind: string, rank: number, extra: Partial<WeightLayerSpec> = {}): Role {
  return { kind: 'weight', spec: { framework: 'pytorch', kind, rank, ...extra } };
}
add([TORCH_NN + 'Linear'], torchWeight('Linear', 0));
add([TORCH_NN + 'LazyLinear'], torchWeight('LazyLinear', 0));
add([TORCH_NN + 'Bilinear'], torchWeight('Bilinear', 0, { bilinear: true }));
for (const r of [1, 2, 3]) {
  add([`${TORCH_NN}Conv${r}d`], torchWeight(`Conv${r}d`, r));
  add([`${TORCH_NN}LazyConv${r}d`], torchWeight(`LazyConv${r}d`, r));
  add([`${TORCH_NN}ConvTranspose${r}d`], torchWeight(`ConvTranspose${r}d`, r, { transpose: true }));
}
add([TORCH_NN + 'RNN'], torchWeight('RNN', 0, { recurrent: true }));
add([TORCH_NN + 'LSTM'], torchWeight('LSTM', 0, { recurrent: true }));
add([TORCH_NN + 'GRU'], torchWeight('GRU', 0, { recurrent: true }));
add([TORCH_NN + 'RNNCell'], torchWeight('RNNCell', 0, { recurrent: true, cell: true }));
add([TORCH_NN + 'LSTMCell'], torchWeight('LSTMCell', 0, { recurrent: true, cell: true }));
add([TORCH_NN + 'GRUCell'], torchWeight('GRUCell', 0, { recurrent: true, cell: true }));
add([TORCH_NN + 'Embedding'], torchWeight('Embedding', 0, { embedding: true }));
add([TORCH_NN + 'EmbeddingBag'], torchWeight('EmbeddingBag', 0, { embedding: true }));
const TORCH_ACT_MODULES: Record<string, [ActivationName, number?]> = {
  ReLU: ['relu'], ReLU6: ['relu'], LeakyReLU: ['leaky_relu', 0.01], PReLU: ['leaky_relu', 0.25], RReLU: ['leaky_relu', (1 / 8 + 1 / 3) / 2],
  ELU: ['elu'], CELU: ['elu'], GELU: ['gelu'], SiLU: ['silu'], Mish: ['mish'], Softplus: ['softplus'], SELU: ['selu'],
  Tanh: ['tanh'], Sigmoid: ['sigmoid'], Softmax: ['softmax'], LogSoftmax: ['softmax'], Hardswish: ['silu'], Hardtanh: ['tanh'],
  Hardsigmoid: ['sigmoid'], Softsign: ['tanh'], Identity: ['linear'], Tanhshrink: ['unknown'], GLU: ['unknown'], LogSigmoid: ['unknown'],
};
for (const [n, [a, p]] of Object.entries(TORCH_ACT_MODULES)) {
  add([TORCH_NN + n], a === 'linear' ? { kind: 'pass' } : { kind: 'actModule', act: a, param: p });
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
  ['BatchNorm1d', 'BatchNorm2d', 'BatchNorm3d', 'SyncBatchNorm', 'LazyBatchNorm1d', 'LazyBatchNorm2d', 'LazyBatchNorm3d'].map((n) => TORCH_NN + n),
  { kind: 'norm', norm: 'batchnorm' },
);
add([TORCH_NN + 'LayerNorm'], { kind: 'norm', norm: 'layernorm' });
add([TORCH_NN + 'GroupNorm'], { kind: 'norm', norm: 'groupnorm' });
add([TORCH_NN + 'RMSNorm'], { kind: 'norm', norm: 'rmsnorm' });
add(['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d'].map((n) => TORCH_NN + n), { kind: 'norm', norm: 'instancenorm' });
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
  ].map((n) => TORCH_NN + n),
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
add([TORCH_NN + 'Sequential'], { kind: 'sequential', framework: 'pytorch' });
add([TORCH_NN + 'ModuleList'], { kind: 'modulelist' });
add([TORCH_NN + 'ModuleDict'], { kind: 'moduledict' });
add(['collections.OrderedDict'], { kind: 'orderedDict' });
add([TORCH_NN + 'Module'], { kind: 'baseModule', framework: 'pytorch' });
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
const FLAX_LINEN = 'flax.linen.';
function flaxWeight(kind: string, rank: number, extra: Partial<WeightLayerSpec> = {}): Role {
  return { kind: 'weight', spec: { framework: 'flax', kind, rank, ...extra } };
}
add([FLAX_LINEN + 'Dense'], flaxWeight('Dense', 0));
add([FLAX_LINEN + 'DenseGeneral'], flaxWeight('DenseGeneral', 0));
add([FLAX_LINEN + 'Conv'], flaxWeight('Conv', 2));
add([FLAX_LINEN + 'ConvTranspose'], flaxWeight('ConvTranspose', 2, { transpose: true }));
add([FLAX_LINEN + 'ConvLocal'], flaxWeight('ConvLocal', 2));
add([FLAX_LINEN + 'Embed'], flaxWeight('Embed', 0, { embedding: true }));
for (const c of ['LSTMCell', 'OptimizedLSTMCell', 'GRUCell', 'SimpleCell', 'MGUCell', 'ConvLSTMCell']) {
  add([FLAX_LINEN + c], flaxWeight(c, 0, { recurrent: true, cell: true }));
}
add([FLAX_LINEN + 'RNN', FLAX_LINEN + 'Bidirectional'], { kind: 'wrapper' });
const FLAX_ACT: Record<string, [ActivationName, number?]> = {
  relu: ['relu'], relu6: ['relu'], leaky_relu: ['leaky_relu', 0.01], elu: ['elu'], celu: ['elu'], gelu: ['gelu'], silu: ['silu'],
  swish: ['silu'], mish: ['mish'], softplus: ['softplus'], selu: ['selu'], tanh: ['tanh'], sigmoid: ['sigmoid'], softmax: ['softmax'],
  log_softmax: ['softmax'], hard_tanh: ['tanh'], hard_sigmoid: ['sigmoid'], hard_silu: ['silu'], hard_swish: ['silu'], soft_sign: ['tanh'],
  glu: ['unknown'],
};
for (const [n, [a, p]] of Object.entries(FLAX_ACT)) {
  add([FLAX_LINEN + n, `jax.nn.${n}`], { kind: 'actFn', act: a, param: p });
}
add(['jax.numpy.tanh'], { kind: 'actFn', act: 'tanh' });
add([FLAX_LINEN + 'BatchNorm'], { kind: 'norm', norm: 'batchnorm' });
add([FLAX_LINEN + 'LayerNorm'], { kind: 'norm', norm: 'layernorm' });
add([FLAX_LINEN + 'GroupNorm'], { kind: 'norm', norm: 'groupnorm' });
add([FLAX_LINEN + 'RMSNorm'], { kind: 'norm', norm: 'rmsnorm' });
add([FLAX_LINEN + 'Dropout'], { kind: 'pass' });
add([FLAX_LINEN + 'max_pool', FLAX_LINEN + 'avg_pool', FLAX_LINEN + 'pooling.max_pool', 'jax.numpy.reshape', 'jax.numpy.mean'], { kind: 'passFn' });
// layout only: the values are moved, not transformed
add(
  [
    'jax.numpy.swapaxes', 'jax.numpy.transpose', 'jax.numpy.moveaxis', 'jax.numpy.squeeze', 'jax.numpy.expand_dims', 'jax.numpy.ravel',
    'einops.rearrange', 'einops.repeat', 'torch.swapaxes', 'torch.movedim', 'torch.moveaxis', 'keras.ops.transpose', 'keras.ops.squeeze',
    'keras.ops.expand_dims',
    // casts: the values are kept (Flax's ResNet returns jnp.asarray(logits, self.dtype))
    'jax.numpy.asarray', 'jax.numpy.array', 'keras.ops.cast', 'tensorflow.cast',
  ],
  { kind: 'passFn' },
);
add([FLAX_LINEN + 'Sequential'], { kind: 'sequential', framework: 'flax' });
add([FLAX_LINEN + 'Module'], { kind: 'baseModule', framework: 'flax' });
for (const n of INITIALIZERS.flatMap((e) => e.flax)) {
  add([`${FLAX_LINEN}initializers.${n}`, `jax.nn.initializers.${n}`, `flax.nnx.initializers.${n}`], { kind: 'initializer', fw: 'flax', name: n });
}

// ---------------------------------------------------------------- Flax NNX
// Same framework as linen in the JSON contract; layers take their input size in
// the constructor (`nnx.Linear(din, dout, rngs=rngs)`) and are built in __init__.
const FLAX_NNX = 'flax.nnx.';
function nnxWeight(kind: string, rank: number, extra: Partial<WeightLayerSpec> = {}): Role {
  return { kind: 'weight', spec: { framework: 'flax', kind, rank, nnx: true, ...extra } };
}
add([FLAX_NNX + 'Linear'], nnxWeight('Linear', 0));
add([FLAX_NNX + 'LinearGeneral'], nnxWeight('LinearGeneral', 0));
add([FLAX_NNX + 'LoRALinear'], nnxWeight('LoRALinear', 0)); // a Linear whose output gets a low-rank update: same kernel
add([FLAX_NNX + 'Einsum'], nnxWeight('Einsum', 0));
add([FLAX_NNX + 'Conv'], nnxWeight('Conv', 2));
add([FLAX_NNX + 'ConvTranspose'], nnxWeight('ConvTranspose', 2, { transpose: true }));
add([FLAX_NNX + 'Embed'], nnxWeight('Embed', 0, { embedding: true }));
for (const c of ['LSTMCell', 'OptimizedLSTMCell', 'GRUCell', 'SimpleCell']) {
  add([FLAX_NNX + c], nnxWeight(c, 0, { recurrent: true, cell: true }));
}
add([FLAX_NNX + 'RNN', FLAX_NNX + 'Bidirectional'], { kind: 'wrapper' });
for (const [n, [a, p]] of Object.entries(FLAX_ACT)) add([FLAX_NNX + n], { kind: 'actFn', act: a, param: p });
add([FLAX_NNX + 'identity'], { kind: 'passFn' });
// nnx.PReLU: a learned slope starting at negative_slope_init=0.01.
add([FLAX_NNX + 'PReLU'], { kind: 'actModule', act: 'leaky_relu', param: 0.01 });
add([FLAX_NNX + 'BatchNorm'], { kind: 'norm', norm: 'batchnorm' });
add([FLAX_NNX + 'LayerNorm'], { kind: 'norm', norm: 'layernorm' });
add([FLAX_NNX + 'GroupNorm'], { kind: 'norm', norm: 'groupnorm' });
add([FLAX_NNX + 'RMSNorm'], { kind: 'norm', norm: 'rmsnorm' });
add([FLAX_NNX + 'InstanceNorm'], { kind: 'norm', norm: 'instancenorm' });
add([FLAX_NNX + 'Dropout'], { kind: 'pass' });
add([FLAX_NNX + 'max_pool', FLAX_NNX + 'avg_pool', FLAX_NNX + 'min_pool'], { kind: 'passFn' });
add([FLAX_NNX + 'Sequential'], { kind: 'sequential', framework: 'flax' });
add([FLAX_NNX + 'List'], { kind: 'modulelist' });
add([FLAX_NNX + 'Dict'], { kind: 'moduledict' });
add([FLAX_NNX + 'data'], { kind: 'identityFn' });
add([FLAX_NNX + 'Module'], { kind: 'baseModule', framework: 'flax', nnx: true });

/** The frameworks whose layers, initializers and activations the vocabulary names. */
const FRAMEWORK_ROOTS = new Set(['torch', 'tensorflow', 'keras', 'tf_keras', 'flax', 'jax']);

/**
 * Whether a module belongs to a framework the vocabulary describes (`torch`, `flax.linen`,
 * `keras.layers`): such an import means the framework, also in a checkout of that framework's
 * own repository, where the package sits in the project.
 */
export function isFrameworkModule(module: string): boolean {
  const dot = module.indexOf('.');
  return FRAMEWORK_ROOTS.has(dot < 0 ? module : module.slice(0, dot));
}

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
