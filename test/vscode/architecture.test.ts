/**
 * Invariants of the VS Code layer, checked on the sources with the TypeScript parser:
 * - src/vscode/logic/** never imports `vscode` (it is unit-tested without VS Code);
 * - outside engine.ts/engineImpl.ts, src/vscode imports no engine *values* (only types),
 *   so activation does not load the parsers (activation budget: 50 ms); the worker threads' entry
 *   scanWorker.ts (its own bundle) is the exception, and no module imports it for its values.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('../../', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    return statSync(join(root, rel)).isDirectory() ? files(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

/** Module specifiers imported for their values (type-only imports and `import type` excluded). */
function valueImports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      if (ts.isImportDeclaration(st)) {
        const clause = st.importClause;
        if (clause?.isTypeOnly) continue;
        const named = clause?.namedBindings;
        if (clause && !clause.name && named && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly)) continue;
      } else if (st.isTypeOnly) continue;
      out.push(st.moduleSpecifier.text);
    }
  }
  return out;
}

test('src/vscode/logic never imports vscode', () => {
  for (const f of files('src/vscode/logic')) {
    assert.ok(!valueImports(f).includes('vscode'), `${f} imports vscode`);
  }
});

test('only engine.ts / engineImpl.ts import engine values (the rest loads lazily)', () => {
  const heavy = ['/core/index.js', '/core/analysis/', '/logic/actions.js', '/logic/suppress.js', '/logic/variance.js', '/logic/index.js', '@lezer/'];
  // scanWorker.ts is the entry of its own bundle (dist/scanWorker.cjs), run only in worker threads:
  // the engine is what it is for, and nothing in the extension's bundle imports it for its values.
  const adapters = files('src/vscode').filter((f) => !f.includes('/logic/') && !f.endsWith('engineImpl.ts') && !f.endsWith('/engine.ts') && !f.endsWith('/scanWorker.ts'));
  assert.ok(adapters.length >= 8);
  for (const f of [...files('src/vscode'), ...files('src/web')]) {
    assert.ok(!valueImports(f).some((spec) => spec.endsWith('/scanWorker.js')), `${f} imports the worker's entry for its values`);
  }
  for (const f of [...adapters, ...files('src/web')]) {
    for (const spec of valueImports(f)) {
      assert.ok(!heavy.some((h) => spec.includes(h)), `${f} imports ${spec} eagerly`);
    }
  }
});
