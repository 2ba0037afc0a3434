#!/usr/bin/env node
// Builds the .vsix with @vscode/vsce into a temp dir and checks what it ships:
// only bundles/manifest/docs (no node_modules, tests, sources or maps), the
// files the manifest points at, a size budget, lazy activation and a sane
// `contributes`. Prints sizes. Exit code 1 on any failure.
// Usage: node scripts/package-check.mjs [--no-build] [--keep] [--out=path.vsix]
import { execFileSync } from 'node:child_process';
import { stageAndPackage } from './stage-vsix.mjs';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outArg = args.find((a) => a.startsWith('--out='))?.slice('--out='.length);

/** Budgets, in bytes. The node bundle must stay small: TensorFlow.js belongs to the webview only. */
export const BUDGET = { vsix: 3_000_000, extension: 700_000, web: 700_000, webview: 400_000, webviewWorker: 1_600_000 };
/** The ceiling for the whole .vsix (the budget above is the tighter, current one). */
export const VSIX_CEILING = 8 * 1024 * 1024;

/** Reads a zip's central directory: [{ name, size, compressed }] and a reader for small entries. */
export function readZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.push({ name, size, compressed, method, local });
    p += 46 + nameLen + extraLen + commentLen;
  }
  const read = (entry) => {
    const l = entry.local;
    const start = l + 30 + buf.readUInt16LE(l + 26) + buf.readUInt16LE(l + 28);
    const data = buf.subarray(start, start + entry.compressed);
    return entry.method === 0 ? data : inflateRawSync(data);
  };
  return { entries, read };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/**
 * Build + package under a lock: the .vsix check and the e2e test may run at the same time
 * (node --test runs files in parallel) and must not read dist/ while the other rebuilds it.
 */
