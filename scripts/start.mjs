#!/usr/bin/env node
// `npm start`: builds, then opens a real VS Code with the extension on a fresh copy of examples/
// (.e2e/start/workspace, recreated on every start), so trying quick fixes never edits the repository.
// - desktop: `code --extensionDevelopmentPath=<repo> examples/` when `code` is on PATH;
// - otherwise code-server (scripts/setup-e2e.sh) on 127.0.0.1:$PORT (default 8765) with
//   the extension copied unpacked into .e2e/start/extensions; prints the URL to open.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// --dry-run: only prepare the workspace copy and print its path (used by test/vscode/start.test.ts).
const dryRun = process.argv.includes('--dry-run');
if (!dryRun) execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });

// A fresh copy of the examples: the editor (and code-server's autosave) writes there, not to the repository.
const examples = join(root, '.e2e/start/workspace');
rmSync(examples, { recursive: true, force: true });
mkdirSync(dirname(examples), { recursive: true });
cpSync(join(root, 'examples'), examples, { recursive: true });
console.log(`start: a fresh copy of examples/ in ${examples} (recreated on every npm start)`);
if (dryRun) process.exit(0);

const hasCode = process.env.INITLENS_NO_DESKTOP !== '1' && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  console.log('start: opening desktop VS Code with the extension in development mode');
  const child = spawn('code', [`--extensionDevelopmentPath=${root}`, examples], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  execFileSync('sh', [join(root, 'scripts/setup-e2e.sh')], { stdio: 'inherit' });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const base = join(root, '.e2e/start');
  const extensionsDir = join(base, 'extensions');
  const userDataDir = join(base, 'data');
  const ext = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  rmSync(ext, { recursive: true, force: true });
  mkdirSync(ext, { recursive: true });
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  for (const f of ['package.json', 'package.nls.json', 'package.nls.fr.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist', 'media', 'l10n']) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(ext, f), { recursive: true });
  }
  const settings = join(userDataDir, 'User/settings.json');
  if (!existsSync(settings)) {
    writeFileSync(
      settings,
      JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false, 'telemetry.telemetryLevel': 'off' }, null, 2),
    );
  }
  const config = join(base, 'cs-config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const port = process.env.PORT ?? '8765';
  const entry = join(root, '.e2e/cs/node_modules/code-server/out/node/entry.js');
  const child = spawn(
    process.execPath,
    [
      entry,
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--extensions-dir', extensionsDir,
      '--user-data-dir', userDataDir,
      '--config', config,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  console.log(`\nstart: open http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples)}\n(Ctrl+C stops code-server)`);
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}
