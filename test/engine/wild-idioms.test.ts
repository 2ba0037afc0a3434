/**
 * Idioms of real code (issue 12) that the engine got wrong, each on a small
 * snippet written for the test.
 */
import { test } from 'node:test';
import { check } from './helpers.js';

test('keras re-exported by a project module (`from pkg.backend import keras`) is Keras', () => {
  const src = [
    'from mylib.backend import keras',
    '',
    '',
    'class Head(keras.layers.Layer):',
    '    def __init__(self, **kwargs):',
    '        super().__init__(**kwargs)',
    '        self.hidden = keras.layers.Conv2D(64, 3, padding="same", activation="relu")',
    '        self.out = keras.layers.Conv2D(4, 1)',
    '',
    '    def call(self, x):',
    '        return self.out(self.hidden(x))',
    '',
  ].join('\n');
  check(src, {
    layers: [
      { line: 7, layer: 'Conv2D', act: 'relu', init: 'glorot_uniform' },
      { line: 8, layer: 'Conv2D', act: 'linear', init: 'glorot_uniform' },
    ],
    findings: ['IL001@7'],
  });
});
