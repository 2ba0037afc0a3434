/** `npm start` opens a fresh copy of examples/, so quick fixes tried there (and autosave) never edit the repository. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

test('npm start works on a fresh copy of examples/ (recreated each start), never on the tracked folder', () => {
  const run = () => spawnSync(process.execPath, [join(root, 'scripts/start.mjs'), '--dry-run'], { encoding: 'utf8' });
  const r = run();
  assert.equal(r.status, 0, r.stderr);
  const ws = join(root, '.e2e/start/workspace');
  assert.match(r.stdout, /a fresh copy of examples\//);
  assert.deepEqual(readdirSync(ws).sort(), readdirSync(join(root, 'examples')).sort());
  const file = join('keras', readdirSync(join(ws, 'keras')).find((f) => f.endsWith('.py'))!);
  const original = readFileSync(join(root, 'examples', file), 'utf8');
  writeFileSync(join(ws, file), original + '\n# edited by a quick fix\n');
  assert.equal(readFileSync(join(root, 'examples', file), 'utf8'), original, 'the repository is untouched');
  assert.equal(run().status, 0);
  assert.equal(readFileSync(join(ws, file), 'utf8'), original, 'the next start begins from a clean copy');
});
