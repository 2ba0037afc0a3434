/**
 * The language server shares the extension's host logic, not its VS Code
 * adapters: src/server imports neither `vscode` nor any src/vscode file outside
 * logic/ and the vscode-free service.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('../../', import.meta.url).pathname;

function importsOf(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!)) out.push((node.arguments[0] as ts.StringLiteral).text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

test('src/server uses the vscode-free host logic only', () => {
  const dir = join(root, 'src/server');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 5);
  for (const f of files) {
    for (const spec of importsOf(join(dir, f))) {
      assert.notEqual(spec, 'vscode', `${f} imports vscode`);
      if (spec.includes('/vscode/')) {
        assert.ok(spec.startsWith('../vscode/logic/') || spec === '../vscode/service.js', `${f} imports ${spec}, a VS Code adapter`);
      }
    }
  }
  // service.ts itself takes no vscode value.
  assert.ok(!importsOf(join(root, 'src/vscode/service.ts')).includes('vscode'));
});
