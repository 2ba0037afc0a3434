import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixAll } from '../../src/core/index.js';
import { fixAndCheck } from './helpers.js';

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

test('multi-line layer call: a comment after any argument, alone on an inner line, or on the closing bracket line suppresses that call only', () => {
  const src = `from tensorflow import keras
from keras import layers
model = keras.Sequential([
    layers.Dense(64,
                 activation="relu",  # initlens: ignore[IL001]
                 ),
    layers.Dense(
        64,
        # initlens: ignore[IL001]
        activation="relu",
    ),
    layers.Dense(
        64,
        activation="relu",
    ),  # initlens: ignore[IL001]
    layers.Dense(
        64,
        activation="relu",  # initlens: ignore[IL005]
    ),
    layers.Dense(64, activation="relu"),
    layers.Dense(10),
])
`;
  const res = analyze(src, 'python');
  // Only the layer whose comment names another rule, and the plain one, are reported.
  assert.deepEqual(res.findings.map((f) => `${f.code}@${src.slice(0, f.span.from).split('\n').length}`), ['IL001@16', 'IL001@20']);
  // A bare ignore inside one layer's call does not silence the model-level IL004 of the Sequential around it.
  const deep = `import torch.nn as nn
net = nn.Sequential(
${Array.from({ length: 12 }, (_, i) => `    nn.Linear(64, 64),${i === 3 ? '  # initlens: ignore' : ''}\n    nn.Tanh(),`).join('\n')}
    nn.Linear(64, 1),
)
`;
  const codes = analyze(deep, 'python').findings.map((f) => f.code);
  assert.ok(codes.includes('IL004'), codes.join(' '));
});

test('fixes keep suppression comments where they are (never moved onto the inserted argument, never duplicated)', () => {
  const src = `from tensorflow import keras
from keras import layers
model = keras.Sequential([
    layers.Dense(
        64,
        activation="relu",  # initlens: ignore[IL005]
    ),
    layers.Dense(
        64,
        activation="relu"  # initlens: ignore[IL005]
    ),
    layers.Dense(
        64, activation="relu")  # initlens: ignore[IL005]
    ,
    layers.Dense(64,
                 activation="relu",  # initlens: ignore[IL005]
                 ),
    layers.Dense(10),
])
`;
  const out = fixAndCheck(src);
  assert.equal(out, `from tensorflow import keras
from keras import layers
model = keras.Sequential([
    layers.Dense(
        64,
        activation="relu",  # initlens: ignore[IL005]
        kernel_initializer="he_normal",
    ),
    layers.Dense(
        64,
        activation="relu",  # initlens: ignore[IL005]
        kernel_initializer="he_normal"
    ),
    layers.Dense(
        64, activation="relu", kernel_initializer="he_normal")  # initlens: ignore[IL005]
    ,
    layers.Dense(64,
                 activation="relu", kernel_initializer="he_normal",  # initlens: ignore[IL005]
                 ),
    layers.Dense(10),
])
`);
  assert.equal(out.split('initlens: ignore[IL005]').length - 1, 4);
  // CRLF: the new line uses the file's line ending.
  const crlf = src.replace(/\n/g, '\r\n');
  const outCrlf = fixAndCheck(crlf);
  assert.equal(outCrlf, out.replace(/\n/g, '\r\n'));
});

test('TypeScript: a comment inside a multi-line layer config suppresses that layer', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({
  units: 64,
  inputShape: [10],
  activation: 'relu', // initlens: ignore[IL001]
}));
model.add(tf.layers.dense({
  units: 64,
  activation: 'relu', // initlens: ignore[IL005]
}));
model.add(tf.layers.dense({units: 1}));
`;
  const res = analyze(src, 'typescript');
  assert.deepEqual(res.findings.map((f) => `${f.code}@${src.slice(0, f.span.from).split('\n').length}`), ['IL001@8']);
  const out = fixAll(src, 'typescript').text;
  assert.ok(out.includes(`  activation: 'relu', // initlens: ignore[IL005]\n  kernelInitializer: 'heUniform',\n}));`), out);
  assert.ok(out.includes(`  activation: 'relu', // initlens: ignore[IL001]\n}));`), out);
});
