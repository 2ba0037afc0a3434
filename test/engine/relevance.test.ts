/**
 * The parser skips top-level statements that cannot matter to a model (that is
 * what keeps a 10,000-line file fast). Skipping must never change a result: on
 * every Python file we ship or test with, the filtered analysis equals the
 * analysis of every chunk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PythonParser } from '../../src/core/parse/python.js';
import { pythonRelevance } from '../../src/core/frameworks/python/relevance.js';
import { analyzeUnits } from '../../src/core/analysis/units.js';
import type { AnalysisResult } from '../../src/core/types.js';
import { generatePython } from '../../bench/generate.js';

function pyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...pyFiles(p));
    else if (f.endsWith('.py')) out.push(p);
  }
  return out.sort();
}

function summary(r: AnalysisResult): string {
  return JSON.stringify({
    layers: r.layers.map((l) => [l.span, l.layer, l.name, l.activation.name, l.normalization, l.init, l.fanIn, l.fanOut, l.model]),
    models: r.models.map((m) => [m.span, m.name, m.layers]),
    findings: r.findings.map((f) => [f.code, f.severity, f.span, f.message, f.fixes.map((x) => [x.description, x.edits])]),
  });
}

function both(text: string): { filtered: AnalysisResult; all: AnalysisResult; skipped: number } {
  const pf = new PythonParser(pythonRelevance);
  const mf = pf.parse(text);
  const pa = new PythonParser(pythonRelevance);
  pa.parseAll = true;
  return { filtered: analyzeUnits(mf, undefined), all: analyzeUnits(pa.parse(text), undefined), skipped: mf.skipped ?? 0 };
}

test('skipping irrelevant statements never changes a result (corpus, examples, QA reproducers, generated files)', () => {
  const inputs: [string, string][] = [];
  for (const d of ['test/corpus', 'examples', 'docs/qa/repro']) for (const f of pyFiles(d)) inputs.push([f, readFileSync(f, 'utf8')]);
  for (const seed of [1, 2, 3]) inputs.push([`generated seed ${seed}`, generatePython({ lines: 2500, seed }).text]);
  assert.ok(inputs.length > 60, `only ${inputs.length} inputs`);
  let skipped = 0;
  for (const [name, text] of inputs) {
    const r = both(text);
    skipped += r.skipped;
    assert.equal(summary(r.filtered), summary(r.all), name);
  }
  assert.ok(skipped > 100, `the filter skipped only ${skipped} chunks`);
});

const TRAIN = `
def train(model: nn.Module, loader, epochs: int = 3) -> Dict[str, float]:
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    history: Dict[str, float] = {}
    seen: List[torch.Tensor] = []
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y).mean()
            loss.backward()
            optimizer.step()
            seen.append(y)
        history[f"epoch_{epoch}"] = torch.cat(seen).float().mean().item()
    return history
`;

test('a training loop that only mentions torch is not parsed; a model is', () => {
  const text = `from typing import Dict, List\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n${TRAIN}\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 8)\n\n    def forward(self, x):\n        return F.relu(self.fc(x))\n`;
  const m = new PythonParser(pythonRelevance).parse(text);
  assert.ok(!m.chunks.some((c) => c.text.includes('def train')), 'the training loop was parsed');
  assert.ok(m.chunks.some((c) => c.text.includes('class Net')), 'the model was not parsed');
  const { filtered } = both(text);
  assert.deepEqual(filtered.findings.map((f) => f.code), ['IL001']);
});

test('an imported layer under an alias, a nested class and init code in a function are still analysed', () => {
  const text = [
    'import torch.nn as nn',
    'from torch.nn import Linear as L',
    '',
    'def head(n):',
    '    return L(n, n)',
    '',
    'def make():',
    '    class Inner(nn.Module):',
    '        pass',
    '    return Inner',
    '',
    'def reset(m):',
    '    m.fc.weight.data.zero_()',
    '',
    'net = nn.Sequential(head(16), nn.Tanh())',
    '',
    'proj = L(32, 4)',
    '',
  ].join('\n');
  const { filtered, all } = both(text);
  assert.equal(summary(filtered), summary(all));
  assert.deepEqual(filtered.layers.map((l) => [l.layer, l.name, l.fanIn]), [['Linear', null, 16], ['Linear', 'proj', 32]]);
  assert.equal(filtered.layers[0].activation.name, 'tanh');
  assert.ok(new PythonParser(pythonRelevance).parse(text).chunks.some((c) => c.text.startsWith('class') || c.text.includes('class Inner')), 'the function defining a module class was skipped');
});

test('a top-level if/for/aug-assignment that rebinds a name a layer uses is analysed (QA 2026-11-28 #1)', () => {
  const text = [
    'import keras',
    'from keras import layers',
    '',
    'units = 64',
    'units *= 2',
    'activation = "relu"',
    'if units > 100:',
    '    activation = "tanh"',
    '',
    'inp = keras.Input((32,))',
    'h = layers.Dense(units, activation=activation, kernel_initializer="he_normal")(inp)',
    'out = layers.Dense(1)(h)',
    'm = keras.Model(inp, out)',
    '',
  ].join('\n');
  const { filtered, all } = both(text);
  assert.equal(summary(filtered), summary(all));
  assert.deepEqual(filtered.layers.map((l) => [l.activation.name, l.fanOut]), [['tanh', 128], ['linear', 1]]);
  assert.deepEqual(filtered.findings.map((f) => f.code), ['IL001']);
});

test('module-level mutations of a config read by a layer are analysed (QA 2026-11-28 #1)', () => {
  const text = [
    'import torch.nn as nn',
    '',
    'class Cfg:',
    '    act = "relu"',
    '',
    'HIDDEN = [64]',
    'Cfg.act = "tanh"',
    'HIDDEN.append(32)',
    'for k in range(2):',
    '    width = 16',
    '',
    'def block():',
    '    return nn.Sequential(nn.Linear(width, HIDDEN[0]), nn.Tanh() if Cfg.act == "tanh" else nn.ReLU())',
    '',
    'net = block()',
    '',
  ].join('\n');
  const { filtered, all } = both(text);
  assert.equal(summary(filtered), summary(all));
});

test('on 300 seeded mutants of the corpus and examples (lines deleted, duplicated, moved between files, cut), the filter never changes a result', () => {
  const srcs: string[] = [];
  for (const d of ['test/corpus', 'examples', 'docs/qa/repro']) for (const f of pyFiles(d)) srcs.push(readFileSync(f, 'utf8'));
  let seed = 20261128;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  for (let it = 0; it < 300; it++) {
    const lines = pick(srcs).split('\n');
    const other = pick(srcs).split('\n');
    const ops = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < ops; k++) {
      const i = Math.floor(rnd() * lines.length);
      const op = rnd();
      if (op < 0.3) lines.splice(i, 1);
      else if (op < 0.6) lines.splice(i, 0, pick(other));
      else if (op < 0.8) lines.splice(i, 0, pick(lines));
      else {
        const l = lines[i] ?? '';
        const j = Math.floor(rnd() * (l.length + 1));
        lines[i] = l.slice(0, j) + l.slice(j + 1 + Math.floor(rnd() * 4));
      }
    }
    const text = lines.join('\n');
    const r = both(text);
    assert.equal(summary(r.filtered), summary(r.all), `mutant #${it}:\n${text}`);
  }
});
