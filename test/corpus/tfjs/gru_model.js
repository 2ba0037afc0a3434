import * as tf from '@tensorflow/tfjs';

// Next-character model over one-hot text windows.
export function createCharModel(sampleLen, charSetSize) {
  const model = tf.sequential();
  model.add(tf.layers.gru({ units: 128, returnSequences: true, inputShape: [sampleLen, charSetSize] }));
  model.add(tf.layers.simpleRNN({ units: 128, recurrentInitializer: 'heNormal' }));
  model.add(tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: 'glorotUniform' }));
  model.add(tf.layers.dense({ units: charSetSize, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'categoricalCrossentropy' });
  return model;
}
