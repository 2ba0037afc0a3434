/**
 * TensorFlow.js bindings: what every name in the file is bound to. `collect` walks the tree once
 * and records imports of the tfjs module (`import * as tf`, named imports, `require`,
 * `await import()`, destructuring of those), variable definitions, assignments and class
 * properties, each with its position and function scope; `bindParams` binds a local helper's
 * parameters to the arguments of its first call site (context-insensitive: later calls share it).
 * A reference resolves to its latest definition before it in an enclosing function scope, which
 * follows straight-line model-building code (`let x = ...; x = layer.apply(x)`); branches and
 * loops are not modelled. Also the syntax helpers every reader needs (`strip`, `callArgs`,
 * `stringValue`) and `tfjsPath`, the path inside the tfjs module an expression denotes.
 */
import type { Def } from './records.js';
import type { TfjsFile } from './state.js';
import { children, exprChildren, nodeKey, scopeChain, scopeKey } from './syntax.js';
import { FUNCTION_NODES, TFJS_MODULES } from './vocab.js';
import type { SyntaxNode } from '@lezer/common';

export function collect(file: TfjsFile): void {
  const cursor = file.tree.cursor();
  do {
    const n = cursor.node;
    switch (n.name) {
      case 'ImportDeclaration':
        collectImport(file, n);
        break;
      case 'VariableDefinition':
        collectVariableDefinition(file, n);
        break;
      case 'AssignmentExpression':
        collectAssignment(file, n);
        break;
      case 'PropertyDeclaration':
        collectClassProperty(file, n);
        break;
      case 'CallExpression':
        file.calls.push(n);
        break;
    }
  } while (cursor.next());
}

/**
 * Bind each parameter of a local helper function to the argument of its first
 * call (in document order), so `convBlock(stem, 32)` connects the block's layers
 * to `stem` and resolves `filters`. Context-insensitive: later calls share it.
 */
export function bindParams(file: TfjsFile): void {
  const byFn = new Map<string, { def: Def; index: number }[]>();
  for (const p of file.params) {
    const list = byFn.get(p.fn) ?? [];
    list.push(p);
    byFn.set(p.fn, list);
  }
  for (const call of file.calls) {
    const callee = call.firstChild;
    if (!callee || (callee.name !== 'VariableName' && callee.name !== 'MemberExpression')) continue;
    if (callee.name === 'MemberExpression' && !refKey(file, callee)) continue;
    const fn = deref(file, callee);
    if (!fn || !FUNCTION_NODES.has(fn.name)) continue;
    file.callSites.set(nodeKey(fn), (file.callSites.get(nodeKey(fn)) ?? 0) + 1);
    const ps = byFn.get(nodeKey(fn));
    if (!ps) continue;
    const args = callArgs(file, call);
    for (const p of ps) {
      const arg = args[p.index];
      if (p.def.value === null && arg && !(arg.from >= fn.from && arg.to <= fn.to)) {
        p.def.value = arg;
      }
    }
    byFn.delete(nodeKey(fn));
  }
}

function addDef(file: TfjsFile, key: string, def: Def): void {
  let list = file.defs.get(key);
  if (!list) file.defs.set(key, (list = []));
  list.push(def);
}

function moduleOf(file: TfjsFile, str: SyntaxNode | null): boolean {
  if (!str || (str.name !== 'String' && str.name !== 'TemplateString')) return false;
  const spec = stringValue(file, str);
  if (spec === null || !TFJS_MODULES.has(spec)) return false;
  if (!file.importString) file.importString = str;
  return true;
}

function collectImport(file: TfjsFile, n: SyntaxNode): void {
  const kids = children(n);
  if (kids.some((k) => k.name === 'type')) return;
  const spec = kids.find((k) => k.name === 'String') ?? null;
  if (!moduleOf(file, spec)) return;
  for (let i = 0; i < kids.length; i++) {
    const k = kids[i]!;
    if (k.name === 'VariableDefinition') {
      // `import * as tf from` (after Star/as) or a default import: the namespace.
      bindImport(file, file.textOf(k), k, []);
    } else if (k.name === 'ImportGroup') {
      const g = children(k);
      for (let j = 0; j < g.length; j++) {
        const e = g[j]!;
        if (e.name === 'VariableName' && g[j + 1]?.name === 'as' && g[j + 2]?.name === 'VariableDefinition') {
          bindImport(file, file.textOf(g[j + 2]!), g[j + 2]!, [file.textOf(e)]);
          j += 2;
        } else if (e.name === 'VariableDefinition') {
          bindImport(file, file.textOf(e), e, [file.textOf(e)]);
        }
      }
    }
  }
}

