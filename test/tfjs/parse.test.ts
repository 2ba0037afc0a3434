import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editsToChangedRanges, jsSyntaxErrors, parseJs, reparseJs } from '../../src/core/parse/javascript.js';
import type { TextEdit } from '../../src/core/types.js';
import { applyEdits, errorNodeCount } from './helpers.js';
import { analyze } from '../../src/core/index.js';

const TS = `import * as tf from '@tensorflow/tfjs';
interface Opts { units: number }
function build(o: Opts): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({units: o.units, activation: 'relu'}) as tf.layers.Layer);
  return m;
}
const x = <tf.SymbolicTensor>y;
`;

test('TypeScript dialect parses type syntax without errors; the JS dialect does not', () => {
  assert.equal(errorNodeCount(parseJs(TS, true)), 0);
  assert.ok(errorNodeCount(parseJs(TS, false)) > 0);
  assert.equal(parseJs(TS, true).length, TS.length);
});

test('JSX is read in JavaScript only: TypeScript keeps `<T>x` a type assertion', () => {
  const src = `const el = <div className="a">hi</div>;`;
  const jsx = (ts: boolean, text: string) => {
    let saw = false;
    parseJs(text, ts).iterate({
      enter(n) {
        if (n.name.startsWith('JSX')) saw = true;
      },
    });
    return saw;
  };
  assert.equal(jsx(false, src), true);
  assert.equal(jsx(true, src), false);
  assert.equal(jsx(true, 'const n = <number>x;'), false);
});

test('reparseJs gives the same tree as a fresh parse, with explicit or computed changes', () => {
  const edits: TextEdit[][] = [
    [{ from: TS.indexOf("'relu'"), to: TS.indexOf("'relu'") + 6, newText: "'tanh'" }],
    [{ from: TS.indexOf('return m;'), to: TS.indexOf('return m;'), newText: 'm.add(tf.layers.dense({units: 2}));\n  ' }],
    [
      { from: 0, to: 0, newText: '// header\n' },
      { from: TS.length, to: TS.length, newText: 'export { build };\n' },
    ],
    [{ from: TS.indexOf('{units: o.units'), to: TS.indexOf('{units: o.units') + 1, newText: '' }], // breaks the file
  ];
  for (const ts of [true, false]) {
    const prev = parseJs(TS, ts);
    for (const e of edits) {
      const next = applyEdits(TS, e);
      const fresh = parseJs(next, ts).toString();
      assert.equal(reparseJs(prev, TS, next, e).toString(), fresh, JSON.stringify(e));
      assert.equal(reparseJs(prev, TS, next).toString(), fresh, 'computed diff');
    }
  }
});

test('editsToChangedRanges maps edits to old/new coordinates in order', () => {
  const ranges = editsToChangedRanges([
    { from: 10, to: 12, newText: 'abcd' },
    { from: 2, to: 3, newText: '' },
  ]);
  assert.deepEqual(ranges, [
    { fromA: 2, toA: 3, fromB: 2, toB: 2 },
    { fromA: 10, toA: 12, fromB: 9, toB: 13 },
  ]);
});

test('jsSyntaxErrors reports the error nodes of a half-typed file, inside the text', () => {
  const broken = `import * as tf from '@tensorflow/tfjs';\nconst a = tf.layers.dense({units: 3,\nconst b = 1;\n`;
  const errs = jsSyntaxErrors(parseJs(broken, true), broken);
  assert.ok(errs.length > 0);
  for (const e of errs) assert.ok(e.span.from >= 0 && e.span.to <= broken.length && e.span.from <= e.span.to);
  assert.deepEqual(jsSyntaxErrors(parseJs(TS, true), TS), []);
});

test('a React .js file with JSX parses without errors and its TF.js layers are found', () => {
  const src = [
    "import * as tf from '@tensorflow/tfjs';",
    "import React from 'react';",
    'const model = tf.sequential();',
    "model.add(tf.layers.dense({ units: 32, inputShape: [4], activation: 'relu' }));",
    'export default function App() {',
    '  return <View style={{ flex: 1 }}><Text>{model.name}</Text></View>;',
    '}',
  ].join('\n');
  const r = analyze(src, 'javascript');
  assert.deepEqual(r.errors, []);
  assert.equal(r.layers.length, 1);
  assert.equal(r.layers[0]!.activation.name, 'relu');
  // Comparisons still read as comparisons in plain JavaScript.
  assert.deepEqual(analyze('const a = 1, b = 2;\nconst c = a < b > 0;\n', 'javascript').errors, []);
});
