/**
 * TensorFlow.js evaluation of what code writes down statically: strings, numbers (with
 * arithmetic), array and object literals, config properties (through shorthand and variables),
 * and the layer a factory call (`tf.layers.dense({...})`, or a variable bound to one) creates,
 * with the layer a wrapper holds (`bidirectional`, `timeDistributed`, `rnn`).
 */
import type { LayerCall } from './records.js';
import type { TfjsFile } from './state.js';
import { calleePath, callArgs, deref, resolveKey, resolveRef, strip, stringValue } from './bindings.js';
import { children, exprChildren, nodeKey } from './syntax.js';
import { FUNCTION_NODES, WEIGHT_LAYERS, WRAPPERS } from './vocab.js';
import type { SyntaxNode } from '@lezer/common';

export function evalString(file: TfjsFile, n: SyntaxNode | null): string | null {
  const e = deref(file, n);
  return e ? stringValue(file, e) : null;
}

export function evalNumber(file: TfjsFile, n: SyntaxNode | null): number | null {
  if (!n || file.depth > 40) return null;
  file.depth++;
  try {
    const e = strip(file, n);
    switch (e.name) {
      case 'Number': {
        const v = Number(file.textOf(e).replace(/_/g, ''));
        return Number.isFinite(v) ? v : null;
      }
      case 'UnaryExpression': {
        const kids = children(e);
        const op = kids[0] ? file.textOf(kids[0]) : '';
        const v = evalNumber(file, kids[1] ?? null);
        if (v === null) return null;
        return op === '-' ? -v : op === '+' ? v : null;
      }
      case 'BinaryExpression': {
        const kids = children(e);
        if (kids.length !== 3 || kids[1]!.name !== 'ArithOp') return null;
        const a = evalNumber(file, kids[0]!);
        const b = evalNumber(file, kids[2]!);
        if (a === null || b === null) return null;
        const op = file.textOf(kids[1]!);
        const r =
          op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : op === '**' ? a ** b : op === '%' ? a % b : NaN;
        return Number.isFinite(r) ? r : null;
      }
      case 'VariableName':
      case 'MemberExpression': {
        const d = resolveRef(file, e);
        return d?.value ? evalNumber(file, d.value) : null;
      }
      default:
        return null;
    }
  } finally {
    file.depth--;
  }
}

/** Elements of an array literal (possibly through a variable), or null. */
export function evalArray(file: TfjsFile, n: SyntaxNode | null): SyntaxNode[] | null {
  const e = deref(file, n);
  if (!e || e.name !== 'ArrayExpression') return null;
  return exprChildren(e);
}

export function evalBool(file: TfjsFile, n: SyntaxNode | null): boolean {
  const e = deref(file, n);
  return !!e && e.name === 'BooleanLiteral' && file.textOf(e) === 'true';
}

/** Properties of an object literal: key → the last Property node with it. */
export function objectProps(file: TfjsFile, obj: SyntaxNode | null): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  if (!obj || obj.name !== 'ObjectExpression') return out;
  for (const p of children(obj)) {
    if (p.name !== 'Property') continue;
    const k = propKey(file, p);
    if (k !== null) out.set(k, p);
  }
  return out;
}

export function propKey(file: TfjsFile, p: SyntaxNode): string | null {
  const first = p.firstChild;
  if (!first) return null;
  if (first.name === 'PropertyDefinition' || first.name === 'PropertyName') return file.textOf(first);
  if (first.name === 'String') return stringValue(file, first);
  if (first.name === 'Number') return file.textOf(first);
  return null;
}

/** The value expression of a property (`key: value`), or for a shorthand the key itself (a reference). */
export function propValue(file: TfjsFile, p: SyntaxNode | undefined): SyntaxNode | null {
  if (!p) return null;
  const kids = children(p);
  const colon = kids.findIndex((k) => k.name === ':');
  if (colon >= 0) return kids[colon + 1] ?? null;
  if (kids.length === 1 && kids[0]!.name === 'PropertyDefinition') return kids[0]!;
  return null;
}

