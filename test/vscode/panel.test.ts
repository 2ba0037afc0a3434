/**
 * The variance panel's host logic against the real engine: the numbers it
 * draws (the depth recursion, not a product of unit-input gains), the model
 * it follows across edits, and the edits of "Apply recommended init".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, applyEdits } from '../../src/core/index.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/core/sim/types.js';
import { findModel, modelKey, panelModel, recommendedEdits } from '../../src/vscode/logic/panel.js';

function deepTanh(init: string, depth = 20): string {
  const layers = Array.from({ length: depth }, () => `    layers.Dense(512, activation="tanh", kernel_initializer="${init}"),`).join('\n');
  return `import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    keras.Input(shape=(512,)),\n${layers}\n])\n`;
}

function load(text: string) {
  const result = analyze(text, 'python');
  const model = result.models[0]!;
  const built = panelModel(result, model.id, DEFAULT_SIM_OPTIONS, 'model.py', () => 7);
  assert.ok(!('error' in built), 'error' in built ? built.error : '');
  return { result, model, built };
}

test('regression: 20 tanh layers under He init reach a second moment of 0.31 at layer 20 (PyTorch measures 0.31), not 8.7e-3', () => {
  const { built } = load(deepTanh('he_normal'));
  const cur = built.analytic.series.find((s) => s.init === 'current')!;
  assert.equal(cur.layers.length, 20);
  const m20 = cur.layers[19]!.forwardSecondMoment;
  assert.ok(Math.abs(m20 - 0.309) < 0.01, `layer 20: ${m20}`);
});

test('regression: under the recommended Glorot init tanh reaches 0.025 at layer 20 (not 8e-9), and its per-layer gain is near 1 late in the stack', () => {
  const { built } = load(deepTanh('he_normal'));
  const rec = built.analytic.series.find((s) => s.init === 'recommended')!;
  assert.equal(built.spec.layers[0]!.initName.recommended, 'glorot_normal');
  const m = rec.layers.map((l) => l.forwardSecondMoment);
  assert.ok(Math.abs(m[19]! - 0.025) < 0.003, `layer 20: ${m[19]}`);
  // Edge of chaos: the decay slows down (polynomial), the last layers lose only a few percent each.
  assert.ok(m[19]! / m[18]! > 0.9, `gain at layer 20: ${m[19]! / m[18]!}`);
});

test('the spec carries the table facts: lines, fans, inits, findings and the fix "Apply recommended init" uses', () => {
  const { built, result } = load(deepTanh('he_normal', 3));
  assert.deepEqual(
    built.spec.layers.map((l) => [l.line, l.layer, l.fanIn, l.fanOut, l.activation.name, l.initName.current]),
    Array.from({ length: 3 }, () => [7, 'Dense', 512, 512, 'tanh', 'he_normal']),
  );
  assert.equal(built.layers.length, 3);
  const withFinding = built.layers.filter((l) => l.findings.length > 0);
  assert.equal(withFinding.length, result.layers.filter((l) => result.findings.some((f) => f.layer === l.id)).length);
  for (const l of withFinding) assert.match(l.fix ?? '', /Glorot/i);
  // Every series starts from the input and has one entry per layer.
  for (const s of built.analytic.series) assert.equal(s.layers.length, 3);
  assert.deepEqual(built.analytic.series.map((s) => s.init), ['current', 'recommended', 'orthogonal', 'lsuv']);
});

test('"Apply recommended init" on one layer writes the quick fix of that layer only; on the model, every flagged layer; twice changes nothing more', () => {
  const text = deepTanh('he_normal', 3);
  const { result, model } = load(text);
  const second = result.layers.filter((l) => model.layers.includes(l.id))[1]!;
  const one = recommendedEdits(result, model.id, second.id);
  assert.equal(one.titles.length, 1);
  const after1 = applyEdits(text, one.edits);
  assert.equal((after1.match(/glorot_normal/g) ?? []).length, 1);
  assert.equal((after1.match(/he_normal/g) ?? []).length, 2);
  const all = recommendedEdits(result, model.id, null);
  const after = applyEdits(text, all.edits);
  // The last layer is the model's output head: judged by its own target, it has no finding and keeps its init.
  assert.equal((after.match(/kernel_initializer="glorot_normal"/g) ?? []).length, 2);
  assert.match(after, /tanh", kernel_initializer="he_normal"\),\n\]\)/);
  const again = analyze(after, 'python');
  assert.equal(recommendedEdits(again, again.models[0]!.id, null).edits.length, 0);
});

test('the panel finds its model again after an edit renumbers the models, and says when it is gone', () => {
  const a = `import keras\nfrom keras import layers\n\nenc = keras.Sequential([layers.Dense(8, activation="relu")])\ndec = keras.Sequential([layers.Dense(8, activation="relu")])\n`;
  const r1 = analyze(a, 'python');
  const dec = r1.models.find((m) => m.name === 'dec')!;
  const key = modelKey(r1, dec);
  const b = a.replace(/enc = .*\n/, '');
  const r2 = analyze(b, 'python');
  assert.equal(findModel(r2, key)?.name, 'dec');
  const r3 = analyze(`import keras\n`, 'python');
  assert.equal(findModel(r3, key), null);
});

test('a missing model is an error, not a crash', () => {
  const result = analyze('x = 1\n', 'python');
  const built = panelModel(result, 3, DEFAULT_SIM_OPTIONS, 'a.py', () => 1);
  assert.ok('error' in built);
});
