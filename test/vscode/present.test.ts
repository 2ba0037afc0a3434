import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisResult, Finding, Layer } from '../../src/core/types.js';
import { defaultSettings, settingsFromConfig } from '../../src/vscode/logic/settings.js';
import { FIX_ALL_KIND, codeLenses, ruleDocsUrl, statusText, toDiagnostics, visibleFindings, worstSeverity } from '../../src/vscode/logic/present.js';
import { fixAllQuickFix, quickFixes, sourceFixAll, type ActionContext } from '../../src/vscode/logic/actions.js';

// A hand-written engine result for a two-layer Keras file (input data for the presentation layer).
const text = 'import keras\na = keras.layers.Dense(64, activation="relu")\nb = keras.layers.Dense(8, activation="relu")\n';
const spanOf = (needle: string, nth = 0) => {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  return { from: at, to: text.indexOf(')', at) + 1 };
};
const layer = (id: number, span: { from: number; to: number }, framework: Layer['framework'] = 'keras'): Layer => ({
  id,
  framework,
  layer: 'Dense',
  name: null,
  span,
  activation: { name: 'relu', via: 'argument' },
  normalization: null,
  residual: false,
  init: { name: 'glorot_uniform', explicit: false, source: 'default' },
  recurrent: false,
  embedding: false,
  fanIn: 32,
  fanOut: 64,
  model: 0,
  order: id,
});
const finding = (l: Layer, insertAt: number): Finding => ({
  code: 'IL001',
  severity: 'warning',
  message: 'ReLU after glorot_uniform',
  summary: 'ReLU after glorot_uniform',
  span: l.span,
  layer: l.id,
  model: 0,
  recommended: 'he_normal',
  fixes: [
    { description: 'Use He normal init (ReLU)', edits: [{ from: insertAt, to: insertAt, newText: ', kernel_initializer="he_normal"' }], safety: 'safe', init: 'he_normal', preferred: true },
    { description: 'Use He uniform init (ReLU)', edits: [{ from: insertAt, to: insertAt, newText: ', kernel_initializer="he_uniform"' }], safety: 'safe', init: 'he_uniform' },
  ],
});
const l0 = layer(0, spanOf('keras.layers.Dense', 0));
const l1 = layer(1, spanOf('keras.layers.Dense', 1));
const f0 = finding(l0, l0.span.to - 1);
const f1 = finding(l1, l1.span.to - 1);
const result: AnalysisResult = {
  language: 'python',
  layers: [l0, l1],
  models: [{ id: 0, framework: 'keras', kind: 'Sequential', name: 'model', span: { from: 0, to: 5 }, layers: [0, 1] }],
  findings: [f0, f1],
  errors: [],
};
const ctx = (over: Partial<ActionContext> = {}): ActionContext => ({
  text,
  language: 'python',
  findings: result.findings,
  settings: defaultSettings,
  fixAll: () => ({ edits: [...f0.fixes[0]!.edits, ...f1.fixes[0]!.edits], applied: 2 }),
  ...over,
});

