/**
 * In a real VS Code (code-server + Chromium), what ESLint and Ruff users rely on:
 * - the project configuration file: `initlens.toml` turning a rule off (written on disk) and
 *   changing a severity (edited and saved in the editor) changes the diagnostics live; a bad
 *   value is shown on the configuration file and the defaults come back;
 * - the squiggle on the code to change (IL003 on the initializer argument) with its related place;
 * - "Show documentation for IL003" opens the bundled rule page in a Markdown preview;
 * - the output channel: at the default level (Info) it says what was analysed, with which
 *   configuration, and why a file was skipped, and nothing below Info; set to Trace
 *   ("Developer: Set Log Level…") it adds per-file timings.
 *
 * Run: node --import tsx --test test/e2e/config.test.ts
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, ensureSetup, findFile, findWebviewFrame, openQuickFix, openWorkbench, packageVsix, quickOpen, runCommand, startSession, stopSession, type Session } from './harness.js';

const ARG = 'keras.initializers.RandomNormal(stddev=1.0)';
const IL003_LINE = `    layers.Dense(512, activation="relu", kernel_initializer=${ARG}),`;
const MODEL = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(512, activation="relu"),
${IL003_LINE}
    layers.Dense(10, activation="softmax"),
])
`;
const IL003_COL = IL003_LINE.indexOf(ARG) + 1;

const CONFIG = (ignore: string) => `# InitLens project configuration
ignore = [${ignore}]

[severity]
# IL003 = "warning"
`;

let session: Session | null = null;
let page: Page;
let editor: Locator;

before(async () => {
  ensureSetup();
  const vsix = packageVsix();
  session = await startSession(
    vsix,
    {
      'model.py': MODEL,
      'initlens.toml': CONFIG(''),
      'vendor/lib.py': 'from keras import layers\nd = layers.Dense(8, activation="relu")\n',
      'notes.py': 'print("no model here")\n',
    },
    // Typed text stays as typed (a half-typed line must stay unclosed).
    { 'initlens.exclude': ['vendor/**'], 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never' },
    // The workbench's default log level, Info: what a user gets.
    { log: 'info' },
  );
  page = await openWorkbench(session);
});

after(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'config-final.png') }).catch(() => undefined);
  await stopSession(session);
});

const rows = () => page.locator('.markers-panel .monaco-list-row');

async function problems(): Promise<string[]> {
  return (await rows().allTextContents()).map((t) => t.replace(/\s+/g, ' '));
}

/** Waits until the Problems view's rows satisfy `ok` (the analysis after a change is debounced). */
async function waitProblems(ok: (rows: string[]) => boolean, what: string, ms = 45_000): Promise<string[]> {
  const end = Date.now() + ms;
  let last: string[] = [];
  while (Date.now() < end) {
    last = await problems();
    if (ok(last)) return last;
    await page.waitForTimeout(300);
  }
  throw new Error(`${what}; Problems view:\n${last.join('\n')}`);
}

/** The severity icon of the Problems row holding `text`. */
async function iconOf(text: string): Promise<'error' | 'warning' | 'other'> {
  const html = await rows().filter({ hasText: text }).first().innerHTML();
  return /codicon-error/.test(html) ? 'error' : /codicon-warning/.test(html) ? 'warning' : 'other';
}

/** The InitLens status bar item's icon and count, once it shows `count` problems. */
async function statusOf(count: number, ms = 45_000): Promise<'error' | 'warning' | 'other'> {
  const item = page.locator('.statusbar-item', { hasText: `InitLens ${count}` }).first();
  await item.waitFor({ state: 'visible', timeout: ms });
  const html = await item.innerHTML();
  return /codicon-error/.test(html) ? 'error' : /codicon-warning/.test(html) ? 'warning' : 'other';
}

function logText(): string {
  const file = findFile(join(session!.userDataDir, 'logs'), 'InitLens.log');
  return file ? readFileSync(file, 'utf8') : '';
}

