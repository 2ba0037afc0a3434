/**
 * Workspace-aware analysis in a real VS Code (code-server + Chromium): model.py
 * takes its Dense widths from config.py; its diagnostics show the sizes read
 * from config.py, and editing config.py (unsaved) updates model.py's
 * diagnostics. Then train.py applies an init to a model of models.py: the
 * finding in models.py says where, and removing the apply call in train.py
 * brings the default-init finding back in models.py.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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
  await problem('(init applied in gan/train.py:8').waitFor({ timeout: 60_000 });
  const row = (await problem('(init applied in gan/train.py:8').textContent()) ?? '';
  assert.match(row, /IL003/);

  await quickOpen(page, 'train.py', 'generator.apply');
  await replaceLine('generator.apply(weights_init_normal)', 'pass');
  // Generator's layers are back to PyTorch's default init: IL001 with the sizes train.py builds
  await problem('(init applied in gan/train.py:8').waitFor({ state: 'detached', timeout: 60_000 });
  await problem('fan_in=64, fan_out=512').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'workspace-gan.png') });
});
