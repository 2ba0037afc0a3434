#!/usr/bin/env node
// Bundles every entry point with esbuild:
//   src/vscode/extension.ts   -> dist/extension.cjs       (VS Code desktop / server, node, cjs)
//   src/vscode/scanWorker.ts  -> dist/scanWorker.cjs      ("Analyze workspace"'s worker threads, desktop, node, cjs)
//   src/web/extension.ts      -> dist/web/extension.js    (vscode.dev / github.dev, browser, cjs)
//   webview/variance/main.ts  -> dist/webview/variance.js (webview, browser, iife) + .css
//   webview/variance/simWorker.ts -> dist/webview/simWorker.js (the panel's simulator Web Worker, TensorFlow.js)
//   src/cli/main.ts           -> dist/cli.js              (node, esm, #! banner, executable; includes `initlens server`)
//   src/sim/node.ts           -> dist/simNode.js          (the Monte Carlo runner `initlens simulate` imports on demand)
//   src/sim/simWorker.ts      -> dist/simWorker.js        (its worker threads)
// Usage: node scripts/build.mjs [--watch] [--sourcemap] [--only=extension,web,webview,cli]
import { build, context } from 'esbuild';
import { chmod, mkdir, writeFile, copyFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const watch = args.includes('--watch');
const sourcemap = args.includes('--sourcemap');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const production = !watch;

// The extension logs its activation time: evaluation of its bundle (banner → footer) plus
// activate(), in wall-clock and in CPU time (process.cpuUsage, where Node provides it).
const now = '(globalThis.performance ? globalThis.performance.now() : 0)';
const cpu = "(typeof process !== 'undefined' && process.cpuUsage ? process.cpuUsage() : null)";
const loadStartBanner = `var __initlensLoadStart = ${now}, __initlensLoadEnd = 0, __initlensCpu0 = ${cpu}, __initlensLoadCpu = -1;`;
const loadEndFooter =
  `__initlensLoadEnd = ${now}; if (__initlensCpu0) { var __initlensCpuD = process.cpuUsage(__initlensCpu0); ` +
  '__initlensLoadCpu = (__initlensCpuD.user + __initlensCpuD.system) / 1000; }';

/** @type {Record<string, import('esbuild').BuildOptions>} */
/** A Node bundle of the Monte Carlo runner: ESM with `require` for tfjs's CommonJS parts, tfjs itself from node_modules. */
function simBundle(entry, out) {
  return {
    entryPoints: [join(root, entry)],
    outfile: join(root, out),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {
      js: "import { createRequire as __initlensCreateRequire } from 'node:module';\nconst require = __initlensCreateRequire(import.meta.url);",
    },
    external: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
  };
}

const targets = {
  extension: {
    entryPoints: [join(root, 'src/vscode/extension.ts')],
    outfile: join(root, 'dist/extension.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    mainFields: ['module', 'main'],
    banner: { js: loadStartBanner },
    footer: { js: loadEndFooter },
  },
  // "Analyze workspace" in the desktop extension: the engine on worker threads (src/vscode/scanThreads.ts).
  scanWorker: {
    entryPoints: [join(root, 'src/vscode/scanWorker.ts')],
    outfile: join(root, 'dist/scanWorker.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
  },
  web: {
    entryPoints: [join(root, 'src/web/extension.ts')],
    outfile: join(root, 'dist/web/extension.js'),
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    mainFields: ['browser', 'module', 'main'],
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: loadStartBanner },
    footer: { js: loadEndFooter },
    // A browser extension host has no worker_threads: the workspace scan's threads and the large
    // documents' analysis thread are replaced by src/web/scanThreads.ts and src/web/offThread.ts
    // (none: everything is analysed in the host's thread, the scan with yields).
    plugins: [
      {
        name: 'web-scan-in-thread',
        setup(b) {
          b.onResolve({ filter: /\/(scanThreads|offThread)\.js$/ }, (a) =>
            a.importer.includes(join('src', 'vscode')) ? { path: join(root, 'src/web', a.path.slice(a.path.lastIndexOf('/') + 1).replace(/\.js$/, '.ts')) } : undefined,
          );
        },
      },
    ],
  },
  webview: {
    entryPoints: [join(root, 'webview/variance/main.ts')],
    outfile: join(root, 'dist/webview/variance.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    mainFields: ['browser', 'module', 'main'],
    loader: { '.css': 'css' },
  },
  // The panel's Monte Carlo runs in a Web Worker started by the webview page: TensorFlow.js lives here only.
  webviewWorker: {
    entryPoints: [join(root, 'webview/variance/simWorker.ts')],
    outfile: join(root, 'dist/webview/simWorker.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    mainFields: ['browser', 'module', 'main'],
  },
  cli: {
    entryPoints: [join(root, 'src/cli/main.ts')],
    outfile: join(root, 'dist/cli.js'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __initlensCreateRequire } from 'node:module';\nconst require = __initlensCreateRequire(import.meta.url);",
    },
    // Native/wasm helpers stay outside the bundle and resolve from node_modules
    // (TensorFlow.js is loaded only by `simulate`'s Monte Carlo, with its .wasm files).
    external: ['@astral-sh/ruff-wasm-nodejs', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
    // The Monte Carlo runner (src/sim/node.ts, which imports TensorFlow.js) is its own bundle,
    // dist/simNode.js, imported at run time by `simulate --method monte-carlo` only. Bundled in,
    // its `import '@tensorflow/tfjs'` would become a top-level import of dist/cli.js, and every
    // `initlens check` and every analysis worker thread would load TensorFlow.js first (about
    // 0.35 s of CPU each, most of the start-up time; issue 13).
    plugins: [
      {
        name: 'sim-node-on-demand',
        setup(b) {
          b.onResolve({ filter: /\/sim\/node\.js$/ }, (a) => (a.kind === 'dynamic-import' ? { path: './simNode.js', external: true } : undefined));
        },
      },
    ],
  },
  simNode: simBundle('src/sim/node.ts', 'dist/simNode.js'),
  // The simulator's worker thread (seeds on both cores), next to dist/cli.js.
  simWorker: simBundle('src/sim/simWorker.ts', 'dist/simWorker.js'),
};

const selected = Object.entries(targets).filter(([name]) => {
  // --only=webview builds the page and its simulator worker; the CLI's on-demand bundles come with it.
  if (only) return only.has(name) || (name === 'webviewWorker' && only.has('webview')) || (name === 'scanWorker' && only.has('extension')) || ((name === 'simNode' || name === 'simWorker') && only.has('cli'));
  if (name === 'cli' && !existsSync(join(root, 'src/cli/main.ts'))) {
    console.warn('build: src/cli/main.ts not found, skipping the CLI bundle');
    return false;
  }
  if (name === 'webview' && !existsSync(join(root, 'webview/variance/main.ts'))) return false;
  return true;
});

await mkdir(join(root, 'dist'), { recursive: true });
// `package.json` says "type": "module"; the web bundle is CommonJS in a .js file,
// so dist/web gets its own package.json that says so.
await mkdir(join(root, 'dist/web'), { recursive: true });
await writeFile(join(root, 'dist/web/package.json'), '{ "type": "commonjs" }\n');

const common = {
  bundle: true,
  minify: production,
  sourcemap: sourcemap ? 'linked' : false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

if (watch) {
  for (const [name, opts] of selected) {
    const ctx = await context({ ...common, ...opts });
    await ctx.watch();
    console.log(`build: watching ${name}`);
  }
} else {
  const results = await Promise.all(selected.map(async ([name, opts]) => [name, opts, await build({ ...common, ...opts })]));
  for (const [name, opts] of results.map((r) => r)) {
    const size = (await stat(opts.outfile)).size;
    console.log(`build: ${name.padEnd(13)} ${relative(root, opts.outfile).padEnd(28)} ${(size / 1024).toFixed(1)} KiB`);
  }
  if (selected.some(([n]) => n === 'cli')) await chmod(join(root, 'dist/cli.js'), 0o755);
  if (selected.some(([n]) => n === 'webview')) {
    // uPlot's stylesheet is copied as is (loaded by the webview through its CSP).
    const css = join(root, 'node_modules/uplot/dist/uPlot.min.css');
    if (existsSync(css)) await copyFile(css, join(root, 'dist/webview/uPlot.min.css'));
    // The simulator's WASM backend (used where WebGL2 float32 is missing); the threaded build is
    // not shipped: threads need cross-origin isolation, which a webview does not have.
    for (const wasm of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
      await copyFile(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', wasm), join(root, 'dist/webview', wasm));
    }
  }
}
