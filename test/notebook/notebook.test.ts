import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import {
  applyEditsToNotebook,
  blankMagics,
  detectIndent,
  lineToCell,
  parseNotebook,
  toCellOffset,
  toFileOffset,
  toGlobalOffset,
  type Notebook,
} from '../../src/core/notebook.js';

/** A notebook the way Jupyter writes it: indent 1, source as list of lines, trailing newline. */
function jupyter(cells: { cell_type: string; source: string[] | string }[], indent: number | string = 1, extra = {}): string {
  const nb = {
    cells: cells.map((c) =>
      c.cell_type === 'code'
        ? { cell_type: c.cell_type, execution_count: null, id: 'x', metadata: {}, outputs: [], source: c.source }
        : { cell_type: c.cell_type, id: 'y', metadata: {}, source: c.source },
    ),
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
    ...extra,
  };
  return JSON.stringify(nb, null, indent) + '\n';
}

function mustParse(text: string): Notebook {
  const r = parseNotebook(text);
  assert.equal(r.error, null);
  assert.ok(r.notebook);
  return r.notebook;
}

const threeCells = jupyter([
  { cell_type: 'code', source: ['import keras\n', 'from keras import layers'] },
  { cell_type: 'markdown', source: ['# Model\n', 'Some *text*'] },
  { cell_type: 'code', source: ['model = keras.Sequential([\n', '    layers.Dense(64, activation="relu"),\n', '])'] },
]);

test('code cells are joined with newlines, markdown skipped, cells keep their indices', () => {
  const nb = mustParse(threeCells);
  assert.equal(nb.language, 'python');
  assert.equal(nb.cells.length, 3);
  assert.deepEqual(
    nb.cells.map((c) => c.kind),
    ['code', 'markdown', 'code'],
  );
  assert.equal(
    nb.text,
    'import keras\nfrom keras import layers\nmodel = keras.Sequential([\n    layers.Dense(64, activation="relu"),\n])',
  );
  assert.deepEqual(
    nb.slices.map((s) => [s.cell, s.startLine, s.lineCount]),
    [
      [0, 0, 2],
      [2, 2, 3],
    ],
  );
});

test('offsets map both ways between the joined text and cells', () => {
  const nb = mustParse(threeCells);
  const dense = nb.text.indexOf('layers.Dense');
  const at = toCellOffset(nb, dense);
  assert.deepEqual(at, { cell: 2, offset: nb.cells[2]!.source.indexOf('layers.Dense') });
  assert.equal(toGlobalOffset(nb, 2, at!.offset), dense);
  assert.equal(toGlobalOffset(nb, 1, 0), null, 'markdown cells have no joined-text offset');
  assert.equal(toGlobalOffset(nb, 0, 10_000), null);
  assert.deepEqual(lineToCell(nb, 3), { cell: 2, line: 1 });
  assert.deepEqual(lineToCell(nb, 1), { cell: 0, line: 1 });
  assert.equal(lineToCell(nb, 99), null);
});

test('an empty code cell counts as one line', () => {
  const nb = mustParse(
    jupyter([
      { cell_type: 'code', source: ['a = 1'] },
      { cell_type: 'code', source: [] },
      { cell_type: 'code', source: 'b = 2' },
    ]),
  );
  assert.equal(nb.text, 'a = 1\n\nb = 2');
  assert.deepEqual(lineToCell(nb, 1), { cell: 1, line: 0 });
  assert.deepEqual(lineToCell(nb, 2), { cell: 2, line: 0 });
  assert.equal(nb.cells[2]!.sourceForm, 'string');
});

test('magics are blanked with same-length spaces, the rest is untouched', () => {
  const src = '%matplotlib inline\n!pip install \\\n  keras\nx = 1  # 100% sure\n  %time y = 2';
  const out = blankMagics(src);
  assert.equal(out.length, src.length);
  assert.deepEqual(
    out.split('\n').map((l) => l.trim()),
    ['', '', '', 'x = 1  # 100% sure', ''],
  );
  assert.equal(out.split('\n')[3], 'x = 1  # 100% sure');
  const bash = '%%bash\necho hi\nls';
  assert.equal(blankMagics(bash), ' '.repeat(6) + '\n' + ' '.repeat(7) + '\n' + '  ');
  const timed = '%%time\nimport keras';
  assert.equal(blankMagics(timed), '      \nimport keras');
});

