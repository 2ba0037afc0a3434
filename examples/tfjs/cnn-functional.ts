// A small residual CNN built with the functional API (`layer.apply(x)`).
// Every ReLU-activated convolution already uses He initialization, and the
// classifier head keeps the default: nothing for InitLens to report.
import * as tf from '@tensorflow/tfjs';

const FILTERS = 32;

function convBlock(x: tf.SymbolicTensor, filters: number, name: string): tf.SymbolicTensor {
  let y = tf.layers.conv2d({
    filters,
    kernelSize: 3,
    padding: 'same',
    kernelInitializer: 'heNormal',
    name: `${name}_conv`,
  }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU().apply(y) as tf.SymbolicTensor;
  return y;
}

export function createModel(): tf.LayersModel {
  const input = tf.input({shape: [32, 32, 3]});
  const stem = tf.layers.conv2d({
    filters: FILTERS,
    kernelSize: [3, 3],
    padding: 'same',
    activation: 'relu',
    kernelInitializer: tf.initializers.heNormal({}),
  }).apply(input) as tf.SymbolicTensor;

  const branch = convBlock(stem, FILTERS, 'block1');
  const conv2 = tf.layers.conv2d({
    filters: FILTERS,
    kernelSize: 3,
    padding: 'same',
    kernelInitializer: 'heNormal',
  });
  let x = conv2.apply(branch) as tf.SymbolicTensor;
  x = tf.layers.add().apply([x, stem]) as tf.SymbolicTensor;
  x = tf.layers.activation({activation: 'relu'}).apply(x) as tf.SymbolicTensor;

  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({units: 10, activation: 'softmax'}).apply(x) as tf.SymbolicTensor;
  return tf.model({inputs: input, outputs: output});
}
