/**
 * One dense layer's weight-gradient variance (src/sim/layers.ts): at a small batch it is
 * read off Gram matrices without forming dW; it must equal the variance of dW formed.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { denseWeightGradVariance } from '../../src/sim/layers.js';
import { initNodeBackend } from '../../src/sim/node.js';

before(async () => {
  await initNodeBackend();
});

test('Var(dW) from Gram matrices equals the variance of dW = xᵀ·dz formed, with a non-zero mean too', () => {
  for (const [b, nIn, nOut, shift] of [[16, 512, 512, 0], [64, 300, 200, 0.3], [3, 7, 5, -1]] as const) {
    tf.tidy(() => {
      const x = tf.add(tf.randomNormal([b, nIn], 0, 1, 'float32', 11), shift);
      const dz = tf.add(tf.randomNormal([b, nOut], 0, 1, 'float32', 12), shift / 2);
      const formed = tf.moments(tf.matMul(tf.transpose(x) as tf.Tensor2D, dz as tf.Tensor2D)).variance.dataSync()[0]!;
      const gram = denseWeightGradVariance(x, dz);
      assert.ok(Math.abs(gram / formed - 1) < 1e-4, `${b}×${nIn}→${nOut}: ${gram} vs ${formed}`);
    });
  }
});
