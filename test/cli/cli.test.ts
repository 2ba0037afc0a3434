/**
 * `initlens` command line: arguments, exit codes, folder walk, skipped files,
 * text output. Runs `run()` in-process on temp folders, plus real subprocesses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliJson, KERAS_BAD, KERAS_GOOD, ROOT, spawnCli, tempTree } from './helpers.js';

const pkgVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('--help prints usage on stdout and exits 0; --version prints the package version', async () => {
  const help = await cli(['--help'], ROOT);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage:$/m);
  for (const word of ['check PATH', 'layers PATH', 'simulate FILE', '--format', '--fix', '--unsafe-fixes', '--select', '--ignore', '--distribution', '--no-pytorch-default', '--max-size', '--model']) {
    assert.ok(help.stdout.includes(word), `help mentions ${word}`);
  }
  assert.equal(help.stderr, '');
  const sub = await cli(['check', '-h'], ROOT);
  assert.equal(sub.code, 0);
  assert.equal(sub.stdout, help.stdout);
  const version = await cli(['--version'], ROOT);
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `${pkgVersion}\n`);
});

test('usage errors exit 2 with a message on stderr and nothing on stdout', async () => {
  const { dir, cleanup } = tempTree({ 'a.py': KERAS_GOOD });
  try {
    const cases: [string[], RegExp][] = [
      [[], /missing command/],
      [['lint', 'a.py'], /unknown command 'lint'/],
      [['check'], /missing PATH/],
      [['check', 'a.py', '--bogus'], /unknown option '--bogus'/],
      [['check', 'a.py', '--format', 'xml'], /--format/],
      [['check', 'a.py', '--format'], /needs a value/],
      [['check', 'a.py', '--select', 'IL999'], /unknown rule code 'IL999'/],
      [['check', 'a.py', '--distribution', 'cauchy'], /--distribution/],
      [['check', 'a.py', '--max-size', 'big'], /--max-size/],
      [['layers', 'a.py', '--fix'], /check only/],
      [['simulate', 'a.py', 'a.py'], /exactly one FILE/],
      [['check', 'a.py', '--fix=yes'], /takes no value/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv, dir);
      assert.equal(r.code, 2, `exit code of ${argv.join(' ')}`);
      assert.match(r.stderr, message, argv.join(' '));
      assert.equal(r.stdout, '', `no stdout for ${argv.join(' ')}`);
    }
  } finally {
    cleanup();
  }
});

test('exit 0 without findings, 1 with findings, 2 for a missing path', async () => {
  const { dir, cleanup } = tempTree({ 'good.py': KERAS_GOOD, 'bad.py': KERAS_BAD });
  try {
    const good = await cli(['check', 'good.py'], dir);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /^Found 0 problems \(0 fixable\) in 1 file\.$/m);
    const bad = await cli(['check', 'bad.py'], dir);
    assert.equal(bad.code, 1, bad.stderr);
    const missing = await cli(['check', 'good.py', 'nope.py'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.py: error: no such file or directory/);
    const missingJson = await cliJson(['check', 'nope.py', 'good.py'], dir);
    assert.equal(missingJson.code, 2);
    const entry = missingJson.report.files.find((f) => f.path === 'nope.py');
    assert.ok(entry, 'missing path has an entry');
    assert.match(entry.errors[0]?.message ?? '', /no such file/);
  } finally {
    cleanup();
  }
});

test('text output: path:line:col: CODE [severity] one-line summary, a fix hint, and the summary line; --verbose gives the full message', async () => {
  const { dir, cleanup } = tempTree({ 'bad.py': KERAS_BAD });
  try {
    const r = await cli(['check', 'bad.py'], dir);
    const verbose = await cli(['check', 'bad.py', '--verbose'], dir);
    const json = await cliJson(['check', 'bad.py'], dir);
    const findings = json.report.files[0]!.findings;
    assert.ok(findings.some((f) => f.code === 'IL001'), 'IL001 on the relu Dense with the glorot default');
    const lines = r.stdout.split('\n');
    for (const f of findings) {
      assert.ok(f.summary.length < f.message.length && f.message.startsWith(f.summary.replace(/\.$/, '')), `summary is the message's first sentence: ${f.summary}`);
      assert.ok(!f.summary.includes('\n'));
      const head = `bad.py:${f.line}:${f.column}: ${f.code} [${f.severity}] ${f.summary}`;
      const at = lines.indexOf(head);
      assert.ok(at >= 0, `line "${head}" in:\n${r.stdout}`);
      assert.ok(verbose.stdout.split('\n').includes(`bad.py:${f.line}:${f.column}: ${f.code} [${f.severity}] ${f.message}`), 'full message with --verbose');
      if (f.fix) assert.match(lines[at + 1] ?? '', new RegExp(`^  help: .*${f.fix.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
    const fixable = findings.filter((f) => f.fix !== null).length;
    assert.ok(fixable > 0);
    const n = findings.length;
    assert.match(r.stdout, new RegExp(`^Found ${n} problems? \\(\\d+ fixable\\) in 1 file\\.$`, 'm'));
    assert.ok(!r.stdout.includes('\u001b['), 'no colors when stdout is not a TTY');
  } finally {
    cleanup();
  }
});

test('colors only on a TTY and never with NO_COLOR', async () => {
  const { dir, cleanup } = tempTree({ 'bad.py': KERAS_BAD });
  try {
    const tty = await cli(['check', 'bad.py'], dir, { isTTY: true });
    assert.ok(tty.stdout.includes('\u001b['), 'colors on a TTY');
    const noColor = await cli(['check', 'bad.py'], dir, { isTTY: true, env: { NO_COLOR: '1' } });
    assert.ok(!noColor.stdout.includes('\u001b['), 'NO_COLOR disables colors');
    assert.equal(noColor.stdout, (await cli(['check', 'bad.py'], dir)).stdout);
  } finally {
    cleanup();
  }
});

test('folders are walked recursively, skipping node_modules, .git, __pycache__, .venv, dist, build and unknown types', async () => {
  const files: Record<string, string> = {
    'pkg/model.py': KERAS_BAD,
    'pkg/sub/deeper/net.py': KERAS_GOOD,
    'pkg/app.ts': 'export const x = 1;\n',
    'pkg/app.js': 'const y = 2;\n',
    'pkg/tool.mjs': 'export {};\n',
    'pkg/tool.cjs': 'module.exports = {};\n',
    'pkg/types.d.ts': 'export declare const x: number;\n',
    'pkg/view.tsx': 'export const v = 1;\n',
    'pkg/README.md': '# hi\n',
    'pkg/node_modules/lib/index.js': KERAS_BAD,
    'pkg/.git/hooks/x.py': KERAS_BAD,
    'pkg/__pycache__/m.py': KERAS_BAD,
    'pkg/.venv/lib/site.py': KERAS_BAD,
    'pkg/dist/out.js': 'x',
    'pkg/build/lib/m.py': KERAS_BAD,
    'pkg/.ipynb_checkpoints/nb-checkpoint.ipynb': '{}',
  };
  const { dir, cleanup } = tempTree(files);
  try {
    const r = await cliJson(['check', 'pkg'], dir);
    const paths = r.report.files.map((f) => f.path.split('\\').join('/')).sort();
    assert.deepEqual(paths, ['pkg/app.js', 'pkg/app.ts', 'pkg/model.py', 'pkg/sub/deeper/net.py', 'pkg/tool.cjs', 'pkg/tool.mjs']);
    assert.equal(r.code, 1, 'model.py has findings');
    // A folder named explicitly is walked even if its name is in the skip list.
    const explicit = await cliJson(['check', 'pkg/build'], dir);
    assert.deepEqual(
      explicit.report.files.map((f) => f.path.split('\\').join('/')),
      ['pkg/build/lib/m.py'],
    );
    // The same file given twice is checked once.
    const twice = await cliJson(['check', 'pkg/model.py', './pkg/model.py', 'pkg'], dir);
    assert.equal(twice.report.files.filter((f) => f.path.endsWith('model.py')).length, 1);
  } finally {
    cleanup();
  }
});

test('binary, non-UTF-8 and oversized files are reported and skipped without changing the exit code', async () => {
  const { dir, cleanup } = tempTree({
    'src/good.py': KERAS_GOOD,
    'src/blob.py': new Uint8Array([0x69, 0x6d, 0x70, 0x00, 0x01, 0x02]),
    'src/latin1.py': new Uint8Array([0x23, 0x20, 0xe9, 0x74, 0xe9, 0x0a]),
    'src/huge.py': 'x = 1\n'.repeat(400),
  });
  try {
    const r = await cli(['check', 'src', '--max-size', '1K'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /blob\.py: warning: skipped: binary file/);
    assert.match(r.stderr, /latin1\.py: warning: skipped: not valid UTF-8/);
    assert.match(r.stderr, /huge\.py: warning: skipped: file is 2\.3 KiB, over the 1 KiB limit \(--max-size\)/);
    assert.match(r.stdout, /Found 0 problems \(0 fixable\) in 1 file\./);
    const j = await cliJson(['check', 'src', '--max-size', '1K'], dir);
    assert.equal(j.code, 0);
    const byName = (n: string) => j.report.files.find((f) => f.path.endsWith(n))!;
    assert.match(byName('blob.py').errors[0]!.message, /binary/);
    assert.match(byName('latin1.py').errors[0]!.message, /UTF-8/);
    assert.match(byName('huge.py').errors[0]!.message, /over the 1 KiB limit/);
    assert.deepEqual(byName('good.py').errors, []);
    assert.equal(j.stderr, '', 'JSON mode keeps file errors in the report');
    // The default limit (2 MiB) lets the 2.3 KiB file through.
    const dflt = await cliJson(['check', 'src/huge.py'], dir);
    assert.deepEqual(dflt.report.files[0]!.errors, []);
  } finally {
    cleanup();
  }
});

test('an unreadable file is an I/O error: reported, skipped, exit 2', async () => {
  const { dir, cleanup } = tempTree({ 'a.py': KERAS_GOOD, 'b.py': KERAS_BAD });
  try {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const io = {
      readFile: async (p: string) => {
        if (p.endsWith('b.py')) throw denied;
        return readFileSync(p);
      },
    };
    const r = await cli(['check', 'a.py', 'b.py'], dir, io);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /b\.py: error: cannot read: permission denied/);
    assert.match(r.stdout, /in 1 file\./);
  } finally {
    cleanup();
  }
});

test('--select and --ignore filter rule codes; --no-pytorch-default drops the PyTorch default finding', async () => {
  const torch = `import torch.nn as nn

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(128, 64)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))
`;
  const { dir, cleanup } = tempTree({ 'k.py': KERAS_BAD, 't.py': torch });
  try {
    const all = await cliJson(['check', 'k.py'], dir);
    const codes = new Set(all.report.files[0]!.findings.map((f) => f.code));
    assert.ok(codes.has('IL001'));
    const ignored = await cliJson(['check', 'k.py', '--ignore', 'IL001'], dir);
    assert.ok(ignored.report.files[0]!.findings.every((f) => f.code !== 'IL001'));
    const selected = await cliJson(['check', 'k.py', '--select', 'il002,IL003'], dir);
    assert.ok(selected.report.files[0]!.findings.every((f) => f.code === 'IL002' || f.code === 'IL003'));

    const withDefault = await cliJson(['check', 't.py'], dir);
    const fc1 = withDefault.report.files[0]!.layers.find((l) => l.name === 'fc1');
    assert.ok(fc1, 'fc1 detected');
    const onFc1 = (r: typeof withDefault) => r.report.files[0]!.findings.filter((f) => f.layerLine === fc1.line);
    assert.ok(onFc1(withDefault).length > 0, 'PyTorch default before ReLU is reported by default');
    const without = await cliJson(['check', 't.py', '--no-pytorch-default'], dir);
    assert.equal(onFc1(without).length, 0);
    assert.equal(without.code, 0);
  } finally {
    cleanup();
  }
});

test('--distribution uniform makes the recommended initializer uniform', async () => {
  const { dir, cleanup } = tempTree({ 'k.py': KERAS_BAD });
  try {
    const normal = await cliJson(['check', 'k.py'], dir);
    const uniform = await cliJson(['check', 'k.py', '--distribution', 'uniform'], dir);
    const rec = (r: typeof normal) => r.report.files[0]!.findings.find((f) => f.code === 'IL001')!.recommended;
    assert.equal(rec(normal), 'he_normal');
    assert.equal(rec(uniform), 'he_uniform');
  } finally {
    cleanup();
  }
});

test('layers lists every detected layer, also those without findings, and exits 0', async () => {
  const { dir, cleanup } = tempTree({ 'k.py': KERAS_BAD });
  try {
    const j = await cliJson(['layers', 'k.py'], dir);
    assert.equal(j.code, 0);
    const layers = j.report.files[0]!.layers;
    assert.deepEqual(
      layers.map((l) => [l.layer, l.activation]),
      [
        ['Dense', 'relu'],
        ['Dense', 'softmax'],
      ],
    );
    const text = await cli(['layers', 'k.py'], dir);
    assert.equal(text.code, 0);
    for (const l of layers) assert.match(text.stdout, new RegExp(`^k\\.py:${l.line}:${l.column}: Dense \\(keras\\) activation=${l.activation} `, 'm'));
    assert.match(text.stdout, /^2 layers in 1 file\.$/m);
  } finally {
    cleanup();
  }
});

test('subprocess: the real CLI prints results on stdout and returns the exit status', () => {
  const { dir, cleanup } = tempTree({ 'bad.py': KERAS_BAD, 'good.py': KERAS_GOOD });
  try {
    const bad = spawnCli(['check', 'bad.py'], dir);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /^bad\.py:\d+:\d+: IL001 \[warning\] /m);
    const good = spawnCli(['check', 'good.py', '--format', 'json'], dir);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(JSON.parse(good.stdout).version, 1);
    const usage = spawnCli(['check'], dir);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /missing PATH/);
    const version = spawnCli(['--version'], dir);
    assert.equal(version.stdout.trim(), pkgVersion);
  } finally {
    cleanup();
  }
});

test('syntax errors are reported with their position (stderr / JSON errors) and analysis continues', async () => {
  const src = 'import keras\nfrom keras import layers\nx = (\nm = keras.Sequential([layers.Dense(3, activation="relu")])\n';
  const { dir, cleanup } = tempTree({ 'syn.py': src });
  try {
    const j = await cliJson(['check', 'syn.py'], dir);
    const file = j.report.files[0]!;
    assert.ok(file.errors.length > 0, 'a parse error is listed');
    const e = file.errors[0]!;
    assert.ok(Number.isInteger(e.line) && e.line! >= 3 && e.line! <= 4, `error line ${e.line}`);
    assert.ok(file.layers.some((l) => l.layer === 'Dense'), 'the layer after the error is still found');
    const t = await cli(['check', 'syn.py'], dir);
    assert.match(t.stderr, new RegExp(`^syn\\.py:${e.line}:${e.column}: warning: .*\\(analysis continued\\)$`, 'm'));
    assert.equal(t.code, file.findings.length > 0 ? 1 : 0, 'parse errors do not change the exit status');
  } finally {
    cleanup();
  }
});

test('folder walk follows symlinks to files but not to folders (no cycles)', async () => {
  const { dir, cleanup } = tempTree({ 'proj/a.py': KERAS_GOOD, 'elsewhere/b.py': KERAS_BAD });
  try {
    symlinkSync(join(dir, 'proj'), join(dir, 'proj', 'loop'));
    symlinkSync(join(dir, 'elsewhere', 'b.py'), join(dir, 'proj', 'link.py'));
    const r = await cliJson(['check', 'proj'], dir);
    assert.deepEqual(r.report.files.map((f) => f.path.split('\\').join('/')).sort(), ['proj/a.py', 'proj/link.py']);
    assert.equal(r.code, 1, 'the linked file is analysed');
  } finally {
    cleanup();
  }
});
