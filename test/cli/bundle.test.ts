/**
 * The shipped CLI bundle: `initlens check` starts without TensorFlow.js (the Monte Carlo runner is
 * dist/simNode.js, imported by `simulate` on demand), and `simulate --method montecarlo` still runs
 * from the bundle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliJs, ensureServerBuilt, root } from '../server/client.js';

test('dist/cli.js imports no TensorFlow.js at start-up; simNode.js does, on demand', () => {
  ensureServerBuilt();
  const cli = readFileSync(cliJs, 'utf8');
  // Static ESM imports of the bundle (a static import is loaded before anything runs).
  const statics = [...cli.matchAll(/\bimport\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
  assert.ok(statics.includes('node:fs'), statics.join(' '));
  assert.deepEqual(statics.filter((s) => s.includes('tensorflow')), []);
  assert.match(cli, /import\(["']\.\/simNode\.js["']\)/);
  const sim = readFileSync(join(root, 'dist/simNode.js'), 'utf8');
  assert.match(sim, /from\s*["']@tensorflow\/tfjs["']/);
});

test('simulate --method montecarlo runs from the bundle', () => {
  ensureServerBuilt();
  const r = spawnSync(process.execPath, [cliJs, 'simulate', 'examples/keras/sequential_mlp.py', '--method', 'montecarlo', '--seeds', '1', '--workers', '1', '--format', 'json'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { method: string; backend: string };
  assert.equal(out.method, 'montecarlo');
  assert.equal(out.backend, 'wasm');
});
