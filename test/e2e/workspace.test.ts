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
import { ARTIFACTS, ensureSetup, openWorkbench, packageVsix, quickOpen, startSession, stopSession, type Session } from './harness.js';

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
  await problem('fan_in=32, fan_out=256').waitFor({ timeout: 90_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-config.png') });

  await quickOpen(page, 'config.py', 'WIDTHS');
  await replaceLine('WIDTHS = [256, 128]', 'WIDTHS = [64, 128]');
  // model.py (not the active editor) follows the unsaved text of config.py
  await problem('fan_in=32, fan_out=64').waitFor({ timeout: 60_000 });
  await problem('fan_in=32, fan_out=256').waitFor({ state: 'detached', timeout: 30_000 });
  const row = (await problem('fan_in=32, fan_out=64').textContent()) ?? '';
  assert.match(row, /IL001/);
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-config-edited.png') });
});

test('the init train.py applies to a model of models.py is named in its finding; removing the call in train.py updates models.py', async () => {
  await quickOpen(page, 'models.py', 'class Generator');
  await problem('(init applied in gan/train.py:8;').waitFor({ timeout: 60_000 });
  const row = (await problem('(init applied in gan/train.py:8;').textContent()) ?? '';
  assert.match(row, /IL003/);

  await quickOpen(page, 'train.py', 'generator.apply');
  await replaceLine('generator.apply(weights_init_normal)', 'pass');
  // Generator's layers are back to PyTorch's default init: IL001 with the sizes train.py builds
  await problem('(init applied in gan/train.py:8;').waitFor({ state: 'detached', timeout: 60_000 });
  await problem('fan_in=64, fan_out=512').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-gan.png') });
});

test('a block built in another file through a module alias: its finding names the construction, and editing it there updates the block', async () => {
  await quickOpen(page, 'blocks.py', 'class Block');
  const was = 'init applied in aliases/app.py:18; fans from nb.Block(128) at aliases/app.py:10';
  await problem(was).waitFor({ timeout: 60_000 });
  assert.match((await problem(was).textContent()) ?? '', /IL003/);

  await quickOpen(page, 'app.py', 'nb.Block');
  await replaceLine('self.body = nb.Block(128)', 'self.body = nb.Block(32)');
  await problem('fans from nb.Block(32) at aliases/app.py:10').waitFor({ timeout: 60_000 });
  await problem(was).waitFor({ state: 'detached', timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-aliases.png') });
});

/** Rewrite a workspace file on disk (not open in the editor: the file watcher sees it). */
function writeOnDisk(rel: string, text: string): void {
  writeFileSync(join(session!.workspace, rel), text);
}

test('a circular import: b.py reads WIDTH from a.py, which imports b.py; changing WIDTH on disk updates b.py', async () => {
  await quickOpen(page, 'b.py', 'class Inner');
  await problem('(fan_in=64, fan_out=64), but SELU').waitFor({ timeout: 60_000 });
  writeOnDisk('circular/a.py', read('circular/a.py').replace('WIDTH = 64', 'WIDTH = 32'));
  await problem('(fan_in=32, fan_out=32), but SELU').waitFor({ timeout: 60_000 });
  await problem('(fan_in=64, fan_out=64), but SELU').waitFor({ state: 'detached', timeout: 30_000 });
});

test('a ResNet-style file stacking blocks of blocks.py: IL004 counts their layers; a block changed on disk changes the depth', async () => {
  await quickOpen(page, 'resnet.py', 'class DeepTanh');
  await problem('12 weight layers in a plain stack').waitFor({ timeout: 60_000 });
  // TanhBlock's fc4 is no weight layer any more
  const blocks = read('resnet/blocks.py');
  const at = blocks.indexOf('self.fc4 = nn.Linear(dim, dim)');
  writeOnDisk('resnet/blocks.py', blocks.slice(0, at) + 'self.fc4 = nn.Identity()' + blocks.slice(at + 'self.fc4 = nn.Linear(dim, dim)'.length));
  await problem('11 weight layers in a plain stack').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-resnet.png') });
});

test('TF.js: the layers helper takes its initializer from config.ts; changing it on disk clears the finding', async () => {
  await quickOpen(page, 'layers.ts', 'hiddenLayer');
  await problem('ReLU after glorotUniform').waitFor({ timeout: 60_000 });
  writeOnDisk('tfjs/src/config.ts', read('tfjs/src/config.ts').replace("'glorotUniform'", "'heUniform'"));
  await problem('ReLU after glorotUniform').waitFor({ state: 'detached', timeout: 60_000 });
});
