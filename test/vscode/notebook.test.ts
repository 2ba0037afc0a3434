import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinCells, locate, locateSpan } from '../../src/vscode/logic/notebook.js';

test('cells are joined with a newline and offsets map back to their cell', () => {
  const cells = ['import keras', '', 'm = keras.Sequential([keras.layers.Dense(4)])'];
  const j = joinCells(cells);
  assert.equal(j.text.split('\n').length, 3);
  const at = j.text.indexOf('Dense');
  assert.deepEqual(locate(j, at), { cell: 2, offset: cells[2]!.indexOf('Dense') });
  assert.deepEqual(locate(j, 0), { cell: 0, offset: 0 });
  assert.deepEqual(locate(j, cells[0]!.length + 1), { cell: 1, offset: 0 });
});

test('IPython magics are blanked without moving offsets', () => {
  const cells = ['%matplotlib inline\nimport torch', '!pip install x\nx = 1'];
  const j = joinCells(cells);
  assert.equal(j.text.length, cells.join('\n').length);
  assert.ok(!j.text.includes('%matplotlib'));
  assert.ok(!j.text.includes('!pip'));
  const at = j.text.indexOf('x = 1');
  assert.deepEqual(locate(j, at), { cell: 1, offset: cells[1]!.indexOf('x = 1') });
});

test('a span crossing two cells is not mapped', () => {
  const j = joinCells(['ab', 'cd']);
  assert.deepEqual(locateSpan(j, 0, 2), { cell: 0, from: 0, to: 2 });
  assert.equal(locateSpan(j, 1, 4), null);
  assert.deepEqual(locateSpan(j, 3, 5), { cell: 1, from: 0, to: 2 });
  assert.equal(locate(joinCells([]), 0), null);
});
