/**
 * Smoke test in a real VS Code (code-server + Chromium): the packaged .vsix
 * activates, puts an IL001 diagnostic on a Keras ReLU layer, its preferred
 * quick fix (Ctrl+. then Enter) writes he_normal to disk, and activation took
 * under 50 ms by the extension's own log. Then the simulate command shows the
 * variance table, and fix-on-save (source.fixAll.initlens) fixes a TensorFlow.js
 * file. Screenshots go to .e2e/artifacts/.
 *
 * Run: npm run test:e2e  (first run installs chromium + code-server, ~80 s)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import {
  ARTIFACTS,
  ensureSetup,
  findFile,
  findWebviewFrame,
  openQuickFix,
  openWorkbench,
  packageVsix,
  pollFile,
  quickOpen,
  runCommand,
  startSession,
  stopSession,
  type Session,
} from './harness.js';

const MODEL = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

const TFJS = `import * as tf from '@tensorflow/tfjs';

const model = tf.sequential();
model.add(tf.layers.dense({units: 64, inputShape: [64], activation: 'relu'}));
model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
`;

// Never opened in the editor: only "Analyze workspace" reports it.
const UNOPENED = `import keras

head = keras.Sequential([
    keras.Input(shape=(128,)),
    keras.layers.Dense(128, activation="relu"),
])
`;

// A notebook whose import is in cell 1 and whose layer is in cell 3.
const NOTEBOOK = JSON.stringify(
  {
    cells: [
      { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: ['%matplotlib inline\n', 'import keras\n', 'from keras import layers'] },
      { cell_type: 'markdown', metadata: {}, source: ['A model.'] },
      {
        cell_type: 'code',
        execution_count: null,
        metadata: {},
        outputs: [],
        source: ['net = keras.Sequential([\n', '    keras.Input(shape=(32,)),\n', '    layers.Dense(32, activation="relu"),\n', '])'],
      },
    ],
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  },
  null,
  1,
);

// A real model file (test/wild, copied from cleanrl), for the first-diagnostics time.
const REAL_FILE = 'dqn.py';
const REAL_TEXT = readFileSync(join(import.meta.dirname, '..', 'wild', 'cleanrl', 'dqn.py'), 'utf8');

let session: Session | null = null;
let page: Page;
let editor: Locator;

before(async () => {
  ensureSetup();
  const vsix = packageVsix();
  session = await startSession(
    vsix,
    { 'model.py': MODEL, 'model.ts': TFJS, 'lib/head.py': UNOPENED, 'nb.ipynb': NOTEBOOK, [`real/${REAL_FILE}`]: REAL_TEXT },
    // Fix on save for TypeScript only, so the Python quick-fix test is not helped by it.
    // VS Code gives save participants 750 ms by default; a loaded CI box can need more.
    { '[typescript]': { 'editor.codeActionsOnSave': { 'source.fixAll.initlens': 'explicit' } }, 'editor.codeActionsOnSaveTimeout': 5000 },
  );
  page = await openWorkbench(session);
});

after(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'smoke-final.png') }).catch(() => undefined);
  await stopSession(session);
});

test('the packaged extension puts IL001 on the Keras ReLU layer', async () => {
  editor = await quickOpen(page, 'model.py', 'Dense(64');
  const squiggle = editor.locator('.squiggly-warning, .squiggly-error').first();
  await squiggle.waitFor({ state: 'attached', timeout: 60_000 });

  // The squiggle covers the constructor call, not the whole line.
  const box = await squiggle.boundingBox();
  const line = await editor.locator('.view-line', { hasText: 'Dense(64' }).first().boundingBox();
  assert.ok(box && line, 'squiggle and line are visible');
  assert.ok(box.x > line.x + 10, 'the squiggle starts after the indentation');

  await page.keyboard.press('Control+Shift+M');
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'IL001' }).first();
  await row.waitFor({ timeout: 30_000 });
  const text = (await row.textContent()) ?? '';
  assert.match(text, /IL001/);
  assert.match(text, /InitLens/);

  // Hover on the layer (caret on it, then "Show Hover" from the keyboard: deterministic under load).
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  // The diagnostic's part of the hover comes first; wait for InitLens' own part (its table).
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
  const hoverText = (await hover.textContent()) ?? '';
  assert.match(hoverText, /fan_in 64 · fan_out 64/);
  assert.match(hoverText, /glorot_uniform/);
  assert.match(hoverText, /he_normal/);
  await page.screenshot({ path: join(ARTIFACTS, 'smoke-diagnostic.png') });
  await page.keyboard.press('Escape');
});

test('the preferred quick fix writes kernel_initializer="he_normal" to disk', async () => {
  const focused = await openQuickFix(page, editor.locator('.squiggly-warning, .squiggly-error').first());
  assert.match((await focused.textContent()) ?? '', /He normal/i, 'the preferred fix is focused first');
  await page.screenshot({ path: join(ARTIFACTS, 'smoke-quickfix.png') });
  await page.keyboard.press('Enter');
  await page.keyboard.press('Control+S');
  const file = join(session!.workspace, 'model.py');
  const saved = await pollFile(file, (t) => t.includes('kernel_initializer="he_normal"'));
  assert.match(saved, /Dense\(64, activation="relu", kernel_initializer="he_normal"\)/);
  // The fixed file has no InitLens diagnostic left.
  await editor.locator('.squiggly-warning, .squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 });
});

test('activation time is logged and printed (budget 50 ms CPU, measured here, not asserted: a timing on a shared machine)', async () => {
  const logFile = await waitForLog(session!.userDataDir);
  const text = readFileSync(logFile, 'utf8');
  const m = /activated in ([\d.]+) ms \(CPU ([\d.]+) ms\)/.exec(text);
  assert.ok(m, `no activation line in ${logFile}:\n${text}`);
  const wall = Number(m[1]);
  const cpu = Number(m[2]);
  assert.ok(Number.isFinite(wall) && Number.isFinite(cpu), m[0]);
  // The budget (≤ 50 ms of CPU: bundle evaluation + activate()) is reported, as issue 13 asks, not
  // asserted: on this shared 2-core box a timing swings 2× with load (speed lives in bench/).
  console.log(`# activation: ${wall} ms wall-clock, ${cpu} ms CPU (budget 50 ms CPU)${cpu < 50 ? '' : ' — OVER BUDGET'}`);
});

test('"Simulate variance of this model" opens the per-layer table', async () => {
  await page.locator('.editor-instance .monaco-editor').first().click();
  await runCommand(page, 'InitLens: Simulate variance of this model');
  const frame = await findWebviewFrame(page, 'vscode-table-row', 60_000);
  // The table breaks long names with zero-width spaces (he_\u200bnormal) so that they wrap.
  const rows = (await frame.locator('vscode-table-row').allTextContents()).map((r) => r.replace(/\u200b/g, ''));
  assert.equal(rows.length, 2, rows.join('\n'));
  assert.match(rows[0]!, /Dense/);
  assert.match(rows[0]!, /relu/);
  assert.match(rows[0]!, /he_normal/, 'the first layer now uses he_normal');
  await page.screenshot({ path: join(ARTIFACTS, 'smoke-variance.png') });
});

test('fix on save (source.fixAll.initlens) fixes a TensorFlow.js layer', async () => {
  const ts = await quickOpen(page, 'model.ts', 'tf.layers.dense');
  await ts.locator('.squiggly-warning, .squiggly-error').first().waitFor({ state: 'attached', timeout: 60_000 });
  // Make the file dirty (a trailing newline), then save: the save participant applies the fix.
  await ts.locator('.view-line', { hasText: "activation: 'softmax'" }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  // Known issue: with Ctrl+S pressed within ~0.5 s of the keystroke, code-server 4.100 sometimes
  // drops the fix-on-save edit although InitLens returned it (see docs/editor.md). Wait for the
  // on-type analysis of the new version first, like a user pausing before saving.
  await page.waitForTimeout(1500);
  await page.keyboard.press('Control+S');
  // TF.js's heNormal draws only 0.774 of He's variance (uncorrected truncation): the fix writes heUniform.
  const saved = await pollFile(join(session!.workspace, 'model.ts'), (t) => t.includes('heUniform'));
  assert.match(saved, /activation: 'relu', kernelInitializer: 'heUniform'\}\)/);
  assert.doesNotMatch(saved, /softmax', kernelInitializer/, 'the softmax layer is left alone');
  await page.screenshot({ path: join(ARTIFACTS, 'smoke-fix-on-save.png') });
});

test('first diagnostics on opening a real model file: time printed (issue 13: ≤ 100 ms wall-clock; printed, not asserted)', async () => {
  // cleanrl's dqn.py (11 KB), the largest real file in test/wild with findings (there is no 20 KB
  // one). Wall-clock from Enter in Quick Open until the status bar says "InitLens 2" (its two
  // findings, lines 100 and 102, are below the first screen, where no squiggle is rendered): VS
  // Code opening the file, the analysis (on open it is not debounced), the diagnostics reaching
  // the window. The status bar's tooltip gives the analysis time on the extension host. Before
  // "Analyze workspace", whose closed-file diagnostics would already be there.
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(REAL_FILE);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: REAL_FILE }).first().waitFor({ timeout: 30_000 });
  const t0 = Date.now();
  await page.keyboard.press('Enter');
  const status = page.locator('.statusbar-item [aria-label^="InitLens: 2 problems"], .statusbar-item[aria-label^="InitLens: 2 problems"]').first();
  await status.waitFor({ state: 'attached', timeout: 60_000 });
  const ms = Date.now() - t0;
  const label = (await status.getAttribute('aria-label')) ?? '';
  const host = /\(([\d.]+) ms\)/.exec(label)?.[1] ?? '?';
  const kb = (Buffer.byteLength(REAL_TEXT) / 1024).toFixed(1);
  console.log(`# first diagnostics on opening ${REAL_FILE} (${kb} KB): ${ms} ms wall-clock (goal 100 ms)${ms <= 100 ? '' : ' — over the goal'}; analysis on the extension host ${host} ms`);
  // (The status bar follows the active editor, dqn.py: its two findings. Focus stays in the
  // editor: "Analyze workspace" toggles the Problems view closed when that view has the focus.)
  await page.screenshot({ path: join(ARTIFACTS, 'smoke-first-diagnostics.png') });
});

test('"Analyze workspace" reports a model file that is not open', async () => {
  await runCommand(page, 'InitLens: Analyze workspace');
  // The command opens the Problems view itself when it found something.
  const file = page.locator('.markers-panel .monaco-list-row', { hasText: 'head.py' }).first();
  await file.waitFor({ timeout: 60_000 });
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'IL001' });
  const texts = await row.allTextContents();
  assert.ok(texts.some((t) => /\[Ln 5, Col 5\]/.test(t)), texts.join('\n'));
  // A notebook that is not open is reported on the .ipynb file itself.
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'nb.ipynb' }).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'smoke-workspace.png') });
});

test('notebook: the layer in cell 3 is reported using the import of cell 1', async () => {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill('nb.ipynb');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'nb.ipynb' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  const cell = page.locator('.notebook-editor .cell-editor-container .monaco-editor', { hasText: 'Dense(32' }).first();
  await cell.waitFor({ timeout: 60_000 });
  await cell.locator('.squiggly-warning, .squiggly-error').first().waitFor({ state: 'attached', timeout: 60_000 });
  // Nothing is reported in the first cell (magic and imports only).
  const first = page.locator('.notebook-editor .cell-editor-container .monaco-editor', { hasText: 'import keras' }).first();
  assert.equal(await first.locator('.squiggly-warning, .squiggly-error').count(), 0);
  // The model's CodeLens sits in cell 3 too.
  await page.locator('.notebook-editor .codelens-decoration', { hasText: 'Simulate variance (1 layer)' }).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'smoke-notebook.png') });
});

async function waitForLog(userDataDir: string): Promise<string> {
  const end = Date.now() + 20_000;
  for (;;) {
    const hit = findFile(join(userDataDir, 'logs'), 'InitLens.log');
    if (hit && readFileSync(hit, 'utf8').includes('activated in')) return hit;
    if (Date.now() > end) throw new Error(`InitLens.log not found under ${userDataDir}/logs`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