function withLock(fn) {
  const lock = join(root, 'dist/.package-check.lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 5 minutes is left over from a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`could not take ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function main() {
  withLock(check);
}

function check() {
  const failures = [];
  const check = (ok, message) => {
    if (!ok) failures.push(message);
  };

  if (!args.includes('--no-build')) {
    // Only what the .vsix ships (the CLI bundle is not part of it).
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--only=extension,web,webview'], { cwd: root, stdio: 'inherit' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'initlens-vsix-'));
  const vsix = join(dir, 'initlens.vsix');
  stageAndPackage(vsix);
  const buf = readFileSync(vsix);
  const { entries, read } = readZip(buf);
  const files = entries.map((e) => e.name).filter((n) => !n.endsWith('/'));

  console.log(`\n${files.length} files in the .vsix (${kib(buf.length)}):`);
  for (const e of entries) console.log(`  ${e.name.padEnd(48)} ${kib(e.size).padStart(11)}`);

  // Nothing that should not ship.
  for (const f of files) {
    check(!f.includes('node_modules/'), `ships node_modules content: ${f}`);
    check(!/^extension\/(test|src|webview|scripts|bench|examples|docs|\.e2e|\.ci)\//.test(f), `ships a source/test file: ${f}`);
    check(!/\.(ts|tsx|mts|cts)$/.test(f) || f.endsWith('.d.ts'), `ships TypeScript source: ${f}`);
    check(!f.endsWith('.map'), `ships a source map: ${f}`);
    check(!f.endsWith('.vsix'), `ships a .vsix: ${f}`);
    check(f !== 'extension/dist/cli.js', 'ships the CLI bundle');
  }

  // What must ship.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const shipped = new Set(files);
  const need = [
    'extension/package.json',
    'extension/package.nls.json',
    'extension/package.nls.fr.json',
    'extension/l10n/bundle.l10n.fr.json',
    'extension/CHANGELOG.md',
    'extension/dist/webview/variance.js',
    'extension/dist/webview/simWorker.js',
    'extension/dist/webview/variance.css',
    // "Analyze workspace"'s worker threads (desktop).
    'extension/dist/scanWorker.cjs',
    // The simulator's WASM backend, fetched by the webview from its own folder.
    'extension/dist/webview/tfjs-backend-wasm.wasm',
    'extension/dist/webview/tfjs-backend-wasm-simd.wasm',
    `extension/${pkg.main.replace(/^\.\//, '')}`,
    `extension/${pkg.browser.replace(/^\.\//, '')}`,
    `extension/${pkg.icon}`,
  ];
  if (existsSync(join(root, 'README.md'))) need.push('extension/README.md');
  // vsce lower-cases README/CHANGELOG names: compare case-insensitively.
  const lower = new Set(files.map((f) => f.toLowerCase()));
  for (const n of need) check(lower.has(n.toLowerCase()), `missing from the .vsix: ${n}`);
  check(files.some((f) => /^extension\/licen[cs]e(\.(md|txt))?$/i.test(f)), 'missing from the .vsix: LICENSE');

  // Sizes.
  const sizeOf = (name) => entries.find((e) => e.name === name)?.size ?? 0;
  const sizes = {
    vsix: buf.length,
    extension: sizeOf(`extension/${pkg.main.replace(/^\.\//, '')}`),
    web: sizeOf(`extension/${pkg.browser.replace(/^\.\//, '')}`),
    webview: sizeOf('extension/dist/webview/variance.js'),
    webviewWorker: sizeOf('extension/dist/webview/simWorker.js'),
  };
  console.log('\nsizes vs budget:');
  for (const [k, v] of Object.entries(sizes)) {
    console.log(`  ${k.padEnd(10)} ${kib(v).padStart(11)} / ${kib(BUDGET[k])}`);
    check(v <= BUDGET[k], `${k} is ${kib(v)}, over its budget of ${kib(BUDGET[k])}`);
  }
  check(buf.length < VSIX_CEILING, `the .vsix is ${kib(buf.length)}, over 8 MB`);
  // The webview's simulator worker carries TensorFlow.js; the page itself (it must never block) and the
  // extension host bundles never do.
  const workerEntry = entries.find((e) => e.name === 'extension/dist/webview/simWorker.js');
  if (workerEntry) check(/registerBackend|registerKernel/.test(read(workerEntry).toString('utf8')), 'the simulator worker bundle lacks TensorFlow.js');
  const webviewEntry = entries.find((e) => e.name === 'extension/dist/webview/variance.js');
  if (webviewEntry) check(!/registerBackend|WEBGL_VERSION|registerKernel/.test(read(webviewEntry).toString('utf8')), 'the webview page bundle contains TensorFlow.js (it belongs to the simulator worker)');
  // The extension bundles must not contain TensorFlow.js (the library, recognised by its runtime
  // identifiers; the detector legitimately mentions the '@tensorflow/tfjs' import name).
  for (const bundle of [pkg.main, pkg.browser]) {
    const entry = entries.find((e) => e.name === `extension/${bundle.replace(/^\.\//, '')}`);
    if (!entry) continue;
    const text = read(entry).toString('utf8');
    check(!/registerBackend|WEBGL_VERSION|registerKernel/.test(text), `${bundle} contains TensorFlow.js`);
    if (bundle === pkg.browser) {
      const builtin = /require\(["'](node:[a-z_/]+|fs|path|os|child_process|worker_threads|crypto|url|util|module)["']\)/.exec(text);
      check(!builtin, `${bundle} (web) requires the Node built-in ${builtin?.[1]}`);
    }
  }

  // The shipped manifest must not mark the extension as an ES module: VS Code's web worker
  // extension host (vscode.dev) refuses to activate such extensions.
  const manifestEntry = entries.find((e) => e.name === 'extension/package.json');
  if (manifestEntry) {
    const shippedPkg = JSON.parse(read(manifestEntry).toString('utf8'));
    check(shippedPkg.type === undefined || shippedPkg.type === 'commonjs', `the shipped package.json says "type": "${shippedPkg.type}"`);
    check(shippedPkg.main && shippedPkg.browser, 'the shipped package.json has both "main" and "browser"');
  }

  // Manifest sanity.
  const lazy = ['onLanguage:python', 'onLanguage:typescript', 'onLanguage:javascript', 'onNotebook:jupyter-notebook'];
  check(JSON.stringify([...(pkg.activationEvents ?? [])].sort()) === JSON.stringify([...lazy].sort()), `activationEvents should be exactly ${lazy.join(', ')}`);
  check(pkg.engines?.vscode, 'engines.vscode missing');
  check(pkg.capabilities?.untrustedWorkspaces?.supported === true, 'capabilities.untrustedWorkspaces.supported should be true');
  check(pkg.capabilities?.virtualWorkspaces === true, 'capabilities.virtualWorkspaces should be true');
  const commands = new Set((pkg.contributes?.commands ?? []).map((c) => c.command));
  for (const c of ['initlens.analyzeWorkspace', 'initlens.fixAllInFile', 'initlens.simulateModel', 'initlens.showOutput']) {
    check(commands.has(c), `command ${c} not contributed`);
  }
  for (const c of pkg.contributes?.commands ?? []) check(c.title && c.category, `command ${c.command} lacks a title or category`);
  for (const m of Object.values(pkg.contributes?.menus ?? {}).flat()) check(commands.has(m.command), `menu refers to unknown command ${m.command}`);
  for (const [key, prop] of Object.entries(pkg.contributes?.configuration?.properties ?? {})) {
    check(key.startsWith('initlens.'), `setting ${key} is not under initlens.`);
    check(prop.description || prop.markdownDescription, `setting ${key} has no description`);
    check('default' in prop, `setting ${key} has no default`);
  }

  if (outArg) copyFileSync(vsix, outArg);
  if (!args.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${vsix}`);

  if (failures.length > 0) {
    console.error(`\npackage-check: ${failures.length} problem(s):`);
    for (const f of failures) console.error(`  - ${f}`);
    process.exitCode = 1;
    return;
  }
  console.log(`\npackage-check: ok (${kib(buf.length)})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
