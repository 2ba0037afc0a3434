/** buildFileReport (src/core/report.ts) on hand-built analysis results: positions, notebooks, ordering. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFileReport, buildReport } from '../../src/core/report.js';
import { parseNotebook } from '../../src/core/notebook.js';
import type { AnalysisResult, Finding, Layer, Span } from '../../src/core/types.js';
import { notebook, sliceRange } from './helpers.js';

function span(text: string, needle: string, nth = 0): Span {
  let from = -1;
  for (let i = 0; i <= nth; i++) from = text.indexOf(needle, from + 1);
  assert.ok(from >= 0, `${needle} in text`);
  return { from, to: from + needle.length };
}

function layer(id: number, s: Span, activation: Layer['activation']['name'] = 'relu'): Layer {
  return {
    id,
    framework: 'keras',
    layer: 'Dense',
    name: id === 0 ? 'hidden' : null,
    span: s,
    activation: { name: activation, via: 'argument' },
    normalization: null,
    residual: false,
    init: { name: 'glorot_uniform', explicit: false, source: 'default' },
    recurrent: false,
    embedding: false,
    fanIn: 4,
    fanOut: 8,
    model: null,
    order: null,
  };
}

function finding(l: Layer, s: Span, insertAt: number): Finding {
  return {
    code: 'IL001',
    severity: 'warning',
    message: 'relu after glorot',
    summary: 'relu after glorot',
    span: s,
    layer: l.id,
    model: null,
    recommended: 'he_normal',
    fixes: [
      { description: 'Use he_normal', edits: [{ from: insertAt, to: insertAt, newText: ', kernel_initializer="he_normal"' }], safety: 'safe', preferred: true },
      { description: 'Use he_uniform', edits: [{ from: insertAt, to: insertAt, newText: ', kernel_initializer="he_uniform"' }], safety: 'safe' },
    ],
  };
}

test('positions are 1-based, end exclusive, sorted by position; fix is the preferred one', () => {
  const text = 'import keras\n\nb = Dense(2, activation="tanh")\na = Dense(8, activation="relu")  # é\n';
  const sa = span(text, 'Dense(8, activation="relu")');
  const sb = span(text, 'Dense(2, activation="tanh")');
  const la = layer(0, sa);
  const lb = layer(1, sb, 'tanh');
  const result: AnalysisResult = { language: 'python', layers: [la, lb], models: [], findings: [finding(la, sa, sa.to - 1)], errors: [{ message: 'unexpected token', span: span(text, '#') }] };
  const r = buildFileReport('x.py', text, result);
  assert.deepEqual(
    r.layers.map((l) => [l.line, l.column, l.endLine, l.endColumn, l.activation]),
    [
      [3, 5, 3, 5 + sb.to - sb.from, 'tanh'],
      [4, 5, 4, 5 + sa.to - sa.from, 'relu'],
    ],
  );
  for (const l of r.layers) assert.match(sliceRange(text, l), /^Dense\(.*\)$/);
  const f = r.findings[0]!;
  assert.equal(f.layerLine, 4);
  assert.equal(f.fix?.description, 'Use he_normal');
  assert.equal(f.fix?.edits[0]?.newText, ', kernel_initializer="he_normal"');
  assert.equal(sliceRange(text, { ...f.fix!.edits[0]!, endColumn: f.fix!.edits[0]!.column + 1 }), ')');
  assert.deepEqual(r.errors, [{ message: 'unexpected token', line: 4, column: text.split('\n')[3]!.indexOf('#') + 1 }]);
  assert.equal(r.layers[1]!.name, 'hidden');
  assert.equal(r.layers[0]!.name, null);
  assert.deepEqual(buildReport([r]), { version: 1, files: [r] });
});

test('a file that could not be analysed keeps its errors and empty lists', () => {
  const r = buildFileReport('bin.py', '', null, { errors: [{ message: 'skipped: binary file' }] });
  assert.deepEqual(r, { path: 'bin.py', layers: [], findings: [], errors: [{ message: 'skipped: binary file' }] });
});

test('notebook entries carry cell (all cells) and cellLine; lines count through code cells', () => {
  const nbText = notebook([
    { type: 'code', source: 'import keras\n%matplotlib inline' },
    { type: 'markdown', source: 'text\nmore' },
    { type: 'code', source: '' },
    { type: 'code', source: 'm = keras.Sequential([\n  Dense(8, activation="relu"),\n])' },
  ]);
  const nb = parseNotebook(nbText).notebook!;
  const s = span(nb.text, 'Dense(8, activation="relu")');
  const l = layer(0, s);
  const result: AnalysisResult = { language: 'python', layers: [l], models: [], findings: [finding(l, s, s.to - 1)], errors: [{ message: 'oops', span: span(nb.text, 'import') }] };
  const r = buildFileReport('nb.ipynb', nb.text, result, { notebook: nb });
  const entry = r.layers[0]!;
  // cell 0: 2 lines, cell 2 (empty): 1 line, so cell 3 starts on line 4 and the call is on its line 2.
  assert.equal(entry.line, 5);
  assert.equal(entry.cell, 3);
  assert.equal(entry.cellLine, 2);
  assert.equal(r.findings[0]!.cell, 3);
  assert.equal(r.findings[0]!.fix!.edits[0]!.cell, 3);
  assert.deepEqual(r.errors, [{ message: 'oops', line: 1, column: 1, cell: 0, cellLine: 1 }]);
});
