/**
 * The `@lezer/python` parser, configured so that a float literal with a
 * trailing dot is one `Number` token.
 *
 * `@lezer/python` 1.1.19 defines `Number` as digits with an optional `.`
 * followed by at least one digit, so `0.`, `2. / n`, `constant_(w, 1.)` and
 * `if rate > 0.:` are read as `0` `.` followed by a missing property name: a
 * syntax error, and the statement around it is misread. `1.e-3` and `1.j` are
 * read as an attribute access (`1 .e` minus 3). CPython's tokenizer accepts all
 * of them (`floatnumber ::= digitpart "." [exponent]`, `imagnumber ::= floatnumber "j"`).
 *
 * The fix uses Lezer's own extension point, `ParserConfig.tokenizers`: each of
 * the grammar's token groups is replaced by a tokenizer that first reads such a
 * literal (only where the parse state can take a `Number`) and otherwise hands
 * over to the original group unchanged. Every other token is read exactly as
 * before, by the generated tables.
 */
import { parser as basePythonParser } from '@lezer/python';
import { ExternalTokenizer, type InputStream, type LRParser, type Stack } from '@lezer/lr';
import type { SyntaxNodeRef } from '@lezer/common';

const NUMBER = (() => {
  const type = basePythonParser.nodeSet.types.find((t) => t.name === 'Number');
  if (!type) throw new Error('@lezer/python has no Number token');
  return type.id;
})();

const DOT = 46;
const UNDERSCORE = 95;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === UNDERSCORE || isDigit(c) || c > 127;
}

/**
 * Length of a decimal float literal written with a trailing dot (`12.`,
 * `1_000.`, `2.e-3`, `1.E5`, `3.j`) starting at the stream's position, or 0
 * when the text there is anything else (including `1.5`, which the grammar
 * reads correctly itself, and `1.real`, which CPython rejects).
 */
export function trailingDotFloatLength(peek: (offset: number) => number): number {
  let i = 0;
  if (!isDigit(peek(0))) return 0;
  while (isDigit(peek(i)) || (peek(i) === UNDERSCORE && isDigit(peek(i + 1)))) i++;
  if (peek(i) !== DOT) return 0;
  const after = peek(i + 1);
  if (isDigit(after)) return 0;
  let len = i + 1;
  if (after === 101 || after === 69) {
    // e / E: an exponent must follow, or this is not a literal we read.
    let j = len + 1;
    if (peek(j) === 43 || peek(j) === 45) j++;
    if (!isDigit(peek(j))) return 0;
    while (isDigit(peek(j)) || (peek(j) === UNDERSCORE && isDigit(peek(j + 1)))) j++;
    len = j;
  }
  if (peek(len) === 106 || peek(len) === 74) len++; // j / J: imaginary
  if (isIdentChar(peek(len))) return 0;
  return len;
}

interface Tokenizer {
  token(input: InputStream, stack: Stack): void;
  contextual: boolean;
  fallback: boolean;
  extend: boolean;
}

function wrapGroup(group: ExternalTokenizer): ExternalTokenizer {
  const original = group as unknown as Tokenizer;
  return new ExternalTokenizer(
    (input, stack) => {
      if (isDigit(input.next) && stack.canShift(NUMBER)) {
        const len = trailingDotFloatLength((offset) => input.peek(offset));
        if (len > 0) {
          input.acceptToken(NUMBER, len);
          return;
        }
      }
      original.token(input, stack);
    },
    { contextual: original.contextual, fallback: original.fallback, extend: original.extend },
  );
}

function configure(): LRParser {
  const groups = (basePythonParser as unknown as { tokenizers: ExternalTokenizer[] }).tokenizers.filter(
    (t) => !(t instanceof ExternalTokenizer),
  );
  return basePythonParser.configure({ tokenizers: groups.map((from) => ({ from, to: wrapGroup(from) })) });
}

/** `@lezer/python`'s parser, reading trailing-dot float literals as numbers. */
export const parser: LRParser = configure();

/**
 * A bare `yield` (`yield` with no value: `@contextmanager` bodies, `x = yield`): `@lezer/python`
 * 1.1.19 wants an expression after `yield` and leaves a zero-width error node there, in an
 * otherwise right `YieldStatement` / `YieldExpression`. CPython accepts it (`yield_expr ::=
 * "yield" [yield_list]`), so that node is not a syntax error.
 */
export function isBareYieldGap(n: SyntaxNodeRef): boolean {
  if (!n.type.isError || n.from !== n.to) return false;
  const node = n.node;
  const parent = node.parent;
  if (!parent || (parent.name !== 'YieldStatement' && parent.name !== 'YieldExpression')) return false;
  return node.prevSibling?.name === 'yield' && node.nextSibling === null;
}
