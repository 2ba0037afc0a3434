/** Small helpers over the Lezer JavaScript tree: children, node keys, function scopes. */
import { FUNCTION_NODES, PUNCT } from './vocab.js';
import type { SyntaxNode } from '@lezer/common';

// Small tree helpers
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

export function exprChildren(node: SyntaxNode): SyntaxNode[] {
  return children(node).filter((c) => !PUNCT.has(c.name) && !c.type.isError);
}

/** Identity of a node across SyntaxNode objects (nested calls share `from`). */
export function nodeKey(n: SyntaxNode): string {
  return `${n.from}:${n.to}`;
}

/** Product of dimensions, null when one is unknown. */
export function product(dims: readonly (number | null)[]): number | null {
  let p = 1;
  for (const d of dims) {
    if (d === null) return null;
    p *= d;
  }
  return p;
}

export function scopeKey(node: SyntaxNode): string {
  for (let p: SyntaxNode | null = node.parent; p; p = p.parent) {
    if (FUNCTION_NODES.has(p.name)) return `${p.from}:${p.to}`;
  }
  return '';
}

export function scopeChain(node: SyntaxNode): Set<string> {
  const out = new Set<string>(['']);
  for (let p: SyntaxNode | null = node.parent; p; p = p.parent) {
    if (FUNCTION_NODES.has(p.name)) out.add(`${p.from}:${p.to}`);
  }
  return out;
}
