/**
 * Workspace-aware analysis in a real VS Code (code-server + Chromium): model.py
 * takes its Dense widths from config.py; its diagnostics show the sizes read
 * from config.py, and editing config.py (unsaved) updates model.py's
 * diagnostics. Then train.py applies an init to a model of models.py: the
 * finding in models.py says where, and removing the apply call in train.py
 * brings the default-init finding back in models.py. Then a module reached as an attribute
 * (`import nets.blocks as nb; nb.Block(128)`, `models.weights_init_normal`): blocks.py names
 * the construction in app.py that gives its fans, and editing it there updates blocks.py.
 * Then dependencies changed on disk (the file watcher): a circular import's constant, the blocks
 * a ResNet stacks (IL004's depth), a TF.js config module's initializer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, ensureSetup, openWorkbench, packageVsix, quickOpen, runCommand, startSession, stopSession, type Session } from './harness.js';

const FIXTURES = join(import.meta.dirname, '..', 'workspace', 'fixtures');
const read = (p: string) => readFileSync(join(FIXTURES, p), 'utf8');

let session: Session | null = null;
let page: Page;

before(async () => {
  ensureSetup();
  const vsix = packageVsix();
  session = await startSession(vsix, {
    'config.py': read('config/config.py'),
    'model.py': read('config/model.py'),
    'gan/models.py': read('gan/models.py'),
    'gan/train.py': read('gan/train.py'),
    'aliases/models.py': read('aliases/models.py'),
    'aliases/app.py': read('aliases/app.py'),
    'aliases/nets/__init__.py': '',
    'aliases/nets/blocks.py': read('aliases/nets/blocks.py'),
    'circular/a.py': read('circular/a.py'),
    'circular/b.py': read('circular/b.py'),
    'resnet/blocks.py': read('resnet/blocks.py'),
    'resnet/resnet.py': read('resnet/resnet.py'),
    'tfjs/src/config.ts': read('tfjs/src/config.ts'),
    'tfjs/src/layers.ts': read('tfjs/src/layers.ts'),
    'tfjs/src/model.ts': read('tfjs/src/model.ts'),
    'package/src/app.py': read('package/src/app.py'),
    'package/src/mlkit/__init__.py': read('package/src/mlkit/__init__.py'),
    'package/src/mlkit/defaults.py': read('package/src/mlkit/defaults.py'),
    'package/src/mlkit/heads.py': read('package/src/mlkit/heads.py'),
    'package/src/mlkit/nn/__init__.py': read('package/src/mlkit/nn/__init__.py'),
    'package/src/mlkit/nn/blocks.py': read('package/src/mlkit/nn/blocks.py'),
    'package/src/mlkit/nn/init.py': read('package/src/mlkit/nn/init.py'),
    'notebook/model.py': read('notebook/model.py'),
    'notebook/train.ipynb': read('notebook/train.ipynb'),
  }, {
    // every opened file stays open (a preview tab would close the dependent file when the next opens)
    'workbench.editor.enablePreview': false,
    'workbench.editor.enablePreviewFromQuickOpen': false,
  });
  page = await openWorkbench(session);
});

after(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'workspace-final.png') }).catch(() => undefined);
  await stopSession(session);
});

/** Quick Open by path (`aliases/nets/blocks.py`): the focused row must be in `folder` (several files share a name). */
async function openPath(path: string, folder: string, textInFile: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(path);
  // the file's name and its folder: before the filter applies, the list shows recently opened files
  const name = path.slice(path.lastIndexOf('/') + 1);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).filter({ hasText: folder }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator('.editor-instance .monaco-editor').first().locator('.view-lines', { hasText: textInFile }).waitFor({ timeout: 30_000 });
}

/**
 * Wait for a Problems row holding `text` (or for none): the view's filter is set to `text` first,
 * since the list only renders the rows in view (with related places, two dozen problems overflow it).
 */
async function waitProblem(text: string, options: { state?: 'detached'; timeout: number }): Promise<void> {
  const filter = page.locator('input[placeholder^="Filter (e.g. text"]').first();
  await filter.fill(text);
  // attached, not visible: a filtered row can be rendered outside the panel's scrolled area
  await problem(text).waitFor({ state: options.state ?? 'attached', timeout: options.timeout });
}

/** A row of the Problems view holding `text`. */
function problem(text: string) {
  return page.locator('.markers-panel .monaco-list-row', { hasText: text }).first();
}

/** Replace the whole line holding `lineText` in the active editor (unsaved). */
async function replaceLine(lineText: string, replacement: string): Promise<void> {
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-line', { hasText: lineText }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type(replacement);
}

