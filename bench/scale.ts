/**
 * Scale rows of `npm run bench`: the generated file at 10k and 100k lines
 * (analysis time should grow linearly: the 100k file ≤ 11× the 10k one), and
 * a pathological file (deep nesting, thousands of layers in one class, 50
 * construction sites of one module): full analysis ≤ 1 s, and no on-type
 * update longer than 50 ms.
 */
import { performance } from 'node:perf_hooks';
import { generatePython } from './generate.js';
import type { Engine } from './engine.js';
import { compareResults, quantile } from './stats.js';

export interface ScaleReport {
  small: { lines: number; chars: number; median: number };
  large: { lines: number; chars: number; median: number };
  ratio: number;
  rounds: number;
}

export function runScale(engine: Engine, rounds: number): ScaleReport {
  const small = generatePython({ lines: 10_000 }).text;
  const large = generatePython({ lines: 100_000 }).text;
  const ts: number[] = [];
  const tl: number[] = [];
  engine.analyze(small, 'python');
  engine.analyze(large, 'python');
  for (let r = 0; r < rounds; r++) {
    // Interleaved: ten small files, then the large one, so both see the same machine state.
    let t = performance.now();
    for (let k = 0; k < 10; k++) engine.analyze(small, 'python');
    ts.push((performance.now() - t) / 10);
    t = performance.now();
    engine.analyze(large, 'python');
    tl.push(performance.now() - t);
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const med = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
  const lines = (s: string) => s.split('\n').length - (s.endsWith('\n') ? 1 : 0);
  const s = { lines: lines(small), chars: small.length, median: med(ts) };
  const l = { lines: lines(large), chars: large.length, median: med(tl) };
  return { small: s, large: l, ratio: l.median / s.median, rounds };
}

/**
 * A file no one writes on purpose but an editor must survive: an expression
 * nested 60 brackets deep, `if` blocks nested 40 deep inside forward(), one
 * class with 3,000 layers built in __init__ and chained in forward(), and a
 * block module constructed at 50 sites with different sizes.
 */
export function pathologicalPython(): { text: string; layers: number } {
  const out: string[] = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '', ''];
  const N = 3000;
  out.push('class Wide(nn.Module):', '    def __init__(self, dim=64):', '        super().__init__()');
  for (let i = 0; i < N; i++) out.push(`        self.fc${i} = nn.Linear(dim, dim)`);
  out.push('', '    def forward(self, x):');
  for (let i = 0; i < N; i++) out.push(`        x = ${i % 3 === 0 ? 'torch.tanh' : 'F.relu'}(self.fc${i}(x))`);
  out.push('        return x', '', '');
  out.push('class Block(nn.Module):', '    def __init__(self, dim=32, hidden=64, depth=0):', '        super().__init__()');
  out.push('        self.up = nn.Linear(dim, hidden)', '        self.down = nn.Linear(hidden, dim)', '');
  out.push('    def forward(self, x):');
  // 40 nested ifs on a caller-dependent condition: both branches run at every level.
  let indent = '        ';
  for (let d = 0; d < 40; d++) {
    out.push(`${indent}if x.shape[-1] > ${d}:`);
    indent += '    ';
  }
  out.push(`${indent}x = F.relu(self.up(x))`);
  out.push('        x = ' + '('.repeat(60) + 'self.down(F.gelu(self.up(x)))' + ')'.repeat(60));
  out.push('        return x', '', '');
  out.push('class Tower(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.blocks = nn.ModuleList([');
  for (let i = 0; i < 50; i++) out.push(`            Block(dim=${32 + (i % 5) * 16}, hidden=${64 + (i % 7) * 32}, depth=${i}),`);
  out.push('        ])', '', '    def forward(self, x):', '        for b in self.blocks:', '            x = b(x)', '        return x', '');
  return { text: out.join('\n'), layers: N + 2 };
}

export interface PathologicalReport {
  chars: number;
  lines: number;
  layersFound: number;
  full: { median: number; max: number; rounds: number };
  onType: { updates: number; median: number; p95: number; max: number };
}

export function runPathological(engine: Engine, rounds: number, errors: string[]): PathologicalReport {
  const { text } = pathologicalPython();
  const first = engine.analyze(text, 'python');
  const full: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    engine.analyze(text, 'python');
    full.push(performance.now() - t);
  }
  // On-type: typing in the middle of the wide class's forward, inside the block's
  // nested ifs, and in a construction site's arguments.
  const spots = [text.indexOf('self.fc1500(x)'), text.indexOf('x = F.relu(self.up(x))'), text.indexOf('Block(dim=32, hidden=64, depth=0)') + 'Block(dim='.length];
  if (spots.some((s) => s < 0)) throw new Error('pathological file: an edit spot is missing');
  const inc = new engine.Incremental('python');
  let cur = text;
  inc.update(cur);
  const times: number[] = [];
  for (let j = 0; j < 30; j++) {
    const at = spots[j % spots.length];
    cur = cur.slice(0, at) + '1' + cur.slice(at);
    let t = performance.now();
    inc.update(cur, [{ from: at, to: at, insert: '1' }]);
    times.push(performance.now() - t);
    cur = cur.slice(0, at) + cur.slice(at + 1);
    t = performance.now();
    const r = inc.update(cur, [{ from: at, to: at + 1, insert: '' }]);
    times.push(performance.now() - t);
    if (j === 29) {
      const diff = compareResults(r, first);
      if (diff) errors.push(`pathological file: after typing and deleting, the incremental result differs from a fresh analyze(): ${diff}`);
    }
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const ft = sorted(full);
  const ot = sorted(times);
  return {
    chars: text.length,
    lines: text.split('\n').length,
    layersFound: first.layers.length,
    full: { median: quantile(ft, 0.5), max: ft[ft.length - 1], rounds },
    onType: { updates: ot.length, median: quantile(ot, 0.5), p95: quantile(ot, 0.95), max: ot[ot.length - 1] },
  };
}
