/**
 * The web extension (the `browser` entry, what vscode.dev and github.dev run),
 * end to end: a .vsix without `main` makes code-server run InitLens in VS Code's
 * web worker extension host, in the browser. It must activate there, put the
 * IL001 diagnostic on a Keras ReLU layer, and apply its quick fix; its variance
 * panel opens and draws Monte Carlo curves from the webview's simulator worker.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, ROOT, ensureSetup, findWebviewFrame, openQuickFix, openWorkbench, pollFile, quickOpen, startSession, stopSession, type Session } from './harness.js';

const MODEL = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu"),
])
`;

let session: Session | null = null;
let page: Page;

before(async () => {
  ensureSetup();
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--only=extension,web,webview'], { cwd: ROOT, stdio: 'inherit' });
  const vsix = join(ARTIFACTS, 'initlens-web-only.vsix');
  execFileSync(process.execPath, [join(ROOT, 'scripts/stage-vsix.mjs'), `--out=${vsix}`, '--web-only'], { cwd: ROOT, stdio: 'inherit' });
  session = await startSession(vsix, { 'model.py': MODEL });
  page = await openWorkbench(session);
});

after(async () => {
  await stopSession(session);
});

test('web worker extension host: InitLens activates and reports IL001, and its quick fix applies', async () => {
  const editor = await quickOpen(page, 'model.py', 'Dense(64');
  const squiggle = editor.locator('.squiggly-warning').first();
  await squiggle.waitFor({ state: 'visible', timeout: 90_000 });
  const console = readFileSync(join(session!.work, 'browser-console.log'), 'utf8');
  assert.match(console, /web worker extension host/i, 'the extension ran in the web worker extension host');
  assert.doesNotMatch(console, /Activating extension 'initlens\.initlens' failed/, console);
  await page.screenshot({ path: join(ARTIFACTS, 'web-diagnostic.png') });
  const focused = await openQuickFix(page, squiggle);
  assert.match((await focused.textContent()) ?? '', /He normal/i);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+S');
  const saved = await pollFile(join(session!.workspace, 'model.py'), (t) => t.includes('kernel_initializer="he_normal"'));
  assert.match(saved, /Dense\(64, activation="relu", kernel_initializer="he_normal"\)/);
});

test('web extension: the variance panel opens and its Monte Carlo worker draws curves', async () => {
  const lens = page.locator('.codelens-decoration a', { hasText: 'Simulate variance (1 layer)' }).first();
  await lens.waitFor({ timeout: 60_000 });
  await lens.click();
  const frame = await findWebviewFrame(page, '#app[data-layers]', 60_000);
  assert.equal(await frame.locator('#app').getAttribute('data-layers'), '1');
  await frame.locator('#app[data-state="done"]').waitFor({ timeout: 180_000 });
  const app = frame.locator('#app');
  console.log(`web: first Monte Carlo curve after ${await app.getAttribute('data-first-curve-ms')} ms on ${await app.getAttribute('data-backend')}`);
  assert.equal(await app.getAttribute('data-workers'), '1');
  assert.match((await frame.locator('.run-line .backend').textContent()) ?? '', /Backend: (WASM|WebGL|WEBGPU|CPU)/);
  await page.screenshot({ path: join(ARTIFACTS, 'web-panel.png') });
});
