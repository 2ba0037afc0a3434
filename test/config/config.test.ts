/**
 * Project configuration (src/core/config): parsing with smol-toml and key-by-key
 * validation (file, line, key in every message; defaults kept), discovery upwards
 * like Ruff, precedence (file < what the user set), per-file-ignores globs; then
 * the CLI end to end: `initlens check` uses it, says which file it used, and
 * survives a broken one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigResolver, optionsFor, parseConfig, ancestors } from '../../src/core/config/index.js';
import { analyze, defaultOptions } from '../../src/core/index.js';
import { cli, cliJson, tempTree } from '../cli/helpers.js';

const PYPROJECT = `[project]
name = "demo"

[tool.initlens]
select = ["IL00"]
ignore = ["IL004"]
pytorch-default = false
distribution = "uniform"

[tool.initlens.severity]
IL003 = "error"
IL001 = "info"

[tool.initlens.per-file-ignores]
"tests/**" = ["ALL"]
"legacy/*.py" = ["IL001"]
`;

test('pyproject.toml [tool.initlens]: every key read; codes accept prefixes and ALL', () => {
  const { config, problems } = parseConfig(PYPROJECT, '/p/pyproject.toml', 'pyproject');
  assert.deepEqual(problems, []);
  assert.ok(config);
  assert.equal(config.root, '/p');
  assert.deepEqual(config.select, ['IL001', 'IL002', 'IL003', 'IL004', 'IL005', 'IL006', 'IL007']);
  assert.deepEqual(config.ignore, ['IL004']);
  assert.equal(config.pytorchDefault, false);
  assert.equal(config.distribution, 'uniform');
  assert.deepEqual(config.severity, { IL003: 'error', IL001: 'info' });
  assert.deepEqual(config.perFileIgnores, [
    { pattern: 'tests/**', codes: ['IL001', 'IL002', 'IL003', 'IL004', 'IL005', 'IL006', 'IL007'] },
    { pattern: 'legacy/*.py', codes: ['IL001'] },
  ]);
  // A pyproject.toml without the table is no configuration; initlens.toml keys are top level.
  assert.equal(parseConfig('[project]\nname = "x"\n', '/p/pyproject.toml', 'pyproject').config, null);
  assert.deepEqual(parseConfig('ignore = ["IL001"]\n', '/p/initlens.toml', 'initlens').config?.ignore, ['IL001']);
});

test('bad configuration: file, line and key named; the bad key falls back to its default, the rest applies; broken TOML: defaults', () => {
  const text = `[tool.initlens]
select = ["IL001"]
distribution = "gaussian"
colour = true

[tool.initlens.severity]
IL009 = "error"
IL003 = "loud"
`;
  const { config, problems } = parseConfig(text, '/p/pyproject.toml', 'pyproject');
  assert.deepEqual(config?.select, ['IL001'], 'good keys still apply');
  assert.equal(config?.distribution, undefined, 'bad value: default kept');
  assert.deepEqual(config?.severity, {});
  assert.deepEqual(problems.map((p) => `${p.line}:${p.key}`), ['3:distribution', '4:colour', '7:severity.IL009', '8:severity.IL003']);
  assert.match(problems[0]!.message, /expected "normal" or "uniform", got "gaussian"/);
  assert.match(problems[1]!.message, /unknown key 'colour'/);
  assert.match(problems[2]!.message, /unknown rule code 'IL009'/);
  assert.ok(problems.every((p) => p.file === '/p/pyproject.toml'));
  const broken = parseConfig('[tool.initlens]\nselect = ["IL001"\n', '/p/pyproject.toml', 'pyproject');
  assert.equal(broken.config, null);
  assert.equal(broken.problems.length, 1);
  assert.equal(broken.problems[0]!.key, null);
  assert.match(broken.problems[0]!.message, /^invalid TOML/);
  assert.ok(broken.problems[0]!.line >= 2);
  // Never throws, whatever the text.
  for (const t of ['', '\u0000', '[[[', 'a = ', '[tool]\ninitlens = 3', '[tool.initlens]\nselect = "IL001"', 'x = """']) {
    assert.doesNotThrow(() => parseConfig(t, '/p/pyproject.toml', 'pyproject'));
  }
  assert.match(parseConfig('[tool]\ninitlens = 3\n', '/p/pyproject.toml', 'pyproject').problems[0]!.message, /must be a table/);
});

test('discovery: the nearest directory with initlens.toml or a pyproject.toml that has [tool.initlens] wins; others are passed over; each file is read once', async () => {
  const files: Record<string, string> = {
    '/repo/pyproject.toml': PYPROJECT,
    '/repo/pkg/pyproject.toml': '[project]\nname = "pkg"\n', // no [tool.initlens]: skipped
    '/repo/other/initlens.toml': 'ignore = ["IL003"]\n',
    '/repo/other/pyproject.toml': '[tool.initlens]\nignore = ["IL001"]\n', // initlens.toml takes precedence in the same directory
  };
  const reads: string[] = [];
  const r = new ConfigResolver(async (p) => {
    reads.push(p);
    return files[p] ?? null;
  });
  assert.equal((await r.resolve('/repo/pkg/sub/model.py')).config?.path, '/repo/pyproject.toml');
  assert.equal((await r.resolve('/repo/other/model.py')).config?.path, '/repo/other/initlens.toml');
  assert.equal((await r.resolve('/elsewhere/model.py')).config, null);
  await r.resolve('/repo/pkg/sub/again.py');
  assert.equal(reads.length, new Set(reads).size, 'no file read twice');
  assert.deepEqual(ancestors('/a/b/c.py'), ['/a/b', '/a', '/']);
  // A reader that fails counts as "no file".
  const failing = new ConfigResolver(async () => {
    throw new Error('EACCES');
  });
  assert.equal((await failing.resolve('/x/y.py')).config, null);
});

test('precedence and globs: defaults < configuration < what the user set; per-file-ignores match paths relative to the configuration', () => {
  const { config } = parseConfig(PYPROJECT, '/p/pyproject.toml', 'pyproject');
  const o = optionsFor(defaultOptions, config, '/p/src/model.py');
  assert.equal(o.distribution, 'uniform');
  assert.equal(o.pytorchDefaultIsFinding, false);
  assert.deepEqual(o.ignore, ['IL004']);
  assert.equal(o.severity.IL003, 'error');
  assert.deepEqual(optionsFor(defaultOptions, config, '/p/legacy/old.py').ignore, ['IL004', 'IL001']);
  assert.equal(optionsFor(defaultOptions, config, '/p/legacy/deep/old.py').ignore.length, 1, '* does not cross directories');
  assert.equal(optionsFor(defaultOptions, config, '/p/tests/unit/t.py').ignore.length, 7, 'tests/** ignores everything');
  assert.deepEqual(optionsFor(defaultOptions, config, '/q/legacy/old.py').ignore, ['IL004'], 'a file outside the configuration directory');
  // What the user set wins; what they did not set comes from the file.
  const u = optionsFor(defaultOptions, config, '/p/src/model.py', { distribution: 'normal', severity: { IL003: 'warning' }, ignore: ['IL002'] });
  assert.equal(u.distribution, 'normal');
  assert.equal(u.severity.IL003, 'warning');
  assert.equal(u.severity.IL001, 'info');
  assert.deepEqual(u.ignore, ['IL004', 'IL002']);
  assert.equal(u.pytorchDefaultIsFinding, false);
  // The options really change what the engine reports.
  const src = 'import torch.nn as nn\nclass N(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.a = nn.Linear(8, 8)\n        self.b = nn.Linear(8, 1)\n    def forward(self, x):\n        return self.b(nn.functional.relu(self.a(x)))\n';
  assert.equal(analyze(src, 'python').findings.length, 1);
  assert.equal(analyze(src, 'python', o).findings.length, 0, 'pytorch-default = false');
});

const KERAS = `import keras
from keras import layers
model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(64, activation="relu"), layers.Dense(10)])
`;

test('CLI: check uses the nearest configuration, says which one, applies severity and per-file-ignores; flags override it', async () => {
  const { dir, cleanup } = tempTree({
    'proj/pyproject.toml': '[tool.initlens]\nper-file-ignores = { "legacy/*.py" = ["IL001"] }\n\n[tool.initlens.severity]\nIL001 = "error"\n',
    'proj/src/model.py': KERAS,
    'proj/legacy/old.py': KERAS,
  });
  try {
    const r = await cliJson(['check', 'proj', '--format', 'json'], dir);
    const by = new Map(r.report.files.map((f) => [f.path, f]));
    assert.equal(by.get('proj/src/model.py')!.findings[0]!.severity, 'error');
    assert.equal(by.get('proj/src/model.py')!.config, 'proj/pyproject.toml');
    assert.deepEqual(by.get('proj/legacy/old.py')!.findings, []);
    const text = await cli(['check', 'proj'], dir);
    assert.match(text.stderr, /^Configuration: proj\/pyproject\.toml \[tool\.initlens\] \(2 files\)$/m);
    assert.match(text.stdout, /IL001 \[error\]/);
    const isolated = await cliJson(['check', 'proj', '--format', 'json', '--isolated'], dir);
    assert.equal(isolated.report.files.find((f) => f.path === 'proj/src/model.py')!.findings[0]!.severity, 'warning');
    assert.equal(isolated.report.files.find((f) => f.path === 'proj/legacy/old.py')!.findings.length, 1);
    const ignored = await cliJson(['check', 'proj/src', '--format', 'json', '--ignore', 'IL001'], dir);
    assert.deepEqual(ignored.report.files[0]!.findings, [], '--ignore adds to the configuration');
  } finally {
    cleanup();
  }
});

test('CLI: a broken configuration is reported with file, line and key, defaults are used, the run completes', async () => {
  const { dir, cleanup } = tempTree({
    'p/initlens.toml': 'select = ["IL001"]\ndistribution = 3\n',
    'p/model.py': KERAS,
    'q/pyproject.toml': '[tool.initlens\nselect = 1\n',
    'q/model.py': KERAS,
  });
  try {
    const r = await cli(['check', 'p', 'q'], dir);
    assert.equal(r.code, 1, 'findings, not a crash');
    assert.match(r.stderr, /^p\/initlens\.toml:2:1: warning: distribution: expected "normal" or "uniform", got 3 \(this key is ignored; defaults used\)$/m);
    assert.match(r.stderr, /^q\/pyproject\.toml:1:\d+: warning: invalid TOML: .* \(this file is ignored; defaults used\)$/m);
    assert.equal((r.stdout.match(/IL001/g) ?? []).length, 2);
    const j = await cliJson(['check', 'p', 'q', '--format', 'json'], dir);
    assert.deepEqual(j.report.configErrors!.map((e) => `${e.file}:${e.line}:${e.key}`), ['p/initlens.toml:2:distribution', 'q/pyproject.toml:1:null']);
    const missing = await cli(['check', 'p', '--config', 'nope.toml'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--config nope\.toml: cannot read it/);
  } finally {
    cleanup();
  }
});