test('an indented magic keeps its block a block (a `0` statement in its place, same length)', () => {
  const src = "if 'google.colab' in str(get_ipython()):\n  %load_ext tensorboard\n  !pip install -q x \\\n    y\nimport flax";
  const out = blankMagics(src);
  assert.equal(out.length, src.length);
  assert.deepEqual(out.split('\n'), ["if 'google.colab' in str(get_ipython()):", '  0' + ' '.repeat(20), '  0' + ' '.repeat(18), ' '.repeat(5), 'import flax']);
  const nb = mustParse(jupyter([{ cell_type: 'code', source: ['if colab:\n', '  %load_ext tensorboard\n'] }, { cell_type: 'code', source: ['import torch.nn as nn\n', 'fc = nn.Linear(4, 4)'] }]));
  const r = analyze(nb.text, 'python');
  assert.deepEqual(r.errors, [], 'no syntax error for a magic inside an if');
  assert.equal(r.layers.length, 1);
});

test('notebook text keeps magics raw in rawText and blanked in text', () => {
  const nb = mustParse(jupyter([{ cell_type: 'code', source: ['%matplotlib inline\n', 'import torch'] }]));
  assert.equal(nb.rawText, '%matplotlib inline\nimport torch');
  assert.equal(nb.text, ' '.repeat(18) + '\nimport torch');
});

test('bad JSON, non-object and missing cells give clear errors, never throw', () => {
  const bad = parseNotebook('{"cells": [');
  assert.equal(bad.notebook, null);
  assert.match(bad.error ?? '', /invalid notebook JSON/);
  const noCells = parseNotebook('{"metadata": {}}');
  assert.match(noCells.error ?? '', /missing "cells"/);
  const arr = parseNotebook('[1, 2]');
  assert.match(arr.error ?? '', /not an object/);
  const v3 = parseNotebook('{"worksheets": [], "nbformat": 3}');
  assert.match(v3.error ?? '', /nbformat 3/);
  const deep = parseNotebook('['.repeat(5000) + ']'.repeat(5000));
  assert.ok(deep.error);
});

test('kernel language selects the analysis language; unknown languages are not analysed', () => {
  const r = jupyter([{ cell_type: 'code', source: ['x <- 1'] }], 1, {
    metadata: { kernelspec: { language: 'R', name: 'ir' } },
  });
  const nb = mustParse(r);
  assert.equal(nb.language, null);
  assert.equal(nb.languageName, 'R');
  assert.equal(nb.text.trim(), '', 'cells of an unsupported language are blanked');
  const noMeta = mustParse('{"cells": [{"cell_type": "code", "source": "x = 1"}]}');
  assert.equal(noMeta.language, 'python');
  const deno = mustParse('{"cells": [], "metadata": {"language_info": {"name": "typescript"}}}');
  assert.equal(deno.language, 'typescript');
});

test('applyEditsToNotebook edits only the changed cell and keeps formatting (indent 1, list form, trailing newline)', () => {
  const nb = mustParse(threeCells);
  const at = nb.text.indexOf('activation="relu"') + 'activation="relu"'.length;
  const r = applyEditsToNotebook(nb, [{ from: at, to: at, newText: ', kernel_initializer="he_normal"' }]);
  assert.equal(r.error, null);
  assert.deepEqual(r.cells, [2]);
  const expected = JSON.parse(threeCells);
  expected.cells[2].source[1] = '    layers.Dense(64, activation="relu", kernel_initializer="he_normal"),\n';
  assert.equal(r.text, JSON.stringify(expected, null, 1) + '\n');
});

test('applyEditsToNotebook keeps 2-space indent, string sources and no trailing newline', () => {
  const text = JSON.stringify(
    { cells: [{ cell_type: 'code', metadata: {}, source: 'a = 1\nb = 2' }, { cell_type: 'code', metadata: {}, source: ['c = 3\n', 'd'] }], nbformat: 4 },
    null,
    2,
  );
  assert.equal(detectIndent(text), '  ');
  const nb = mustParse(text);
  const r = applyEditsToNotebook(text, [
    { from: 0, to: 1, newText: 'alpha' },
    { from: nb.text.indexOf('d'), to: nb.text.indexOf('d') + 1, newText: 'delta\ne' },
  ]);
  assert.equal(r.error, null);
  const expected = JSON.parse(text);
  expected.cells[0].source = 'alpha = 1\nb = 2';
  expected.cells[1].source = ['c = 3\n', 'delta\n', 'e'];
  assert.equal(r.text, JSON.stringify(expected, null, 2));
});

