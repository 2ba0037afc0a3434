/** lineEdits / editsForCells: the notebook fix-all's whole-text edit as one edit per changed run of lines, each in its cell. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../src/core/index.js';
import { editsForCells, lineEdits } from '../../src/vscode/logic/cellEdits.js';
import { joinCells, locateSpan } from '../../src/vscode/logic/notebook.js';

test('lineEdits: one small edit per changed run of lines, and applying them gives the new text', () => {
  const before = 'from tensorflow import keras\n\nmodel = keras.Sequential([\n    layers.Dense(512, activation="relu"),\n])\n\nhead = keras.Sequential([layers.Dense(8, kernel_initializer="zeros")])';
  const after = before.replace('activation="relu")', 'activation="relu", kernel_initializer="he_normal")').replace('"zeros"', '"glorot_uniform"');
  const edits = lineEdits(before, after);
  assert.deepEqual(
    edits.map((e) => [before.slice(e.from, e.to), e.newText]),
    [
      ['', ', kernel_initializer="he_normal"'],
      ['zeros', 'glorot_uniform'],
    ],
  );
  assert.equal(applyEdits(before, edits), after);
  assert.deepEqual(lineEdits(before, before), []);
});

test('lineEdits: inserted, deleted and replaced lines anywhere, empty texts; applying always gives the new text', () => {
  // Deterministic pseudo-random edits of a small line vocabulary (many equal lines: the hard case for a diff).
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const vocab = ['', 'x = 1', 'layers.Dense(4)', '# c', 'import torch'];
  for (let round = 0; round < 300; round++) {
    const a = Array.from({ length: rand(8) }, () => vocab[rand(vocab.length)]!);
    const b = [...a];
    for (let k = rand(4); k > 0; k--) {
      const op = rand(3);
      const at = rand(b.length + 1);
      if (op === 0) b.splice(at, 0, vocab[rand(vocab.length)]!);
      else if (op === 1 && b.length > 0) b.splice(Math.min(at, b.length - 1), 1);
      else if (b.length > 0) b[Math.min(at, b.length - 1)] += ' # fixed';
    }
    const before = a.join('\n');
    const after = b.join('\n');
    const edits = lineEdits(before, after);
    assert.equal(applyEdits(before, edits), after, JSON.stringify({ before, after, edits }));
    for (let i = 1; i < edits.length; i++) assert.ok(edits[i]!.from >= edits[i - 1]!.to, 'in order, not overlapping');
  }
});

test('editsForCells: a fix-all over two cells of a notebook becomes an edit inside each cell; other edits pass unchanged', () => {
  const cells = ['from tensorflow import keras\nfrom tensorflow.keras import layers', '%matplotlib inline\nm = keras.Sequential([layers.Dense(8, activation="relu")])', 'h = keras.Sequential([layers.Dense(4, kernel_initializer="zeros")])'];
  const joined = joinCells(cells);
  const fixed = joined.text.replace('activation="relu")', 'activation="relu", kernel_initializer="he_normal")').replace('"zeros"', '"glorot_uniform"');
  const whole = [{ from: 0, to: joined.text.length, newText: fixed }];
  assert.equal(locateSpan(joined, 0, joined.text.length), null, 'the engine edit crosses cells');
  const edits = editsForCells(joined.text, joined, whole);
  const placed = edits.map((e) => locateSpan(joined, e.from, e.to));
  assert.deepEqual(placed.map((p) => p?.cell), [1, 2], 'one edit in each changed cell');
  // Applied to the real cells (the magic line stays as it was):
  const out = cells.map((text, i) => {
    const mine = edits.map((e, k) => ({ e, p: placed[k]! })).filter((x) => x.p.cell === i).map((x) => ({ from: x.p.from, to: x.p.to, newText: x.e.newText }));
    return applyEdits(text, mine);
  });
  assert.equal(out[0], cells[0]);
  assert.equal(out[1], '%matplotlib inline\nm = keras.Sequential([layers.Dense(8, activation="relu", kernel_initializer="he_normal")])');
  assert.equal(out[2], 'h = keras.Sequential([layers.Dense(4, kernel_initializer="glorot_uniform")])');
  // A plain document, or edits already inside cells: unchanged.
  assert.deepEqual(editsForCells('x', null, [{ from: 0, to: 1, newText: 'y' }]), [{ from: 0, to: 1, newText: 'y' }]);
  const local = [{ from: joined.starts[2]!, to: joined.starts[2]! + 1, newText: 'H' }];
  assert.equal(editsForCells(joined.text, joined, local), local);
});
