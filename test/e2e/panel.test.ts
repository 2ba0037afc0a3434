/**
 * The variance panel in a real VS Code (code-server + Chromium): the CodeLens
 * opens it beside the editor, both charts and the layer table show the model's
 * layers, "Apply recommended init" changes the document and the squiggle goes
 * away, an apply against a version the panel was not built from is refused, an
 * edit refreshes the panel, and a theme switch recolours the charts.
 *
 * Screenshots of the real panel (light and dark) and of the editor at work go
 * to .e2e/artifacts/, or to docs/images/ with UPDATE_SCREENSHOTS=1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import {
  ARTIFACTS,
  ROOT,
  ensureSetup,
  findWebviewFrame,
  openQuickFix,
  openWorkbench,
  packageVsix,
  quickOpen,
  startSession,
  stopSession,
  type Session,
} from './harness.js';

const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/images') : ARTIFACTS;

// Six hidden ReLU layers on the Keras default (glorot_uniform) and a softmax head.
const MODEL = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(256,)),
    layers.Dense(256, activation="relu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

let session: Session | null = null;
let page: Page;
let editor: Locator;
let frame: Frame;

async function attr(name: string): Promise<string | null> {
  return frame.locator('#app').getAttribute(`data-${name}`);
}

async function waitAttr(name: string, ok: (v: string | null) => boolean, ms = 30_000): Promise<string | null> {
  const end = Date.now() + ms;
  let v: string | null = null;
  while (Date.now() < end) {
    v = await attr(name);
    if (ok(v)) return v;
    await page.waitForTimeout(150);
  }
  throw new Error(`data-${name} is still ${JSON.stringify(v)}`);
}

function writeUserSettings(extra: Record<string, unknown>): void {
  const file = join(session!.userDataDir, 'User/settings.json');
  const cur = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...cur, ...extra }, null, 2));
}

/** Switches the colour theme the way the Settings editor does: through the user settings. */
function setTheme(name: string): void {
  writeUserSettings({ 'workbench.colorTheme': name });
}

before(async () => {
  ensureSetup();
  const vsix = packageVsix();
  session = await startSession(vsix, { 'model.py': MODEL }, { 'workbench.colorTheme': 'Default Dark Modern' });
  page = await openWorkbench(session);
  editor = await quickOpen(page, 'model.py', 'Dense(256');
  await editor.locator('.squiggly-warning, .squiggly-error').first().waitFor({ state: 'attached', timeout: 60_000 });
});

after(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'panel-final.png') }).catch(() => undefined);
  await stopSession(session);
});

