/**
 * Python float literals with a trailing dot (`0.`, `2. / n`, `1.e-3`) are
 * numbers, and no file that CPython accepts gets a syntax error from the
 * parser. The corpus check runs `ast.parse` in python3 on every Python file and
 * notebook of test/corpus, test/wild and examples, and asserts that the Lezer
 * tree has no error node wherever CPython parses the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser as basePythonParser } from '@lezer/python';
import type { Tree } from '@lezer/common';
import { isBareYieldGap, parser } from '../../src/core/parse/python-parser.js';
import { parseNotebook } from '../../src/core/notebook.js';
import { analyze } from '../../src/core/index.js';
import { parseChunk } from '../../src/core/parse/pythonConvert.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function firstError(tree: Tree): number | null {
  let at: number | null = null;
  tree.iterate({
    enter(n) {
      if (at !== null) return false;
      if (n.type.isError && !isBareYieldGap(n)) at = n.from;
      return undefined;
    },
  });
  return at;
}

/** The text of every `Number` node, in order. */
function numbers(src: string): string[] {
  const out: string[] = [];
  parser.parse(src).iterate({
    enter(n) {
      if (n.name === 'Number') out.push(src.slice(n.from, n.to));
    },
  });
  return out;
}

test('a trailing-dot float is one Number token, in every position', () => {
  const cases: Array<[string, string[]]> = [
    ['dropout = 0.\n', ['0.']],
    ['std = math.sqrt(2. / n)\n', ['2.']],
    ['nn.init.constant_(m.weight, 1.)\n', ['1.']],
    ['if rate > 0.:\n    pass\n', ['0.']],
    ['x = 1.e-3 + 2.E5 + 3.j + 1_000.\n', ['1.e-3', '2.E5', '3.j', '1_000.']],
    ['y = t[1.:2.]\n', ['1.', '2.']],
    ['z = 1..real\n', ['1.']],
    ['w = f"{1.}"\n', ['1.']],
  ];
  for (const [src, expected] of cases) {
    assert.deepEqual(numbers(src), expected, src);
    assert.equal(firstError(parser.parse(src)), null, src);
    // The grammar on its own gets these wrong (that is what the fix is for).
    const base = basePythonParser.parse(src);
    let baseNumbers = 0;
    base.iterate({ enter: (n) => void (n.name === 'Number' && baseNumbers++) });
    assert.ok(firstError(base) !== null || baseNumbers !== expected.length, `base parser already reads ${src}`);
  }
});

test('a bare yield (no value) is not a syntax error; a yield missing its operand elsewhere still is', () => {
  for (const src of ['def f():\n    yield\n', 'def f():\n    with a():\n        yield\n    return\n', 'def f():\n    x = yield\n    print(x)\n']) {
    assert.equal(firstError(parser.parse(src)), null, src);
    assert.deepEqual(parseChunk(src, 0).errors, [], src);
  }
  assert.ok(parseChunk('def f():\n    yield from\n', 0).errors.length > 0);
  assert.ok(parseChunk('x = (1 +)\n', 0).errors.length > 0);
  // the statement after a bare yield is read
  const withTorch = 'import torch.nn as nn\n\ndef f():\n    yield\n    return nn.Linear(4, 4)\n\nclass M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n';
  assert.deepEqual(analyze(withTorch, 'python').errors, []);
});

test('everything else is read as before', () => {
  for (const src of ['a = 1.5 + .5 + 0x1F + 0o7 + 0b1 + 10\n', 'b = x.real\n', 'c = obj.attr1.attr2\n', 'd = 1 if x else 2\n', 'e = [1, 2.5]\n']) {
    const a: string[] = [];
    const b: string[] = [];
    parser.parse(src).iterate({ enter: (n) => void a.push(`${n.name}@${n.from}-${n.to}`) });
    basePythonParser.parse(src).iterate({ enter: (n) => void b.push(`${n.name}@${n.from}-${n.to}`) });
    assert.deepEqual(a, b, src);
  }
});

test('init code written with trailing-dot floats is understood', () => {
  const src = [
    'import math',
    'import torch.nn as nn',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(3, 16, 3)',
    '        self.bn = nn.BatchNorm2d(16)',
    '        for m in self.modules():',
    '            if isinstance(m, nn.Conv2d):',
    '                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels',
    '                m.weight.data.normal_(0, math.sqrt(2. / n))',
    '            elif isinstance(m, nn.BatchNorm2d):',
    '                m.weight.data.fill_(1.)',
    '',
    '    def forward(self, x):',
    '        return nn.functional.relu(self.bn(self.conv(x)))',
    '',
  ].join('\n');
  const r = analyze(src, 'python');
  assert.deepEqual(r.errors, []);
  const conv = r.layers.find((l) => l.layer === 'Conv2d');
  assert.ok(conv);
  assert.equal(conv.init.explicit, true, JSON.stringify(conv.init));
});

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (f.endsWith('.py') || f.endsWith('.ipynb')) out.push(p);
  }
  return out.sort();
}

/** The Python text of a file: itself, or a notebook's code cells with magics blanked. */
function pythonText(path: string): string | null {
  const text = readFileSync(path, 'utf8');
  if (!path.endsWith('.ipynb')) return text;
  const nb = parseNotebook(text);
  if (!nb.notebook || nb.notebook.language !== 'python') return null;
  return nb.notebook.text;
}

test('no syntax error on any corpus file that CPython accepts', () => {
  const files = ['test/corpus', 'test/wild', 'examples'].flatMap((d) => sources(join(ROOT, d)));
  const texts = files.map((f) => ({ file: relative(ROOT, f), text: pythonText(f) })).filter((x) => x.text !== null) as Array<{ file: string; text: string }>;
  assert.ok(texts.length > 60, `only ${texts.length} Python files found`);
  const script = [
    'import ast, json, sys, warnings',
    'warnings.simplefilter("ignore")',
    'out = []',
    'for t in json.load(sys.stdin):',
    '    try:',
    '        ast.parse(t)',
    '        out.append(True)',
    '    except SyntaxError:',
    '        out.append(False)',
    'print(json.dumps(out))',
  ].join('\n');
  const py = spawnSync('python3', ['-c', script], { input: JSON.stringify(texts.map((t) => t.text)), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(py.status, 0, `python3 is needed for this check: ${py.error?.message ?? py.stderr}`);
  const accepted = JSON.parse(py.stdout) as boolean[];
  const wrong: string[] = [];
  let checked = 0;
  texts.forEach(({ file, text }, i) => {
    if (!accepted[i]) return;
    checked++;
    const at = firstError(parser.parse(text));
    if (at !== null) {
      const line = text.slice(0, at).split('\n').length;
      wrong.push(`${file}:${line}: ${text.split('\n')[line - 1]?.trim()}`);
    }
  });
  assert.ok(checked > 60, `CPython accepted only ${checked} files`);
  assert.deepEqual(wrong, [], `syntax errors on files CPython accepts:\n${wrong.join('\n')}`);
});
