/**
 * `check`/`layers` on worker threads (--jobs N) give byte-identical output and fixes to the
 * in-thread run, show progress on stderr only when it is a terminal, and reject bad --jobs values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ROOT, tempTree } from './helpers.js';

/** Every corpus file (Python, TS, notebooks). */
function corpusTree(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const fw of readdirSync(join(ROOT, 'test', 'corpus'))) {
    const dir = join(ROOT, 'test', 'corpus', fw);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.endsWith('.expected.json') || name.endsWith('.md')) continue;
      const text = readFileSync(join(dir, name), 'utf8');
      files[`${fw}/${name}`] = text;
    }
  }
  return files;
}

test('check --jobs 2 prints the same JSON and SARIF as --jobs 1, and progress only on a terminal', async () => {
  const t = tempTree(corpusTree());
  try {
    for (const format of ['json', 'sarif']) {
      const one = await cli(['check', '.', '--format', format, '--jobs', '1', '--no-project'], t.dir);
      const two = await cli(['check', '.', '--format', format, '--jobs', '2', '--no-project'], t.dir);
      assert.equal(one.code, 1, `${format}: the corpus has findings`);
      assert.equal(two.code, one.code, format);
      assert.equal(two.stdout, one.stdout, format);
      assert.equal(two.stderr, one.stderr, format);
    }
    // The same run with stderr on a terminal: a progress line, cleared at the end.
    const quiet = await cli(['check', '.', '--format', 'json', '--jobs', '1', '--no-project'], t.dir);
    assert.doesNotMatch(quiet.stderr, /files/);
    const tty = await cli(['check', '.', '--format', 'json', '--jobs', '2', '--no-project'], t.dir, { stderrIsTTY: true });
    const total = JSON.parse(tty.stdout).files.length;
    assert.ok(total > 50, `${total} files`);
    assert.match(tty.stderr, new RegExp(`\\rinitlens: ${total}/${total} files \\(2 threads\\)`));
    assert.ok(tty.stderr.endsWith('\r\x1b[K'), JSON.stringify(tty.stderr.slice(-40)));
    assert.equal(tty.stdout, quiet.stdout);
  } finally {
    t.cleanup();
  }
});

test('check --fix --jobs 2 writes the same files as --fix --jobs 1', async () => {
  const tree = corpusTree();
  const one = tempTree(tree);
  const two = tempTree(tree);
  try {
    const r1 = await cli(['check', '.', '--fix', '--jobs', '1', '--no-project'], one.dir);
    const r2 = await cli(['check', '.', '--fix', '--jobs', '2', '--no-project'], two.dir);
    assert.equal(r2.stdout, r1.stdout);
    let changed = 0;
    for (const rel of Object.keys(tree)) {
      const a = readFileSync(join(one.dir, rel), 'utf8');
      const b = readFileSync(join(two.dir, rel), 'utf8');
      assert.equal(b, a, rel);
      if (a !== tree[rel]) changed++;
    }
    assert.ok(changed > 10, `--fix changed ${changed} files`);
  } finally {
    one.cleanup();
    two.cleanup();
  }
});

test('--jobs takes a whole number from 1 to 256, and not with simulate', async () => {
  for (const bad of ['0', '-1', '1.5', 'many', '1000']) {
    const r = await cli(['check', '.', '--jobs', bad], ROOT);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /--jobs: expected a whole number of threads/);
  }
  const r = await cli(['simulate', 'x.py', '--jobs', '2', '--no-project'], ROOT);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--jobs applies to check and layers only/);
});

/** The workspace fixtures (files that import each other's models, inits and sizes). */
function projectTree(): Record<string, string> {
  const root = join(ROOT, 'test', 'workspace', 'fixtures');
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else files[r] = readFileSync(join(root, r), 'utf8');
    }
  };
  walk('');
  return files;
}

test('check DIR (a project) on worker threads: the same workspace-aware JSON as in-thread, cross-file findings included', async () => {
  const t = tempTree(projectTree());
  try {
    const one = await cli(['check', '.', '--format', 'json', '--jobs', '1'], t.dir);
    const two = await cli(['check', '.', '--format', 'json', '--jobs', '2'], t.dir, { stderrIsTTY: true });
    assert.equal(two.code, one.code);
    assert.equal(two.stdout, one.stdout);
    // the project's files really went to two threads
    assert.match(two.stderr, /\(2 threads\)/);
    // and the analysis was the workspace-aware one (an init applied in another file is named)
    assert.match(one.stdout, /init applied in [\w/.-]+\.py:\d+/);
    const alone = await cli(['check', '.', '--format', 'json', '--jobs', '2', '--no-project'], t.dir);
    assert.notEqual(alone.stdout, one.stdout, 'the fixtures give other results when every file is alone');
  } finally {
    t.cleanup();
  }
});
