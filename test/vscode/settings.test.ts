import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultSettings, engineLanguage, settingsFromConfig, skipReason, toAnalysisOptions } from '../../src/vscode/logic/settings.js';

const from = (values: Record<string, unknown>) => settingsFromConfig((k) => values[k]);

test('no configuration gives the defaults', () => {
  assert.deepEqual(from({}), defaultSettings);
});

test('values of the wrong type fall back to defaults instead of breaking', () => {
  const s = from({ enable: 'yes', distribution: 'gaussian', run: 42, maxFileSize: -5, exclude: 'nope', severity: [1] });
  assert.equal(s.enable, true);
  assert.equal(s.distribution, 'normal');
  assert.equal(s.run, 'onType');
  assert.equal(s.maxFileSize, defaultSettings.maxFileSize);
  assert.deepEqual(s.exclude, defaultSettings.exclude);
  assert.deepEqual(s.severity, {});
});

test('per-language and per-framework switches and severities are read', () => {
  const s = from({
    languages: { javascript: false },
    frameworks: { pytorch: false, bogus: false },
    severity: { IL001: 'error', IL003: 'off', IL999: 'error', IL002: 'loud' },
    distribution: 'uniform',
    run: 'onSave',
    pytorchDefaultIsFinding: false,
  });
  assert.deepEqual(s.languages, { python: true, typescript: true, javascript: false });
  assert.deepEqual(s.frameworks, { keras: true, pytorch: false, flax: true, tfjs: true });
  assert.deepEqual(s.severity, { IL001: 'error', IL003: 'off' });
  assert.equal(s.run, 'onSave');
  const o = toAnalysisOptions(s);
  assert.equal(o.distribution, 'uniform');
  assert.equal(o.pytorchDefaultIsFinding, false);
  assert.deepEqual(o.severity, { IL001: 'error', IL003: 'off' });
});

test("'default' severity is not passed to the engine", () => {
  assert.deepEqual(toAnalysisOptions(from({ severity: { IL001: 'default' } })).severity, {});
});

test('language ids map to engine languages', () => {
  assert.equal(engineLanguage('python'), 'python');
  assert.equal(engineLanguage('typescriptreact'), 'typescript');
  assert.equal(engineLanguage('javascript'), 'javascript');
  assert.equal(engineLanguage('markdown'), null);
});

test('skip reasons: disabled, language off, excluded, too large', () => {
  const doc = { languageId: 'python', length: 10, excluded: false };
  assert.equal(skipReason(defaultSettings, doc), null);
  assert.equal(skipReason(from({ enable: false }), doc), 'disabled');
  assert.equal(skipReason(from({ languages: { python: false } }), doc), 'language');
  assert.equal(skipReason(defaultSettings, { ...doc, languageId: 'rust' }), 'language');
  assert.equal(skipReason(defaultSettings, { ...doc, excluded: true }), 'excluded');
  assert.equal(skipReason(from({ maxFileSize: 5 }), doc), 'tooLarge');
});

test('every setting read by settingsFromConfig is declared in package.json with the same default', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown }>;
  const read: string[] = [];
  settingsFromConfig((k) => {
    read.push(k);
    return undefined;
  });
  for (const key of read) assert.ok(props[`initlens.${key}`], `initlens.${key} is not declared`);
  const declared = Object.fromEntries(Object.entries(props).map(([k, v]) => [k.slice('initlens.'.length), v.default]));
  assert.deepEqual(settingsFromConfig((k) => declared[k]), defaultSettings);
});