test('model.py is analysed with the widths of config.py, and editing config.py updates its diagnostics', async () => {
  await quickOpen(page, 'model.py', 'WIDTHS[0]');
  await page.keyboard.press('Control+Shift+M');
  await waitProblem('fan_in=32, fan_out=256', { timeout: 90_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-config.png') });

  await quickOpen(page, 'config.py', 'WIDTHS');
  await replaceLine('WIDTHS = [256, 128]', 'WIDTHS = [64, 128]');
  // model.py (not the active editor) follows the unsaved text of config.py
  await waitProblem('fan_in=32, fan_out=64', { timeout: 60_000 });
  await waitProblem('fan_in=32, fan_out=256', { state: 'detached', timeout: 30_000 });
  const row = (await problem('fan_in=32, fan_out=64').textContent()) ?? '';
  assert.match(row, /IL001/);
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-config-edited.png') });
});

test('the init train.py applies to a model of models.py is named in its finding; removing the call in train.py updates models.py', async () => {
  await openPath('gan/models.py', 'gan', 'class Generator');
  await waitProblem('(init applied in gan/train.py:8;', { timeout: 60_000 });
  const row = (await problem('(init applied in gan/train.py:8;').textContent()) ?? '';
  assert.match(row, /IL003/);
  // fix all analyses with the workspace: only the Discriminator's ReLU layer gets an init here
  // (the Generator's comes from train.py's apply); alone, the Generator's two layers would get one too
  await runCommand(page, 'InitLens: Fix all problems in this file');
  await waitProblem('(fan_in=784, fan_out=256)', { state: 'detached', timeout: 30_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+S');
  const onDisk = join(session!.workspace, 'gan/models.py');
  for (let i = 0; i < 100 && !readFileSync(onDisk, 'utf8').includes('kaiming_normal_'); i++) await page.waitForTimeout(100);
  const fixed = readFileSync(onDisk, 'utf8');
  assert.equal(fixed.match(/kaiming_normal_/g)?.length, 1, fixed);
  assert.match(fixed, /kaiming_normal_\(self\.fc1\.weight, nonlinearity="relu"\)/);

  await openPath('gan/train.py', 'gan', 'generator.apply');
  await replaceLine('generator.apply(weights_init_normal)', 'pass');
  // Generator's layers are back to PyTorch's default init: IL001 with the sizes train.py builds
  await waitProblem('(init applied in gan/train.py:8;', { state: 'detached', timeout: 60_000 });
  await waitProblem('fan_in=64, fan_out=512', { timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-gan.png') });
});

test('a block built in another file through a module alias: its finding names the construction, and editing it there updates the block', async () => {
  await openPath('aliases/nets/blocks.py', 'aliases/nets', 'class Block');
  const was = 'init applied in aliases/app.py:18; fans from nb.Block(128) at aliases/app.py:10';
  await waitProblem(was, { timeout: 60_000 });
  assert.match((await problem(was).textContent()) ?? '', /IL003/);

  await openPath('aliases/app.py', 'aliases', 'nb.Block');
  await replaceLine('self.body = nb.Block(128)', 'self.body = nb.Block(32)');
  await waitProblem('fans from nb.Block(32) at aliases/app.py:10', { timeout: 60_000 });
  await waitProblem(was, { state: 'detached', timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-aliases.png') });
});

/** Rewrite a workspace file on disk (not open in the editor: the file watcher sees it). */
function writeOnDisk(rel: string, text: string): void {
  writeFileSync(join(session!.workspace, rel), text);
}

test('a circular import: b.py reads WIDTH from a.py, which imports b.py; changing WIDTH on disk updates b.py', async () => {
  await quickOpen(page, 'b.py', 'class Inner');
  await waitProblem('(fan_in=64, fan_out=64), but SELU', { timeout: 60_000 });
  writeOnDisk('circular/a.py', read('circular/a.py').replace('WIDTH = 64', 'WIDTH = 32'));
  await waitProblem('(fan_in=32, fan_out=32), but SELU', { timeout: 60_000 });
  await waitProblem('(fan_in=64, fan_out=64), but SELU', { state: 'detached', timeout: 30_000 });
});

test('a ResNet-style file stacking blocks of blocks.py: IL004 counts their layers; a block changed on disk changes the depth', async () => {
  await quickOpen(page, 'resnet.py', 'class DeepTanh');
  await waitProblem('12 weight layers in a plain stack', { timeout: 60_000 });
  // TanhBlock's fc4 is no weight layer any more
  const blocks = read('resnet/blocks.py');
  const at = blocks.indexOf('self.fc4 = nn.Linear(dim, dim)');
  writeOnDisk('resnet/blocks.py', blocks.slice(0, at) + 'self.fc4 = nn.Identity()' + blocks.slice(at + 'self.fc4 = nn.Linear(dim, dim)'.length));
  await waitProblem('11 weight layers in a plain stack', { timeout: 60_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-resnet.png') });
});

test('TF.js: the layers helper takes its initializer from config.ts; changing it on disk clears the finding', async () => {
  await quickOpen(page, 'layers.ts', 'hiddenLayer');
  await waitProblem('ReLU after glorotUniform', { timeout: 60_000 });
  writeOnDisk('tfjs/src/config.ts', read('tfjs/src/config.ts').replace("'glorotUniform'", "'heUniform'"));
  await waitProblem('ReLU after glorotUniform', { state: 'detached', timeout: 60_000 });
});

test('a package (src layout, __init__.py re-exports, relative imports): the init app.py applies through mlkit counts in nn/blocks.py; removed on disk, the finding names the construction', async () => {
  await openPath('package/src/mlkit/nn/blocks.py', 'package/src/mlkit/nn', 'class MLPBlock');
  const finding = '(fans from MLPBlock(dim=512) at package/src/app.py:9)';
  // he_normal from init_weights(net) in app.py (defined in nn/init.py, re-exported by mlkit): no finding
  await waitProblem('MLPBlock', { state: 'detached', timeout: 30_000 });
  writeOnDisk('package/src/app.py', read('package/src/app.py').replace('init_weights(net)\n', ''));
  await waitProblem(finding, { timeout: 60_000 });
  assert.match((await problem(finding).textContent()) ?? '', /fan_in=512, fan_out=1024/);
});

test('a notebook importing from the workspace: model.py names the notebook cell that gives its fans; the cell changed on disk updates model.py', async () => {
  await openPath('notebook/model.py', 'notebook', 'class Net');
  await waitProblem('fans from Net(width=256) at notebook/train.ipynb cell 3, line 1)', { timeout: 60_000 });
  writeOnDisk('notebook/train.ipynb', read('notebook/train.ipynb').replace('Net(width=256)', 'Net(width=128)'));
  await waitProblem('fans from Net(width=128) at notebook/train.ipynb cell 3, line 1)', { timeout: 60_000 });
});