async function waitLog(re: RegExp, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const text = logText();
    if (re.test(text)) return text;
    if (Date.now() > end) throw new Error(`no ${re} in InitLens.log:\n${text}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('IL001 and IL003 are reported; IL003 is on the initializer argument, with the activation as related information', async () => {
  editor = await quickOpen(page, 'model.py', 'RandomNormal');
  await editor.locator('.squiggly-error').first().waitFor({ state: 'attached', timeout: 60_000 });
  await page.keyboard.press('Control+Shift+M');
  const got = await waitProblems((r) => r.some((t) => /IL001/.test(t)) && r.some((t) => /IL003/.test(t)), 'IL001 and IL003 in the Problems view');
  assert.ok(got.some((t) => /IL001.*\[Ln 6, Col 5\]/.test(t)), got.join('\n'));
  assert.ok(got.some((t) => new RegExp(`IL003.*\\[Ln 7, Col ${IL003_COL}\\]`).test(t)), `IL003 starts at the argument (col ${IL003_COL}):\n${got.join('\n')}`);
  // The related place is listed under the diagnostic.
  assert.ok(got.some((t) => /the activation that follows: ReLU/.test(t)), got.join('\n'));
  assert.equal(await iconOf('IL003'), 'error');
  // The status bar shows the worst severity among them (an error), not a warning.
  assert.equal(await statusOf(2), 'error');
  await page.screenshot({ path: join(ARTIFACTS, 'config-before.png') });
});

test('initlens.toml written on disk with ignore = ["IL001"]: the IL001 diagnostic goes, IL003 stays', async () => {
  writeFileSync(join(session!.workspace, 'initlens.toml'), CONFIG('"IL001"'));
  const got = await waitProblems((r) => !r.some((t) => /IL001/.test(t)) && r.some((t) => /IL003/.test(t)), 'IL001 gone, IL003 kept');
  assert.ok(got.some((t) => /IL003/.test(t)));
  await waitLog(/configuration initlens\.toml changed/);
  await waitLog(/analysed model\.py \(python\): .*1 finding; configuration: initlens\.toml/);
});

test('initlens.toml edited and saved in the editor (IL003 = "warning"): IL003 becomes a warning', async () => {
  const toml = await quickOpen(page, 'initlens.toml', 'IL003');
  await toml.locator('.view-line', { hasText: '# IL003' }).first().click();
  await page.keyboard.press('Home');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Control+S');
  await waitProblems((r) => r.some((t) => /IL003/.test(t)), 'IL003 listed');
  const end = Date.now() + 45_000;
  while ((await iconOf('IL003')) !== 'warning') {
    if (Date.now() > end) throw new Error(`IL003 is still ${await iconOf('IL003')}:\n${(await problems()).join('\n')}`);
    await page.waitForTimeout(300);
  }
  assert.match(readFileSync(join(session!.workspace, 'initlens.toml'), 'utf8'), /^IL003 = "warning"$/m);
  await quickOpen(page, 'model.py', 'RandomNormal');
  assert.equal(await statusOf(1), 'warning', 'one problem left, a warning');
});

test('a bad severity value is shown on initlens.toml (line and key), and IL003 falls back to its default (error)', async () => {
  writeFileSync(join(session!.workspace, 'initlens.toml'), 'ignore = ["IL001"]\n\n[severity]\nIL003 = "loud"\n');
  const got = await waitProblems((r) => r.some((t) => /defaults used/.test(t)), 'the configuration problem');
  assert.ok(got.some((t) => /initlens\.toml/.test(t)), got.join('\n'));
  assert.ok(got.some((t) => /severity\.IL003.*defaults used.*\[Ln 4, Col 1\]/.test(t)), got.join('\n'));
  const end = Date.now() + 45_000;
  while ((await iconOf('IL003')) !== 'error') {
    if (Date.now() > end) throw new Error(`IL003 is ${await iconOf('IL003')}:\n${(await problems()).join('\n')}`);
    await page.waitForTimeout(300);
  }
  await waitLog(/configuration: initlens\.toml:4:\d+: severity\.IL003/);
  await page.screenshot({ path: join(ARTIFACTS, 'config-bad-value.png') });
});

test('"Show documentation for IL003" opens the bundled rule page in a Markdown preview', async () => {
  editor = await quickOpen(page, 'model.py', 'RandomNormal');
  await openQuickFix(page, editor.locator('.squiggly-error').first());
  const target = page.locator('.action-widget .monaco-list-row.action', { hasText: 'Show documentation for IL003' }).first();
  await target.waitFor({ timeout: 15_000 });
  const focused = page.locator('.action-widget .monaco-list-row.action.focused');
  for (let i = 0; i < 15 && !/Show documentation for IL003/.test((await focused.textContent()) ?? ''); i++) await page.keyboard.press('ArrowDown');
  assert.match((await focused.textContent()) ?? '', /Show documentation for IL003/);
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: 'IL003' }).first().waitFor({ timeout: 30_000 });
  const frame = await findWebviewFrame(page, '.markdown-body, body h1, body h2', 30_000);
  const body = (await frame.locator('body').textContent()) ?? '';
  assert.match(body, /IL003/);
  assert.match(body, /Explicit weight scale explodes or vanishes/);
  await waitLog(/showing the documentation of IL003/);
  await page.screenshot({ path: join(ARTIFACTS, 'config-docs.png') });
});

test('output channel at the default level: what was analysed, why a file was skipped or had no layer, nothing below Info', async () => {
  await quickOpen(page, 'lib.py', 'Dense(8');
  await quickOpen(page, 'notes.py', 'no model here');
  const text = await waitLog(/skipped vendor\/lib\.py: it matches initlens\.exclude[\s\S]*analysed notes\.py|analysed notes\.py[\s\S]*skipped vendor\/lib\.py: it matches initlens\.exclude/);
  assert.match(text, /\[info\] analysed model\.py \(python\): 3 layers in 1 model/);
  assert.match(text, /analysed notes\.py \(python\): no Keras, PyTorch, Flax or TensorFlow\.js layer found/);
  assert.doesNotMatch(text, /\[(debug|trace)\]/, 'nothing below Info at the default level');
  // The channel is the one "InitLens: Show output" shows.
  await runCommand(page, 'InitLens: Show output');
  await page.locator('.output-view, .panel', { hasText: 'analysed model.py' }).first().waitFor({ timeout: 30_000 });
});

test('output channel set to Trace ("Developer: Set Log Level…"): per-file timings appear', async () => {
  await runCommand(page, 'Developer: Set Log Level...');
  const pick = async (label: RegExp) => {
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await row.click();
  };
  await pick(/^InitLens/);
  await pick(/^Trace/);
  editor = await quickOpen(page, 'model.py', 'RandomNormal');
  await editor.locator('.view-line', { hasText: 'softmax' }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.type('  # edited');
  const text = await waitLog(/\[trace\] model\.py v\d+: analysed in [\d.]+ ms/);
  assert.match(text, /\[trace\]/);
});

test('a half-typed line in another model keeps the rest of the file reported', async () => {
  // Undo the edit of the previous test, then add a second model and type half a line into it.
  await page.keyboard.press('Control+Z');
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nhead = keras.Sequential([\n    keras.Input(shape=(64,)),\n    layers.Dense(64, activation="re');
  await page.waitForTimeout(1500);
  await page.keyboard.press('Control+Shift+M');
  const got = await waitProblems((r) => r.some((t) => /IL003/.test(t)), 'IL003 still listed while the new line is broken');
  assert.ok(got.some((t) => new RegExp(`IL003.*\\[Ln 7, Col ${IL003_COL}\\]`).test(t)), got.join('\n'));
  assert.doesNotMatch(await page.locator('.statusbar-item', { hasText: 'InitLens' }).first().innerHTML(), /codicon-check/, 'the status bar does not say "no problems"');
  await page.screenshot({ path: join(ARTIFACTS, 'config-half-typed.png') });
});
