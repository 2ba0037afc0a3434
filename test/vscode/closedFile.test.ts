/** Diagnostics of closed files (workspace scans of the extension and the language server). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { parseNotebook, toFileOffset } from '../../src/core/notebook.js';
import { closedFileDiagnostics, languageIdOfPath } from '../../src/vscode/logic/closedFile.js';
import { defaultSettings } from '../../src/vscode/logic/settings.js';

const engine = { analyze, parseNotebook, toFileOffset };
const PY = 'from tensorflow import keras\nm = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="relu")])\n';

test('a closed source file: findings at their offsets; skipped files give null', () => {
  const d = closedFileDiagnostics(engine, '/w/m.py', PY, defaultSettings, false)!;
  assert.deepEqual(d.map((x) => [x.code, PY.slice(x.from, x.to)]), [['IL001', 'keras.layers.Dense(4, activation="relu")']]);
  assert.equal(closedFileDiagnostics(engine, '/w/m.py', PY, defaultSettings, true), null, 'excluded');
  assert.equal(closedFileDiagnostics(engine, '/w/m.py', PY, { ...defaultSettings, maxFileSize: 10 }, false), null, 'too large');
  assert.equal(closedFileDiagnostics(engine, '/w/m.py', PY, { ...defaultSettings, languages: { ...defaultSettings.languages, python: false } }, false), null);
  assert.equal(closedFileDiagnostics(engine, '/w/notes.txt', PY, defaultSettings, false), null);
  assert.equal(languageIdOfPath('types.d.ts'), null);
  assert.equal(languageIdOfPath('App.TSX'), 'typescriptreact');
});

test('a closed notebook: each finding is placed at its layer inside the .ipynb JSON', () => {
  const nb = JSON.stringify(
    {
      cells: [
        { cell_type: 'code', source: ['from tensorflow import keras\n'], metadata: {}, outputs: [], execution_count: null },
        { cell_type: 'code', source: ['m = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="relu")])'], metadata: {}, outputs: [], execution_count: null },
      ],
      metadata: { language_info: { name: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
  const d = closedFileDiagnostics(engine, '/w/n.ipynb', nb, defaultSettings, false)!;
  assert.equal(d.length, 1);
  assert.equal(nb.slice(d[0]!.from, d[0]!.to), 'keras.layers.Dense(4, activation=\\"relu\\")');
  assert.equal(closedFileDiagnostics(engine, '/w/n.ipynb', '{not json', defaultSettings, false), null);
});
