import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the .vsix builds and ships only bundles, manifest and docs, within the size budget', () => {
  const r = spawnSync(process.execPath, ['scripts/package-check.mjs'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, /extension\/dist\/extension\.cjs/);
  assert.match(out, /package-check: ok/);
});
