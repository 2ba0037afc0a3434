import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('../../', import.meta.url).pathname;
const read = (p: string) => readFileSync(join(root, p), 'utf8');

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    return statSync(join(root, rel)).isDirectory() ? files(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

/** First string argument of every call to `t(...)` / `vscode.l10n.t(...)`, found with the TypeScript parser. */
function messages(): Set<string> {
  const out = new Set<string>();
  for (const file of files('src/vscode')) {
    const sf = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        const [first] = node.arguments;
        if (name === 't' && first && ts.isStringLiteralLike(first)) out.add(first.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

test('every runtime message has a French translation with the same placeholders', () => {
  const fr = JSON.parse(read('l10n/bundle.l10n.fr.json')) as Record<string, string>;
  const msgs = messages();
  assert.ok(msgs.size > 30, `found only ${msgs.size} messages`);
  for (const m of msgs) {
    assert.ok(fr[m] !== undefined, `missing French translation: ${JSON.stringify(m)}`);
    const ph = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join();
    assert.equal(ph(fr[m]!), ph(m), `placeholders differ for ${JSON.stringify(m)}`);
  }
});

test('every %key% of package.json exists in package.nls.json and package.nls.fr.json', () => {
  const pkg = read('package.json');
  const en = JSON.parse(read('package.nls.json')) as Record<string, string>;
  const fr = JSON.parse(read('package.nls.fr.json')) as Record<string, string>;
  const keys = [...pkg.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
  assert.ok(keys.length > 10);
  for (const k of keys) {
    assert.ok(en[k], `package.nls.json lacks ${k}`);
    assert.ok(fr[k], `package.nls.fr.json lacks ${k}`);
  }
  assert.deepEqual(Object.keys(fr).sort(), Object.keys(en).sort());
});
