/**
 * The variance panel in French, in a real VS Code (code-server, `--locale fr`):
 * the CodeLens, the panel's title, charts, table, buttons and sentences come
 * from InitLens's French l10n bundle. VS Code switches its display language only
 * when a language pack for it is installed, and none can be downloaded here: the
 * test packages a minimal one (test/e2e/fixtures/fr-pack, no translations of its
 * own), which is enough for VS Code to run the extensions in 'fr'. VS Code's server
 * reads installed language packs from `languagepacks.json` in the user-data dir,
 * which it writes only when a running workbench installs one: the test writes it
 * (the same fields) before code-server starts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ARTIFACTS, ROOT, ensureSetup, findWebviewFrame, openWorkbench, packageVsix, quickOpen, startSession, stopSession, type Session } from './harness.js';

const MODEL = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(128,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

let session: Session | null = null;
let page: Page;
let frame: Frame;

function frenchPack(): string {
  const dir = mkdtempSync(join(tmpdir(), 'initlens-fr-pack-'));
  cpSync(join(ROOT, 'test/e2e/fixtures/fr-pack'), dir, { recursive: true });
  const out = join(ARTIFACTS, 'initlens-e2e-fr-pack.vsix');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return out;
}

before(async () => {
  ensureSetup();
  const vsix = packageVsix();
  session = await startSession(vsix, { 'model.py': MODEL }, { 'workbench.colorTheme': 'Default Dark Modern' }, {
    vsixes: [frenchPack()],
    args: ['--locale', 'fr'],
    beforeStart: ({ userDataDir, extensionsDir }) => {
      const id = 'initlens-e2e.initlens-e2e-fr-pack';
      const translations = join(extensionsDir, `${id}-0.0.1`, 'translations/main.i18n.json');
      assert.ok(existsSync(translations), 'the language pack is installed');
      const packs = { fr: { hash: 'initlens-e2e-fr-0.0.1', extensions: [{ extensionIdentifier: { id }, version: '0.0.1' }], translations: { vscode: translations }, label: 'français' } };
      writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
    },
  });
  page = await openWorkbench(session);
});

after(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, 'panel-fr-final.png') }).catch(() => undefined);
  await stopSession(session);
});

test('French: the CodeLens, the panel, its charts, table, buttons and sentences', async () => {
  const editor = await quickOpen(page, 'model.py', 'Dense(128');
  const lens = editor.locator('.codelens-decoration a', { hasText: 'Simuler la variance (3 couches)' }).first();
  await lens.waitFor({ timeout: 90_000 });
  await lens.click();
  frame = await findWebviewFrame(page, '#app[data-layers]', 60_000);
  await page.locator('.tab', { hasText: 'Variance : ' }).first().waitFor({ timeout: 20_000 });
  assert.equal(await frame.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await frame.locator('#chart-backward h3').textContent(), 'Rétropropagation : variance du gradient par couche');
  const words = (await frame.locator('#chart-forward .meaning').textContent()) ?? '';
  assert.match(words, /La tête de sortie \(Dense, softmax, couche 3\) est jugée sur sa propre cible/);
  assert.match((await frame.locator('#apply-all').textContent()) ?? '', /Appliquer l'init recommandée à tout le modèle/);
  assert.match((await frame.locator('#export-csv').textContent()) ?? '', /Exporter en CSV/);
  const headers = (await frame.locator('vscode-table-header-cell').allTextContents()).join(' | ').replace(/\u200b/g, '');
  assert.match(headers, /Unités mortes/);
  // The Monte Carlo run, in French too.
  await frame.locator('#app[data-state="done"]').waitFor({ timeout: 180_000 });
  assert.match((await frame.locator('.run-line .backend').textContent()) ?? '', /^Moteur : /);
  await page.screenshot({ path: join(ARTIFACTS, 'panel-fr.png') });
});
