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
  runCommand,
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

/** "Preferences: Toggle between Light/Dark Themes" (the theme picker would query the marketplace, offline here). */
async function toggleTheme(): Promise<void> {
  await runCommand(page, 'Toggle between Light/Dark Themes');
}

before(async () => {
  ensureSetup();
  const vsix = packageVsix();
  session = await startSession(vsix, { 'model.py': MODEL }, {
    'workbench.colorTheme': 'Default Dark Modern',
    // Long enough that an apply clicked right after a keystroke meets a panel still on the previous version.
    'initlens.debounceMs': 1500,
  });
  page = await openWorkbench(session);
  editor = await quickOpen(page, 'model.py', 'Dense(256');
  await editor.locator('.squiggly-warning, .squiggly-error').first().waitFor({ state: 'attached', timeout: 60_000 });
  // The CodeLens line shifts the editor's lines down when it appears: wait for it before measuring anything.
  await page.locator('.codelens-decoration', { hasText: 'Simulate variance' }).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(300);
});

after(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'panel-final.png') }).catch(() => undefined);
  await stopSession(session);
});

test('editor at work: squiggle, hover and quick fix (screenshots)', async () => {
  const squiggle = editor.locator('.squiggly-warning, .squiggly-error').first();
  const hover = page.locator('.monaco-hover', { hasText: 'gain per layer' }).first();
  for (let attempt = 1; ; attempt++) {
    const box = await squiggle.boundingBox();
    assert.ok(box);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // "Show Hover" from the keyboard, and on a retry the mouse over the squiggle.
    if (attempt % 2 === 1) {
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
    } else {
      await page.mouse.move(box.x + 5, box.y + box.height / 2);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    }
    try {
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      break;
    } catch (e) {
      await page.screenshot({ path: join(ARTIFACTS, `panel-hover-attempt-${attempt}.png`) });
      if (attempt >= 4) throw e;
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
  // Names carry zero-width spaces after their underscores (line breaks in narrow columns).
  const first = ((await rows.nth(0).textContent()) ?? '').replace(/\u200b/g, '');
  assert.match(first, /Dense/);
  assert.match(first, /relu/);
  assert.match(first, /glorot_uniform/);
  assert.match(first, /he_uniform|he_normal/);
  // glorot_uniform + ReLU halves the second moment at every hidden layer: six marked rows (the head is judged apart).
  assert.equal(await frame.locator('vscode-table-row.out-of-range').count(), 6);
  const words = (await frame.locator('#chart-forward .meaning').textContent()) ?? '';
  // Analytic 0.5 per layer and 0.0156 after 6 layers; once Monte Carlo numbers arrive they are within a few percent.
  assert.match(words, /shrinks ×0\.(4[6-9]\d*|5\d*) per layer: after 6 layers it is 0\.01[3-8]\d* of the input/);
  // Axis labels and the input at layer 0 are drawn (uPlot axis labels are DOM elements).
  const label = (await frame.locator('#chart-forward .chart').getAttribute('aria-label')) ?? '';
  assert.match(label, /x: Layer \(0 = input\)\. y: E\[x²\] \(log scale\)/);
  // The table fits the panel: no column ends beyond the table's right edge.
  const table = await frame.locator('vscode-table').boundingBox();
  const lastHeader = await frame.locator('vscode-table-header-cell').last().boundingBox();
  const panel = await page.locator('iframe.webview.ready').last().boundingBox();
  assert.ok(table && lastHeader && panel, 'table, header and panel are laid out');
  assert.ok(lastHeader.x + lastHeader.width <= table.x + table.width + 1, 'the last column is inside the table');
  assert.ok(table.x + table.width <= panel.x + panel.width + 1, `the table (right edge ${table.x + table.width}) fits the panel (${panel.x + panel.width})`);
  const apply = await frame.locator('vscode-button.apply').first().boundingBox();
  assert.ok(apply && apply.x + apply.width <= panel.x + panel.width, 'the apply button is on screen');
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
  await page.locator('.editor-instance .monaco-editor').first().click();
  await toggleTheme();
  const light = await waitAttr('chart-foreground', (v) => !!v && v !== dark);
  assert.notEqual(light, dark);
  await page.screenshot({ path: join(SHOTS, 'panel-light.png') });
  await toggleTheme();
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
  // The session's analysis debounce (1.5 s) keeps the panel on its version while the document moves on.
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

test('a control changes the simulation: depth multiplier 2 simulates the stack twice', async () => {
  await frame.locator('#settings').click();
  const field = frame.locator('#opt-depthMultiplier');
  await field.waitFor({ state: 'visible', timeout: 10_000 });
  await field.locator('input').fill('2');
  await field.locator('input').press('Enter');
  await field.locator('input').blur();
  await waitAttr('layers', (v) => v === '14', 20_000);
  assert.equal(await frame.locator('vscode-table-row').count(), 14);
  const depth = await frame.locator('#assumptions li').allTextContents();
  assert.ok(depth.some((t) => /2/.test(t)), `the repetition is listed among the assumptions: ${depth.join(' | ')}`);
  await field.locator('input').fill('1');
  await field.locator('input').press('Enter');
  await field.locator('input').blur();
  await waitAttr('layers', (v) => v === '7', 20_000);
});

test('deleting the model says so in the panel, without an error', async () => {
  await editor.locator('.view-line', { hasText: 'keras.Sequential' }).first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('import keras\n');
  await waitAttr('status', (v) => v === 'gone', 30_000);
  assert.match((await frame.locator('.notice').textContent()) ?? '', /no longer in the document/);
  // The last state stays on screen.
  assert.equal(await frame.locator('vscode-table-row').count(), 7);
});
