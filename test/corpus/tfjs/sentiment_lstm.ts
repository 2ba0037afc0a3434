import * as tf from '@tensorflow/tfjs';

export interface SentimentConfig {
  vocabularySize: number;
  embeddingSize: number;
  maxLen: number;
}

export function buildSentimentModel(cfg: SentimentConfig): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.embedding({
    inputDim: cfg.vocabularySize,
    outputDim: cfg.embeddingSize,
    inputLength: cfg.maxLen,
  }));
  model.add(tf.layers.lstm({ units: 32, recurrentInitializer: 'glorotNormal' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ loss: 'binaryCrossentropy', optimizer: 'adam', metrics: ['acc'] });
  return model;
}
