// Packages the .vsix from a staging folder holding exactly what ships.
//
// Why a staging folder: the repository's package.json says "type": "module" (our
// sources and scripts are ES modules), but VS Code reads that field from the
// extension's manifest too, and its web worker extension host (vscode.dev,
// github.dev) refuses extensions marked as ES modules ("ESM modules are not
// supported in the web worker extension host"). The bundles are CommonJS, so the
// shipped manifest must not carry "type". `webOnly` also drops "main", which
// makes VS Code run the browser entry even where a Node extension host exists
// (used by the e2e test of the web extension).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The files that ship (kept in step with .vscodeignore). */
const SHIPPED = [
  'package.nls.json',
  'package.nls.fr.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  '.vscodeignore',
  'media/icon.png',
  'l10n/bundle.l10n.fr.json',
  'dist/extension.cjs',
  'dist/scanWorker.cjs',
  'dist/web/extension.js',
  'dist/web/package.json',
  'dist/webview/variance.js',
  'dist/webview/simWorker.js',
  'dist/webview/variance.css',
  'dist/webview/uPlot.min.css',
  'dist/webview/tfjs-backend-wasm.wasm',
  'dist/webview/tfjs-backend-wasm-simd.wasm',
];

export function stageAndPackage(out, { webOnly = false } = {}) {
  // vsce runs inside the staging folder: a relative --out must be resolved against the caller's
  // directory first, or the .vsix is written into the temporary folder and lost.
  out = resolve(out);
  const stage = mkdtempSync(join(tmpdir(), 'initlens-stage-'));
  for (const f of SHIPPED) {
    const from = join(root, f);
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    cpSync(from, join(stage, f));
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete pkg.type;
  delete pkg.devDependencies;
  delete pkg.scripts;
  delete pkg.bin;
  if (webOnly) delete pkg.main;
  writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-update-package-json', '-o', out], {
    cwd: stage,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outArg = process.argv.find((a) => a.startsWith('--out='));
  const out = outArg ? outArg.slice('--out='.length) : join(root, 'initlens.vsix');
  stageAndPackage(out, { webOnly: process.argv.includes('--web-only') });
  console.log(`wrote ${out}`);
}
