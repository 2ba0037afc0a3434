import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixAll } from '../../src/core/index.js';

const base = (extra = '', above = '') => `from keras import layers
${above}d = layers.Dense(64, activation="relu")${extra}
e = layers.Dense(64, activation="relu")
`;

test('line suppression: trailing comment and comment on the line above', () => {
  assert.equal(analyze(base(), 'python').findings.length, 2);
  assert.equal(analyze(base('  # initlens: ignore[IL001]'), 'python').findings.length, 1);
  assert.equal(analyze(base('', '# initlens: ignore[IL001]\n'), 'python').findings.length, 1);
  assert.equal(analyze(base('  # initlens: ignore'), 'python').findings.length, 1);
  // a different code does not suppress
  assert.equal(analyze(base('  # initlens: ignore[IL005]'), 'python').findings.length, 2);
});

test('file suppression, with and without codes', () => {
  assert.equal(analyze('# initlens: ignore-file[IL001]\n' + base(), 'python').findings.length, 0);
  assert.equal(analyze('# initlens: ignore-file\n' + base(), 'python').findings.length, 0);
  assert.equal(analyze('# initlens: ignore-file[IL002]\n' + base(), 'python').findings.length, 2);
});

test('suppressed findings are not fixed by fix-all', () => {
  const src = base('  # initlens: ignore[IL001]');
  const out = fixAll(src, 'python').text;
  assert.ok(out.includes('d = layers.Dense(64, activation="relu")  # initlens: ignore[IL001]'), out);
  assert.ok(out.includes('e = layers.Dense(64, activation="relu", kernel_initializer="he_normal")'), out);
});

test('a suppression inside a multi-line call (trailing comment on an argument line)', () => {
  const src = `from keras import layers, Sequential
m = Sequential([
    layers.Dense(64, activation="relu"),  # initlens: ignore[IL001]
    layers.Dense(1),
])
`;
  assert.equal(analyze(src, 'python').findings.length, 0);
});

test('TypeScript: // initlens: ignore[...]', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential({ layers: [
  tf.layers.dense({ units: 64, inputShape: [10], activation: 'relu' }), // initlens: ignore[IL001]
  tf.layers.dense({ units: 64, activation: 'relu' }),
  tf.layers.dense({ units: 1 }),
] });
`;
  const res = analyze(src, 'typescript');
  assert.equal(res.layers.length, 3);
  assert.deepEqual(res.findings.map((f) => f.code), ['IL001']);
});

test('options: select, ignore and severity override', () => {
  const src = base();
  assert.equal(analyze(src, 'python', { ignore: ['IL001'] }).findings.length, 0);
  assert.equal(analyze(src, 'python', { select: ['IL002'] }).findings.length, 0);
  assert.ok(analyze(src, 'python', { severity: { IL001: 'error' } }).findings.every((f) => f.severity === 'error'));
  assert.equal(analyze(src, 'python', { severity: { IL001: 'off' } }).findings.length, 0);
});
