import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileSuppressionEdits, lineSuppressionEdits } from '../../src/vscode/logic/suppress.js';
import type { TextEdit } from '../../src/core/types.js';

function applyEdits(text: string, edits: TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.newText + out.slice(e.to);
  return out;
}

const line = (text: string, lang: 'python' | 'typescript' | 'javascript', needle: string, code = 'IL001' as const) => {
  const edits = lineSuppressionEdits(text, lang, text.indexOf(needle), code);
  return edits === null ? null : applyEdits(text, edits);
};

test('Python: a trailing comment on the finding line', () => {
  const src = 'import keras\nx = keras.layers.Dense(64, activation="relu")\ny = 1\n';
  assert.equal(
    line(src, 'python', 'Dense'),
    'import keras\nx = keras.layers.Dense(64, activation="relu")  # initlens: ignore[IL001]\ny = 1\n',
  );
});

test('TypeScript: a // comment; trailing spaces and CRLF are respected', () => {
  const src = 'const l = tf.layers.dense({units: 4, activation: "relu"});   \r\nfoo();\r\n';
  assert.equal(
    line(src, 'typescript', 'tf.layers'),
    'const l = tf.layers.dense({units: 4, activation: "relu"});  // initlens: ignore[IL001]\r\nfoo();\r\n',
  );
});

test('an existing InitLens comment gets the code added, once', () => {
  const src = 'x = Dense(4)  # initlens: ignore[IL002]\n';
  assert.equal(line(src, 'python', 'Dense'), 'x = Dense(4)  # initlens: ignore[IL002, IL001]\n');
  const again = 'x = Dense(4)  # initlens: ignore[IL002, IL001]\n';
  assert.equal(line(again, 'python', 'Dense'), again);
});

test('other comments on the line are kept; a marker inside a string is not a comment', () => {
  const src = 'x = Dense(4, name="initlens: ignore[IL001]")  # noqa: E501\n';
  assert.equal(line(src, 'python', 'Dense'), 'x = Dense(4, name="initlens: ignore[IL001]")  # noqa: E501  # initlens: ignore[IL001]\n');
});

test('no line comment when the line ends inside a multi-line string', () => {
  const src = 'x = Dense(4, name="""a\nb""")\n';
  assert.equal(lineSuppressionEdits(src, 'python', src.indexOf('Dense'), 'IL001'), null);
  const js = 'const d = tf.layers.dense({name: `a\nb`});\n';
  assert.equal(lineSuppressionEdits(js, 'javascript', js.indexOf('tf.'), 'IL001'), null);
});

test('file level: at the very top when there is no header', () => {
  const src = 'import keras\n';
  assert.equal(applyEdits(src, fileSuppressionEdits(src, 'python', 'IL003')), '# initlens: ignore-file[IL003]\nimport keras\n');
});

test('file level (Python): after shebang, encoding line and module docstring', () => {
  const src = '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Model.\n\nLong."""\nimport keras\n';
  assert.equal(
    applyEdits(src, fileSuppressionEdits(src, 'python', 'IL001')),
    '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n"""Model.\n\nLong."""\n# initlens: ignore-file[IL001]\nimport keras\n',
  );
  const enc = '# coding: latin-1\nimport torch\n';
  assert.equal(applyEdits(enc, fileSuppressionEdits(enc, 'python', 'IL001')), '# coding: latin-1\n# initlens: ignore-file[IL001]\nimport torch\n');
});

test('file level (TS/JS): after a shebang, with //', () => {
  const src = '#!/usr/bin/env node\nimport * as tf from "@tensorflow/tfjs";\n';
  assert.equal(
    applyEdits(src, fileSuppressionEdits(src, 'javascript', 'IL001')),
    '#!/usr/bin/env node\n// initlens: ignore-file[IL001]\nimport * as tf from "@tensorflow/tfjs";\n',
  );
});

test('file level: an existing ignore-file comment is extended', () => {
  const src = '"""Doc."""\n# initlens: ignore-file[IL002]\nimport keras\n';
  assert.equal(
    applyEdits(src, fileSuppressionEdits(src, 'python', 'IL001')),
    '"""Doc."""\n# initlens: ignore-file[IL002, IL001]\nimport keras\n',
  );
});
