/**
 * Squiggle ranges on the code the user has to change (like Ruff and ESLint), and the
 * related places of each finding: IL003/IL002 on the init as written (the argument, the
 * `nn.init` call written for the layer), TF.js findings on the `kernelInitializer:` option or
 * the factory's name; the layer, the activation and the init code as related information,
 * in the engine, the JSON report and SARIF. Suppression comments keep working on the layer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, IncrementalAnalyzer, type Finding, type Language } from '../../src/core/index.js';
import { buildFileReport } from '../../src/core/report.js';
import { buildSarif } from '../../src/core/sarif.js';
import { lineSuppressionEdits } from '../../src/vscode/logic/suppress.js';
import { applyEdits } from '../../src/core/index.js';

function only(text: string, lang: Language, code: string): Finding {
  const fs = analyze(text, lang).findings.filter((f) => f.code === code);
  assert.equal(fs.length, 1, JSON.stringify(analyze(text, lang).findings.map((f) => [f.code, text.slice(f.span.from, f.span.to)])));
  return fs[0]!;
}
const at = (text: string, f: { span: { from: number; to: number } }) => text.slice(f.span.from, f.span.to);

const TORCH = `import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(512, 512)
        self.fc2 = nn.Linear(512, 10)
        nn.init.normal_(self.fc1.weight, std=0.5)

    def forward(self, x):
        return self.fc2(nn.functional.relu(self.fc1(x)))
`;

test('PyTorch IL003: the squiggle is on the nn.init call; the layer and the activation are related places', () => {
  const f = only(TORCH, 'python', 'IL003');
  assert.equal(at(TORCH, f), 'nn.init.normal_(self.fc1.weight, std=0.5)');
  const related = (f.related ?? []).map((r) => [r.message, at(TORCH, r)]);
  assert.deepEqual(related, [
    ['the Linear layer fc1', 'nn.Linear(512, 512)'],
    ['the activation that follows: ReLU', 'nn.functional.relu(self.fc1(x))'],
  ]);
});

test('PyTorch IL003: a comment on the layer line or on the init call line suppresses it; "ignore for this line" writes it on the init call', () => {
  const onLayer = TORCH.replace('nn.Linear(512, 512)', 'nn.Linear(512, 512)  # initlens: ignore[IL003]');
  assert.equal(analyze(onLayer, 'python').findings.filter((f) => f.code === 'IL003').length, 0);
  const onInit = TORCH.replace('std=0.5)', 'std=0.5)  # initlens: ignore[IL003]');
  assert.equal(analyze(onInit, 'python').findings.filter((f) => f.code === 'IL003').length, 0);
  const f = only(TORCH, 'python', 'IL003');
  const edits = lineSuppressionEdits(TORCH, 'python', f.span.from, 'IL003');
  assert.ok(edits);
  const out = applyEdits(TORCH, edits!);
  assert.ok(/nn\.init\.normal_\(self\.fc1\.weight, std=0\.5\)\s*# initlens: ignore\[IL003\]/.test(out), out);
  assert.equal(analyze(out, 'python').findings.filter((x) => x.code === 'IL003').length, 0);
});

test('PyTorch IL003 from an init loop shared by several layers: each layer keeps its squiggle, the loop is related', () => {
  const src = `import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(512, 512)
        self.b = nn.Linear(512, 512)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, std=0.5)

    def forward(self, x):
        return self.b(nn.functional.relu(self.a(x)))
`;
  const fs = analyze(src, 'python').findings.filter((f) => f.code === 'IL003');
  assert.ok(fs.length >= 1, 'IL003 reported');
  for (const f of fs) {
    assert.match(at(src, f), /^nn\.Linear\(512, 512\)$/);
    assert.ok((f.related ?? []).some((r) => /initializer/.test(r.message) && at(src, r).includes('normal_')), JSON.stringify(f.related));
  }
});

test('PyTorch IL002: on the zero_() that makes the weights constant', () => {
  const src = `import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.b = nn.Linear(10, 10)
        self.b.weight.data.zero_()

    def forward(self, x):
        return torch.relu(self.b(x))
`;
  const f = only(src, 'python', 'IL002');
  assert.equal(at(src, f), 'self.b.weight.data.zero_()');
  assert.ok((f.related ?? []).some((r) => at(src, r) === 'nn.Linear(10, 10)'));
});

test('Keras IL003: on the initializer argument; the activation argument is related', () => {
  const src = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.RandomNormal(stddev=1.0)),
    layers.Dense(10, activation="softmax"),
])
`;
  const f = only(src, 'python', 'IL003');
  assert.equal(at(src, f), 'keras.initializers.RandomNormal(stddev=1.0)');
  assert.deepEqual((f.related ?? []).map((r) => at(src, r)), ['"relu"']);
});

test('Keras IL001 on a default init stays on the layer call (the fix adds an argument there)', () => {
  const src = `from keras import layers
d = layers.Dense(64, activation="relu")
`;
  const f = only(src, 'python', 'IL001');
  assert.equal(at(src, f), 'layers.Dense(64, activation="relu")');
});

test('Flax IL003: on the kernel_init value (the second layer, whose fan_in is known)', () => {
  const src = `import flax.linen as nn

class MLP(nn.Module):
    @nn.compact
    def __call__(self, x):
        x = nn.Dense(512, kernel_init=nn.initializers.normal(1.0))(x)
        x = nn.relu(x)
        x = nn.Dense(512, kernel_init=nn.initializers.normal(0.9))(x)
        x = nn.relu(x)
        return nn.Dense(10)(x)
`;
  const f = only(src, 'python', 'IL003');
  assert.equal(at(src, f), 'nn.initializers.normal(0.9)');
});

const TFJS = `import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({
  units: 64,
  inputShape: [64],
  activation: 'relu',
}));
model.add(tf.layers.dense({
  units: 64,
  kernelInitializer: 'glorotNormal',
  activation: 'relu',
}));
model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
`;

test('TF.js: a default init is shown on the factory name, an explicit one on its kernelInitializer option; the activation is related', () => {
  const fs = analyze(TFJS, 'typescript').findings.filter((f) => f.code === 'IL001');
  assert.deepEqual(fs.map((f) => at(TFJS, f)), ['tf.layers.dense', "kernelInitializer: 'glorotNormal'"]);
  for (const f of fs) assert.deepEqual((f.related ?? []).map((r) => [r.message, at(TFJS, r)]), [['the activation that follows: ReLU', "'relu'"]]);
});

test('TF.js IL003 on the option with the explicit scale; IL005 on recurrentInitializer', () => {
  const src = `import * as tf from '@tensorflow/tfjs';
const model = tf.sequential();
model.add(tf.layers.dense({units: 512, inputShape: [784], activation: 'relu',
  kernelInitializer: tf.initializers.randomNormal({stddev: 1.0})}));
const rnn = tf.sequential();
rnn.add(tf.layers.lstm({units: 32, inputShape: [10, 8],
  recurrentInitializer: 'glorotUniform'}));
`;
  const il003 = only(src, 'typescript', 'IL003');
  assert.equal(at(src, il003), 'kernelInitializer: tf.initializers.randomNormal({stddev: 1.0})');
  const il005 = only(src, 'typescript', 'IL005');
  assert.equal(at(src, il005), "recurrentInitializer: 'glorotUniform'");
  // A comment on the layer's first line still suppresses the finding shown on its option.
  const suppressed = src.replace("inputShape: [784], activation: 'relu',", "inputShape: [784], activation: 'relu', // initlens: ignore[IL003]");
  assert.equal(analyze(suppressed, 'typescript').findings.filter((f) => f.code === 'IL003').length, 0);
});

test('the JSON report and SARIF carry the same ranges and the related places', () => {
  const result = analyze(TORCH, 'python');
  const json = buildFileReport('net.py', TORCH, result);
  const j = json.findings.find((f) => f.code === 'IL003')!;
  assert.deepEqual([j.line, j.column, j.endLine, j.endColumn, j.layerLine], [8, 9, 8, 50, 6]);
  assert.deepEqual(j.related?.map((r) => [r.line, r.column, r.message]), [
    [6, 20, 'the Linear layer fc1'],
    [11, 25, 'the activation that follows: ReLU'],
  ]);
  const sarif = buildSarif([{ uri: 'net.py', text: TORCH, result }], { version: '0.0.0' });
  const r = sarif.runs[0]!.results!.find((x) => x.ruleId === 'IL003')!;
  assert.deepEqual(r.locations![0]!.physicalLocation!.region, { startLine: 8, startColumn: 9, endLine: 8, endColumn: 50 });
  assert.deepEqual(
    r.relatedLocations?.map((x) => [x.physicalLocation!.region!.startLine, x.message!.text]),
    [[6, 'the Linear layer fc1'], [11, 'the activation that follows: ReLU']],
  );
});

test('after an edit above, the incremental result moves the squiggle and the related places like a fresh analysis', () => {
  const inc = new IncrementalAnalyzer('python');
  inc.update(TORCH);
  const edited = '# a comment\n' + TORCH;
  const a = inc.update(edited, [{ from: 0, to: 0, insert: "# a comment\n" }]);
  const b = analyze(edited, 'python');
  const pick = (fs: Finding[]) => fs.map((f) => ({ code: f.code, span: f.span, related: f.related }));
  assert.deepEqual(pick(a.findings), pick(b.findings));
  assert.equal(at(edited, a.findings.find((f) => f.code === 'IL003')!), 'nn.init.normal_(self.fc1.weight, std=0.5)');
});