test('editor at work: squiggle, hover and quick fix (screenshots)', async () => {
  const squiggle = editor.locator('.squiggly-warning, .squiggly-error').first();
  const box = await squiggle.boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const hover = page.locator('.monaco-hover', { hasText: 'gain per layer' }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    try {
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
  await page.screenshot({ path: join(SHOTS, 'editor-hover.png') });
  await page.keyboard.press('Escape');
  const focused = await openQuickFix(page, squiggle);
  assert.match((await focused.textContent()) ?? '', /He normal/);
  await page.screenshot({ path: join(SHOTS, 'editor-quickfix.png') });
  await page.keyboard.press('Escape');
});

test('the CodeLens opens the panel beside the editor, titled with the model and its file', async () => {
  const lens = page.locator('.codelens-decoration a', { hasText: 'Simulate variance (7 layers)' }).first();
  await lens.waitFor({ timeout: 30_000 });
  await lens.click();
  frame = await findWebviewFrame(page, '#app[data-layers]', 60_000);
  await page.locator('.tab', { hasText: 'Variance: model (keras) — model.py' }).first().waitFor({ timeout: 20_000 });
  assert.equal(await attr('layers'), '7');
});

test('both charts and the layer table show the model’s layers; out-of-range rows are marked', async () => {
  await frame.locator('#chart-forward canvas').first().waitFor({ timeout: 20_000 });
  await frame.locator('#chart-backward canvas').first().waitFor({ timeout: 20_000 });
  const rows = frame.locator('vscode-table-row');
  assert.equal(await rows.count(), 7);
  const first = (await rows.nth(0).textContent()) ?? '';
  assert.match(first, /Dense/);
  assert.match(first, /relu/);
  assert.match(first, /glorot_uniform/);
  assert.match(first, /he_uniform|he_normal/);
  // glorot_uniform + ReLU halves the second moment at every hidden layer: six marked rows (the head is judged apart).
  assert.equal(await frame.locator('vscode-table-row.out-of-range').count(), 6);
  const words = (await frame.locator('#chart-forward .meaning').textContent()) ?? '';
  assert.match(words, /shrinks ×0\.5 per layer: after 6 layers it is 0\.0156 of the input/);
  // Axis labels and the input at layer 0 are drawn (uPlot axis labels are DOM elements).
  const label = (await frame.locator('#chart-forward .chart').getAttribute('aria-label')) ?? '';
  assert.match(label, /x: Layer \(0 = input\)\. y: E\[x²\] \(log scale\)/);
  // The table fits the panel: no column ends beyond the table's right edge.
  const table = await frame.locator('vscode-table').boundingBox();
  const lastHeader = await frame.locator('vscode-table-header-cell').last().boundingBox();
  assert.ok(table && lastHeader && lastHeader.x + lastHeader.width <= table.x + table.width + 1, 'the last column is on screen');
  await page.screenshot({ path: join(SHOTS, 'panel-dark.png') });
  await frame.locator('vscode-table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'panel-table-dark.png') });
  await frame.locator('h2.title').scrollIntoViewIfNeeded();
});

test('legend buttons toggle an init, from the keyboard too', async () => {
  const b = frame.locator('#legend-orthogonal');
  assert.equal(await b.getAttribute('aria-pressed'), 'true');
  await b.focus();
  await page.keyboard.press('Enter');
  assert.equal(await frame.locator('#legend-orthogonal').getAttribute('aria-pressed'), 'false');
  await frame.locator('#legend-orthogonal').click();
  assert.equal(await frame.locator('#legend-orthogonal').getAttribute('aria-pressed'), 'true');
});

test('a theme switch recolours the open panel (light screenshot)', async () => {
  const dark = await waitAttr('chart-foreground', (v) => !!v);
  setTheme('Default Light Modern');
  const light = await waitAttr('chart-foreground', (v) => !!v && v !== dark);
  assert.notEqual(light, dark);
  await page.screenshot({ path: join(SHOTS, 'panel-light.png') });
  setTheme('Default Dark Modern');
  await waitAttr('chart-foreground', (v) => v === dark);
});

test('an edit to the model refreshes the panel', async () => {
  const seq = Number(await attr('seq'));
  await editor.locator('.view-line', { hasText: 'Dense(10, activation="softmax")' }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.insertText('layers.Dense(10, activation="relu"),');
  await waitAttr('seq', (v) => Number(v) > seq, 30_000);
  await waitAttr('layers', (v) => v === '8', 10_000);
  assert.equal(await frame.locator('vscode-table-row').count(), 8);
  await page.keyboard.press('Control+Shift+K'); // delete the line again
  await waitAttr('layers', (v) => v === '7', 30_000);
});

test('"Apply recommended init" on the document version the panel was not built from is refused', async () => {
  // A long analysis debounce: the panel keeps its version while the document moves on.
  writeUserSettings({ 'initlens.debounceMs': 5000 });
  await page.waitForTimeout(1500);
  const before = await attr('version');
  await editor.locator('.view-line', { hasText: 'keras.Input' }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.insertText('  # input');
  await frame.locator('#apply-all').click();
  await waitAttr('status', (v) => v === 'stale', 10_000);
  assert.match((await frame.locator('.notice').textContent()) ?? '', /changed since the panel was built: nothing applied/);
  const text = (await editor.locator('.view-lines').textContent()) ?? '';
  assert.doesNotMatch(text, /he_uniform|he_normal/, 'nothing was applied');
  // The refusal reloads the panel on the new version.
  await waitAttr('version', (v) => v !== before, 10_000);
  writeUserSettings({ 'initlens.debounceMs': 300 });
  await page.waitForTimeout(1500);
});

test('"Apply recommended init" on the whole model writes He init and the squiggles disappear', async () => {
  const version = await attr('version');
  await frame.locator('#apply-all').click();
  await waitAttr('status', (v) => v === 'applied', 20_000);
  await editor.locator('.view-lines', { hasText: 'kernel_initializer="he_' }).waitFor({ timeout: 20_000 });
  const text = (await editor.locator('.view-lines').textContent()) ?? '';
  assert.equal((text.match(/kernel_initializer="he_(normal|uniform)"/g) ?? []).length, 6);
  await editor.locator('.squiggly-warning, .squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 });
  // The panel follows: rebuilt on the new version, no row out of range any more.
  await waitAttr('version', (v) => v !== version, 30_000);
  await frame.locator('vscode-table-row').first().waitFor();
  assert.equal(await frame.locator('vscode-table-row.out-of-range').count(), 0);
  assert.equal(await frame.locator('vscode-button.apply').count(), 0);
});
