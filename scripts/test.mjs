#!/usr/bin/env node
// npm test: every test of the project, in one run of node's test runner.
//   1. type-check (tsc --noEmit, strict)
//   2. build every bundle (esbuild: extension node + web, webview, CLI)
//   3. docs/rules.md up to date with the rule registry
//   4. node --test over every test/**/*.test.ts: engine, math, tfjs, CLI, notebooks,
//      SARIF schema, corpus (precision/recall goals, fix safety with CPython's parser),
//      fuzz (no crash/hang, incremental = from scratch), VS Code host logic,
//      .vsix package check and the real VS Code (code-server) smoke test.
// Exits non-zero when any step or any test fails. TEST_ONLY=<substring> narrows step 4.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function step(title, cmd, args) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(' ')}`);
  const t = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  const ok = r.status === 0;
  console.log(`=== ${title}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return ok;
}

function testFiles(dir) {
  const out = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (f.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

let ok = true;
ok = step('Type-check', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']) && ok;
ok = step('Build', process.execPath, ['scripts/build.mjs']) && ok;
ok = step('Rules docs up to date', process.execPath, ['--import', 'tsx', 'scripts/gen-docs.ts', '--check']) && ok;
const only = process.env.TEST_ONLY;
const files = testFiles(join(root, 'test')).filter((f) => !only || f.includes(only));

/** Run node's test runner, streaming its output, and read its closing counts. */
function runTests(args) {
  return new Promise((resolve) => {
    console.log(`\n=== Tests (${files.length} files): node ${args.join(' ')}`);
    const t = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let tail = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('close', (code) => {
      const num = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tail)?.[1] ?? NaN);
      console.log(`=== Tests: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      resolve({ ok: code === 0, passed: num('pass'), failed: num('fail') });
    });
  });
}

const tests = await runTests(['--import', 'tsx', '--test', '--test-concurrency=1', ...files]);
ok = tests.ok && ok;
console.log(ok ? '\nnpm test: all steps passed' : '\nnpm test: FAILED');
// The closing line CI reads.
if (Number.isFinite(tests.passed)) console.log(`Tests: ${tests.passed} passed, ${Number.isFinite(tests.failed) ? tests.failed : 0} failed`);
process.exit(ok ? 0 : 1);
