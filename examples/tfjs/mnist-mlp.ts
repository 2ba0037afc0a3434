// MNIST multilayer perceptron, written the way the TensorFlow.js tutorials do.
// Every hidden layer uses ReLU but keeps the tfjs default kernel initializer
// (glorotNormal, truncated without correction): InitLens suggests He init here.
import * as tf from '@tensorflow/tfjs';

const IMAGE_SIZE = 784;
const HIDDEN = 512;
const NUM_CLASSES = 10;

export function createModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({
    units: HIDDEN,
    inputShape: [IMAGE_SIZE],
    activation: 'relu',
  }));
  model.add(tf.layers.dropout({rate: 0.2}));
  model.add(tf.layers.dense({units: HIDDEN, activation: 'relu'}));
  model.add(tf.layers.dropout({rate: 0.2}));
  model.add(tf.layers.dense({units: HIDDEN / 2}));
  model.add(tf.layers.reLU());
  model.add(tf.layers.dense({units: NUM_CLASSES, activation: 'softmax'}));

  model.compile({
    optimizer: tf.train.adam(1e-3),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}