/** Read a config property through shorthand and variables. */
export function configValue(file: TfjsFile, config: SyntaxNode | null, key: string): SyntaxNode | null {
  const p = objectProps(file, config).get(key);
  if (!p) return null;
  const v = propValue(file, p);
  if (!v) return null;
  if (v.name === 'PropertyDefinition') {
    const d = resolveKey(file, file.textOf(v), v);
    return d?.value ?? null;
  }
  return v;
}

export function hasSpread(file: TfjsFile, obj: SyntaxNode | null): boolean {
  return !!obj && children(obj).some((p) => p.name === 'Property' && p.firstChild?.name === 'Spread');
}

export function configNumber(file: TfjsFile, lc: LayerCall, key: string): number | null {
  return evalNumber(file, configValue(file, lc.config, key));
}

/** The tfjs layer a factory call (or a variable bound to one) creates. */
export function evalLayer(file: TfjsFile, n: SyntaxNode | null): LayerCall | null {
  if (!n || file.depth > 40) return null;
  file.depth++;
  try {
    const e = strip(file, n);
    if (e.name === 'CallExpression') return layerCall(file, e);
    if (e.name === 'VariableName' || e.name === 'MemberExpression') {
      const d = resolveRef(file, e);
      return d?.value ? evalLayer(file, d.value) : null;
    }
    return null;
  } finally {
    file.depth--;
  }
}

export function layerCall(file: TfjsFile, call: SyntaxNode): LayerCall | null {
  const key = nodeKey(call);
  if (file.layerMemo.has(key)) return file.layerMemo.get(key) ?? null;
  file.layerMemo.set(key, null);
  const path = calleePath(file, call);
  if (!path || path.length !== 2 || path[0] !== 'layers') return null;
  const factory = path[1]!;
  const arg = callArgs(file, call)[0] ?? null;
  let config: SyntaxNode | null = null;
  let configInline = false;
  let configOpaque = false;
  if (arg) {
    const stripped = strip(file, arg);
    if (stripped.name === 'ObjectExpression') {
      config = stripped;
      configInline = true;
    } else {
      const e = deref(file, arg);
      if (e?.name === 'ObjectExpression') config = e;
      else configOpaque = true;
    }
  }
  const lc: LayerCall = { node: call, factory, config, configInline, configOpaque, inner: null };
  file.layerMemo.set(key, lc);
  const wrapKey = WRAPPERS[factory];
  if (wrapKey) lc.inner = evalLayer(file, configValue(file, config, wrapKey));
  return lc;
}

/**
 * One source call, several runtime layers: inside a loop, an array callback
 * (`.map`, `.forEach`, `Array.from`), or a local helper called from several places.
 */
export function isTemplate(file: TfjsFile, call: SyntaxNode): boolean {
  for (let p: SyntaxNode | null = call.parent; p; p = p.parent) {
    if (p.name === 'ForStatement' || p.name === 'WhileStatement' || p.name === 'DoStatement') return true;
    if (FUNCTION_NODES.has(p.name)) {
      if ((file.callSites.get(nodeKey(p)) ?? 0) >= 2) return true;
      const argList = p.parent;
      const outer = argList?.name === 'ArgList' ? argList.parent : null;
      const callee = outer?.name === 'CallExpression' ? outer.firstChild : null;
      if (callee?.name === 'MemberExpression') {
        const prop = callee.lastChild;
        if (prop && ['map', 'forEach', 'flatMap', 'from'].includes(file.textOf(prop))) return true;
      }
      // Keep climbing: a helper may itself sit in a loop or be called from one.
      if (p.name === 'MethodDeclaration') return false;
    }
  }
  return false;
}

/** The weight layer an item stands for (the layer itself or the one a wrapper holds). */
export function weightOf(file: TfjsFile, lc: LayerCall | null): LayerCall | null {
  if (!lc) return null;
  if (WEIGHT_LAYERS[lc.factory]) return lc;
  if (lc.inner) return weightOf(file, lc.inner);
  return null;
}
