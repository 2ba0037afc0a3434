import { test } from 'node:test';
import assert from 'node:assert/strict';
// Both come from the engine's public API, the way any tool measuring the editor path imports them.
import { analyze, IncrementalAnalyzer } from '../../src/core/index.js';
import type { AnalysisResult } from '../../src/core/types.js';

const SRC = `"""Two independent models and some plain code."""
import torch
import torch.nn as nn
import torch.nn.functional as F


def load(path):
    with open(path) as f:
        return f.read()


class A(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 64)

    def forward(self, x):
        return F.relu(self.fc(x))


HIDDEN = 32


class B(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(HIDDEN, HIDDEN)

    def forward(self, x):
        return torch.tanh(self.fc(x))
`;

function summary(r: AnalysisResult): string {
  return JSON.stringify({
    layers: r.layers.map((l) => [l.id, l.span, l.layer, l.activation.name, l.init.name, l.init.span ?? null, l.fanIn, l.fanOut, l.model]),
    models: r.models.map((m) => [m.id, m.span, m.layers]),
    findings: r.findings.map((f) => [f.code, f.span, f.layer, f.message, f.fixes.map((x) => x.edits)]),
  });
}

test('incremental results equal a from-scratch analysis after every edit', () => {
  const inc = new IncrementalAnalyzer('python');
  let text = SRC;
  assert.equal(summary(inc.update(text)), summary(analyze(text, 'python')));
  const edits: [string, string][] = [
    ['nn.Linear(64, 64)', 'nn.Linear(64, 128)'], // inside unit A
    ['HIDDEN = 32', 'HIDDEN = 320'], // unit B's constant
    ['        return f.read()', '        return f.read()  # noqa'], // plain code before both
    ['torch.tanh(', 'F.relu('], // unit B's activation
    ['import torch.nn.functional as F\n', 'import torch.nn.functional as F\nimport math\n'], // imports: everything is redone
    ['"""Two', '"""Still two'], // docstring: offsets of everything shift
  ];
  for (const [a, b] of edits) {
    const at = text.indexOf(a);
    assert.ok(at >= 0, a);
    const next = text.slice(0, at) + b + text.slice(at + a.length);
    const r = inc.update(next, [{ from: at, to: at + a.length, insert: b }]);
    text = next;
    assert.equal(summary(r), summary(analyze(text, 'python')), `after replacing ${JSON.stringify(a)}`);
  }
  const final = inc.update(text);
  assert.equal(final.layers.find((l) => l.fanIn === 320)?.activation.name, 'relu');
  // the finding moved with the docstring edit and still points at the constructor call
  for (const f of final.findings) assert.equal(text.slice(f.span.from, f.span.from + 9), 'nn.Linear');
});

test('incremental analysis without change ranges (whole text) also matches', () => {
  const inc = new IncrementalAnalyzer('python');
  inc.update(SRC);
  const next = SRC.replace('nn.Linear(64, 64)', 'nn.Linear(8, 8)');
  assert.equal(summary(inc.update(next)), summary(analyze(next, 'python')));
});

test('applyEdits keeps the order of two insertions at the same point, and refuses overlaps', async () => {
  const { applyEdits } = await import('../../src/core/index.js');
  assert.equal(applyEdits('xy', [{ from: 1, to: 1, newText: 'A' }, { from: 1, to: 1, newText: 'B' }]), 'xABy');
  assert.throws(() => applyEdits('abcdef', [{ from: 1, to: 4, newText: '' }, { from: 3, to: 5, newText: 'Z' }]), RangeError);
});

test('edits that change how a statement links to the others (a helper turns into an activation, a constant starts to be used) give fresh results', () => {
  const src = [
    'import torch',
    'import torch.nn as nn',
    '',
    'SCALE = 2.0',
    'HIDDEN = 64',
    '',
    'def squash(x):',
    '    return x',
    '',
    'def report(rows):',
    '    total = 0',
    '    return total',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(32, 32)',
    '',
    '    def forward(self, x):',
    '        return squash(self.fc(x))',
    '',
  ].join('\n');
  const inc = new IncrementalAnalyzer('python');
  let text = src;
  inc.update(text);
  const steps: [string, string][] = [
    ['    total = 0', '    totalx = 0'], // a local name in a plain function: nothing changes
    ['    totalx = 0', '    total = SCALE'], // a plain function starts to use a constant
    ['    return x', '    return torch.tanh(x)'], // the helper becomes an activation
    ['squash(self.fc(x))', 'squash(self.fc(x)) * SCALE'], // the model starts to use the constant
    ['    return torch.tanh(x)', '    return torch.relu(x)'],
    ['def report(rows):', 'def report(rows, net=Net()):'], // plain code starts to use the model
    ['nn.Linear(32, 32)', 'nn.Linear(32, HIDDEN)'], // the model starts to use a constant that was not parsed
  ];
  const acts: string[] = [];
  for (const [a, b] of steps) {
    const at = text.indexOf(a);
    assert.ok(at >= 0, a);
    // type the replacement one character at a time, as an editor sends it
    let cur = text.slice(0, at) + text.slice(at + a.length);
    let r = inc.update(cur, [{ from: at, to: at + a.length, insert: '' }]);
    for (let i = 0; i < b.length; i++) {
      cur = cur.slice(0, at + i) + b[i] + cur.slice(at + i);
      r = inc.update(cur, [{ from: at + i, to: at + i, insert: b[i] }]);
      assert.equal(summary(r), summary(analyze(cur, 'python')), `typing ${JSON.stringify(b.slice(0, i + 1))}`);
    }
    text = cur;
    acts.push(r.layers[0].activation.name);
  }
  assert.deepEqual(acts, ['linear', 'linear', 'tanh', 'tanh', 'relu', 'relu', 'relu']);
  assert.equal(inc.update(text).layers[0].fanOut, 64);
});

test('typing into an import and deleting the character again: every result equals a fresh analysis, the last one the original', () => {
  const inc = new IncrementalAnalyzer('python');
  const text = SRC;
  const original = summary(inc.update(text));
  // Each step types one character after `anchor` and deletes it again; the units' results
  // of the original imports are reused on the delete (the cache keeps them by the shared chunks).
  for (const [anchor, ch] of [['import torch.nn as nn', 'x'], ['import torch\n', '\n'], ['import torch.nn.functional as F', ' '], ['import torch.nn as nn', '2']] as const) {
    const at = text.indexOf(anchor) + anchor.length;
    const typed = text.slice(0, at) + ch + text.slice(at);
    assert.equal(summary(inc.update(typed, [{ from: at, to: at, insert: ch }])), summary(analyze(typed, 'python')), `after typing ${JSON.stringify(ch)} after ${JSON.stringify(anchor)}`);
    const back = inc.update(text, [{ from: at, to: at + 1, insert: '' }]);
    assert.equal(summary(back), original, `after deleting it again`);
    // An edit elsewhere after the round trip still moves the reused results correctly.
    const lin = text.indexOf('nn.Linear(64, 64)');
    const edited = text.slice(0, lin) + 'nn.Linear(64, 65)' + text.slice(lin + 17);
    assert.equal(summary(inc.update(edited, [{ from: lin, to: lin + 17, insert: 'nn.Linear(64, 65)' }])), summary(analyze(edited, 'python')));
    assert.equal(summary(inc.update(text, [{ from: lin, to: lin + 17, insert: 'nn.Linear(64, 64)' }])), original);
  }
});
