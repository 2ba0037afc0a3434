/**
 * The engine's layering, read from the real import declarations of every file under src/
 * (the TypeScript parser; `import type` counts too: a type-only arrow is still an arrow a reader
 * has to follow):
 *   - src/core/parse imports nothing from src/core/frameworks or src/core/analysis;
 *   - src/core/frameworks imports nothing from src/core/analysis;
 *   - src/core imports nothing from `vscode`, Node's built-in modules or TensorFlow.js;
 *   - no import cycle anywhere in src/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports or re-exports from (static and dynamic imports). */
function specifiers(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) out.push(arg.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The file a relative specifier names (`./x.js` → x.ts, `./dir` → dir/index.ts), or null for packages. */
function resolveRelative(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), base + '.ts', join(base, 'index.ts'), base];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
}

interface Graph {
  files: string[];
  /** file → files it imports (inside the repository) */
  edges: Map<string, Set<string>>;
  /** file → package or built-in specifiers it imports */
  external: Map<string, string[]>;
}

function buildGraph(): Graph {
  const files = sourceFiles(SRC);
  const edges = new Map<string, Set<string>>();
  const external = new Map<string, string[]>();
  for (const f of files) {
    const local = new Set<string>();
    const ext: string[] = [];
    for (const spec of specifiers(f)) {
      const target = resolveRelative(f, spec);
      if (target === null) ext.push(spec);
      else local.add(target);
    }
    edges.set(f, local);
    external.set(f, ext);
  }
  return { files, edges, external };
}

const graph = buildGraph();
const rel = (p: string): string => relative(ROOT, p);
const under = (p: string, folder: string): boolean => rel(p).startsWith(folder + '/');

function arrowsBetween(fromFolder: string, toFolders: string[]): string[] {
  const bad: string[] = [];
  for (const [f, targets] of graph.edges) {
    if (!under(f, fromFolder)) continue;
    for (const t of targets) if (toFolders.some((to) => under(t, to))) bad.push(`${rel(f)} → ${rel(t)}`);
  }
  return bad.sort();
}

/** Strongly connected components with more than one file (or a file importing itself): Tarjan. */
function cycles(): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const connect = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.edges.get(v) ?? []) {
      if (!graph.edges.has(w)) continue;
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.edges.get(v)?.has(v)) out.push(scc.map(rel).sort());
    }
  };
  for (const f of graph.files) if (!idx.has(f)) connect(f);
  return out;
}

test('the import scan sees the real graph (known arrows are found)', () => {
  assert.ok(graph.files.length > 50, `only ${graph.files.length} files under src/`);
  const has = (from: string, to: string): boolean => graph.edges.get(join(ROOT, from))?.has(join(ROOT, to)) === true;
  assert.ok(has('src/core/analysis/analyze.ts', 'src/core/analysis/units.ts'), 'analyze.ts → units.ts not seen');
  assert.ok(has('src/core/analysis/runRules.ts', 'src/core/frameworks/python/index.ts'), 'runRules.ts → frameworks/python/index.ts not seen');
  assert.ok(has('src/cli/main.ts', 'src/cli/args.ts'), 'cli/main.ts → cli/args.ts not seen');
  assert.ok(graph.external.get(join(ROOT, 'src/vscode/extension.ts'))?.includes('vscode'), "extension.ts's import of vscode not seen");
});

test('parse/ imports nothing from frameworks/ or analysis/', () => {
  assert.deepEqual(arrowsBetween('src/core/parse', ['src/core/frameworks', 'src/core/analysis']), []);
});

test('frameworks/ imports nothing from analysis/', () => {
  assert.deepEqual(arrowsBetween('src/core/frameworks', ['src/core/analysis']), []);
});

test('core imports nothing from vscode, Node built-ins or TensorFlow.js, and nothing outside core', () => {
  const builtins = new Set(builtinModules);
  const bad: string[] = [];
  for (const f of graph.files) {
    if (!under(f, 'src/core')) continue;
    for (const spec of graph.external.get(f) ?? []) {
      const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
      if (spec === 'vscode' || spec.startsWith('node:') || builtins.has(bare.split('/')[0]!) || spec.startsWith('@tensorflow/')) bad.push(`${rel(f)} → ${spec}`);
    }
    for (const t of graph.edges.get(f) ?? []) if (!under(t, 'src/core')) bad.push(`${rel(f)} → ${rel(t)}`);
  }
  assert.deepEqual(bad.sort(), []);
});

test('no import cycles in src/', () => {
  assert.deepEqual(cycles(), []);
});
