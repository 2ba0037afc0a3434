/**
 * Edits that add InitLens suppression comments, in the engine's syntax:
 *   line:  `# initlens: ignore[IL001]`       (Python, trailing comment)
 *          `// initlens: ignore[IL001]`      (TypeScript / JavaScript)
 *   file:  `# initlens: ignore-file[IL001]`  at the top, after any shebang,
 *          encoding line and module docstring (Python) or shebang (TS/JS).
 * An existing InitLens comment of the same kind gets the code added instead of
 * a second comment. The syntax tree (Lezer) tells comments and strings apart.
 */
import { parser as pythonParser } from '@lezer/python';
import { parser as jsParser } from '@lezer/javascript';
import type { SyntaxNode, Tree } from '@lezer/common';
import type { Language, RuleCode, TextEdit } from '../../core/types.js';

const LINE_MARK = 'initlens: ignore[';
const FILE_MARK = 'initlens: ignore-file[';

function parse(text: string, language: Language): Tree {
  if (language === 'python') return pythonParser.parse(text);
  return jsParser.configure({ dialect: language === 'typescript' ? 'ts' : '' }).parse(text);
}

function commentPrefix(language: Language): string {
  return language === 'python' ? '#' : '//';
}

function isComment(name: string): boolean {
  return name === 'Comment' || name === 'LineComment' || name === 'BlockComment';
}

function isStringLike(name: string): boolean {
  return name === 'String' || name === 'FormatString' || name === 'TemplateString';
}

function lineBounds(text: string, offset: number): { start: number; end: number } {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  let end = text.indexOf('\n', offset);
  if (end === -1) end = text.length;
  if (end > start && text[end - 1] === '\r') end--;
  return { start: offset === 0 ? 0 : start, end };
}

/** Adds `code` into the `[...]` list of an existing InitLens comment, or null if already there. */
function addCodeToComment(text: string, comment: { from: number; to: number }, mark: string, code: RuleCode): TextEdit[] | null {
  const body = text.slice(comment.from, comment.to);
  const open = body.indexOf(mark);
  const close = body.indexOf(']', open + mark.length);
  if (open === -1 || close === -1) return null;
  const codes = body
    .slice(open + mark.length, close)
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (codes.includes(code)) return [];
  const insertAt = comment.from + close;
  return [{ from: insertAt, to: insertAt, newText: codes.length === 0 ? code : `, ${code}` }];
}

function commentsIn(tree: Tree, from: number, to: number): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  tree.iterate({
    from,
    to,
    enter: (node) => {
      if (isComment(node.name) && node.from >= from && node.to <= to) out.push(node.node);
    },
  });
  return out;
}

/**
 * Edits that suppress `code` on the line holding `offset` (the finding's start).
 * Null when no comment can be added there (the line ends inside a string).
 */
export function lineSuppressionEdits(text: string, language: Language, offset: number, code: RuleCode): TextEdit[] | null {
  const tree = parse(text, language);
  const { start, end } = lineBounds(text, offset);
  for (const comment of commentsIn(tree, start, end)) {
    const body = text.slice(comment.from, comment.to);
    if (body.includes(LINE_MARK)) return addCodeToComment(text, comment, LINE_MARK, code);
  }
  // A line ending inside a multi-line string or template cannot take a comment.
  const inside = tree.resolveInner(end, -1);
  for (let n: SyntaxNode | null = inside; n; n = n.parent) {
    if (isStringLike(n.name) && n.from < end && n.to > end) return null;
    if (n.name === 'BlockComment' && n.to > end) return null;
  }
  let insertAt = end;
  while (insertAt > start && (text[insertAt - 1] === ' ' || text[insertAt - 1] === '\t')) insertAt--;
  const prefix = commentPrefix(language);
  return [{ from: insertAt, to: end, newText: `  ${prefix} ${LINE_MARK}${code}]` }];
}

/** Edits that suppress `code` for the whole file. */
export function fileSuppressionEdits(text: string, language: Language, code: RuleCode): TextEdit[] {
  const tree = parse(text, language);
  const prefix = commentPrefix(language);
  // Existing file-level comment among the leading comments: extend it.
  for (let n = tree.topNode.firstChild; n; n = n.nextSibling) {
    if (!isComment(n.name) && n.name !== 'Hashbang') {
      if (language === 'python' && isDocstring(n)) continue;
      break;
    }
    const body = text.slice(n.from, n.to);
    if (body.includes(FILE_MARK)) return addCodeToComment(text, n, FILE_MARK, code) ?? [];
  }

  let insertAfterLineOf = -1; // offset whose line the new comment follows; -1 = top of file
  let first = tree.topNode.firstChild;
  // Shebang and (Python) encoding declaration on the first two lines.
  const firstLineEnd = lineBounds(text, 0).end;
  if (text.startsWith('#!')) {
    insertAfterLineOf = 0;
    while (first && first.to <= firstLineEnd) first = first.nextSibling;
  }
  if (language === 'python') {
    for (let n = first; n && isComment(n.name); n = n.nextSibling) {
      const lineNo = text.slice(0, n.from).split('\n').length - 1;
      const body = text.slice(n.from, n.to);
      if (lineNo <= 1 && /coding[:=]/.test(body)) {
        insertAfterLineOf = n.from;
        first = n.nextSibling;
      } else break;
    }
    if (first && isDocstring(first)) insertAfterLineOf = first.to;
  }
  const line = `${prefix} ${FILE_MARK}${code}]`;
  if (insertAfterLineOf === -1) return [{ from: 0, to: 0, newText: line + '\n' }];
  const { end } = lineBounds(text, insertAfterLineOf);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return [{ from: end, to: end, newText: eol + line }];
}

function isDocstring(node: SyntaxNode): boolean {
  if (node.name !== 'ExpressionStatement') return false;
  const child = node.firstChild;
  return !!child && child.name === 'String' && child.nextSibling === null;
}
