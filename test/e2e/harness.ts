/**
 * Real-VS-Code test harness: code-server (installed by scripts/setup-e2e.sh
 * into .e2e/cs) driven by the system Chromium through playwright-core.
 * Recipe and pitfalls: ../shared/docs/e2e-vscode.md. Every test file gets a
 * fresh extensions dir, user-data dir and workspace under a temp dir.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Frame, Locator, Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CS_DIR = join(ROOT, '.e2e/cs');
export const ARTIFACTS = join(ROOT, '.e2e/artifacts');
const ENTRY = join(CS_DIR, 'node_modules/code-server/out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Installs chromium + code-server when missing (idempotent, cached in .e2e/). */
export function ensureSetup(): void {
  execFileSync('sh', [join(ROOT, 'scripts/setup-e2e.sh')], { stdio: 'inherit' });
}

/**
 * Builds the bundles and packages the checked .vsix into .e2e/artifacts, or
 * uses the .vsix named by INITLENS_E2E_VSIX (e.g. the one CI already built).
 */
export function packageVsix(): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const given = process.env.INITLENS_E2E_VSIX;
  if (given) return given;
  const out = join(ARTIFACTS, 'initlens.vsix');
  execFileSync(process.execPath, [join(ROOT, 'scripts/package-check.mjs'), `--out=${out}`], { cwd: ROOT, stdio: 'inherit' });
  return out;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Session {
  work: string;
  extensionsDir: string;
  userDataDir: string;
  workspace: string;
  url: string;
  server: ChildProcess;
  browser: Browser | null;
  page: Page | null;
}

function cs(args: string[], env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(process.execPath, [ENTRY, ...args], { encoding: 'utf8', env });
}

/** A fresh code-server with the .vsix installed and `files` written into a temp workspace. */
/**
 * `options.log`: code-server's (and the workbench's default) log level; 'debug' unless given
 * (a test of the output channel's default level starts it at 'info').
 */
export async function startSession(vsix: string, files: Record<string, string>, userSettings: Record<string, unknown> = {}, options: { log?: string } = {}): Promise<Session> {
  const work = mkdtempSync(join(tmpdir(), 'initlens-e2e-'));
  const extensionsDir = join(work, 'extensions');
  const userDataDir = join(work, 'data');
  const workspace = join(work, 'workspace');
  for (const d of [extensionsDir, join(userDataDir, 'User'), workspace]) mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(workspace, name, '..'), { recursive: true });
    writeFileSync(join(workspace, name), text);
  }
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'editor.hover.delay': 200,
        ...userSettings,
      },
      null,
      2,
    ),
  );
  const config = join(work, 'cs-config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const common = ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--config', config];
  cs([...common, '--install-extension', vsix]);
  const listed = cs([...common, '--list-extensions', '--show-versions']);
  if (!listed.includes('initlens.initlens')) throw new Error(`the .vsix did not install:\n${listed}`);

  const port = await freePort();
  const log = createWriteStream(join(work, 'code-server.log'));
  const server = spawn(
    process.execPath,
    [
      ENTRY,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      ...common,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--ignore-last-opened',
      '--log', options.log ?? 'debug',
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('code-server did not start; see ' + join(work, 'code-server.log'));
    await new Promise((r) => setTimeout(r, 250));
  }
  return { work, extensionsDir, userDataDir, workspace, url: `${base}/?folder=${encodeURIComponent(workspace)}`, server, browser: null, page: null };
}

export async function openWorkbench(session: Session): Promise<Page> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  session.browser = browser;
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  session.page = page;
  // The workbench's console (errors of the renderer side) for debugging a failed run.
  const consoleLog = createWriteStream(join(session.work, 'browser-console.log'));
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  await page.goto(session.url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
  return page;
}

/**
 * Puts the caret on a diagnostic's squiggle and opens the quick-fix menu with
 * Ctrl+. (the keyboard: clicks on the action widget are intercepted). On a loaded
 * machine the first Ctrl+. can be swallowed (a hover or the caret move still
 * pending), so it retries. Returns the focused (preferred) action row.
 */
export async function openQuickFix(page: Page, squiggle: Locator): Promise<Locator> {
  // The editor may still be re-rendering after a previous step: wait for a laid-out squiggle.
  const laidOut = async () => {
    await squiggle.waitFor({ state: 'visible', timeout: 30_000 });
    for (let i = 0; i < 20; i++) {
      const b = await squiggle.boundingBox();
      if (b && b.width > 0) return b;
      await page.waitForTimeout(250);
    }
    throw new Error('the squiggle is never laid out');
  };
  const focused = page.locator('.action-widget .monaco-list-row.action.focused');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    const box = await laidOut();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+.');
    try {
      await focused.waitFor({ timeout: 15_000 });
      return focused;
    } catch (e) {
      if (attempt >= 4) throw e;
    }
  }
}

/** Kills chromium and the code-server process group. Safe to call twice. */
export async function stopSession(session: Session | null): Promise<void> {
  if (!session) return;
  try {
    await session.browser?.close();
  } catch {
    // already gone
  }
  session.browser = null;
  const pid = session.server.pid;
  if (pid !== undefined && session.server.exitCode === null) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const end = Date.now() + 5000;
    while (session.server.exitCode === null && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    if (session.server.exitCode === null) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export async function quickOpen(page: Page, fileName: string, textInFile: string): Promise<Locator> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await input.fill(fileName);
  // The focused (first) row, not any row: before the filter applies, the list shows recently
  // opened files, and Enter would open the one on top.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: fileName }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.locator('.view-lines', { hasText: textInFile }).waitFor({ timeout: 30_000 });
  return editor;
}

export async function runCommand(page: Page, title: string, attempts = 4): Promise<void> {
  for (let i = 1; ; i++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>' + title);
    try {
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      if (i >= attempts) throw e;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
  }
}

/** The inner frame of the webview holding `selector`. */
export async function findWebviewFrame(page: Page, selector: string, ms = 30_000): Promise<Frame> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (!/webview/i.test(f.url())) continue;
      try {
        if (await f.$(selector)) return f;
      } catch {
        // frame navigating
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`webview with ${selector} not found`);
}

/** Finds a file by name anywhere under `dir` (log files live under dated folders). */
export function findFile(dir: string, name: string): string | null {
  if (!existsSync(dir)) return null;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (entry === name) return p;
  }
  return null;
}

export async function pollFile(path: string, predicate: (text: string) => boolean, ms = 20_000): Promise<string> {
  const end = Date.now() + ms;
  let text = '';
  while (Date.now() < end) {
    text = readFileSync(path, 'utf8');
    if (predicate(text)) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
  return text;
}
