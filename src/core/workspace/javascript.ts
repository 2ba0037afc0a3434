/**
 * What the workspace index keeps of one TypeScript/JavaScript module: its
 * top-level declarations (functions, classes, variables), what it exports
 * (`export function`, `export { a as b }`, `export * from`, re-exports) and
 * what it imports from other files, read from the Lezer tree
 * (src/core/parse/javascript.ts). Only ES module syntax is read.
 */
import type { SyntaxNode } from '@lezer/common';
import { parseJs } from '../parse/javascript.js';

export type JsDeclKind = 'function' | 'class' | 'const' | 'import' | 'other';

export interface JsStatement {
  from: number;
  to: number;
  kind: JsDeclKind;
  /** Names it declares at module level. */
  defines: string[];
  /** Identifiers it mentions. */
  uses: ReadonlySet<string>;
  /** Offsets of the `export` / `export default` keywords to blank when the statement is inlined elsewhere. */
  exportKeyword?: { from: number; to: number };
}

export interface JsImport {
  /** The specifier as written (`./layers.js`, `@tensorflow/tfjs`). */
  spec: string;
  /** Imported member; 'default'; '*' for a namespace import. */
  name: string;
  local: string;
  statement: number;
}

export interface JsExport {
  /** Exported name ('default' for a default export). */
  name: string;
  /** Local name it refers to, or, for a re-export, the member of `from`. */
  local: string;
  /** `export { a } from './x'` / `export * from './x'` (name '*'). */
  from?: string;
}

export interface JsModuleSummary {
  statements: JsStatement[];
  imports: JsImport[];
  exports: JsExport[];
  /** Top-level name → index of the statement that declares it. */
  defs: Map<string, number>;
}

function kids(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Every variable name mentioned inside a node. */
function namesIn(n: SyntaxNode, text: string): Set<string> {
  const out = new Set<string>();
  const cur = n.cursor();
  const end = n.to;
  do {
    if (cur.from >= end) break;
    if (cur.name === 'VariableName' || cur.name === 'VariableDefinition') out.add(text.slice(cur.from, cur.to));
  } while (cur.next());
  return out;
}

function unquote(s: string): string {
  return s.length >= 2 ? s.slice(1, -1) : s;
}

export function summarizeJs(text: string, typescript: boolean): JsModuleSummary {
  const tree = parseJs(text, typescript);
  const statements: JsStatement[] = [];
  const imports: JsImport[] = [];
  const exports: JsExport[] = [];
  const defs = new Map<string, number>();
  const t = (n: SyntaxNode) => text.slice(n.from, n.to);

  const declNames = (n: SyntaxNode): { kind: JsDeclKind; names: string[] } => {
    if (n.name === 'FunctionDeclaration' || n.name === 'ClassDeclaration') {
      const v = kids(n).find((k) => k.name === 'VariableDefinition');
      return { kind: n.name === 'FunctionDeclaration' ? 'function' : 'class', names: v ? [t(v)] : [] };
    }
    if (n.name === 'VariableDeclaration') {
      return { kind: 'const', names: kids(n).filter((k) => k.name === 'VariableDefinition').map(t) };
    }
    return { kind: 'other', names: [] };
  };

  for (let c = tree.topNode.firstChild; c; c = c.nextSibling) {
    const index = statements.length;
    const st: JsStatement = { from: c.from, to: c.to, kind: 'other', defines: [], uses: namesIn(c, text) };
    if (c.name === 'ImportDeclaration') {
      st.kind = 'import';
      const ks = kids(c);
      if (ks.some((k) => k.name === 'type')) {
        statements.push(st);
        continue;
      }
      const specNode = ks.find((k) => k.name === 'String');
      const spec = specNode ? unquote(t(specNode)) : '';
      for (let i = 0; i < ks.length; i++) {
        const k = ks[i];
        if (k.name === 'VariableDefinition') {
          const star = ks[i - 1]?.name === 'as' && ks[i - 2]?.name === 'Star';
          imports.push({ spec, name: star ? '*' : 'default', local: t(k), statement: index });
          st.defines.push(t(k));
        } else if (k.name === 'ImportGroup') {
          const g = kids(k);
          for (let j = 0; j < g.length; j++) {
            const e = g[j];
            if ((e.name === 'VariableName' || e.name === 'VariableDefinition') && g[j + 1]?.name === 'as' && g[j + 2]?.name === 'VariableDefinition') {
              imports.push({ spec, name: t(e), local: t(g[j + 2]), statement: index });
              st.defines.push(t(g[j + 2]));
              j += 2;
            } else if (e.name === 'VariableDefinition') {
              imports.push({ spec, name: t(e), local: t(e), statement: index });
              st.defines.push(t(e));
            }
          }
        }
      }
    } else if (c.name === 'ExportDeclaration') {
      const ks = kids(c);
      const isDefault = ks[1]?.name === 'default';
      const decl = ks.find((k) => k.name === 'FunctionDeclaration' || k.name === 'ClassDeclaration' || k.name === 'VariableDeclaration');
      const specNode = ks.find((k) => k.name === 'String');
      const from = specNode ? unquote(t(specNode)) : undefined;
      if (decl) {
        const { kind, names } = declNames(decl);
        st.kind = kind;
        st.defines = names;
        st.exportKeyword = { from: c.from, to: decl.from };
        for (const nm of names) exports.push({ name: isDefault ? 'default' : nm, local: nm });
      } else if (ks.some((k) => k.name === 'Star')) {
        const alias = ks.find((k) => k.name === 'VariableName');
        exports.push({ name: alias ? t(alias) : '*', local: '*', from });
      } else {
        const group = ks.find((k) => k.name === 'ExportGroup');
        if (group) {
          const g = kids(group);
          for (let j = 0; j < g.length; j++) {
            const e = g[j];
            if (e.name !== 'VariableName') continue;
            if (g[j + 1]?.name === 'as' && g[j + 2]?.name === 'VariableName') {
              exports.push({ name: t(g[j + 2]), local: t(e), from });
              j += 2;
            } else exports.push({ name: t(e), local: t(e), from });
          }
        }
      }
    } else {
      const { kind, names } = declNames(c);
      st.kind = kind;
      st.defines = names;
    }
    for (const d of st.defines) defs.set(d, index);
    statements.push(st);
  }
  return { statements, imports, exports, defs };
}
