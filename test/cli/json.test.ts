/** The JSON contract of `check`/`layers --format json` and the notebook line/cell mapping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliJson, KERAS_BAD, notebook, sliceRange, tempTree } from './helpers.js';
import type { JsonFileReport } from '../../src/core/report.js';

const RANGE_KEYS = ['line', 'column', 'endLine', 'endColumn'];
const LAYER_KEYS = [...RANGE_KEYS, 'framework', 'layer', 'name', 'activation', 'normalization', 'init', 'fanIn', 'fanOut'];
const FINDING_KEYS = [...RANGE_KEYS, 'code', 'severity', 'message', 'summary', 'layerLine', 'recommended', 'fix'];

function assertKeys(obj: object, keys: string[], extra: string[] = []): void {
  const actual = Object.keys(obj).sort();
  assert.deepEqual(actual, [...keys, ...extra].sort());
}

function assertPositive(r: Record<string, unknown>): void {
  for (const k of RANGE_KEYS) assert.ok(Number.isInteger(r[k]) && (r[k] as number) >= 1, `${k} = ${String(r[k])}`);
}

function checkShape(file: JsonFileReport, cellKeys: string[] = []): void {
  assertKeys(file, ['path', 'layers', 'findings', 'errors']);
  for (const l of file.layers) {
    assertKeys(l, LAYER_KEYS, cellKeys);
    assertPositive(l as unknown as Record<string, unknown>);
    assert.ok(['keras', 'pytorch', 'flax', 'tfjs'].includes(l.framework));
    assertKeys(l.init, ['name', 'explicit']);
    assert.equal(typeof l.init.explicit, 'boolean');
    assert.ok(l.name === null || typeof l.name === 'string');
    assert.ok(l.fanIn === null || Number.isInteger(l.fanIn));
  }
  for (const f of file.findings) {
    assertKeys(f, FINDING_KEYS, cellKeys);
    assertPositive(f as unknown as Record<string, unknown>);
    assert.match(f.code, /^IL\d{3}$/);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(f.severity));
    assert.ok(f.message.length > 0);
    if (f.fix !== null) {
      assertKeys(f.fix, ['description', 'edits', 'safety']);
      assert.ok(f.fix.edits.length > 0);
      for (const e of f.fix.edits) {
        assertKeys(e, [...RANGE_KEYS, 'newText'], cellKeys);
        assertPositive(e as unknown as Record<string, unknown>);
      }
    }
  }
  for (const e of file.errors) assert.equal(typeof e.message, 'string');
}

test('JSON report: every key present, positions 1-based and spanning the constructor call', async () => {
  const { dir, cleanup } = tempTree({ 'models/mlp.py': KERAS_BAD });
  try {
    const r = await cliJson(['check', 'models/mlp.py'], dir);
    assert.equal(r.code, 1);
    assertKeys(r.report, ['version', 'files']);
    assert.equal(r.report.version, 1);
    assert.equal(r.report.files.length, 1);
    const file = r.report.files[0]!;
    assert.equal(file.path, 'models/mlp.py', 'path as given');
    checkShape(file);
    const calls = ['layers.Dense(64, activation="relu")', 'layers.Dense(10, activation="softmax")'];
    assert.equal(file.layers.length, 2);
    file.layers.forEach((l, i) => {
      const text = sliceRange(KERAS_BAD, l);
      const call = calls[i]!;
      assert.ok(text.startsWith('Dense(') || text.startsWith('layers.Dense('), `layer text ${JSON.stringify(text)}`);
      assert.ok(call.endsWith(text), `${JSON.stringify(text)} is the constructor call ${call}`);
      assert.equal(l.line, KERAS_BAD.split('\n').findIndex((x) => x.includes(call)) + 1);
    });
    assert.deepEqual(
      file.layers.map((l) => [l.layer, l.activation, l.init.name, l.init.explicit, l.normalization]),
      [
        ['Dense', 'relu', 'glorot_uniform', false, null],
        ['Dense', 'softmax', 'glorot_uniform', false, null],
      ],
    );
    const il001 = file.findings.find((f) => f.code === 'IL001');
    assert.ok(il001);
    assert.equal(il001.layerLine, file.layers[0]!.line);
    assert.ok(il001.fix, 'IL001 has a preferred fix');
    // The fix edits, applied to the file text, mention the recommended initializer.
    const written = il001.fix.edits.map((e) => e.newText).join('');
    assert.ok(written.includes(il001.recommended ?? '?'), `edits ${written} write ${il001.recommended}`);
  } finally {
    cleanup();
  }
});

test('notebook JSON: lines count through code cells; cell (all cells) and cellLine on every entry', async () => {
  const cell0 = 'import keras\nfrom keras import layers\n%matplotlib inline';
  const cell1 = '## The model\nA markdown cell between code cells.';
  const cell2 = 'model = keras.Sequential([\n    keras.Input(shape=(32,)),\n    layers.Dense(16, activation="relu"),\n    layers.Dense(1, activation="sigmoid"),\n])';
  const nbText = notebook([
    { type: 'code', source: cell0 },
    { type: 'markdown', source: cell1 },
    { type: 'code', source: cell2 },
  ]);
  const { dir, cleanup } = tempTree({ 'nb.ipynb': nbText });
  try {
    const r = await cliJson(['check', 'nb.ipynb'], dir);
    const file = r.report.files[0]!;
    checkShape(file, ['cell', 'cellLine']);
    assert.equal(file.layers.length, 2, 'the %magic line does not break analysis');
    const joined = `${cell0}\n${cell2}`;
    const cell0Lines = cell0.split('\n').length;
    for (const l of file.layers) {
      assert.equal(l.cell, 2, 'index among all cells, markdown included');
      const call = sliceRange(joined, l);
      assert.ok(call.includes('Dense('), `joined-text range is the call: ${call}`);
      assert.equal(l.cellLine, l.line - cell0Lines);
      assert.ok(cell2.split('\n')[l.cellLine! - 1]!.includes(call.slice(call.indexOf('Dense('))));
    }
    const relu = file.findings.find((f) => f.code === 'IL001');
    assert.ok(relu, 'IL001 on the relu layer of the notebook');
    assert.equal(relu.cell, 2);
    assert.equal(relu.cellLine, cell2.split('\n').findIndex((x) => x.includes('relu')) + 1);
  } finally {
    cleanup();
  }
});

test('an invalid notebook is reported in errors and skipped', async () => {
  const { dir, cleanup } = tempTree({ 'broken.ipynb': '{"cells": [', 'nocells.ipynb': '{"metadata": {}}' });
  try {
    const r = await cliJson(['check', '.'], dir);
    assert.equal(r.code, 0);
    const byName = (n: string) => r.report.files.find((f) => f.path.endsWith(n))!;
    assert.match(byName('broken.ipynb').errors[0]!.message, /invalid notebook JSON/);
    assert.match(byName('nocells.ipynb').errors[0]!.message, /missing "cells"/);
  } finally {
    cleanup();
  }
});
