/**
 * Large documents analysed off the extension host (src/vscode/offThread.ts + the worker's `live`
 * requests + AnalysisService.analyzeRemote): the same analyses as in the host's thread, edit after
 * edit, alone and in a workspace; one remote analysis per version; the host's analyzers still right
 * after remote analyses; a stopped worker answers null (the host then analyses itself).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IncrementalAnalyzer, analyze } from '../../src/core/index.js';
import { holdBrokenModels, isGood } from '../../src/core/analysis/hold.js';
import { WorkspaceAnalyzer, prepareInWorkspace } from '../../src/core/workspace/analyze.js';
import { defaultSettings } from '../../src/vscode/logic/settings.js';
import { startOffThread } from '../../src/vscode/offThread.js';
import { AnalysisService, type AnalysisTarget, type RemoteAnalyze } from '../../src/vscode/service.js';
import { pathologicalPython } from '../../bench/scale.js';
import { loadProject } from '../workspace/helpers.js';

const engine = { IncrementalAnalyzer, holdBrokenModels, isGood, WorkspaceAnalyzer, prepareInWorkspace };
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('../../src/vscode/scanWorker.ts', import.meta.url).href)}); });`;
const off = startOffThread({ script: WORKER_BOOT, workerOptions: { eval: true } })!;
after(() => off.dispose());

const target = (key: string, text: string, version: number): AnalysisTarget => ({ key, language: 'python', text, version: String(version) });
const remoteFor = (key: string): RemoteAnalyze => (text, language, options) => off.analyze(key, text, language, options);

function wildPython(): [string, string][] {
  const root = join(import.meta.dirname, '..', 'wild');
  const out: [string, string][] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.py')) out.push([p, readFileSync(p, 'utf8')]);
    }
  };
  walk(root);
  return out;
}

test('edit after edit, the remote analyses of test/wild files are the host thread\'s', async () => {
  const files = wildPython();
  assert.ok(files.length >= 30);
  const here = new AnalysisService();
  const there = new AnalysisService();
  for (const [path, text] of files) {
    // typed into the middle of the file, deleted again, and a half-typed line
    const mid = text.indexOf('\n', text.length >> 1) + 1;
    const versions = [text, text.slice(0, mid) + 'x' + text.slice(mid), text, text.slice(0, mid) + 'x = (\n' + text.slice(mid)];
    for (let v = 0; v < versions.length; v++) {
      const t = target(path, versions[v], v);
      const a = here.analyze(engine, t, defaultSettings);
      const b = await there.analyzeRemote(engine, t, defaultSettings, remoteFor(path));
      assert.ok(b, `${path} v${v}: a remote answer`);
      assert.deepEqual(b.result, a.result, `${path} v${v}`);
      assert.deepEqual(b.findings, a.findings, `${path} v${v}: findings`);
    }
  }
});

test('in a workspace: linked here, analysed there, the same result and the same link for dependants', async () => {
  for (const [project, file] of [['gan', 'models.py'], ['aliases', 'nets/blocks.py'], ['resnet', 'blocks.py']] as const) {
    const index = loadProject(project);
    const text = index.get(file)!.text;
    const here = new AnalysisService();
    const there = new AnalysisService();
    const t = target(`${project}/${file}`, text, 1);
    const a = here.analyze(engine, t, defaultSettings, { index, rel: file });
    const b = await there.analyzeRemote(engine, t, defaultSettings, remoteFor(t.key), { index, rel: file });
    assert.ok(b);
    assert.deepEqual(b.result, a.result, `${project}/${file}`);
    assert.ok(a.result.findings.some((f) => /init applied in|fans from/.test(f.summary)) || a.result.layers.some((l) => l.origin || l.sizesFrom), `${project}/${file} reads another file`);
    assert.deepEqual(there.tracked().files.get(file), here.tracked().files.get(file), `${project}/${file}: what it read`);
  }
});

test('after remote analyses the host analyzer is right again (it is given no stale change list)', async () => {
  const { text } = pathologicalPython();
  const s = new AnalysisService();
  const key = 'patho';
  const a = text.indexOf('self.fc1500(x)');
  const b = text.indexOf('Block(dim=32, hidden=64, depth=0)') + 'Block(dim='.length;
  const v2 = text.slice(0, a) + '1' + text.slice(a);
  const v3 = v2.slice(0, b + 1) + '9' + v2.slice(b + 1);
  // v1 here (the host's analyzer sees it), v2 there (it does not), v3 here with the change event of v2 → v3.
  s.analyze(engine, target(key, text, 1), defaultSettings);
  s.noteChanges(key, [{ rangeOffset: a, rangeLength: 0, text: '1' }]);
  assert.ok(await s.analyzeRemote(engine, target(key, v2, 2), defaultSettings, remoteFor(key)));
  s.noteChanges(key, [{ rangeOffset: b + 1, rangeLength: 0, text: '9' }]);
  const r = s.analyze(engine, target(key, v3, 3), defaultSettings);
  assert.deepEqual(r.result, analyze(v3, 'python'));
});

test('one remote analysis per version, however many ask; a stopped worker answers null', async () => {
  const s = new AnalysisService();
  let calls = 0;
  const counting: RemoteAnalyze = (text, language, options) => (calls++, off.analyze('count', text, language, options));
  const t = target('count', 'import torch.nn as nn\nfc = nn.Linear(4, 4)\n', 1);
  const [a, b] = await Promise.all([s.analyzeRemote(engine, t, defaultSettings, counting), s.analyzeRemote(engine, t, defaultSettings, counting)]);
  assert.equal(calls, 1);
  assert.equal(a, b);
  assert.equal(await s.analyzeRemote(engine, t, defaultSettings, counting), a, 'cached for its version');
  assert.equal(calls, 1);

  const warned: string[] = [];
  const dead = startOffThread({ script: 'process.exit(2)', workerOptions: { eval: true }, warn: (m) => warned.push(m) })!;
  try {
    assert.equal(await dead.analyze('k', 'x = 1\n', 'python', {}), null);
    assert.equal(await dead.analyze('k', 'x = 2\n', 'python', {}), null, 'no second worker is started');
    assert.equal(warned.length, 1);
    const s2 = new AnalysisService();
    assert.equal(await s2.analyzeRemote(engine, target('k', 'x = 1\n', 1), defaultSettings, (tx, l, o) => dead.analyze('k', tx, l, o)), null);
  } finally {
    await dead.dispose();
  }
});
