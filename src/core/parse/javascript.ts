/**
 * JavaScript / TypeScript parsing for the TensorFlow.js detector.
 *
 * Wraps `@lezer/javascript` (error tolerant: a half-typed file still yields a
 * full tree with error nodes where the text does not parse). TypeScript uses
 * the "ts" dialect; JavaScript the "jsx" dialect (React and React Native files
 * hold TF.js code in `.js` files with JSX; plain JavaScript never starts an
 * expression with `<`, so JSX costs valid plain code nothing). `.ts` files
 * cannot hold JSX and `.tsx` is not analysed. Incremental reparse reuses the
 * previous tree through Lezer `TreeFragment`s.
 */
import { TreeFragment, type ChangedRange, type SyntaxNode, type Tree } from '@lezer/common';
import { parser } from '@lezer/javascript';
import type { ParseError, TextEdit } from '../types.js';

const tsParser = parser.configure({ dialect: 'ts' });
const jsParser = parser.configure({ dialect: 'jsx' });

/** Which dialect produced a tree, so `reparseJs` can reuse the same one. */
const dialectOf = new WeakMap<Tree, boolean>();

/**
 * Parse JavaScript (`typescript` false) or TypeScript (`typescript` true).
 * Pass `fragments` (from `TreeFragment.addTree` + `applyChanges`) to reuse an
 * earlier parse.
 */
export function parseJs(text: string, typescript: boolean, fragments?: readonly TreeFragment[]): Tree {
  const p = typescript ? tsParser : jsParser;
  const tree = p.parse(text, fragments && fragments.length > 0 ? fragments : undefined);
  dialectOf.set(tree, typescript);
  return tree;
}

/** Turn non-overlapping edits on the old text into Lezer changed ranges (sorted by position). */
export function editsToChangedRanges(changes: readonly TextEdit[]): ChangedRange[] {
  const sorted = [...changes].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: ChangedRange[] = [];
  let delta = 0;
  for (const c of sorted) {
    const fromB = c.from + delta;
    const toB = fromB + c.newText.length;
    out.push({ fromA: c.from, toA: c.to, fromB, toB });
    delta += c.newText.length - (c.to - c.from);
  }
  return out;
}

/** The single changed range between two texts (common prefix and suffix removed). */
function diffRange(prev: string, next: string): ChangedRange | null {
  if (prev === next) return null;
  let start = 0;
  const max = Math.min(prev.length, next.length);
  while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
  let endA = prev.length;
  let endB = next.length;
  while (endA > start && endB > start && prev.charCodeAt(endA - 1) === next.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return { fromA: start, toA: endA, fromB: start, toB: endB };
}

/**
 * Reparse `newText` reusing `prevTree` (which was parsed from `prevText`).
 * `changes` are the edits (in `prevText` coordinates) that turned `prevText`
 * into `newText`; when omitted they are computed as one diff range. The dialect
 * is the one `prevTree` was parsed with (TypeScript unless given otherwise).
 */
export function reparseJs(
  prevTree: Tree,
  prevText: string,
  newText: string,
  changes?: readonly TextEdit[],
  typescript?: boolean,
): Tree {
  const ts = typescript ?? dialectOf.get(prevTree) ?? true;
  let ranges: ChangedRange[];
  if (changes) {
    ranges = editsToChangedRanges(changes);
  } else {
    const r = diffRange(prevText, newText);
    ranges = r ? [r] : [];
  }
  const fragments = TreeFragment.applyChanges(TreeFragment.addTree(prevTree), ranges);
  return parseJs(newText, ts, fragments);
}

/** Error nodes of a JS/TS tree, as informational parse errors. */
export function jsSyntaxErrors(tree: Tree, text: string): ParseError[] {
  const out: ParseError[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        if (memberDestructuring(node.node, text)) return;
        const from = node.from;
        const to = Math.max(node.to, Math.min(text.length, from + 1));
        out.push({ message: from >= text.length ? 'Unexpected end of input' : 'Syntax error', span: { from, to } });
      }
    },
  });
  return out;
}

/**
 * `[this.a, this.b] = f()`: a destructuring assignment to members is valid JavaScript that
 * @lezer/javascript (1.5.7 too) does not parse: it reads an array expression followed by a stray
 * `=`. That `=` is not reported as a syntax error. (The object form, `({ a: this.a } = f())`,
 * parses into other error nodes and is still reported.)
 */
function memberDestructuring(err: SyntaxNode, text: string): boolean {
  const prev = err.prevSibling;
  if (!prev || prev.name !== 'ArrayExpression' || err.parent?.name !== 'ExpressionStatement') return false;
  if (text.slice(err.from, err.to).trim() !== '=' && !(err.from === err.to && text.slice(err.from).trimStart().startsWith('='))) return false;
  for (let c = prev.firstChild; c; c = c.nextSibling) {
    if (['[', ']', ','].includes(c.name)) continue;
    if (c.name === 'MemberExpression' || c.name === 'VariableName') continue;
    return false;
  }
  return true;
}
