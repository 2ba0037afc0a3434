// Predict fuel efficiency from horsepower.
const tf = require('@tensorflow/tfjs');

function createModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [1], units: 64, activation: 'relu', kernelInitializer: 'heNormal' }));
  model.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tf.initializers.heUniform({}) }));
  model.add(tf.layers.dense({ units: 1, useBias: true }));
  return model;
}

async function trainModel(model, inputs, labels) {
  model.compile({
    optimizer: tf.train.adam(),
    loss: tf.losses.meanSquaredError,
    metrics: ['mse'],
  });
  return await model.fit(inputs, labels, { batchSize: 32, epochs: 50, shuffle: true });
}

module.exports = { createModel, trainModel };
