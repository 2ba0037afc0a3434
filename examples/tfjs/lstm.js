// Character-level LSTM text model in plain Node.js (CommonJS).
// The LSTM kernels keep the tfjs defaults (glorotNormal input kernel,
// orthogonal recurrent kernel) and the hidden dense layer uses ELU.
const tf = require('@tensorflow/tfjs-node');

const VOCAB = 96;
const EMBED = 64;
const UNITS = 128;

function buildModel(sampleLen) {
  const model = tf.sequential();
  model.add(tf.layers.embedding({inputDim: VOCAB, outputDim: EMBED, inputLength: sampleLen}));
  model.add(tf.layers.lstm({units: UNITS, returnSequences: true}));
  model.add(tf.layers.lstm({units: UNITS, recurrentInitializer: 'orthogonal'}));
  model.add(tf.layers.dense({units: UNITS, kernelInitializer: "glorotUniform"}));
  model.add(tf.layers.elu());
  model.add(tf.layers.dense({units: VOCAB, activation: 'softmax'}));
  model.compile({optimizer: tf.train.rmsprop(0.01), loss: 'categoricalCrossentropy'});
  return model;
}

module.exports = { buildModel };
