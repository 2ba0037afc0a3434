/**
 * A half-typed line does not hide the rest of the file: while a statement is
 * broken, its model keeps the findings of the last good analysis (moved, no
 * fixes) and every other model gets fresh findings. Typed character by
 * character through the incremental analyzer, as the editor does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IncrementalAnalyzer } from '../../src/core/analysis/incremental.js';
import { holdBrokenModels, isGood } from '../../src/core/analysis/hold.js';
import type { AnalysisResult } from '../../src/core/types.js';
import { check, lineOf } from './helpers.js';

const TORCH = `import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(64, 64)
@@
        self.b = nn.Linear(64, 1)
    def forward(self, x):
        return self.b(F.relu(self.a(x)))

class Other(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(32, 32)
        self.b = nn.Linear(32, 1)
    def forward(self, x):
        return self.b(F.relu(self.a(x)))
`;

const KERAS = `from tensorflow import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu"),
@@
    layers.Dense(10),
])

encoder = keras.Sequential([
    keras.Input(shape=(32,)),
    layers.Dense(32, activation="tanh", kernel_initializer="he_normal"),
    layers.Dense(8),
])
`;

/** Types `typed` at the @@ marker one character at a time; returns what the editor shows after each keystroke. */
function typeIn(template: string, typed: string): { text: string; shown: AnalysisResult; fresh: AnalysisResult }[] {
  const [head, tail] = template.split('@@\n') as [string, string];
  const inc = new IncrementalAnalyzer('python');
  let text = head + '\n' + tail; // the user opened a new line and types on it
  let lastGood: { text: string; result: AnalysisResult } | null = null;
  const out: { text: string; shown: AnalysisResult; fresh: AnalysisResult }[] = [];
  const step = (t: string) => {
    const fresh = inc.update(t);
    const shown = holdBrokenModels(lastGood, { text: t, result: fresh });
    if (isGood(fresh)) lastGood = { text: t, result: fresh };
    out.push({ text: t, shown, fresh });
  };
  step(text);
  for (let i = 1; i <= typed.length; i++) {
    text = head + typed.slice(0, i) + '\n' + tail;
    step(text);
  }
  return out;
}

const shownAt = (s: { text: string; shown: AnalysisResult }) => s.shown.findings.map((f) => `${f.code}:${s.text.slice(f.span.from, f.span.to)}`);

test('PyTorch: typing `self.c = nn.Linear(units, activation="re` keeps Net\'s finding and Other\'s, at every keystroke', () => {
  const steps = typeIn(TORCH, '        self.c = nn.Linear(units, activation="re');
  const final = steps[steps.length - 1]!;
  assert.ok(final.fresh.errors.length > 0, 'the last text is broken');
  assert.ok(!final.fresh.findings.some((f) => final.text.slice(f.span.from, f.span.to) === 'nn.Linear(64, 64)'), 'from scratch, the broken class loses its finding');
  for (const s of steps) {
    const shown = shownAt(s);
    assert.ok(shown.includes('IL001:nn.Linear(64, 64)'), `Net's finding shown while typing: ${JSON.stringify(s.text.split('\n')[7])} → ${shown.join(', ')}`);
    assert.ok(shown.includes('IL001:nn.Linear(32, 32)'), `Other's finding shown: ${shown.join(', ')}`);
  }
  // Held findings have no fixes (they were computed for another text).
  const held = final.shown.findings.find((f) => final.text.slice(f.span.from, f.span.to) === 'nn.Linear(64, 64)')!;
  assert.deepEqual(held.fixes, []);
  assert.equal(lineOf(final.text, held.span.from), 7);
  assert.equal(lineOf(final.text, final.shown.findings.find((f) => final.text.slice(f.span.from, f.span.to) === 'nn.Linear(32, 32)')!.span.from), 16);
  // The engine itself is unchanged: incremental = from scratch.
  assert.deepEqual(JSON.parse(JSON.stringify(final.fresh)), JSON.parse(JSON.stringify(check(final.text, {}))));
});

test('Keras: a half-typed layer in one Sequential keeps the other model\'s fresh finding, and the broken model its old one', () => {
  const steps = typeIn(KERAS, '    layers.Dense(units, activation="re');
  for (const s of steps) {
    const shown = shownAt(s);
    assert.ok(shown.includes('IL001:layers.Dense(32, activation="tanh", kernel_initializer="he_normal")'), `encoder's finding: ${shown.join(', ')}`);
    assert.ok(shown.some((x) => x.startsWith('IL001:layers.Dense(64')), `model's finding: ${shown.join(', ')}`);
  }
  // Once the line is complete and valid again, the fresh result is shown as is.
  const [head, tail] = KERAS.split('@@\n') as [string, string];
  const done = head + '    layers.Dense(64, activation="relu"),\n' + tail;
  // Both ReLU layers of `model` (Glorot by default) and the encoder's tanh layer with He init.
  const fresh = check(done, { findings: ['IL001@6', 'IL001@7', 'IL001@13'] });
  assert.equal(holdBrokenModels({ text: head + tail, result: check(head + tail, {}) }, { text: done, result: fresh }), fresh);
});
