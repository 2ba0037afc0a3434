/**
 * Workspace-aware analysis on multi-file fixture projects (test/workspace/fixtures):
 * each file is analysed with what it imports and with what importing files do
 * with its definitions, and the result is compared with the file analysed alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { both, codes, layerNamed, loadProject } from './helpers.js';
import { WorkspaceIndex, analyzeInWorkspace } from '../../src/core/index.js';

test('GAN split into models.py + train.py: the init train.py applies to Generator counts in models.py, with train.py construction sizes', () => {
  const index = loadProject('gan');
  const { linked, alone } = both(index, 'models.py');
  // alone: PyTorch's default init and the constructor defaults
  const fc1Alone = layerNamed(alone, 'fc1');
  assert.equal(fc1Alone.init.name, 'pytorch_default');
  assert.deepEqual([fc1Alone.fanIn, fc1Alone.fanOut], [100, 256]);
  assert.ok(codes(alone, fc1Alone).includes('IL001'));

  // linked: Generator(latent_dim=64, hidden=512) and generator.apply(weights_init_normal) in train.py
  const fc1 = layerNamed(linked, 'fc1');
  assert.equal(fc1.init.name, 'random_normal');
  assert.equal(fc1.init.std, 0.02);
  assert.deepEqual([fc1.fanIn, fc1.fanOut], [64, 512]);
  assert.deepEqual(fc1.init.siteOrigin, { file: 'train.py', line: 8, span: fc1.init.siteOrigin!.span });
  const text = index.get('train.py')!.text;
  assert.equal(text.slice(fc1.init.siteOrigin!.span.from, fc1.init.siteOrigin!.span.to), 'generator.apply(weights_init_normal)');
  // the init is written here (weights_init_normal's normal_ call), so its span is in models.py
  assert.ok(fc1.init.span && fc1.init.span.to <= index.get('models.py')!.text.length);
  const f = linked.findings.find((x) => x.layer === fc1.id)!;
  assert.equal(f.code, 'IL003');
  // where the init was applied, and which construction gave the fans
  assert.match(f.message, /\(init applied in train\.py:8; fans from Generator\(latent_dim=64, hidden=512\) at train\.py:5\)$/);
  assert.match(f.summary, /\(init applied in train\.py:8; fans from Generator\(latent_dim=64, hidden=512\) at train\.py:5\)$/, "the one-line Problems-panel text says where too");
  assert.deepEqual(f.dependsOn?.map((o) => `${o.file}:${o.line}`), ['train.py:8', 'train.py:5']);
  assert.equal(index.get('train.py')!.text.slice(fc1.sizesFromOrigin!.span.from, fc1.sizesFromOrigin!.span.to), 'Generator(latent_dim=64, hidden=512)');
  // alone, the fans are the constructor's defaults: no construction named
  assert.equal(fc1Alone.sizesFromOrigin, undefined);
  // the Discriminator is not given the init: it keeps the default and its finding
  const dFc1 = layerNamed(linked, 'fc1', 1);
  assert.equal(dFc1.init.name, 'pytorch_default');
  assert.ok(codes(linked, dFc1).includes('IL001'));
  // no layer of another file, no span outside models.py
  assert.equal(linked.layers.length, alone.layers.length);
  for (const fd of linked.findings) for (const fx of fd.fixes) for (const e of fx.edits) assert.ok(e.to <= index.get('models.py')!.text.length);
  assert.deepEqual(linked.linkedFiles, ['train.py']);

  // train.py builds nothing of its own: no layer, no finding
  const train = both(index, 'train.py').linked;
  assert.equal(train.layers.length, 0);
  assert.equal(train.findings.length, 0);
  assert.deepEqual(train.linkedFiles, ['models.py']);
});

test('ResNet whose blocks live in blocks.py: the blocks get the fans of the sites in resnet.py, the stack is one model for IL004', () => {
  const index = loadProject('resnet');
  const blocks = both(index, 'blocks.py');
  const conv1Alone = layerNamed(blocks.alone, 'conv1');
  assert.deepEqual([conv1Alone.fanIn, conv1Alone.fanOut], [null, null]);
  const conv1 = layerNamed(blocks.linked, 'conv1');
  // BasicBlock(64, 64): 64 channels · 3×3
  assert.deepEqual([conv1.fanIn, conv1.fanOut], [576, 576]);
  const tanh4 = blocks.linked.layers.find((l) => l.name === 'fc4' && l.fanIn === 256)!;
  // TanhBlock's last layer feeds WideTanhBlock in DeepTanh: not an output head any more
  assert.equal(layerNamed(blocks.alone, 'fc4').head, true);
  assert.equal(tanh4.head, false);

  // Proj's output is activated in net.py's forward: judged as ReLU there, and the finding says where
  const projAlone = blocks.alone.layers.find((l) => l.name === 'fc')!;
  assert.deepEqual([projAlone.activation.name, codes(blocks.alone, projAlone)], ['linear', []]);
  const proj = blocks.linked.layers.find((l) => l.name === 'fc')!;
  assert.deepEqual([proj.activation.name, proj.fanIn, proj.fanOut], ['relu', 128, 64]);
  assert.deepEqual([proj.activation.origin?.file, proj.activation.origin?.line], ['net.py', 14]);
  const pf = blocks.linked.findings.find((f) => f.layer === proj.id)!;
  assert.equal(pf.code, 'IL001');
  assert.match(pf.message, /\(activation in net\.py:14; fans from Proj\(128, 64\) at net\.py:10\)$/);

  const resnet = both(index, 'resnet.py');
  const deep = resnet.linked.models.find((m) => m.name === 'DeepTanh')!;
  assert.ok(!resnet.alone.findings.some((f) => f.code === 'IL004'), 'alone, DeepTanh has 2 layers');
  const il004 = resnet.linked.findings.filter((f) => f.code === 'IL004');
  assert.equal(il004.length, 1);
  assert.equal(il004[0].model, deep.id);
  assert.match(il004[0].message, /^12 weight layers in a plain stack/);
  // ResNet has BatchNorm and residual blocks: no IL004
  assert.deepEqual(resnet.linked.layers.map((l) => l.name), ['conv1', 'fc', 'inp', 'head']);
});

test('a package with __init__.py re-exports, star imports and relative imports (src layout): sizes, init and constants across files', () => {
  const index = loadProject('package');
  // resolution
  assert.equal(index.resolvePyModule('src/app.py', 'mlkit', 0), 'src/mlkit/__init__.py');
  assert.equal(index.resolvePyModule('src/mlkit/nn/blocks.py', 'defaults', 2), 'src/mlkit/defaults.py');
  assert.deepEqual(index.resolveLocal('src/app.py', 'MLPBlock'), { definition: { file: 'src/mlkit/nn/blocks.py', name: 'MLPBlock', kind: 'class', statement: 2 } });
  assert.deepEqual(index.resolveLocal('src/app.py', 'init_weights'), { definition: { file: 'src/mlkit/nn/init.py', name: 'init_weights', kind: 'def', statement: 1 } });
  assert.deepEqual(index.resolveLocal('src/mlkit/heads.py', 'defaults'), { module: 'src/mlkit/defaults.py' });
  assert.equal((index.pyName('src/mlkit/__init__.py', 'Head') as { definition: { name: string } }).definition.name, 'ClassifierHead');

  const blocks = both(index, 'src/mlkit/nn/blocks.py');
  // alone: dim unknown, hidden from the imported HIDDEN is unknown too
  assert.deepEqual([layerNamed(blocks.alone, 'fc1').fanIn, layerNamed(blocks.alone, 'fc1').fanOut], [null, null]);
  const fc1 = layerNamed(blocks.linked, 'fc1');
  // MLPBlock(dim=512) in app.py, hidden=HIDDEN=1024 from ../defaults.py
  assert.deepEqual([fc1.fanIn, fc1.fanOut], [512, 1024]);
  // init_weights(net) in app.py, defined in nn/init.py, reaches the block inside Net
  assert.equal(fc1.init.name, 'he_normal');
  assert.equal(fc1.init.origin?.file, 'src/mlkit/nn/init.py');
  assert.equal(fc1.init.siteOrigin?.file, 'src/app.py');
  assert.equal(fc1.init.siteOrigin?.line, 17);
  assert.ok(codes(blocks.alone, layerNamed(blocks.alone, 'fc1')).includes('IL001'));
  assert.deepEqual(codes(blocks.linked, fc1), []);
  const head = layerNamed(both(index, 'src/mlkit/heads.py').linked, 'proj');
  assert.deepEqual([head.fanIn, head.fanOut, head.init.name], [512, 10, 'he_normal']);
});

test('a config module with widths: the Dense sizes of model.py come from config.py', () => {
  const index = loadProject('config');
  const { linked, alone } = both(index, 'model.py');
  assert.deepEqual(alone.layers.map((l) => [l.fanIn, l.fanOut]), [[null, null], [null, null], [null, 1]]);
  assert.deepEqual(linked.layers.map((l) => [l.fanIn, l.fanOut]), [[32, 256], [256, 128], [128, 1]]);
  const f = linked.findings.find((x) => x.layer === 0)!;
  assert.equal(f.code, 'IL001');
  assert.match(f.message, /fan_in=32, fan_out=256/);
  assert.deepEqual(linked.linkedFiles, ['config.py']);
});

test('a circular import (a.py ↔ b.py) ends: each file gets what it needs from the other', () => {
  const index = loadProject('circular');
  assert.deepEqual(index.neighbours('a.py'), ['b.py']);
  const b = both(index, 'b.py');
  // WIDTH comes from a.py
  assert.deepEqual([layerNamed(b.alone, 'fc').fanIn, layerNamed(b.linked, 'fc').fanIn], [null, 64]);
  assert.ok(codes(b.linked).includes('IL006'));
  assert.match(b.linked.findings[0].message, /fan_in=64, fan_out=64/);
  const a = both(index, 'a.py');
  assert.deepEqual(a.linked.layers.map((l) => l.name), ['fc']);
  // resolving through the cycle terminates
  assert.equal(index.pyName('a.py', 'Missing'), null);
});

test('a notebook importing from the workspace: the init function from model.py counts in the notebook, the notebook init counts in model.py', () => {
  const index = loadProject('notebook');
  const nb = both(index, 'train.ipynb');
  const hidden = layerNamed(nb.linked, 'hidden');
  assert.equal(layerNamed(nb.alone, 'hidden').init.name, 'pytorch_default');
  assert.equal(hidden.init.name, 'he_normal');
  assert.deepEqual([hidden.init.origin?.file, hidden.init.origin?.line], ['model.py', 16]);
  assert.deepEqual(codes(nb.linked, hidden), []);
  // model.py: Net(width=256) and the xavier loop in the notebook
  const model = both(index, 'model.py');
  const fc1 = layerNamed(model.linked, 'fc1');
  assert.deepEqual([fc1.fanOut, fc1.init.name], [256, 'glorot_uniform']);
  const f = model.linked.findings.find((x) => x.layer === fc1.id)!;
  // a notebook's joined code has no meaningful line: the cell (counted from 1 among all cells, as
  // the editor shows them: the markdown cell is the first) and the line in it
  assert.match(f.message, /\(init applied in train\.ipynb cell 3, line 4; fans from Net\(width=256\) at train\.ipynb cell 3, line 1\)$/);
  assert.deepEqual(f.dependsOn?.map((o) => [o.file, o.line, o.cell, o.cellLine]), [['train.ipynb', 0, 2, 4], ['train.ipynb', 0, 2, 1]]);
  // the init code is in the notebook: a fix written in model.py would be overridden there
  assert.equal(f.fixes.length, 0);
});

test('a TensorFlow.js project with a layers helper module and a config module', () => {
  const index = loadProject('tfjs');
  assert.equal(index.resolveJsModule('src/model.ts', './layers.js'), 'src/layers.ts');
  assert.deepEqual(index.resolveLocal('src/model.ts', 'UNITS'), { definition: { file: 'src/config.ts', name: 'UNITS', kind: 'const', statement: 0 } });
  const model = both(index, 'src/model.ts');
  // units: UNITS (128, from config.ts through the re-export in layers.ts)
  assert.deepEqual([model.alone.layers[0].fanOut, model.linked.layers[0].fanOut], [null, 128]);
  const layers = both(index, 'src/layers.ts');
  const hidden = layers.linked.layers[0];
  // kernelInitializer: KERNEL_INIT from config.ts, units from the call hiddenLayer(UNITS) in model.ts
  assert.deepEqual([layers.alone.layers[0].init.name, hidden.init.name, hidden.fanOut], ['unknown', 'glorot_uniform', 128]);
  assert.ok(codes(layers.linked, hidden).includes('IL001'));
  for (const l of layers.linked.layers) assert.ok(l.span.to <= index.get('src/layers.ts')!.text.length);
});

test('the hover names the file and line where the init was applied', async () => {
  const { hoverMarkdown } = await import('../../src/vscode/logic/variance.js');
  const index = loadProject('gan');
  const { linked } = both(index, 'models.py');
  const md = hoverMarkdown({ layer: layerNamed(linked, 'fc1'), result: linked, distribution: 'normal', activationLine: null, simulateUri: null });
  assert.match(md, /init applied in `train\.py:8`/);
  const alone = both(index, 'models.py').alone;
  assert.doesNotMatch(hoverMarkdown({ layer: layerNamed(alone, 'fc1'), result: alone, distribution: 'normal', activationLine: null, simulateUri: null }), /applied in/);
});

test('aliased imports and module attributes are followed: `from models import Generator as Gen`, `import models; models.weights_init_normal`, `import nets.blocks as nb; nb.Block(128)`', () => {
  const index = loadProject('aliases');
  const trainText = index.get('train.py')!.text;
  // models.py: train.py builds Gen(latent_dim=64, hidden=512) and applies init_fn (weights_init_normal)
  const models = both(index, 'models.py');
  const fc1 = layerNamed(models.linked, 'fc1');
  assert.deepEqual([layerNamed(models.alone, 'fc1').fanIn, layerNamed(models.alone, 'fc1').init.name], [100, 'pytorch_default']);
  assert.deepEqual([fc1.fanIn, fc1.fanOut, fc1.init.name, fc1.init.std], [64, 512, 'random_normal', 0.02]);
  const site = fc1.init.siteOrigin!;
  assert.deepEqual([site.file, site.line, trainText.slice(site.span.from, site.span.to)], ['train.py', 4, 'G.apply(init_fn)']);
  assert.match(models.linked.findings.find((f) => f.layer === fc1.id)!.message, /\(init applied in train\.py:4; fans from Gen\(latent_dim=64, hidden=512\) at train\.py:3\)$/);

  // nets/blocks.py: app.py constructs nb.Block(128) inside Head and applies models.weights_init_normal to it
  const blocks = both(index, 'nets/blocks.py');
  const fc = layerNamed(blocks.linked, 'fc');
  assert.deepEqual([layerNamed(blocks.alone, 'fc').fanIn, layerNamed(blocks.alone, 'fc').init.name], [null, 'pytorch_default']);
  assert.deepEqual([fc.fanIn, fc.fanOut, fc.init.name], [128, 128, 'random_normal']);
  assert.deepEqual([fc.init.siteOrigin?.file, fc.init.siteOrigin?.line], ['app.py', 18]);
  assert.deepEqual(blocks.linked.linkedFiles, ['app.py', 'models.py']);

  // app.py: its own layer gets the init function it reaches as models.weights_init_normal
  const app = both(index, 'app.py');
  const out = layerNamed(app.linked, 'out');
  assert.equal(layerNamed(app.alone, 'out').init.name, 'pytorch_default');
  assert.deepEqual([out.init.name, out.init.std, out.init.origin?.file, out.init.origin?.line], ['random_normal', 0.02, 'models.py', 19]);
  // the analysed text is the file's: every span and fix edit is inside app.py, no message says models_…
  for (const f of app.linked.findings) {
    assert.doesNotMatch(f.message + f.summary, /models_|nb_Block/);
    for (const fx of f.fixes) for (const e of fx.edits) assert.doesNotMatch(e.newText, /models_|nb_Block/);
  }
});

test('an alias in the analysed file is not confused with a name of the same spelling elsewhere', () => {
  const index = new WorkspaceIndex();
  index.update('lib.py', 'import torch.nn as nn\n\nclass Block(nn.Module):\n    def __init__(self, dim):\n        super().__init__()\n        self.fc = nn.Linear(dim, dim)\n');
  // the file defines its own `Block` and imports lib's under another name
  const text = 'import torch.nn as nn\nfrom lib import Block as LibBlock\n\nclass Block(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.own = nn.Linear(8, 8)\n\nb = Block()\nx = LibBlock(32)\n';
  index.update('main.py', text);
  const lib = analyzeInWorkspace(index, 'lib.py', index.get('lib.py')!.text, 'python');
  // lib's Block gets main.py's LibBlock(32), not main's own Block()
  assert.deepEqual([lib.layers[0].fanIn, lib.layers[0].fanOut], [32, 32]);
  const main = analyzeInWorkspace(index, 'main.py', text, 'python');
  assert.deepEqual(main.layers.map((l) => [l.name, l.fanIn]), [['own', 8]]);
});
