import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { allRules } from '../../src/core/analysis/rules/index.js';
import { renderRulesDoc } from '../../scripts/gen-docs.js';

test('every rule has a unique code, a name, and all doc sections', () => {
  const codes = new Set<string>();
  for (const r of allRules) {
    assert.match(r.code, /^IL\d{3}$/);
    assert.ok(!codes.has(r.code), `duplicate ${r.code}`);
    codes.add(r.code);
    assert.match(r.name, /^[a-z0-9-]+$/);
    for (const k of ['whatItDoes', 'whyBad', 'example', 'fix', 'fixSafety'] as const) assert.ok(r.docs[k].length > 20, `${r.code} docs.${k}`);
  }
  assert.deepEqual([...codes], ['IL001', 'IL002', 'IL003', 'IL004', 'IL005', 'IL006', 'IL007']);
});

test('docs/rules.md is generated from the registry and up to date', () => {
  assert.equal(readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8'), renderRulesDoc(), 'run: node --import tsx scripts/gen-docs.ts');
});

test('no file in src/core imports vscode or node built-ins (the engine runs in the browser and the webview)', async () => {
  const { readdirSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = new URL('../../src/core/', import.meta.url).pathname;
  const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
  for (const f of walk(root).filter((x) => x.endsWith('.ts'))) {
    const src = readFileSync(f, 'utf8');
    assert.ok(!/from ['"]vscode['"]/.test(src), `${f} imports vscode`);
    assert.ok(!/from ['"](node:)?(fs|path|child_process|os)['"]/.test(src), `${f} imports a node built-in`);
  }
});

test('severity: every finding on the corpus and examples has its rule default or one of the exceptions the rule documents (docs/rules.md prints them)', async () => {
  const { readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { analyze } = await import('../../src/core/index.js');
  const { ruleByCode } = await import('../../src/core/analysis/rules/index.js');
  const seen = new Set<string>();
  const files = ['examples', ...['keras', 'pytorch', 'flax', 'tfjs'].map((f) => join('test/corpus', f))].flatMap((d) => readdirSync(d).map((n) => join(d, n)));
  for (const file of files) {
    const lang = file.endsWith('.py') ? 'python' : /\.(ts|js)$/.test(file) ? (file.endsWith('.ts') ? 'typescript' : 'javascript') : null;
    if (!lang) continue;
    for (const f of analyze(readFileSync(file, 'utf8'), lang).findings) {
      const rule = ruleByCode(f.code)!;
      const allowed = [rule.severity, ...(rule.severityRules ?? []).map((x) => x.severity)];
      assert.ok(allowed.includes(f.severity), `${file}: ${f.code} reported as ${f.severity}, documented ${allowed.join('/')}`);
      seen.add(`${f.code}:${f.severity}`);
    }
  }
  const doc = renderRulesDoc();
  for (const r of allRules) for (const x of r.severityRules ?? []) assert.ok(doc.includes(`**${x.severity}** when ${x.when}`), `${r.code} ${x.severity} documented`);
  // IL003 above ×10 is an error, and docs/rules.md says so.
  assert.match(doc, /Default severity: \*\*warning\*\*\. \*\*error\*\* when the layer multiplies the signal's second moment by more than 10/);
});
