/**
 * The host logic against the real engine: what the user sees after each
 * action (diagnostic range, quick fix, ignore comments, notebooks, hover,
 * variance table).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, applyEdits, fixAll } from '../../src/core/index.js';
import type { Language } from '../../src/core/types.js';
import { defaultSettings, settingsFromConfig, toAnalysisOptions, type InitLensSettings } from '../../src/vscode/logic/settings.js';
import { toDiagnostics, visibleFindings, codeLenses } from '../../src/vscode/logic/present.js';
import { quickFixes, type ActionContext } from '../../src/vscode/logic/actions.js';
import { joinCells, locateSpan } from '../../src/vscode/logic/notebook.js';
import { hoverMarkdown } from '../../src/vscode/logic/variance.js';
import { recommendInit } from '../../src/core/math/variance.js';

const KERAS = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(32, activation="relu", kernel_initializer="glorot_normal"),
    layers.Dense(10, activation="softmax"),
])
`;

function session(text: string, language: Language = 'python', settings: InitLensSettings = defaultSettings) {
  const options = toAnalysisOptions(settings);
  const result = analyze(text, language, options);
  const findings = visibleFindings(result, settings);
  const ctx: ActionContext = { text, language, findings, settings, fixAll: (t) => fixAll(t, language, options) };
  return { result, findings, ctx, diagnostics: toDiagnostics(findings, settings) };
}

const il001 = (text: string, language: Language = 'python') => session(text, language).findings.filter((f) => f.code === 'IL001');

test('Keras ReLU layer without init: one IL001 on the constructor call, not the whole line', () => {
  const { diagnostics } = session(KERAS);
  const d = diagnostics.filter((x) => x.code === 'IL001');
  assert.equal(d.length, 2);
  const covered = KERAS.slice(d[0]!.from, d[0]!.to);
  assert.match(covered, /Dense\(64, activation="relu"\)$/);
  assert.ok(!covered.startsWith(' '), 'no indentation under the squiggle');
});

test('the preferred quick fix is He normal, and applying it clears the finding', () => {
  const { ctx, diagnostics } = session(KERAS);
  const d = diagnostics.find((x) => x.code === 'IL001')!;
  const actions = quickFixes(ctx, d.finding);
  const preferred = actions.filter((a) => a.isPreferred);
  assert.equal(preferred.length, 1);
  assert.match(preferred[0]!.title, /He normal/i);
  const fixed = applyEdits(KERAS, preferred[0]!.edits);
  assert.match(fixed, /Dense\(64, activation="relu", kernel_initializer="he_normal"\)/);
  assert.equal(il001(fixed).length, 1, 'only the other layer is left');
  assert.ok(actions.some((a) => /uniform/i.test(a.title)), 'the uniform variant is offered');
});

test('with distribution = uniform the preferred fix is He uniform', () => {
  const s = settingsFromConfig((k) => (k === 'distribution' ? 'uniform' : undefined));
  const { ctx, diagnostics } = session(KERAS, 'python', s);
  const d = diagnostics.find((x) => x.code === 'IL001')!;
  const preferred = quickFixes(ctx, d.finding).find((a) => a.isPreferred)!;
  assert.match(applyEdits(KERAS, preferred.edits), /he_uniform/);
});

test('"Ignore IL001 for this line" and "for this file" silence the engine', () => {
  const { ctx, diagnostics } = session(KERAS);
  const d = diagnostics.find((x) => x.code === 'IL001')!;
  const actions = quickFixes(ctx, d.finding);
  const line = actions.find((a) => a.title === 'Ignore IL001 for this line')!;
  const file = actions.find((a) => a.title === 'Ignore IL001 for this file')!;
  const afterLine = applyEdits(KERAS, line.edits);
  assert.match(afterLine, /Dense\(64, activation="relu"\),  # initlens: ignore\[IL001\]\n/);
  assert.equal(il001(afterLine).length, 1, 'only the other layer is left');
  const afterFile = applyEdits(KERAS, file.edits);
  assert.ok(afterFile.startsWith('# initlens: ignore-file[IL001]\n'));
  assert.equal(il001(afterFile).length, 0);
});

test('TensorFlow.js: the line ignore uses // and silences the engine', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({units: 64, inputShape: [10], activation: 'relu'}));
`;
  const s = session(src, 'typescript');
  const f = s.findings.findIndex((x) => x.code === 'IL001');
  assert.notEqual(f, -1, 'tfjs relu layer with default glorot is reported');
  const line = quickFixes(s.ctx, f).find((a) => a.title === 'Ignore IL001 for this line')!;
  const after = applyEdits(src, line.edits);
  assert.match(after, /\/\/ initlens: ignore\[IL001\]/);
  assert.equal(il001(after, 'typescript').length, 0);
});

test('fix all (source.fixAll.initlens) fixes every safe finding at once', () => {
  const s = session(KERAS);
  assert.equal(s.findings.filter((f) => f.code === 'IL001').length, 2);
  const out = applyEdits(KERAS, s.ctx.fixAll(KERAS).edits);
  assert.equal(il001(out).length, 0);
});

test('settings: IL001 off hides it; keras disabled hides it and its CodeLens', () => {
  const off = settingsFromConfig((k) => (k === 'severity' ? { IL001: 'off' } : undefined));
  assert.equal(session(KERAS, 'python', off).findings.filter((f) => f.code === 'IL001').length, 0);
  const noKeras = settingsFromConfig((k) => (k === 'frameworks' ? { keras: false } : undefined));
  const s = session(KERAS, 'python', noKeras);
  assert.equal(s.findings.length, 0);
  assert.equal(codeLenses(s.result, noKeras).length, 0);
  assert.equal(codeLenses(session(KERAS).result, defaultSettings).length, 1);
});

test('notebook: an import in cell 1 applies to a layer in cell 3, and the finding maps to cell 3', () => {
  const cells = ['%matplotlib inline\nimport keras\nfrom keras import layers', 'x = 1', 'model = keras.Sequential([keras.Input(shape=(8,)), layers.Dense(4, activation="relu")])'];
  const joined = joinCells(cells);
  const s = session(joined.text);
  const d = s.diagnostics.find((x) => x.code === 'IL001');
  assert.ok(d, 'IL001 found across cells');
  const at = locateSpan(joined, d.from, d.to);
  assert.equal(at?.cell, 2);
  assert.match(cells[2]!.slice(at!.from, at!.to), /Dense\(4, activation="relu"\)$/);
});

test('hover: fans, activation, current and recommended init with variances, why, simulate link', () => {
  const { result } = session(KERAS);
  const layer = result.layers.filter((l) => l.activation.name === 'relu')[1]!;
  const md = hoverMarkdown({ layer, result, distribution: 'normal', activationLine: 6, simulateUri: 'command:initlens.simulateModel?x' });
  assert.match(md, /Keras `Dense`/);
  assert.match(md, /fan_in 64 · fan_out 32/);
  assert.match(md, /activation: \*\*relu\*\* \(argument, line 7\)/);
  // Keras glorot_normal: Var(W) = 2/(64+32), fan_in·Var(W) = 1.333; gain 64·Var·½ = 0.6667. He: 2/64 = 0.03125, gain 1.
  assert.match(md, /\| `glorot_normal` \| 0\.02083 \| 1\.333 \| 0\.6667 \|/);
  assert.match(md, /\| `he_normal` \| 0\.03125 \| 2 \| 1 \|/);
  assert.doesNotMatch(md, /Output head/, 'a hidden layer');
  const head = result.layers[result.layers.length - 1]!;
  assert.match(hoverMarkdown({ layer: head, result, distribution: 'normal', activationLine: null, simulateUri: null }), /Output head: its target is the scale of its output/);
  assert.ok(md.includes(`Why: ${recommendInit('relu').reason}`));
  assert.match(md, /\(command:initlens\.simulateModel\?x\)/);
});

test('"Ignore IL001 for this line" on a multi-line call writes on its first line; comments already inside the call stay and count', () => {
  const src = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(
        64,
        activation="relu",  # initlens: ignore[IL005]
    ),
    layers.Dense(10),
])
`;
  const s = session(src);
  const f = s.findings.findIndex((x) => x.code === 'IL001');
  assert.notEqual(f, -1);
  const line = quickFixes(s.ctx, f).find((a) => a.title === 'Ignore IL001 for this line')!;
  const after = applyEdits(src, line.edits);
  assert.match(after, /\n {4}layers\.Dense\(  # initlens: ignore\[IL001\]\n {8}64,\n {8}activation="relu",  # initlens: ignore\[IL005\]\n {4}\),/);
  assert.equal(il001(after).length, 0);
  // The same comment written by hand after an argument also silences the layer.
  const byHand = src.replace('ignore[IL005]', 'ignore[IL005, IL001]');
  assert.equal(il001(byHand).length, 0);
});

test('quick actions: "Fix all IL001 problems in this file" fixes every IL001 and nothing else; "Show documentation for IL001" opens the bundled page', async () => {
  const src = `import keras
from keras import layers
model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(64, activation="relu", kernel_initializer="zeros"),
    layers.Dense(10),
])
`;
  const s = session(src);
  const ctx: ActionContext = { ...s.ctx, fixAllCodes: (t, codes) => fixAll(t, 'python', { ...toAnalysisOptions(defaultSettings), select: codes }) };
  const i = s.findings.findIndex((f) => f.code === 'IL001');
  const actions = quickFixes(ctx, i);
  const titles = actions.map((a) => a.title);
  assert.ok(titles.includes('Fix all IL001 problems in this file'), titles.join(' | '));
  const all = actions.find((a) => a.title === 'Fix all IL001 problems in this file')!;
  const fixed = applyEdits(src, all.edits);
  const after = analyze(fixed, 'python').findings.map((f) => f.code);
  assert.ok(!after.includes('IL001'), 'no IL001 left');
  assert.deepEqual(after, ['IL002'], 'the IL002 finding is untouched');
  assert.equal((fixed.match(/he_normal/g) ?? []).length, 2);
  // A second "fix all IL001" changes nothing.
  assert.equal(fixAll(fixed, 'python', { select: ['IL001'] }).applied, 0);
  // The documentation action runs a command with the rule code and edits nothing.
  const docs = actions.find((a) => a.title === 'Show documentation for IL001')!;
  assert.deepEqual(docs.edits, []);
  assert.deepEqual(docs.command, { command: 'initlens.showRuleDocs', arguments: ['IL001'] });
  // Not offered with a single fixable finding of the rule.
  const one = session(src.replace('    layers.Dense(64, activation="relu"),\n', ''));
  const oneCtx: ActionContext = { ...one.ctx, fixAllCodes: ctx.fixAllCodes };
  assert.ok(!quickFixes(oneCtx, one.findings.findIndex((f) => f.code === 'IL001')).some((a) => a.title.startsWith('Fix all IL001')));
  // The page: bundled Markdown from the registry (same sections as docs/rules.md), offline.
  const { ruleDocPage } = await import('../../src/core/analysis/rules/docs.js');
  const page = ruleDocPage('IL001')!;
  assert.match(page, /^# InitLens IL001\n/);
  assert.match(page, /### What it does/);
  assert.match(page, /Default severity: \*\*warning\*\*/);
  assert.match(page, /ignore = \["IL001"\]/);
  assert.ok(!/https?:/.test(page.split('### Configure')[1]!), 'the configure section needs no network');
  assert.equal(ruleDocPage('IL999'), null);
});
