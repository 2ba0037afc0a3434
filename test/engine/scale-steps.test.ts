/**
 * The interpreter's work grows linearly with each dimension of the pathological file
 * (bench/scale.ts: thousands of layers in one class, deep `if` nesting, deep brackets, many
 * construction sites of one module), counted in interpreter steps (one per statement run or
 * expression evaluated: `Interp.stepsLeft` counts them down from its budget), not timed. And the
 * pathological file itself stays well inside the step budget, so that no layer is lost to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PythonParser } from '../../src/core/parse/python.js';
import { pythonRelevance } from '../../src/core/frameworks/python/relevance.js';
import { Interp } from '../../src/core/frameworks/python/interp.js';
import { pathologicalPython } from '../../bench/scale.js';

function run(text: string): { steps: number; layers: number } {
  const mod = new PythonParser(pythonRelevance).parse(text);
  const interp = new Interp(mod.stmts);
  const budget = interp.stepsLeft;
  const r = interp.run();
  return { steps: budget - interp.stepsLeft, layers: r.layers.length };
}

const HEAD = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n';
const BLOCK_HEAD = HEAD + 'class Block(nn.Module):\n    def __init__(self, dim=32, hidden=64, depth=0):\n        super().__init__()\n        self.up = nn.Linear(dim, hidden)\n        self.down = nn.Linear(hidden, dim)\n\n    def forward(self, x):\n';

/** n layers built in one class's __init__ and chained in its forward. */
const wide = (n: number) =>
  HEAD +
  'class Wide(nn.Module):\n    def __init__(self, dim=64):\n        super().__init__()\n' +
  Array.from({ length: n }, (_, i) => `        self.fc${i} = nn.Linear(dim, dim)\n`).join('') +
  '\n    def forward(self, x):\n' +
  Array.from({ length: n }, (_, i) => `        x = ${i % 3 ? 'F.relu' : 'torch.tanh'}(self.fc${i}(x))\n`).join('') +
  '        return x\n';

/** `if` blocks nested d deep on a condition the file cannot decide (both branches run at every level). */
const nestedIfs = (d: number) => {
  let s = BLOCK_HEAD;
  let indent = '        ';
  for (let k = 0; k < d; k++) {
    s += `${indent}if x.shape[-1] > ${k}:\n`;
    indent += '    ';
  }
  return s + `${indent}x = F.relu(self.up(x))\n        return self.down(x)\n`;
};

/** An expression nested d brackets deep. */
const brackets = (d: number) => BLOCK_HEAD + '        x = ' + '('.repeat(d) + 'self.down(F.gelu(self.up(x)))' + ')'.repeat(d) + '\n        return x\n';

/** One module constructed at n sites with different sizes. */
const sites = (n: number) =>
  BLOCK_HEAD +
  '        return self.down(F.relu(self.up(x)))\n\n\nclass Tower(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.blocks = nn.ModuleList([\n' +
  Array.from({ length: n }, (_, i) => `            Block(dim=${32 + (i % 5) * 16}, hidden=${64 + (i % 7) * 32}, depth=${i}),\n`).join('') +
  '        ])\n\n    def forward(self, x):\n        for b in self.blocks:\n            x = b(x)\n        return x\n';

const shapes: [string, (n: number) => string, number, number][] = [
  // name, generator, smallest size, layers found at any size (0: as many as the size)
  ['layers in one class', wide, 50, 0],
  ['nested ifs', nestedIfs, 10, 2],
  ['nested brackets', brackets, 15, 2],
  ['construction sites', sites, 10, 2],
];

for (const [name, gen, n, layers] of shapes) {
  test(`interpreter steps grow linearly with the number of ${name}`, () => {
    const counts = [1, 2, 4, 8].map((k) => ({ k, ...run(gen(n * k)) }));
    for (const c of counts) assert.equal(c.layers, layers || n * c.k, `${name} ×${c.k}: every layer found`);
    for (let i = 1; i < counts.length; i++) {
      // Doubling the size at most doubles the work (plus a little fixed cost).
      assert.ok(counts[i].steps <= 2.1 * counts[i - 1].steps + 50, `${name}: ${n * counts[i - 1].k} → ${n * counts[i].k}: ${counts[i - 1].steps} → ${counts[i].steps} steps`);
    }
    assert.ok(counts[3].steps <= 8.5 * counts[0].steps + 100, `${name}: ×8 the size, ${counts[0].steps} → ${counts[3].steps} steps`);
  });
}

test('the pathological file finds all its layers well inside the step budget', () => {
  const { text, layers } = pathologicalPython();
  const mod = new PythonParser(pythonRelevance).parse(text);
  const interp = new Interp(mod.stmts);
  const budget = interp.stepsLeft;
  const r = interp.run();
  assert.equal(r.layers.length, layers);
  assert.ok(budget - interp.stepsLeft < 0.5 * budget, `${budget - interp.stepsLeft} of ${budget} steps`);
});