function bindImport(file: TfjsFile, local: string, node: SyntaxNode, path: string[]): void {
  addDef(file, local, { pos: node.from, scope: '', value: null, imported: path });
  if (path.length === 0 && file.namespaceAlias === null) file.namespaceAlias = local;
  if (path.length === 1 && path[0] === 'initializers' && file.initializersAlias === null) {
    file.initializersAlias = local;
  }
}

/** `require('@tensorflow/tfjs')` or `await import('@tensorflow/tfjs')`. */
function isTfjsModuleExpr(file: TfjsFile, expr: SyntaxNode | null): boolean {
  let e = expr ? strip(file, expr) : null;
  if (e?.name === 'AwaitExpression') e = e.lastChild ? strip(file, e.lastChild) : null;
  if (!e) return false;
  if (e.name === 'DynamicImport') {
    return moduleOf(file, children(e).find((k) => k.name === 'String') ?? null);
  }
  if (e.name === 'CallExpression') {
    const callee = e.firstChild;
    if (callee?.name !== 'VariableName' || file.textOf(callee) !== 'require') return false;
    return moduleOf(file, callArgs(file, e)[0] ?? null);
  }
  return false;
}

function collectVariableDefinition(file: TfjsFile, n: SyntaxNode): void {
  const parent = n.parent;
  const name = file.textOf(n);
  if (parent?.name === 'VariableDeclaration') {
    let s = n.nextSibling;
    if (s?.name === 'TypeAnnotation') s = s.nextSibling;
    if (s?.name === 'Equals' && s.nextSibling) {
      const value = s.nextSibling;
      if (isTfjsModuleExpr(file, value)) {
        bindImport(file, name, n, []);
        return;
      }
      addDef(file, name, { pos: value.to, scope: scopeKey(n), value });
      return;
    }
    addDef(file, name, { pos: n.to, scope: scopeKey(n), value: null });
    return;
  }
  if (parent?.name === 'ImportDeclaration' || parent?.name === 'ImportGroup') return;
  // Destructuring: `const { layers, sequential: seq } = require('@tensorflow/tfjs')`.
  if (parent?.name === 'PatternProperty' || parent?.name === 'ObjectPattern') {
    const pattern = parent.name === 'PatternProperty' ? parent.parent : parent;
    const decl = pattern?.parent;
    if (pattern?.name === 'ObjectPattern' && decl?.name === 'VariableDeclaration') {
      let s = pattern.nextSibling;
      if (s?.name === 'TypeAnnotation') s = s.nextSibling;
      const value = s?.name === 'Equals' ? s.nextSibling : null;
      const base = value ? (isTfjsModuleExpr(file, value) ? [] : tfjsPath(file, value)) : null;
      if (base) {
        // Also `const { dense, conv2d } = tf.layers`.
        const keyNode = parent.name === 'PatternProperty' ? parent.firstChild : null;
        const imported = keyNode && keyNode.name === 'PropertyName' ? file.textOf(keyNode) : name;
        bindImport(file, name, n, [...base, imported]);
        return;
      }
    }
  }
  // Parameters, loop variables, other patterns, function and class names: unknown values.
  if (parent?.name === 'FunctionDeclaration') {
    // Bound to the function itself, so `block(x)` can be followed to what it returns.
    addDef(file, name, { pos: parent.from, scope: scopeKey(parent), value: parent });
    return;
  }
  if (parent && (parent.name === 'ParamList' || parent.name === 'ArrowFunction')) {
    const fn = parent.name === 'ParamList' ? parent.parent : parent;
    if (fn && FUNCTION_NODES.has(fn.name)) {
      let index = 0;
      for (let c = n.prevSibling; c; c = c.prevSibling) if (c.name === ',') index++;
      const def: Def = { pos: n.from, scope: scopeKey(n), value: null };
      addDef(file, name, def);
      file.params.push({ def, fn: nodeKey(fn), index });
      return;
    }
  }
  const isClassName = parent?.name === 'ClassDeclaration';
  addDef(file, name, { pos: n.from, scope: isClassName ? scopeKey(parent) : scopeKey(n), value: null });
}

function collectAssignment(file: TfjsFile, n: SyntaxNode): void {
  const kids = children(n);
  const lhs = kids[0];
  const op = kids[1];
  const rhs = kids[2];
  if (!lhs || !op || !rhs) return;
  const key = refKey(file, lhs);
  if (!key) return;
  const value = op.name === 'Equals' ? rhs : null;
  if (value && lhs.name === 'VariableName' && isTfjsModuleExpr(file, value)) {
    bindImport(file, key, lhs, []);
    return;
  }
  addDef(file, key, { pos: n.to, scope: key.startsWith('this.') ? '' : scopeKey(n), value });
}

function collectClassProperty(file: TfjsFile, n: SyntaxNode): void {
  const kids = children(n);
  const nameNode = kids.find((k) => k.name === 'PropertyDefinition');
  const eq = kids.findIndex((k) => k.name === 'Equals');
  if (!nameNode || eq < 0 || !kids[eq + 1]) return;
  const value = kids[eq + 1]!;
  addDef(file, 'this.' + file.textOf(nameNode), { pos: value.to, scope: '', value });
}

