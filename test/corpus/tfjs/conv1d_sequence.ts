import * as tf from '@tensorflow/tfjs';

/** Sensor-window classifier: two 1-D convolutions, pooling, a tanh bottleneck. */
export function sensorModel(windowSize: number, channels: number, classes: number): tf.LayersModel {
  const input = tf.input({ shape: [windowSize, channels] });
  let x = tf.layers.conv1d({ filters: 64, kernelSize: 5, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 42 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv1d({ filters: 64, kernelSize: 5, activation: 'relu', kernelInitializer: 'heUniform' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling1d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 32, activation: 'tanh', kernelInitializer: 'heNormal' }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: classes, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}