test('diagnostics sit on the layer call, carry the rule code and its docs link', () => {
  const [d] = toDiagnostics(result.findings, defaultSettings);
  assert.equal(text.slice(d!.from, d!.to), 'keras.layers.Dense(64, activation="relu")');
  assert.equal(d!.code, 'IL001');
  assert.equal(d!.docsUrl, ruleDocsUrl('IL001'));
  assert.match(d!.docsUrl, /docs\/rules\.md#il001$/);
  assert.equal(d!.severity, 'warning');
});

test('severity overrides apply, and off / disabled frameworks hide findings', () => {
  const err = settingsFromConfig((k) => (k === 'severity' ? { IL001: 'error' } : undefined));
  assert.equal(toDiagnostics(result.findings, err)[0]!.severity, 'error');
  const off = settingsFromConfig((k) => (k === 'severity' ? { IL001: 'off' } : undefined));
  assert.equal(visibleFindings(result, off).length, 0);
  const noKeras = settingsFromConfig((k) => (k === 'frameworks' ? { keras: false } : undefined));
  assert.equal(visibleFindings(result, noKeras).length, 0);
  assert.equal(codeLenses(result, noKeras).length, 0);
  assert.equal(visibleFindings(result, defaultSettings).length, 2);
});

test('quick fixes: engine fixes first (preferred marked once), then ignore line / file', () => {
  const actions = quickFixes(ctx(), 0);
  assert.deepEqual(
    actions.map((a) => a.title),
    ['Use He normal init (ReLU)', 'Use He uniform init (ReLU)', 'Ignore IL001 for this line', 'Ignore IL001 for this file', 'Show documentation for IL001'],
  );
  assert.deepEqual(actions.map((a) => a.isPreferred), [true, false, false, false, false]);
  assert.ok(actions.every((a) => a.kind === 'quickfix'));
  const ignoreLine = actions[2]!.edits[0]!;
  assert.equal(ignoreLine.newText, '  # initlens: ignore[IL001]');
  assert.equal(text.slice(0, ignoreLine.from).split('\n').length, 2, 'on the finding line');
});

test('unsafe fixes are labelled and never preferred', () => {
  const unsafe: Finding = { ...f0, fixes: [{ ...f0.fixes[0]!, safety: 'unsafe' }] };
  const [a] = quickFixes(ctx({ findings: [unsafe] }), 0);
  assert.equal(a!.title, 'Use He normal init (ReLU) (unsafe)');
  assert.equal(a!.isPreferred, false);
});

test('ignore actions can be turned off', () => {
  const s = settingsFromConfig((k) => (k === 'codeAction.disableRuleComment' ? false : undefined));
  assert.equal(quickFixes(ctx({ settings: s }), 0).length, 3);
  const noDocs = settingsFromConfig((k) => (k === 'codeAction.showDocumentation' ? false : undefined));
  assert.ok(!quickFixes(ctx({ settings: noDocs }), 0).some((a) => a.command), 'the documentation action can be turned off');
});

test('fix all: offered as a quick fix only with two or more fixable findings; source.fixAll.initlens kind', () => {
  const all = fixAllQuickFix(ctx());
  assert.equal(all?.title, 'Fix all InitLens problems');
  assert.equal(all?.edits.length, 2);
  assert.equal(fixAllQuickFix(ctx({ findings: [f0] })), null);
  const source = sourceFixAll(ctx());
  assert.equal(source?.kind, FIX_ALL_KIND);
  assert.equal(FIX_ALL_KIND, 'source.fixAll.initlens');
  assert.equal(sourceFixAll(ctx({ fixAll: () => ({ edits: [], applied: 0 }) })), null);
});

test('one CodeLens per model, with the layer count', () => {
  const lenses = codeLenses(result, defaultSettings);
  assert.equal(lenses.length, 1);
  assert.equal(lenses[0]!.title, 'Simulate variance (2 layers)');
  assert.equal(lenses[0]!.model, 0);
  const off = settingsFromConfig((k) => (k === 'codeLens' ? false : undefined));
  assert.equal(codeLenses(result, off).length, 0);
});

test('status text tells the state and the count', () => {
  assert.match(statusText({ kind: 'done', findings: 0, ms: 1.234 }).tooltip, /no problems \(1\.2 ms\)/);
  const two = statusText({ kind: 'done', findings: 2, ms: 3 });
  assert.equal(two.text, '$(warning) InitLens 2');
  assert.equal(two.level, 'warning');
  assert.match(statusText({ kind: 'skipped', reason: 'tooLarge' }).tooltip, /maxFileSize/);
  assert.match(statusText({ kind: 'analyzing' }).text, /spin/);
  assert.equal(statusText({ kind: 'error', message: 'boom' }).level, 'error');
});

test('status icon follows the worst severity shown: an error finding shows the error icon, info-only the info icon', () => {
  const err = statusText({ kind: 'done', findings: 3, ms: 1, worst: worstSeverity([{ severity: 'info' }, { severity: 'error' }, { severity: 'warning' }]) });
  assert.equal(err.text, '$(error) InitLens 3');
  assert.equal(err.level, 'error');
  const info = statusText({ kind: 'done', findings: 1, ms: 1, worst: worstSeverity([{ severity: 'info' }]) });
  assert.equal(info.text, '$(info) InitLens 1');
  assert.equal(info.level, 'none');
  assert.equal(worstSeverity([]), null);
});

test('strings go through the translator', () => {
  const t = (m: string, ...a: Array<string | number | boolean>) => `FR:${m}:${a.join(',')}`;
  assert.equal(codeLenses(result, defaultSettings, t)[0]!.title, 'FR:Simulate variance ({0} layers):2');
  assert.equal(quickFixes(ctx({ t }), 0)[2]!.title, 'FR:Ignore {0} for this line:IL001');
});

test('fix-all edits are reduced to the changed region (cursor and undo outside it are kept)', async () => {
  const { minimalEdits } = await import('../../src/vscode/logic/actions.js');
  const before = 'a = Dense(4)\nb = 1\n';
  const after = 'a = Dense(4, kernel_initializer="he_normal")\nb = 1\n';
  const [e, ...rest] = minimalEdits(before, [{ from: 0, to: before.length, newText: after }]);
  assert.equal(rest.length, 0);
  assert.deepEqual(e, { from: 11, to: 11, newText: ', kernel_initializer="he_normal"' });
  assert.deepEqual(minimalEdits(before, [{ from: 0, to: before.length, newText: before }]), []);
  const partial = [{ from: 2, to: 3, newText: 'x' }];
  assert.deepEqual(minimalEdits(before, partial), partial);
});

test('a hover on an IL003 squiggle below its layer (the nn.init call) is about that layer; diagnostics carry the related places', async () => {
  const { analyze } = await import('../../src/core/index.js');
  const { hoverAt } = await import('../../src/vscode/logic/present.js');
  const src = `import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(512, 512)
        self.fc2 = nn.Linear(512, 10)
        nn.init.normal_(self.fc1.weight, std=0.5)

    def forward(self, x):
        return self.fc2(nn.functional.relu(self.fc1(x)))
`;
  const result = analyze(src, 'python');
  const settings = defaultSettings;
  const onInit = src.indexOf('std=0.5');
  const h = hoverAt(result, onInit, settings);
  assert.ok(h, 'a hover');
  assert.equal(h!.layer.name, 'fc1');
  assert.equal(src.slice(h!.span.from, h!.span.to), 'nn.init.normal_(self.fc1.weight, std=0.5)');
  // On the layer itself the hover covers the layer call.
  const onLayer = hoverAt(result, src.indexOf('nn.Linear(512, 512)') + 1, settings);
  assert.equal(src.slice(onLayer!.span.from, onLayer!.span.to), 'nn.Linear(512, 512)');
  // Off both: nothing.
  assert.equal(hoverAt(result, src.indexOf('super()'), settings), null);
  const d = toDiagnostics(visibleFindings(result, settings), settings).find((x) => x.code === 'IL003')!;
  assert.deepEqual(d.related.map((r) => src.slice(r.from, r.to)), ['nn.Linear(512, 512)', 'nn.functional.relu(self.fc1(x))']);
});
