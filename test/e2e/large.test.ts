/**
 * A very large model file in a real VS Code (code-server + Chromium): the pathological file of
 * bench/scale.ts (240 KB, 3,000 layers in one class) is analysed on the desktop extension's worker
 * thread (src/vscode/offThread.ts), its findings reach the status bar, typing in the big class
 * updates them, and the hover on one of its layers (the provider awaits the worker's analysis) works.
 * How long the host is blocked is measured in bench/offthread.ts, not here.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, ensureSetup, findFile, openWorkbench, packageVsix, quickOpen, startSession, stopSession, type Session } from './harness.js';
import { pathologicalPython } from '../../bench/scale.js';

const { text: BIG, layers: LAYERS } = pathologicalPython();

let session: Session | null = null;
let page: Page;

before(async () => {
  ensureSetup();
  const vsix = packageVsix();
  session = await startSession(vsix, { 'big.py': BIG });
  page = await openWorkbench(session);
});

after(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'large-final.png') }).catch(() => undefined);
  await stopSession(session);
});

async function logHas(pattern: RegExp, ms = 60_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = findFile(join(session!.userDataDir, 'logs'), 'InitLens.log');
    const text = hit ? readFileSync(hit, 'utf8') : '';
    if (pattern.test(text)) return text;
    if (Date.now() > end) throw new Error(`InitLens.log never matched ${pattern}:\n${text.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('a 240 KB file with 3,000 layers is analysed on the worker thread, and typing in it updates its findings', async () => {
  const editor = await quickOpen(page, 'big.py', 'class Wide');
  await logHas(/big\.py: \d+ characters, analysed on a worker thread/);
  const status = page.locator('.statusbar-item [aria-label^="InitLens: "][aria-label*="problems"], .statusbar-item[aria-label^="InitLens: "][aria-label*="problems"]').first();
  await status.waitFor({ state: 'attached', timeout: 120_000 });
  const before = Number(/InitLens: (\d+) problems/.exec((await status.getAttribute('aria-label')) ?? '')?.[1]);
  assert.ok(before >= LAYERS - 2, `about one finding per layer (${before} of ${LAYERS} layers)`);
  await logHas(new RegExp(`big\\.py \\(python\\): ${LAYERS} layers`));

  // Hover on the first layer: the provider's analysis comes from the worker.
  await editor.locator('.view-line', { hasText: 'self.fc0 = nn.Linear' }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  const hover = page.locator('.monaco-hover', { hasText: 'gain per layer' }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    try {
      await hover.waitFor({ state: 'visible', timeout: 20_000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
  assert.match((await hover.textContent()) ?? '', /fan_in 64 · fan_out 64/);
  await page.keyboard.press('Escape');

  // A layer typed at module level, character by character (half-typed lines on the way): the file's
  // analysis, on the worker, ends with one layer more.
  await editor.locator('.view-line', { hasText: 'class Wide(nn.Module):' }).first().click();
  await page.keyboard.press('Home');
  await page.keyboard.type('extra = nn.Linear(8, 8)', { delay: 20 });
  await page.keyboard.press('Enter');
  await logHas(new RegExp(`big\\.py \\(python\\): ${LAYERS + 1} layers`), 120_000);
  await page.screenshot({ path: join(ARTIFACTS, 'large-typed.png') });
});
