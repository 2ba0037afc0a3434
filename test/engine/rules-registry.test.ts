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
