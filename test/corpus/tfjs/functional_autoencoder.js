import * as tf from '@tensorflow/tfjs';

// Dense autoencoder built with the functional API (tf.input + apply).
export function buildAutoencoder(inputDim = 784, code = 32) {
  const input = tf.input({ shape: [inputDim] });
  const h1 = tf.layers.dense({ units: 256, activation: 'tanh' }).apply(input);
  const h2 = tf.layers.dense({ units: 128, activation: 'relu' }).apply(h1);
  const z = tf.layers.dense({ units: code, kernelInitializer: 'zeros', activation: 'relu', name: 'code' }).apply(h2);
  const d1 = tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: 'heNormal' }).apply(z);
  const out = tf.layers.dense({ units: inputDim, activation: 'sigmoid' }).apply(d1);
  return tf.model({ inputs: input, outputs: out });
}
