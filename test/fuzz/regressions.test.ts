/**
 * Reproducers found by the fuzz test (test/fuzz/fuzz.test.ts), minimised and
 * pinned so they stay fixed. Each one is a user-visible failure: a fresh
 * analysis and the editor's incremental analysis disagreeing, an earlier
 * result changing under the caller, or fix-all not reaching a fixed point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, fixAll } from '../../src/core/index.js';
import { IncrementalAnalyzer } from '../../src/core/analysis/incremental.js';
import type { Language } from '../../src/core/types.js';
import { compareResults, projectResult } from './invariants.js';
import { applyChanges, type Change } from './mutate.js';

/** Feeds `initial`, then each step (changes, or null for a full-text update of `text`), comparing with analyze() each time. */
function replay(language: Language, initial: string, steps: { changes: Change[]; sendChanges: boolean }[]): void {
  const inc = new IncrementalAnalyzer(language);
  let text = initial;
  assert.equal(compareResults(inc.update(text), analyze(text, language)), null, 'initial update');
  steps.forEach((s, i) => {
    text = applyChanges(text, s.changes);
    const got = s.sendChanges ? inc.update(text, s.changes) : inc.update(text);
    assert.equal(compareResults(got, analyze(text, language)), null, `after step ${i} (${JSON.stringify(s.changes)}${s.sendChanges ? '' : ', sent as full text'})`);
  });
}

const KERAS = 'from keras import layers\nx = layers.Dense(128)(x)\n';

test('incremental: edits at both ends of the file in one update (full-text sync) keep layer spans right', () => {
  const changes = [
    { from: 0, to: 0, insert: 'a = 1\n' },
    { from: KERAS.length, to: KERAS.length, insert: 'b = 2\n' },
  ];
  replay('python', KERAS, [{ changes, sendChanges: false }]);
});

test('incremental: two simultaneous changes (multi-cursor) at both ends keep layer spans right', () => {
  const changes = [
    { from: 0, to: 0, insert: 'a = 1\n' },
    { from: KERAS.length, to: KERAS.length, insert: 'b = 2\n' },
  ];
  replay('python', KERAS, [{ changes, sendChanges: true }]);
});

test('incremental: a result returned earlier does not change when the analyzer moves on', () => {
  const text = 'import flax.linen as nn\nclass CNN(nn.Module):\n        x = nn.Conv(features=64, kernel_size=(3, 3), kernel_init=nn.initializers.he_normal())(x)\n';
  const inc = new IncrementalAnalyzer('python');
  const first = inc.update(text);
  const before = JSON.stringify(projectResult(first));
  inc.update(' ' + text, [{ from: 0, to: 0, insert: ' ' }]);
  assert.equal(JSON.stringify(projectResult(first)), before);
});

test('fixAll: a half-typed nested call inside a layer call is left alone, and a second fixAll changes nothing', () => {
  const text = 'from keras import layers\nlayers.Dense(64, activation="relu", f(x';
  const once = fixAll(text, 'python');
  const twice = fixAll(once.text, 'python');
  assert.equal(twice.applied, 0);
  assert.equal(twice.text, once.text);
  assert.ok(!once.text.includes('f(x, kernel_initializer'), `the initializer went into the inner call: ${JSON.stringify(once.text)}`);
});

test('incremental: deleting an unclosed call that swallowed the next lines keeps the layer spans after it right', () => {
  // The deleted text opens a bracket that the first GRU line sits inside; once it is gone, the later layers move back.
  const initial = 'from keras import layers\nn = 6\ni = f(\nx = layers.GRU(64)(x)\ny = 1)\nx = layers.GRU(64)(x)\n';
  const from = initial.indexOf('n = 6');
  const to = initial.indexOf('\nx = layers.GRU');
  replay('python', initial, [{ changes: [{ from, to, insert: '' }], sendChanges: true }]);
});

test('incremental: three single-character-ish edits among identical top-level lines keep every layer', () => {
  // Six identical statements share one cached chunk text; after these edits the incremental
  // result used to lose the Dense on line 6 that a fresh analysis finds.
  const imports = 'from keras import layers\n';
  const line = 'x = layers.Dense(8)(x)\n';
  const start = (k: number) => imports.length + k * line.length;
  const initial = imports + line.repeat(6);
  const steps = [
    { from: start(1), to: start(1), insert: 'yield ' }, // line 2 becomes `yield x = …`
    { from: start(5) + 10, to: start(5) + 11, insert: '' }, // line 7: layers → ayers
    { from: start(3) + 10, to: start(3) + 11, insert: 'Q' }, // line 5: layers → Qayers
  ];
  replay('python', initial, steps.map((c) => ({ changes: [c], sendChanges: true })));
});

/** analyze() and IncrementalAnalyzer.update() on `text` return a result instead of throwing. */
function noThrow(language: Language, text: string): void {
  let r;
  assert.doesNotThrow(() => {
    r = analyze(text, language);
  }, 'analyze() threw');
  assert.ok(r, 'analyze() returned nothing');
  assert.doesNotThrow(() => new IncrementalAnalyzer(language).update(text), 'IncrementalAnalyzer.update() threw');
}

test('no crash: 10,000 nested brackets inside a PyTorch layer call (deep recursion in the parser or its converter)', () => {
  noThrow('python', `import torch.nn as nn\nx = nn.Linear(${'['.repeat(10_000)}${']'.repeat(10_000)})\n`);
  noThrow('python', `import torch.nn as nn\nx = nn.Linear(${'-'.repeat(10_000)}1)\n`);
});

test('incremental: the quick fix of a layer in an unclosed nn.Sequential( moves with an edit above it', () => {
  // The fix inserts after the (unterminated) statement, i.e. at the end of the file;
  // the incremental result used to keep the pre-edit offset.
  const initial = 'import torch.nn as nn\nx = 1\ns = nn.Sequential(\n    nn.Linear(256, 64),\n    nn.ReLU(),\ndef k(nn.LayerNorm(1024),\n';
  const at = initial.indexOf('x = 1');
  replay('python', initial, [{ changes: [{ from: at, to: at + 1, insert: 'yy' }], sendChanges: true }]);
});
