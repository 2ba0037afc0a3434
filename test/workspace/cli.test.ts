/**
 * `initlens check DIR` analyses every file with its project (DIR), `--project ROOT`
 * gives a file given alone its project, `--no-project` analyses each file alone;
 * `--fix` in a project uses the same analysis and never edits another file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliJson, tempTree } from '../cli/helpers.js';
import { FIXTURES } from './helpers.js';

const gan = () => {
  const t = tempTree({});
  cpSync(join(FIXTURES, 'gan'), join(t.dir, 'gan'), { recursive: true });
  return t;
};

test('check DIR: the init train.py applies counts for models.py, and the finding says where', async () => {
  const t = gan();
  try {
    const r = await cliJson(['check', 'gan'], t.dir);
    assert.equal(r.code, 1);
    const models = r.report.files.find((f) => f.path.endsWith('models.py'))!;
    const applied = models.findings.filter((f) => f.message.endsWith('(init applied in train.py:8; fans from Generator(latent_dim=64, hidden=512) at train.py:5)'));
    // the Generator's two hidden layers; its tanh readout (line 27) with std 0.02 is a deliberate small output
    assert.deepEqual(applied.map((f) => [f.code, f.line]), [['IL003', 23], ['IL003', 25]]);
    assert.deepEqual(applied[0].dependsOn, [{ path: 'train.py', line: 8 }, { path: 'train.py', line: 5 }]);
    // the Discriminator gets no init from train.py
    assert.deepEqual(models.findings.filter((f) => !applied.includes(f)).map((f) => [f.code, f.line]), [['IL001', 38]]);
    assert.deepEqual(r.report.files.find((f) => f.path.endsWith('train.py'))!.findings, []);

    const alone = await cliJson(['check', 'gan', '--no-project'], t.dir);
    const aloneModels = alone.report.files.find((f) => f.path.endsWith('models.py'))!;
    assert.deepEqual(aloneModels.findings.map((f) => [f.code, f.line]), [['IL001', 23], ['IL001', 25], ['IL001', 38]]);

    // a file given alone is analysed alone, unless --project names its project
    const file = await cliJson(['check', 'gan/models.py'], t.dir);
    assert.deepEqual(file.report.files[0].findings.map((f) => f.code), ['IL001', 'IL001', 'IL001']);
    const inProject = await cliJson(['check', 'gan/models.py', '--project', 'gan'], t.dir);
    assert.deepEqual(inProject.report.files[0].findings.map((f) => f.code), ['IL003', 'IL003', 'IL001']);
    assert.equal(inProject.report.files.length, 1);

    const usage = await cli(['check', 'gan', '--project', 'gan', '--no-project'], t.dir);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--project and --no-project exclude each other/);
  } finally {
    t.cleanup();
  }
});

test('check --fix in a project: fixes computed with the workspace, no edit in another file, a second run changes nothing', async () => {
  const t = gan();
  try {
    const trainBefore = readFileSync(join(t.dir, 'gan/train.py'), 'utf8');
    const r = await cli(['check', 'gan', '--fix'], t.dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const models = readFileSync(join(t.dir, 'gan/models.py'), 'utf8');
    // the Discriminator's ReLU layer is fixed in models.py; the Generator's init lives in train.py's apply
    assert.match(models, /nn\.init\.kaiming_normal_\(self\.fc1\.weight, nonlinearity="relu"\)/);
    assert.equal(models.match(/kaiming_normal_/g)!.length, 1);
    assert.equal(readFileSync(join(t.dir, 'gan/train.py'), 'utf8'), trainBefore);
    await cli(['check', 'gan', '--fix'], t.dir);
    assert.equal(readFileSync(join(t.dir, 'gan/models.py'), 'utf8'), models);
  } finally {
    t.cleanup();
  }
});

test('check DIR --format sarif: a finding that depends on another file lists it in relatedLocations (path from the working folder)', async () => {
  const t = gan();
  try {
    const r = await cli(['check', 'gan', '--format', 'sarif'], t.dir);
    assert.equal(r.code, 1, r.stderr);
    const results = JSON.parse(r.stdout).runs[0].results as { ruleId: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; relatedLocations?: { id: number; message: { text: string }; physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[];
    const applied = results.filter((x) => x.message.text.endsWith('(init applied in train.py:8; fans from Generator(latent_dim=64, hidden=512) at train.py:5)'));
    assert.equal(applied.length, 2);
    for (const x of applied) {
      assert.equal(x.locations[0].physicalLocation.artifactLocation.uri, 'gan/models.py');
      // the places in other files (the same file's layer, activation and init code follow them)
      assert.deepEqual(x.relatedLocations?.filter((l) => l.physicalLocation.artifactLocation.uri !== 'gan/models.py'), [
        { id: 1, message: { text: 'train.py:8' }, physicalLocation: { artifactLocation: { uri: 'gan/train.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 8 } } },
        { id: 2, message: { text: 'train.py:5' }, physicalLocation: { artifactLocation: { uri: 'gan/train.py', uriBaseId: '%SRCROOT%' }, region: { startLine: 5 } } },
      ]);
      assert.ok(x.relatedLocations!.slice(2).every((l) => l.physicalLocation.artifactLocation.uri === 'gan/models.py'));
    }
    // the Discriminator's finding depends on no other file
    const own = results.filter((x) => !applied.includes(x));
    assert.equal(own.length, 1);
    assert.deepEqual(own[0].relatedLocations?.filter((l) => l.physicalLocation.artifactLocation.uri !== 'gan/models.py') ?? [], []);
  } finally {
    t.cleanup();
  }
});

test('check DIR: a place in a notebook is its cell and line (message, JSON dependsOn, SARIF without a line of the .ipynb)', async () => {
  const t = tempTree({});
  cpSync(join(FIXTURES, 'notebook'), join(t.dir, 'nb'), { recursive: true });
  try {
    const r = await cliJson(['check', 'nb'], t.dir);
    const model = r.report.files.find((f) => f.path.endsWith('model.py'))!;
    const f = model.findings.find((x) => x.message.includes('train.ipynb'))!;
    assert.match(f.message, /\(init applied in train\.ipynb cell 3, line 4; fans from Net\(width=256\) at train\.ipynb cell 3, line 1\)$/);
    assert.deepEqual(f.dependsOn, [{ path: 'train.ipynb', line: 0, cell: 2, cellLine: 4 }, { path: 'train.ipynb', line: 0, cell: 2, cellLine: 1 }]);
    const s = await cli(['check', 'nb', '--format', 'sarif'], t.dir);
    const res = (JSON.parse(s.stdout).runs[0].results as { message: { text: string }; relatedLocations?: unknown[] }[]).find((x) => x.message.text.includes('train.ipynb'))!;
    assert.deepEqual(res.relatedLocations?.[0], { id: 1, message: { text: 'train.ipynb cell 3, line 4' }, physicalLocation: { artifactLocation: { uri: 'nb/train.ipynb', uriBaseId: '%SRCROOT%' } } });
  } finally {
    t.cleanup();
  }
});
