import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlobs } from '../../src/vscode/logic/glob.js';

test('** matches any depth, including none', () => {
  const m = compileGlobs(['**/node_modules/**']);
  assert.ok(m('node_modules/x/model.py'));
  assert.ok(m('a/b/node_modules/model.py'));
  assert.ok(!m('src/model.py'));
  assert.ok(!m('src/node_modules_like/model.py'));
});

test('a pattern without a slash matches base names anywhere', () => {
  const m = compileGlobs(['*.gen.py']);
  assert.ok(m('a/b/c.gen.py'));
  assert.ok(m('c.gen.py'));
  assert.ok(!m('a/b/c.py'));
});

test('braces, ? and character classes', () => {
  const m = compileGlobs(['src/{legacy,old}/model?.[jt]s']);
  assert.ok(m('src/legacy/model1.ts'));
  assert.ok(m('src/old/modelA.js'));
  assert.ok(!m('src/new/model1.ts'));
  assert.ok(!m('src/old/model12.ts'));
  assert.ok(!m('src/old/model1.py'));
});

test('absolute paths and Windows separators are matched', () => {
  const m = compileGlobs(['**/.venv/**']);
  assert.ok(m('/home/me/project/.venv/lib/x.py'));
  assert.ok(m('C:\\proj\\.venv\\x.py'));
});

test('dots and other regex characters are literal', () => {
  const m = compileGlobs(['a+b.(x).py']);
  assert.ok(m('dir/a+b.(x).py'));
  assert.ok(!m('dir/aab.(x).py'));
  assert.ok(!compileGlobs([])('anything.py'));
});
