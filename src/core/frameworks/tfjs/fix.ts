/** TensorFlow.js fixes: a tfjs initializer written into a layer's config object literal, in the file's own formatting. */
import type { Layer, Span, TextEdit } from '../../types.js';
import type { InitTarget } from '../adapter.js';
import { indentOf } from '../shared/textEdits.js';
import { objectProps, propValue } from './evaluate.js';
import type { TfjsFile } from './state.js';
import { initKeys } from './initializers.js';
import type { TfjsFixContext } from './records.js';
import { children } from './syntax.js';
import { FIX_IDENTIFIERS } from './vocab.js';
import type { SyntaxNode, Tree } from '@lezer/common';

// Fixes
export function formatNumber(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** The quote character the file uses: the config's own strings, else the tfjs import specifier. */
export function quoteOf(file: TfjsFile, config: SyntaxNode): string {
  let q: string | null = null;
  const cursor = config.cursor();
  do {
    if (cursor.name === 'String') {
      q = file.text[cursor.from] ?? null;
      break;
    }
  } while (cursor.next() && cursor.from < config.to);
  if (q === "'" || q === '"') return q;
  // Else the file's majority among string literals (ties: the tfjs import specifier's quote).
  let single = 0;
  let double = 0;
  file.tree.iterate({
    enter(n) {
      if (n.name !== 'String') return;
      const c = file.text[n.from];
      if (c === "'") single++;
      else if (c === '"') double++;
    },
  });
  if (single !== double) return double > single ? '"' : "'";
  return file.importString && file.text[file.importString.from] === '"' ? '"' : "'";
}

export function initValueText(file: TfjsFile, target: InitTarget, quote: string, opts: { distribution: 'normal' | 'uniform' }): string | null {
  const id = FIX_IDENTIFIERS[target.init];
  if (id) return `${quote}${id}${quote}`;
  if (target.init !== 'variance_scaling') return null;
  const scale = target.scale ?? (target.slope !== undefined ? 2 / (1 + target.slope * target.slope) : undefined);
  if (scale === undefined || !Number.isFinite(scale) || scale <= 0) return null;
  const ns = file.namespaceAlias ? `${file.namespaceAlias}.initializers` : file.initializersAlias;
  if (!ns) return null;
  const dist = (target.distribution ?? opts.distribution) === 'uniform' ? 'uniform' : 'normal';
  return `${ns}.varianceScaling({scale: ${formatNumber(scale)}, mode: ${quote}fanIn${quote}, distribution: ${quote}${dist}${quote}})`;
}

export function findNode(tree: Tree, span: Span, name: string): SyntaxNode | null {
  for (let n: SyntaxNode | null = tree.resolveInner(span.from, 1); n; n = n.parent) {
    if (n.from === span.from && n.to === span.to && n.name === name) return n;
    if (n.from < span.from) break;
  }
  return null;
}

export function buildFix(
  file: TfjsFile,
  layer: Layer,
  target: InitTarget,
  opts: { distribution: 'normal' | 'uniform' },
): TextEdit[] | null {
  const ctx = layer.fixContext as TfjsFixContext | undefined;
  if (!ctx || ctx.framework !== 'tfjs' || !ctx.config) return null;
  const keys = initKeys(ctx.factory, target.which);
  if (!keys) return null;
  const obj = findNode(file.tree, ctx.config, 'ObjectExpression');
  if (!obj) return null;
  const quote = quoteOf(file, obj);
  const value = initValueText(file, target, quote, opts);
  if (!value) return null;

  const edits: TextEdit[] = [];
  const props = objectProps(file, obj);
  const missing: string[] = [];
  for (const key of keys) {
    const p = props.get(key);
    const v = propValue(file, p);
    if (p && v && v.name === 'PropertyDefinition') {
      // Shorthand `{kernelInitializer}`: write it out.
      edits.push({ from: p.from, to: p.to, newText: `${key}: ${value}` });
    } else if (p && v) {
      edits.push({ from: v.from, to: v.to, newText: value });
    } else {
      missing.push(key);
    }
  }
  if (missing.length > 0) {
    const ins = insertion(file, obj, missing.map((k) => `${k}: ${value}`));
    if (!ins) return null;
    edits.push(...ins);
  }
  return edits.sort((x, y) => x.from - y.from);
}

/** Edits adding properties to an object literal, in the object's own formatting. */
export function insertion(file: TfjsFile, obj: SyntaxNode, entries: string[]): TextEdit[] | null {
  const text = file.text;
  const kids = children(obj);
  const open = kids[0];
  const close = kids[kids.length - 1];
  if (!open || open.name !== '{' || !close || close.name !== '}') return null; // unclosed literal: no safe edit
  const propsList = kids.filter((k) => k.name === 'Property');
  const last = propsList[propsList.length - 1];
  const multiline = text.slice(open.to, close.from).includes('\n');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';

  if (!last) {
    if (!multiline) {
      const inner = text.slice(open.to, close.from);
      const pad = inner.length > 0 ? ' ' : '';
      return [{ from: open.to, to: close.from, newText: `${pad}${entries.join(', ')}${pad}` }];
    }
    const closeIndent = indentOf(text, close.from);
    const indent = closeIndent + '  ';
    return [{ from: open.to, to: open.to, newText: entries.map((e, i) => `${eol}${indent}${e}${i < entries.length - 1 ? ',' : ''}`).join('') }];
  }

  // A comma after the last property means a trailing-comma style.
  let comma: SyntaxNode | null = null;
  for (let s = last.nextSibling; s && s !== close; s = s.nextSibling) {
    if (s.name === ',') comma = s;
  }

  if (!multiline) {
    if (comma) return [{ from: comma.to, to: comma.to, newText: entries.map((e) => ` ${e},`).join('') }];
    return [{ from: last.to, to: last.to, newText: entries.map((e) => `, ${e}`).join('') }];
  }

  const indent = indentOf(text, last.from);
  const anchor = comma ? comma.to : last.to;
  // Insert at the end of the anchor's line, after a trailing `// comment`, unless the brace comes first.
  let at = anchor;
  const nl = text.indexOf('\n', anchor);
  if (nl >= 0 && nl <= close.from) {
    let onlyComment = true;
    for (let s = (comma ?? last).nextSibling; s && s.from < nl; s = s.nextSibling) {
      if (s.name !== 'LineComment' && s.name !== 'BlockComment') onlyComment = false;
    }
    if (onlyComment) at = trimEnd(text, anchor, nl);
  } else {
    at = anchor;
  }
  const body = entries.map((e, i) => `${eol}${indent}${e}${comma || i < entries.length - 1 ? ',' : ''}`).join('');
  if (comma) return [{ from: at, to: at, newText: body }];
  if (at === anchor) return [{ from: anchor, to: anchor, newText: ',' + body }];
  return [
    { from: anchor, to: anchor, newText: ',' },
    { from: at, to: at, newText: body },
  ];
}

/** Position before trailing spaces/tabs in [from, to). */
export function trimEnd(text: string, from: number, to: number): number {
  let p = to;
  while (p > from && (text[p - 1] === ' ' || text[p - 1] === '\t' || text[p - 1] === '\r')) p--;
  return p;
}
