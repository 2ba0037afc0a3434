/**
 * The simulator's layering: src/core/sim imports no tfjs, no Node built-ins and no
 * vscode (the extension host bundle stays free of tfjs); src/sim (the runner and its
 * modules, but node.ts and simWorker.ts) imports no Node built-ins (the webview bundles it). Checked on the sources' import declarations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('../../', import.meta.url).pathname;
const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'url', 'module', 'worker_threads', 'child_process', 'crypto', 'util', 'stream', 'events', 'perf_hooks']);

function imports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) out.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const isNode = (s: string) => s.startsWith('node:') || NODE_BUILTINS.has(s);

test('src/core/sim imports no tfjs, no Node built-ins, no vscode', () => {
  const files = readdirSync(join(root, 'src/core/sim')).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 5);
  for (const f of files) {
    for (const s of imports(join('src/core/sim', f))) {
      assert.ok(!s.startsWith('@tensorflow/') && !isNode(s) && s !== 'vscode', `src/core/sim/${f} imports ${s}`);
    }
  }
});

test('src/sim (but node.ts and simWorker.ts) imports no Node built-ins (the webview bundles it)', () => {
  assert.ok(imports('src/sim/runner.ts').includes('@tensorflow/tfjs'));
  const files = readdirSync(join(root, 'src/sim')).filter((f) => f.endsWith('.ts') && f !== 'node.ts' && f !== 'simWorker.ts');
  assert.ok(files.length >= 5);
  for (const f of files) for (const s of imports(join('src/sim', f))) assert.ok(!isNode(s), `src/sim/${f} imports ${s}`);
});