export function refKey(file: TfjsFile, n: SyntaxNode): string | null {
  if (n.name === 'VariableName') return file.textOf(n);
  if (n.name === 'MemberExpression') {
    const kids = children(n);
    if (kids.length === 3 && kids[0]!.name === 'this' && kids[1]!.name === '.' && kids[2]!.name === 'PropertyName') {
      return 'this.' + file.textOf(kids[2]!);
    }
  }
  return null;
}

/** The binding a reference `n` sees: latest definition before it in an enclosing scope. */
export function resolveRef(file: TfjsFile, n: SyntaxNode): Def | null {
  const key = refKey(file, n);
  if (!key) return null;
  return resolveKey(file, key, n);
}

export function resolveKey(file: TfjsFile, key: string, at: SyntaxNode): Def | null {
  const list = file.defs.get(key);
  if (!list) return null;
  const isThis = key.startsWith('this.');
  const chain = isThis ? null : scopeChain(at);
  let best: Def | null = null;
  for (const d of list) {
    if (d.pos > at.from) continue;
    if (chain && !chain.has(d.scope)) continue;
    if (!best || d.pos >= best.pos) best = d;
  }
  if (!best && isThis) best = list[0] ?? null;
  return best;
}

/** Drop parentheses, `as` casts, `!` and `<T>` casts. */
export function strip(file: TfjsFile, n: SyntaxNode): SyntaxNode {
  let cur = n;
  for (let i = 0; i < 50; i++) {
    if (cur.name === 'ParenthesizedExpression') {
      const inner = exprChildren(cur)[0];
      if (!inner) return cur;
      cur = inner;
    } else if (cur.name === 'BinaryExpression' && children(cur).some((k) => k.name === 'as' || k.name === 'satisfies')) {
      cur = cur.firstChild!;
    } else if (cur.name === 'PostfixExpression' && cur.lastChild?.name === 'LogicOp' && file.textOf(cur.lastChild) === '!') {
      cur = cur.firstChild!;
    } else if (cur.name === 'PrefixCast' || cur.name === 'NonNullExpression') {
      cur = cur.lastChild!;
    } else {
      return cur;
    }
  }
  return cur;
}

/** Follow a variable to the expression it is bound to (through `const a = b` chains). */
export function deref(file: TfjsFile, n: SyntaxNode | null): SyntaxNode | null {
  let cur = n ? strip(file, n) : null;
  for (let i = 0; cur && i < 20; i++) {
    if (cur.name !== 'VariableName' && cur.name !== 'MemberExpression') return cur;
    const d = resolveRef(file, cur);
    if (!d) return cur;
    if (!d.value) return d.imported ? cur : null;
    cur = strip(file, d.value);
  }
  return cur;
}

export function callArgs(file: TfjsFile, call: SyntaxNode): SyntaxNode[] {
  const list = children(call).find((k) => k.name === 'ArgList');
  return list ? exprChildren(list) : [];
}

/** Path inside the tfjs module an expression denotes (`tf.layers.dense` → ['layers','dense']), or null. */
export function tfjsPath(file: TfjsFile, n: SyntaxNode): string[] | null {
  if (file.depth > 40) return null;
  file.depth++;
  try {
    const e = strip(file, n);
    if (e.name === 'VariableName') {
      const d = resolveRef(file, e);
      if (!d) return null;
      if (d.imported) return d.imported;
      return d.value ? tfjsPath(file, d.value) : null;
    }
    if (e.name === 'MemberExpression') {
      const kids = children(e);
      const obj = kids[0];
      const prop = kids[kids.length - 1];
      if (!obj || !prop || prop.name !== 'PropertyName') return null;
      if (obj.name === 'this') {
        const d = resolveRef(file, e);
        return d?.value ? tfjsPath(file, d.value) : null;
      }
      const base = tfjsPath(file, obj);
      return base ? [...base, file.textOf(prop)] : null;
    }
    return null;
  } finally {
    file.depth--;
  }
}

export function calleePath(file: TfjsFile, call: SyntaxNode): string[] | null {
  const callee = call.firstChild;
  return callee ? tfjsPath(file, callee) : null;
}

export function stringValue(file: TfjsFile, n: SyntaxNode): string | null {
  if (n.name === 'String') {
    const s = file.textOf(n);
    if (s.length < 2) return null;
    return s.slice(1, -1);
  }
  if (n.name === 'TemplateString') {
    if (children(n).some((k) => k.name === 'Interpolation')) return null;
    const s = file.textOf(n);
    return s.length >= 2 ? s.slice(1, -1) : null;
  }
  return null;
}