test('applyEditsToNotebook keeps a compact one-line notebook compact and handles empty sources', () => {
  const text = '{"cells":[{"cell_type":"code","source":[]},{"cell_type":"code","source":["x = 1"]}]}';
  const r = applyEditsToNotebook(text, [{ from: 0, to: 0, newText: 'import torch\n' }]);
  assert.equal(r.error, null);
  assert.equal(r.text, text.replace('"source":[]', '"source":["import torch\\n"]'));
  assert.equal(JSON.parse(r.text!).cells[1].source[0], 'x = 1');
  const back = applyEditsToNotebook(r.text!, [{ from: 0, to: 'import torch\n'.length, newText: '' }]);
  assert.equal(JSON.parse(back.text!).cells[0].source.length, 0);
});

test('an edit spanning two cells, outside code cells, or overlapping is refused with an error', () => {
  const nb = mustParse(threeCells);
  const end0 = nb.slices[0]!.end;
  const span = applyEditsToNotebook(nb, [{ from: end0 - 2, to: end0 + 3, newText: '' }]);
  assert.equal(span.text, null);
  assert.match(span.error ?? '', /spans more than one cell/);
  const outside = applyEditsToNotebook(nb, [{ from: nb.text.length + 5, to: nb.text.length + 5, newText: 'x' }]);
  assert.match(outside.error ?? '', /outside/);
  const overlap = applyEditsToNotebook(nb, [
    { from: 0, to: 4, newText: 'a' },
    { from: 2, to: 6, newText: 'b' },
  ]);
  assert.match(overlap.error ?? '', /overlapping/);
});

test('edits with no effect leave the file text identical', () => {
  const r = applyEditsToNotebook(threeCells, [{ from: 0, to: 6, newText: 'import' }]);
  assert.equal(r.text, threeCells);
  assert.deepEqual(r.cells, []);
});

test('toFileOffset points into the JSON string holding the character, escapes included', () => {
  const text = jupyter([
    { cell_type: 'markdown', source: ['x'] },
    { cell_type: 'code', source: ['s = "a\\tb"\n', 'model = Dense(3)'] },
  ]);
  const nb = mustParse(text);
  const g = nb.text.indexOf('Dense');
  const f = toFileOffset(nb, g)!;
  assert.equal(text.slice(f, f + 5), 'Dense');
  const q = nb.text.indexOf('b"');
  const fq = toFileOffset(nb, q)!;
  assert.equal(text.slice(fq - 2, fq + 1), '\\tb');
});

test('edits inside a non-Python cell or before a cell magic line are refused; the body of %%time is editable', () => {
  const text = jupyter([
    { cell_type: 'code', source: ['%%bash\n', 'pip install keras'] },
    { cell_type: 'code', source: ['%%time\n', 'x = 1'] },
    { cell_type: 'code', source: ['%matplotlib inline\n', 'y = 2'] },
  ]);
  const nb = mustParse(text);
  const [bash, timed, plain] = nb.slices;
  const refusedBash = applyEditsToNotebook(nb, [{ from: bash!.start, to: bash!.start, newText: 'import torch\n' }]);
  assert.match(refusedBash.error ?? '', /cell magic or a non-Python cell/);
  const refusedTimeLine = applyEditsToNotebook(nb, [{ from: timed!.start, to: timed!.start, newText: 'import torch\n' }]);
  assert.match(refusedTimeLine.error ?? '', /cell magic/);
  const body = nb.text.indexOf('x = 1');
  const okBody = applyEditsToNotebook(nb, [{ from: body, to: body, newText: 'import torch\n' }]);
  assert.equal(okBody.error, null);
  assert.deepEqual(JSON.parse(okBody.text!).cells[1].source, ['%%time\n', 'import torch\n', 'x = 1']);
  // A line magic does not block an insertion at the top of its cell.
  const okLine = applyEditsToNotebook(nb, [{ from: plain!.start, to: plain!.start, newText: 'import torch\n' }]);
  assert.equal(okLine.error, null);
});
