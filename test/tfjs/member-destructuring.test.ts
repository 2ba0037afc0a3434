/**
 * Issue 12, idiom 0 (JavaScript): `[this.a, this.b] = f()` is valid code that @lezer/javascript
 * (up to 1.5.7) does not parse; it is not reported as a syntax error, and the code around it is
 * still analysed. Invalid assignment targets still are errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';

test('a destructuring assignment to members is not a syntax error, and the model after it is analysed', () => {
  for (const lang of ['javascript', 'typescript'] as const) {
    const src = [
      "import * as tf from '@tensorflow/tfjs';",
      'class Trainer {',
      '  constructor() {',
      '    [this.xs, this.ys] = loadData();',
      '    this.model = tf.sequential();',
      "    this.model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: 'relu' }));",
      '  }',
      '}',
      '',
    ].join('\n');
    const r = analyze(src, lang);
    assert.deepEqual(r.errors, [], lang);
    assert.equal(r.layers.length, 1);
    assert.deepEqual(r.findings.map((f) => f.code), ['IL001']);
  }
});

test('an assignment to an array of non-targets is still a syntax error', () => {
  assert.ok(analyze('[a.b, 3] = f();\n', 'javascript').errors.length > 0);
});
