/**
 * Issue 11's lint-UX items that a user reads, against the real engine and host logic:
 * one-line Problems-panel messages (the full explanation in the hover and `--verbose`),
 * quick-fix titles that say everything they do, TF.js spellings in TF.js hovers, and the
 * status bar's icon following the worst severity shown (after the user's overrides).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, type Language } from '../../src/core/index.js';
import { defaultSettings, settingsFromConfig, toAnalysisOptions } from '../../src/vscode/logic/settings.js';
import { statusText, toDiagnostics, visibleFindings, worstSeverity } from '../../src/vscode/logic/present.js';
import { hoverMarkdown } from '../../src/vscode/logic/variance.js';
import { cli } from '../cli/helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function examples(): { path: string; text: string; lang: Language }[] {
  const out: { path: string; text: string; lang: Language }[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(py|ts|js)$/.test(e.name)) out.push({ path: p, text: readFileSync(p, 'utf8'), lang: e.name.endsWith('.py') ? 'python' : e.name.endsWith('.ts') ? 'typescript' : 'javascript' });
    }
  };
  walk(join(ROOT, 'examples'));
  return out;
}

test('Problems panel: every diagnostic of the examples is one line, the first sentence of the full message', () => {
  let n = 0;
  for (const { path, text, lang } of examples()) {
    const result = analyze(text, lang);
    const diags = toDiagnostics(visibleFindings(result, defaultSettings), defaultSettings);
    result.findings.forEach((f, i) => {
      const d = diags[i]!;
      n++;
      assert.equal(d.message, f.summary, path);
      assert.ok(!/\n/.test(d.message), `${path}: one line: ${d.message}`);
      assert.ok(f.message.startsWith(f.summary.replace(/\.$/, '')), `${path}: the summary starts the message:\n${f.summary}\n${f.message}`);
      assert.ok(f.summary.length < f.message.length || !/[.;] /.test(f.message), `${path}: the panel gets less than the whole explanation: ${f.message}`);
      assert.ok(f.summary.length <= 240, `${path}: short: ${f.summary}`);
    });
  }
  assert.ok(n >= 5, `findings in the examples: ${n}`);
});

test('CLI: the text output prints the one-line summary; --verbose the full message', async () => {
  const file = join(ROOT, 'examples/keras/sequential_mlp.py');
  const text = readFileSync(file, 'utf8');
  const f = analyze(text, 'python').findings.find((x) => x.summary !== x.message)!;
  assert.ok(f, 'a finding with more than one sentence in examples/keras/sequential_mlp.py');
  const short = await cli(['check', file, '--no-project'], ROOT);
  assert.ok(short.stdout.includes(f.summary), short.stdout);
  assert.ok(!short.stdout.includes(f.message), 'not the full message');
  const long = await cli(['check', file, '--no-project', '--verbose'], ROOT);
  assert.ok(long.stdout.includes(f.message), long.stdout);
});

test('PyTorch quick-fix titles say that the fix also zeroes the bias; Keras ones do not', () => {
  const torch = `import torch.nn as nn\n\nm = nn.Sequential(nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))\n`;
  const f = analyze(torch, 'python').findings.find((x) => x.code === 'IL001')!;
  const preferred = f.fixes[0]!;
  assert.equal(preferred.description, 'Use He normal init (ReLU) and zero the bias');
  assert.ok(preferred.edits.some((e) => /zeros_\(m\[0\]\.bias\)/.test(e.newText)), 'it does write zeros_ for the bias');
  // Without a bias (bias=False) there is nothing to zero, and the title does not say so.
  const noBias = torch.replace('nn.Linear(256, 256)', 'nn.Linear(256, 256, bias=False)');
  const g = analyze(noBias, 'python').findings.find((x) => x.code === 'IL001')!;
  assert.equal(g.fixes[0]!.description, 'Use He normal init (ReLU)');
  assert.ok(!g.fixes[0]!.edits.some((e) => e.newText.includes('zeros_(')));
  const keras = analyze(`from keras import layers\nd = layers.Dense(64, activation="relu")\n`, 'python').findings[0]!;
  assert.equal(keras.fixes[0]!.description, 'Use He normal init (ReLU)');
});

test('hover in a TF.js file spells initializers the TF.js way (glorotNormal, heUniform), never snake_case', () => {
  const src = `import * as tf from '@tensorflow/tfjs';\nconst m = tf.sequential({layers: [tf.layers.dense({units: 64, inputShape: [64], activation: 'relu'}), tf.layers.dense({units: 10})]});\n`;
  const result = analyze(src, 'typescript');
  const layer = result.layers[0]!;
  const md = hoverMarkdown({ layer, result, distribution: 'normal', activationLine: null, simulateUri: null });
  assert.match(md, /glorotNormal/);
  assert.match(md, /heUniform/);
  assert.doesNotMatch(md, /glorot_normal|he_uniform|he_normal/);
  // And the finding the hover repeats says the same initializer as the fix.
  const f = result.findings.find((x) => x.code === 'IL001')!;
  assert.match(f.message, /'heUniform'/);
  assert.ok(f.fixes[0]!.edits.some((e) => e.newText.includes("'heUniform'")));
});

test('status bar: the icon is the worst severity shown, after the user\'s severity overrides', () => {
  const src = `import keras\nfrom keras import layers\nm = keras.Sequential([\n    keras.Input(shape=(784,)),\n    layers.Dense(512, activation="relu"),\n    layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.RandomNormal(stddev=1.0)),\n    layers.Dense(10),\n])\n`;
  const shown = (settings = defaultSettings) => toDiagnostics(visibleFindings(analyze(src, 'python', toAnalysisOptions(settings)), settings), settings);
  const d = shown();
  assert.deepEqual(d.map((x) => [x.code, x.severity]), [['IL001', 'warning'], ['IL003', 'error']]);
  const status = (diags: ReturnType<typeof shown>) => statusText({ kind: 'done', findings: diags.length, ms: 1, worst: worstSeverity(diags) });
  assert.equal(status(d).text, '$(error) InitLens 2');
  assert.equal(status(d).level, 'error');
  const config = (values: Record<string, unknown>) => settingsFromConfig((k) => values[k], (k) => k in values);
  const lowered = config({ severity: { IL003: 'warning' } });
  assert.equal(status(shown(lowered)).text, '$(warning) InitLens 2');
  const off = config({ severity: { IL003: 'off' } });
  assert.equal(status(shown(off)).text, '$(warning) InitLens 1');
});
