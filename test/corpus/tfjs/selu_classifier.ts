import * as tf from '@tensorflow/tfjs';

/** Self-normalizing classifier for tabular features. */
export function selfNormalizingNet(numFeatures: number, numClasses: number): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [numFeatures], units: 128, activation: 'selu', kernelInitializer: 'leCunNormal' }),
      tf.layers.alphaDropout({ rate: 0.05 }),
      tf.layers.dense({ units: 128, activation: 'selu', kernelInitializer: tf.initializers.leCunNormal({}) }),
      tf.layers.dense({ units: 64, activation: 'elu', kernelInitializer: 'heUniform' }),
      tf.layers.dense({ units: numClasses, activation: 'softmax' }),
    ],
  });
  return model;
}
