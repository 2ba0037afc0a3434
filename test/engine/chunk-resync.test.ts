/**
 * A bracket left open while typing (`nn.Linear("` in a class) must not swallow the
 * rest of the module into one broken top-level statement: the chunker starts a new
 * statement at a column-0 line that no expression can continue (`if …:`, `return`),
 * so the statements below keep their own chunk, their findings, and on-type only
 * reparses the broken statement. Valid code that continues an expression at column 0
 * (`[x\nfor x in xs]`) stays one statement.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PythonParser, scanTopLevel } from '../../src/core/parse/python.js';
import { pythonRelevance } from '../../src/core/frameworks/python/relevance.js';
import { analyze, IncrementalAnalyzer } from '../../src/core/index.js';

const MAIN = `if __name__ == "__main__":
    hidden = 64
    net = nn.Sequential(nn.Linear(8, hidden), nn.Tanh(), nn.Linear(hidden, 1))
    for step in range(10):
        loss = net(torch.randn(4, 8)).mean()
`;

const SRC = `import torch
import torch.nn as nn


class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)

    def forward(self, x):
        return torch.relu(self.fc(x))


${MAIN}`;

const starts = (text: string) => scanTopLevel(text).map((s) => text.slice(s, text.indexOf('\n', s)));

test('an open bracket stops at a column-0 statement that no expression continues', () => {
  const broken = SRC.replace('nn.Linear(16, 16)', 'nn.Linear("16, 16)');
  assert.ok(starts(broken).includes('if __name__ == "__main__":'), starts(broken).join(' | '));
  for (const line of ['return x', 'raise ValueError(x)', 'assert ok', 'del cache', 'pass', 'while True:', 'with open(p) as f:', 'try:', 'for i in range(3):  # loop']) {
    const text = `y = f(a,\n${line}\n`;
    assert.deepEqual(starts(text), ['y = f(a,', line], line);
  }
});

test('valid code continuing an expression at column 0 stays one statement', () => {
  for (const text of [
    'xs = [a\nfor a in range(3)]\n',
    'y = (a\nif c else b)\n',
    'z = f(\nreturn_value, passed)\n',
    'w = {k: v\nfor k, v in d.items()\nif v}\n',
    'v = g(a if b\nelse c)\n',
    's = h(x\nif x else """:\n""")\n',
  ]) {
    assert.deepEqual(scanTopLevel(text), [0], text);
  }
});

test('typing a quote into a layer call: the block below keeps its layers, and on-type equals analyze()', () => {
  const at = SRC.indexOf('nn.Linear(16') + 'nn.Linear('.length;
  const broken = SRC.slice(0, at) + '"' + SRC.slice(at);
  const fresh = analyze(broken, 'python');
  // the Sequential in the main block is still analysed: 2 layers there
  const mainFrom = broken.indexOf('if __name__');
  assert.equal(fresh.layers.filter((l) => l.span.from > mainFrom).length, 2);
  const inc = new IncrementalAnalyzer('python');
  inc.update(SRC);
  const r = inc.update(broken, [{ from: at, to: at, insert: '"' }]);
  assert.deepEqual(r, fresh);
  const back = inc.update(SRC, [{ from: at, to: at + 1, insert: '' }]);
  assert.deepEqual(back, analyze(SRC, 'python'));
});

test('on-type: the statement below a call left open keeps its parsed chunk (not parsed again)', () => {
  const py = new PythonParser(pythonRelevance);
  const before = py.parse(SRC);
  const mainAt = SRC.indexOf('if __name__');
  const mainChunk = before.chunks.find((c) => (c.at ?? c.base) === mainAt);
  assert.ok(mainChunk);
  const at = SRC.indexOf('nn.Linear(16') + 'nn.Linear('.length;
  const after = py.parse(SRC.slice(0, at) + '"' + SRC.slice(at), { from: at, oldTo: at, delta: 1 });
  assert.ok(after.chunks.includes(mainChunk), 'the main block was parsed again');
});
