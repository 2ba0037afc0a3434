/**
 * The workspace index on its own: summaries, resolution, incremental updates,
 * which files a change affects, and its bounds (skipped folders, size limit,
 * memory for 1,000 files).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { WorkspaceIndex, affectedBy, analyzeInWorkspace, linkSignature, summarizeFile, type Language } from '../../src/core/index.js';
import { link } from '../../src/core/workspace/link.js';
import { loadProject } from './helpers.js';

test('top-level definitions and imports of a Python module, read from the statement model', () => {
  const index = new WorkspaceIndex();
  index.update(
    'm.py',
    [
      'import torch.nn as nn',
      'from .blocks import Block as B, Other',
      'try:',
      '    from fast import kernel',
      'except ImportError:',
      '    kernel = None',
      'WIDTH = 64',
      's = "class Fake: pass"  # def fake(): a string, not a definition',
      '@decorator',
      'class Net(nn.Module):',
      '    def inner(self):',
      '        pass',
      'def helper(x):',
      '    return x',
      '',
    ].join('\n'),
  );
  const py = index.get('m.py')!.py!;
  const kinds = Object.fromEntries([...py.defs].map(([name, i]) => [name, py.chunks[i].kind]));
  assert.deepEqual(kinds, { nn: 'import', B: 'import', Other: 'import', kernel: 'other', WIDTH: 'const', s: 'const', Net: 'class', helper: 'def' });
  assert.deepEqual(
    py.imports.map((i) => [i.module, i.level, i.name, i.local]),
    [
      ['torch.nn', 0, null, 'nn'],
      ['blocks', 1, 'Block', 'B'],
      ['blocks', 1, 'Other', 'Other'],
      ['fast', 0, 'kernel', 'kernel'],
    ],
  );
});

test('TS/JS exports and imports: named, default, namespace, re-exports and export *', () => {
  const index = new WorkspaceIndex();
  index.update('src/a.ts', "export function f() { return 1; }\nexport const A = 1, B = 2;\nconst hidden = 3;\nexport { hidden as visible };\nexport default class K {}\n");
  index.update('src/b.ts', "export * from './a';\nexport { f as g } from './a.js';\n");
  index.update('src/c.js', "import K, { g, visible as v } from './b';\nimport * as ns from './a';\nimport * as tf from '@tensorflow/tfjs';\n");
  const def = (from: string, local: string) => {
    const r = index.resolveLocal(from, local);
    return r && 'definition' in r ? `${r.definition.file}#${r.definition.name}:${r.definition.kind}` : r && 'module' in r ? `module ${r.module}` : null;
  };
  assert.equal(def('src/c.js', 'g'), 'src/a.ts#f:function');
  assert.equal(def('src/c.js', 'v'), 'src/a.ts#hidden:const');
  assert.equal(def('src/c.js', 'ns'), 'module src/a.ts');
  assert.equal(def('src/c.js', 'tf'), null);
  // `export *` does not re-export the default
  assert.equal(def('src/c.js', 'K'), null);
  assert.deepEqual([...index.importsOf('src/c.js')].sort(), ['src/a.ts', 'src/b.ts']);
  assert.deepEqual([...index.importersOf('src/a.ts')].sort(), ['src/b.ts', 'src/c.js']);
});

test('absolute imports resolve from the file folder, the workspace root and each package root; relative imports climb packages', () => {
  const index = new WorkspaceIndex();
  for (const p of ['src/pkg/__init__.py', 'src/pkg/sub/__init__.py', 'src/pkg/sub/mod.py', 'src/pkg/util.py', 'scripts/run.py', 'scripts/helper.py', 'top.py']) index.update(p, 'X = 1\n');
  assert.deepEqual(index.packageRoots(), ['', 'src']);
  assert.equal(index.resolvePyModule('scripts/run.py', 'helper', 0), 'scripts/helper.py');
  assert.equal(index.resolvePyModule('scripts/run.py', 'top', 0), 'top.py');
  assert.equal(index.resolvePyModule('scripts/run.py', 'pkg.sub.mod', 0), 'src/pkg/sub/mod.py');
  assert.equal(index.resolvePyModule('src/pkg/sub/mod.py', 'util', 2), 'src/pkg/util.py');
  assert.equal(index.resolvePyModule('src/pkg/sub/mod.py', '', 1), 'src/pkg/sub/__init__.py');
  assert.equal(index.resolvePyModule('src/pkg/sub/mod.py', 'x', 9), null);
  assert.equal(index.resolvePyModule('scripts/run.py', 'torch', 0), null);
});

test('a framework import means the framework, also in a checkout of the framework itself', () => {
  const index = new WorkspaceIndex();
  const linen = 'class Dense(Module):\n  features: int\n';
  index.update('flax/__init__.py', '');
  index.update('flax/linen/__init__.py', 'from flax.linen.linear import Dense\n');
  index.update('flax/linen/linear.py', linen);
  const nb = 'import flax.linen as nn\n\nclass MLP(nn.Module):\n  @nn.compact\n  def __call__(self, x):\n    x = nn.relu(nn.Dense(64)(x))\n    return nn.Dense(10)(x)\n';
  index.update('docs/intro.py', nb);
  assert.equal(index.resolvePyModule('docs/intro.py', 'flax.linen', 0), null);
  assert.equal(index.resolvePyModule('docs/intro.py', 'torch.nn', 0), null);
  const r = analyzeInWorkspace(index, 'docs/intro.py', nb, 'python');
  assert.deepEqual(r.layers.map((l) => `${l.layer} ${l.activation.name}`), ['Dense relu', 'Dense linear']);
});

test('skipped folders and files over the size limit are not indexed', () => {
  const index = new WorkspaceIndex(1000);
  index.update('node_modules/lib/index.js', 'export const a = 1;');
  index.update('.venv/lib/site.py', 'A = 1');
  index.update('build/lib/m.py', 'A = 1');
  index.update('big.py', 'A = 1\n'.repeat(500));
  index.update('notes.txt', 'A = 1');
  index.update('ok.py', 'A = 1');
  assert.deepEqual(index.paths(), ['ok.py']);
  assert.equal(index.accepts('src/m.py', 10), true);
  assert.equal(index.accepts('src/node_modules/m.py', 10), false);
  // a file that grows over the limit leaves the index
  index.update('ok.py', 'A = 1\n'.repeat(500));
  assert.deepEqual(index.paths(), []);
});

function tracked(index: WorkspaceIndex, paths: string[]) {
  const m = new Map<string, { text: string; language: Language; signature: string; files: string[] }>();
  for (const p of paths) {
    const text = index.get(p)!.text;
    const l = link(index, p, text, 'python');
    m.set(p, { text, language: 'python', signature: l.signature, files: l.files });
  }
  return m;
}

test('an edit inside a function body no other file uses touches no other file; editing what another file reads does', () => {
  const index = loadProject('gan');
  const models = index.get('models.py')!.text;
  const before = tracked(index, ['train.py']);
  const oldUses = index.get('models.py')!.py!.chunks.find((c) => c.defines.includes('Generator'))!.uses;

  // count_parameters is imported by nobody
  const edited = models.replace('total += p.numel()', 'total += p.numel() * 1');
  const r1 = index.update('models.py', edited);
  assert.deepEqual(r1, { changed: true, changedNames: ['count_parameters'], importsChanged: false });
  assert.deepEqual(affectedBy(index, 'models.py', before), []);
  // unchanged statements keep their summary (no re-lex, no re-parse)
  assert.equal(index.get('models.py')!.py!.chunks.find((c) => c.defines.includes('Generator'))!.uses, oldUses);

  // weights_init_normal is applied by train.py: train.py's analysis changes
  const r2 = index.update('models.py', edited.replace('0.0, 0.02)', '0.0, 0.05)'));
  assert.deepEqual(r2.changedNames, ['weights_init_normal']);
  assert.deepEqual(affectedBy(index, 'models.py', before), ['train.py']);

  // the reverse direction: train.py's statements decide models.py's result
  const trackedModels = tracked(index, ['models.py']);
  index.update('train.py', index.get('train.py')!.text + 'EPOCHS = 200\n');
  assert.deepEqual(affectedBy(index, 'train.py', trackedModels), [], 'a statement that does not use the models');
  index.update('train.py', index.get('train.py')!.text.replace('hidden=512', 'hidden=128'));
  assert.deepEqual(affectedBy(index, 'train.py', trackedModels), ['models.py']);
  const fc1 = analyzeInWorkspace(index, 'models.py', index.get('models.py')!.text, 'python').layers.find((l) => l.name === 'fc1')!;
  assert.equal(fc1.fanOut, 128);

  // an import removed: models.py no longer reads train.py, and is told so
  const t2 = tracked(index, ['models.py']);
  index.update('train.py', 'import torch\n');
  assert.deepEqual(affectedBy(index, 'train.py', t2), ['models.py']);
  assert.equal(linkSignature(index, 'models.py', index.get('models.py')!.text, 'python'), '');
});

test('the unsaved text of the analysed file wins over the indexed one', () => {
  const index = loadProject('config');
  const text = index.get('model.py')!.text.replace('from config import INPUT_DIM, WIDTHS', 'INPUT_DIM, WIDTHS = 8, [16, 4]');
  const r = analyzeInWorkspace(index, 'model.py', text, 'python');
  assert.deepEqual(r.layers.map((l) => [l.fanIn, l.fanOut]), [[8, 16], [16, 4], [4, 1]]);
  assert.deepEqual(r.linkedFiles ?? [], []);
});

test('an index of 1,000 files stays under 100 MB', () => {
  const corpus = join(import.meta.dirname, '..', 'corpus', 'pytorch');
  const texts = readdirSync(corpus).filter((f) => f.endsWith('.py')).map((f) => readFileSync(join(corpus, f), 'utf8'));
  assert.ok(texts.length > 5);
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const index = new WorkspaceIndex();
  let chars = 0;
  for (let i = 0; i < 1000; i++) {
    // distinct texts (no sharing between files): a package per 50 files, each file importing its neighbour
    const t = `from .m${(i + 1) % 50} import *\nUNITS_${i} = ${i}\n` + texts[i % texts.length].split('nn.Linear(').join(`nn.Linear(${i} + `);
    chars += t.length;
    index.update(`pkg${Math.floor(i / 50)}/m${i % 50}.py`, t);
  }
  gc();
  const used = process.memoryUsage().heapUsed - before;
  assert.equal(index.size, 1000);
  assert.ok(chars > 1_000_000, `the files hold ${chars} characters`);
  console.log(`# index of 1,000 files (${chars} characters): ${(used / 1048576).toFixed(1)} MB`);
  assert.ok(used < 100 * 1024 * 1024, `index of 1,000 files: ${(used / 1048576).toFixed(1)} MB`);
  assert.ok(index.approximateBytes() < 100 * 1024 * 1024);
  // and it answers: every star import is followed, the cycle through 50 files ends
  assert.equal(index.pyName('pkg0/m0.py', 'UNITS_49') !== null, true);
  assert.equal(index.pyName('pkg0/m0.py', 'NOWHERE'), null);
});

for (const [project, file, other, from, to] of [
  ['gan', 'models.py', 'train.py', 'hidden=512', 'hidden=256'],
  // module attributes read under a masked name (`models.weights_init_normal`), a module alias (`nb.Block`)
  ['aliases', 'app.py', 'models.py', '0.02', '0.05'],
] as const) {
  test(`the editor path (WorkspaceAnalyzer, incremental) gives the same result as a fresh workspace analysis after every edit (${project}/${file})`, async () => {
    const { WorkspaceAnalyzer } = await import('../../src/core/index.js');
    const index = loadProject(project);
    let text = index.get(file)!.text;
    const wa = new WorkspaceAnalyzer('python');
    wa.update(index, file, text);
    // deterministic edits: typing inside bodies, a new statement, a deletion, and an edit of another file in between
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const inserts = ['x', ' ', '\n', '0', '(', ')', 'relu', '\n    pass\n', '#', 'models.', 'nb.Block(4)'];
    for (let step = 0; step < 40; step++) {
      if (step === 20) index.update(other, index.get(other)!.text.replace(from, to));
      const at = rnd(text.length + 1);
      let change: { from: number; to: number; insert: string };
      if (rnd(3) === 0 && at < text.length) change = { from: at, to: Math.min(text.length, at + 1 + rnd(4)), insert: '' };
      else change = { from: at, to: at, insert: inserts[rnd(inserts.length)]! };
      text = text.slice(0, change.from) + change.insert + text.slice(change.to);
      index.update(file, text);
      const got = wa.update(index, file, text, [change]);
      const want = analyzeInWorkspace(index, file, text, 'python');
      assert.deepEqual(got, want, `after edit ${step} ${JSON.stringify(change)}`);
    }
  });
}

test('broken and adversarial projects: no throw, every span in the analysed file, self and star cycles end', () => {
  const corpus = join(import.meta.dirname, '..', 'corpus', 'pytorch');
  const texts = readdirSync(corpus).filter((f) => f.endsWith('.py')).slice(0, 12).map((f) => readFileSync(join(corpus, f), 'utf8'));
  const index = new WorkspaceIndex();
  let seed = 11;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const files: string[] = [];
  texts.forEach((t, i) => {
    // truncated mid-statement, importing a neighbour, itself and a star cycle
    const cut = t.slice(0, Math.max(1, rnd(t.length)));
    const p = `pkg/m${i}.py`;
    index.update(p, `from .m${(i + 1) % texts.length} import *\nfrom . import m${i}\nfrom pkg.m${i} import *\n` + cut + '\n' + t);
    files.push(p);
  });
  index.update('pkg/__init__.py', 'from .m0 import *\nfrom . import *\nfrom pkg import *\n');
  index.update('pkg/bad.ts', "export * from './bad';\nexport { x as y } from './bad.js';\nimport { y } from './bad';\nconst t = tf.layers.dense({units: y});\n");
  files.push('pkg/__init__.py', 'pkg/bad.ts');
  for (const p of files) {
    const text = index.get(p)!.text;
    const r = analyzeInWorkspace(index, p, text, p.endsWith('.ts') ? 'typescript' : 'python');
    const inside = (s: { from: number; to: number }) => s.from >= 0 && s.to <= text.length && s.from <= s.to;
    for (const l of r.layers) {
      assert.ok(inside(l.span), `${p}: layer span`);
      if (l.init.span) assert.ok(inside(l.init.span));
      if (l.activation.span) assert.ok(inside(l.activation.span));
    }
    for (const f of r.findings) {
      assert.ok(inside(f.span), `${p}: finding span`);
      for (const fx of f.fixes) for (const e of fx.edits) assert.ok(inside(e), `${p}: fix edit`);
    }
    for (const m of r.models) for (const id of [...m.layers, ...(m.stack ?? [])]) assert.ok(id >= 0 && id < r.layers.length);
  }
  assert.equal(index.pyName('pkg/__init__.py', 'NOPE'), null);
});

test('a summary computed apart (summarizeFile, sent through structured clone as to a worker thread) makes the same index', () => {
  for (const project of readdirSync(join(import.meta.dirname, 'fixtures'))) {
    const plain = loadProject(project);
    const apart = new WorkspaceIndex();
    for (const path of plain.paths()) {
      const f = plain.get(path)!;
      apart.update(path, f.text, f.language, f.cells, v8.deserialize(v8.serialize(summarizeFile(f.text, f.language))));
    }
    for (const path of plain.paths()) {
      const a = plain.get(path)!;
      const b = apart.get(path)!;
      assert.deepEqual(b.py ?? null, a.py ?? null, `${project}/${path}: Python summary`);
      assert.deepEqual(b.js ?? null, a.js ?? null, `${project}/${path}: TS/JS summary`);
      assert.deepEqual([...apart.importsOf(path)].sort(), [...plain.importsOf(path)].sort(), `${project}/${path}: imports`);
      if (a.language !== 'notebook') {
        const lang: Language = a.language === 'python' ? 'python' : a.language;
        assert.deepEqual(link(apart, path, a.text, lang), link(plain, path, a.text, lang), `${project}/${path}: link`);
      }
    }
  }
});
