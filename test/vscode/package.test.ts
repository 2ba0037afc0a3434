import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the .vsix builds and ships only bundles, manifest and docs, within the size budget', () => {
  const r = spawnSync(process.execPath, ['scripts/package-check.mjs'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, /extension\/dist\/extension\.cjs/);
  assert.match(out, /package-check: ok/);
});

test('`npm run package` writes initlens.vsix at the repository root (a relative --out is not lost in the staging folder)', () => {
  const out = `${root}initlens.vsix`;
  rmSync(out, { force: true });
  // The packaging step itself (the bundles are built by npm test's build step and by the check above).
  const r = spawnSync(process.execPath, ['scripts/stage-vsix.mjs', '--out=initlens.vsix'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.ok(existsSync(out), 'initlens.vsix is at the repository root');
  const bytes = readFileSync(out);
  assert.equal(bytes.readUInt32LE(0), 0x04034b50, 'it is a zip file');
  assert.ok(bytes.length < 8 * 1024 * 1024, `the .vsix is ${bytes.length} bytes, over 8 MB`);
  rmSync(out, { force: true });
});
