/** `initlens check --fix`: writes, keeps files parseable, idempotent, safe writes, notebooks keep their formatting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliJson, KERAS_BAD, notebook, pythonParses, tempTree } from './helpers.js';
import { FileChangedError, writeFileAtomic } from '../../src/cli/main.js';

test('--fix rewrites the file, the result parses with Python, findings are gone, a second --fix is a no-op', async () => {
  const { dir, cleanup } = tempTree({ 'mlp.py': KERAS_BAD, 'other.py': 'x = 1\n' });
  const file = join(dir, 'mlp.py');
  try {
    chmodSync(file, 0o754);
    const before = await cliJson(['check', 'mlp.py'], dir);
    const il001 = before.report.files[0]!.findings.find((f) => f.code === 'IL001');
    assert.ok(il001?.fix, 'IL001 with a fix before');
    const otherMtime = statSync(join(dir, 'other.py')).mtimeMs;

    const first = await cli(['check', '--fix', 'mlp.py', 'other.py'], dir);
    const fixed = readFileSync(file, 'utf8');
    assert.notEqual(fixed, KERAS_BAD);
    assert.ok(fixed.includes(il001.recommended!), `fixed text uses ${il001.recommended}`);
    assert.equal(pythonParses(file), '', 'fixed file parses');
    assert.match(first.stdout, /^Fixed [1-9]\d* problems? in 1 file\.$/m);
    const remaining = await cliJson(['check', 'mlp.py'], dir);
    assert.equal(remaining.report.files[0]!.findings.filter((f) => f.code === 'IL001').length, 0);
    assert.equal(first.code, remaining.code, 'exit status after --fix reflects what remains');
    assert.equal(statSync(file).mode & 0o777, 0o754, 'file mode kept');
    assert.equal(statSync(join(dir, 'other.py')).mtimeMs, otherMtime, 'unchanged files are not written');
    assert.deepEqual(readdirSync(dir).sort(), ['mlp.py', 'other.py'], 'no temp files left behind');

    const mtime = statSync(file).mtimeMs;
    const second = await cli(['check', '--fix', 'mlp.py'], dir);
    assert.equal(readFileSync(file, 'utf8'), fixed, 'second --fix changes nothing');
    assert.equal(statSync(file).mtimeMs, mtime, 'second --fix does not write');
    assert.match(second.stdout, /^Fixed 0 problems in 0 files\.$/m);
  } finally {
    cleanup();
  }
});

test('--fix keeps a UTF-8 BOM and CRLF line endings working', async () => {
  const crlf = '\ufeff' + KERAS_BAD.split('\n').join('\r\n');
  const { dir, cleanup } = tempTree({ 'w.py': crlf });
  try {
    await cli(['check', '--fix', 'w.py'], dir);
    const out = readFileSync(join(dir, 'w.py'), 'utf8');
    assert.ok(out.startsWith('\ufeff'), 'BOM kept');
    assert.notEqual(out, crlf, 'fixed');
    assert.equal(pythonParses(join(dir, 'w.py')), '');
  } finally {
    cleanup();
  }
});

test('writeFileAtomic refuses to overwrite a file that changed since it was read', async () => {
  const { dir, cleanup } = tempTree({ 'a.py': 'old\n' });
  const file = join(dir, 'a.py');
  try {
    const read = readFileSync(file);
    writeFileSync(file, 'edited by someone else\n');
    await assert.rejects(writeFileAtomic(file, 'fixed\n', read), FileChangedError);
    assert.equal(readFileSync(file, 'utf8'), 'edited by someone else\n');
    assert.deepEqual(readdirSync(dir), ['a.py'], 'temp file removed');
    await writeFileAtomic(file, 'fixed\n', readFileSync(file));
    assert.equal(readFileSync(file, 'utf8'), 'fixed\n');
  } finally {
    cleanup();
  }
});

test('--fix reports a failed write as an I/O error (exit 2) and leaves the file alone', async () => {
  const { dir, cleanup } = tempTree({ 'mlp.py': KERAS_BAD });
  try {
    const r = await cli(['check', '--fix', 'mlp.py'], dir, {
      writeFile: async () => {
        throw new FileChangedError('file changed on disk since it was read; not written');
      },
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /mlp\.py: error: file changed on disk/);
    assert.equal(readFileSync(join(dir, 'mlp.py'), 'utf8'), KERAS_BAD);
  } finally {
    cleanup();
  }
});

test('notebook --fix edits the cell, keeps indent, key order, list sources and trailing newline; second run is a no-op', async () => {
  const cells = [
    { type: 'code' as const, source: '%matplotlib inline\nimport keras\nfrom keras import layers' },
    { type: 'markdown' as const, source: '# Model\n\nTwo dense layers.' },
    { type: 'code' as const, source: 'model = keras.Sequential([\n    keras.Input(shape=(32,)),\n    layers.Dense(16, activation="relu"),\n    layers.Dense(1, activation="sigmoid"),\n])' },
  ];
  for (const indent of [1, 2]) {
    const original = notebook(cells, indent);
    const { dir, cleanup } = tempTree({ 'nb.ipynb': original });
    const file = join(dir, 'nb.ipynb');
    try {
      const before = await cliJson(['check', 'nb.ipynb'], dir);
      const rec = before.report.files[0]!.findings.find((f) => f.code === 'IL001')?.recommended;
      assert.ok(rec, 'IL001 in the notebook');
      await cli(['check', '--fix', 'nb.ipynb'], dir);
      const text = readFileSync(file, 'utf8');
      assert.notEqual(text, original);
      const nb = JSON.parse(text);
      assert.equal(text, JSON.stringify(nb, null, indent) + '\n', `indent ${indent}, trailing newline, no other change of style`);
      const orig = JSON.parse(original);
      assert.deepEqual(Object.keys(nb), Object.keys(orig));
      nb.cells.forEach((c: Record<string, unknown>, i: number) => {
        assert.deepEqual(Object.keys(c), Object.keys(orig.cells[i]), 'cell key order');
        assert.ok(Array.isArray(c.source), 'source stays a list of lines');
      });
      assert.deepEqual(nb.cells.slice(0, 2), orig.cells.slice(0, 2), 'other cells untouched');
      assert.deepEqual({ ...nb.cells[2], source: null }, { ...orig.cells[2], source: null });
      const code = nb.cells[2].source.join('');
      assert.ok(code.includes(rec), `cell 2 now uses ${rec}`);
      // Every source line but the last ends with a newline, like Jupyter writes them.
      const src: string[] = nb.cells[2].source;
      src.slice(0, -1).forEach((l) => assert.ok(l.endsWith('\n')));
      const pyFile = join(dir, 'cells.py');
      writeFileSync(pyFile, nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code').map((c: { source: string[] }) => c.source.join('').split('\n').filter((l) => !l.startsWith('%')).join('\n')).join('\n'));
      assert.equal(pythonParses(pyFile), '', 'fixed code cells parse');

      await cli(['check', '--fix', 'nb.ipynb'], dir);
      assert.equal(readFileSync(file, 'utf8'), text, 'second --fix is a no-op');
    } finally {
      cleanup();
    }
  }
});

test('unsafe fixes are counted apart, not applied by --fix, and applied by --fix --unsafe-fixes', async () => {
  const src = `import keras
from keras import initializers, layers

model = keras.Sequential()
model.add(keras.Input(shape=(784,)))
model.add(layers.Dense(256, activation="relu", kernel_initializer=initializers.RandomNormal(mean=0.0, stddev=1.0)))
model.add(layers.Dense(10, activation="softmax"))
`;
  const { dir, cleanup } = tempTree({ 'big.py': src });
  const file = join(dir, 'big.py');
  try {
    const report = await cli(['check', 'big.py'], dir);
    assert.equal(report.code, 1);
    assert.match(report.stdout, /\(unsafe fix, available with --unsafe-fixes\)/);
    assert.match(report.stdout, /^Found 1 problem \(0 fixable\) in 1 file\.$/m);
    assert.match(report.stdout, /^1 more fix available with --unsafe-fixes\.$/m);
    const counted = await cli(['check', 'big.py', '--unsafe-fixes'], dir);
    assert.match(counted.stdout, /^Found 1 problem \(1 fixable\) in 1 file\.$/m);

    const safeOnly = await cli(['check', 'big.py', '--fix'], dir);
    assert.equal(safeOnly.code, 1);
    assert.equal(readFileSync(file, 'utf8'), src, 'safe --fix leaves the unsafe fix alone');
    const unsafe = await cli(['check', 'big.py', '--fix', '--unsafe-fixes'], dir);
    assert.equal(unsafe.code, 0, unsafe.stdout);
    const fixed = readFileSync(file, 'utf8');
    assert.ok(!fixed.includes('stddev=1.0'), fixed);
    assert.equal(pythonParses(file), '');
  } finally {
    cleanup();
  }
});
