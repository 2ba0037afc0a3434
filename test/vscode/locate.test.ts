/** Cell mapping over documents and the layer/model under an offset (shared by the extension and the language server). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { joinCells, locateInDocs, toJoinedOffset } from '../../src/vscode/logic/notebook.js';
import { layerAt, modelAt } from '../../src/vscode/logic/present.js';
import { defaultSettings } from '../../src/vscode/logic/settings.js';

test('locateInDocs / toJoinedOffset: plain documents map to themselves, cells to their cell', () => {
  assert.deepEqual(locateInDocs(['a'], null, 3, 5), { doc: 'a', from: 3, to: 5 });
  const joined = joinCells(['import x\n', 'y = 1', 'z = 2']);
  const docs = ['c0', 'c1', 'c2'];
  const z = joined.text.indexOf('z');
  assert.deepEqual(locateInDocs(docs, joined, z, z + 5), { doc: 'c2', from: 0, to: 5 });
  assert.equal(locateInDocs(docs, joined, joined.text.indexOf('y'), z + 1), null, 'a span across cells');
  assert.equal(toJoinedOffset(joined, 2, 0), z);
  assert.equal(toJoinedOffset(joined, -1, 0), null);
  assert.equal(toJoinedOffset(null, -1, 7), 7);
});

test('layerAt / modelAt: the innermost span holding the offset, disabled frameworks left out', () => {
  const text = 'from tensorflow import keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="relu")])\n';
  const result = analyze(text, 'python');
  const inDense = text.indexOf('Dense') + 2;
  assert.equal(layerAt(result, inDense, defaultSettings)?.layer, 'Dense');
  assert.equal(layerAt(result, text.indexOf('Sequential'), defaultSettings), null);
  assert.equal(modelAt(result, text.indexOf('Sequential'), defaultSettings)?.kind, 'Sequential');
  const noKeras = { ...defaultSettings, frameworks: { ...defaultSettings.frameworks, keras: false } };
  assert.equal(layerAt(result, inDense, noKeras), null);
  assert.equal(modelAt(result, inDense, noKeras), null);
});
