/**
 * Python source → plain statement model (pyast.ts), chunk by chunk.
 *
 * A Python module is a sequence of top-level statements that parse
 * independently. `scanTopLevel` finds where each one starts with a small
 * lexical scan (brackets, strings, comments, continuation lines — a tokenizer,
 * not a pattern match), and each chunk is parsed by Lezer's error-tolerant
 * Python parser. Chunks are cached by their text: after an edit only the
 * statement(s) that changed are parsed again, which is what makes on-type
 * analysis of large files cheap. A syntax error stays inside its chunk, so
 * half-typed code never hides the rest of the file.
 */
import { parser } from './python-parser.js';
import type { SyntaxNode } from '@lezer/common';
import type { ParseError, Span } from '../types.js';
import type { PyArg, PyComment, PyExpr, PyParam, PyStmt } from './pyast.js';
import { shiftStmts } from './pyast.js';
import { isFrameworkModule, mentionsEngineWord } from '../frameworks/python/vocab.js';

const enum C {
  LF = 10,
  CR = 13,
  SPACE = 32,
  TAB = 9,
  FF = 12,
  HASH = 35,
  BACKSLASH = 92,
  SQ = 39,
  DQ = 34,
  AT = 64,
}

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Keywords that continue the previous compound statement at the same indentation. */
const CONTINUATION_KEYWORDS = new Set(['else', 'elif', 'except', 'finally', 'case']);

/**
 * Offsets where top-level statements start (the first is always 0). A
 * decorator line starts a chunk that includes the decorated definition;
 * `else:`/`elif`/`except`/`finally` at column 0 stay with their statement.
 */
export function scanTopLevel(text: string, start = 0, end = text.length, stop?: (boundary: number) => boolean): number[] {
  const starts: number[] = [start];
  let depth = 0;
  let i = start;
  let atLineStart = true;
  let continued = false; // backslash continuation
  let pendingDecorator = false;
  const n = end;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (atLineStart) {
      atLineStart = false;
      // A definition or import at column 0 inside an open bracket means the
      // bracket was never closed (code being typed): resynchronize there, so
      // the rest of the file is not swallowed by one broken statement.
      if (depth > 0 && i > start && isIdentStart(c)) {
        let j = i + 1;
        while (j < n && isIdentChar(text.charCodeAt(j))) j++;
        const w = text.slice(i, j);
        if ((w === 'class' || w === 'def' || w === 'import' || w === 'async') && text.charCodeAt(j) === C.SPACE) {
          depth = 0;
          continued = false;
        } else if (w === 'from' && text.charCodeAt(j) === C.SPACE && text.indexOf(' import ', j) > 0 && text.indexOf(' import ', j) < text.indexOf('\n', j)) {
          depth = 0;
          continued = false;
        }
      }
      if (depth === 0 && !continued && i > start) {
        // Column 0 of a logical line?
        if (c !== C.SPACE && c !== C.TAB && c !== C.FF && c !== C.LF && c !== C.CR && c !== C.HASH) {
          let isCont = false;
          if (isIdentStart(c)) {
            let j = i + 1;
            while (j < n && isIdentChar(text.charCodeAt(j))) j++;
            isCont = CONTINUATION_KEYWORDS.has(text.slice(i, j));
          }
          if (!isCont && !pendingDecorator) {
            if (starts[starts.length - 1] !== i) {
              starts.push(i);
              if (stop && stop(i)) return starts;
            }
          }
          pendingDecorator = c === C.AT;
        }
      } else if (depth === 0 && !continued && i === start) {
        pendingDecorator = c === C.AT;
      }
      continued = false;
    }
    if (c === C.LF) {
      atLineStart = true;
      i++;
      continue;
    }
    if (c === C.CR) {
      if (text.charCodeAt(i + 1) !== C.LF) atLineStart = true;
      i++;
      continue;
    }
    if (c === C.HASH) {
      while (i < n && text.charCodeAt(i) !== C.LF && text.charCodeAt(i) !== C.CR) i++;
      continue;
    }
    if (c === C.BACKSLASH) {
      const nx = text.charCodeAt(i + 1);
      if (nx === C.LF || nx === C.CR) {
        continued = true;
        i += nx === C.CR && text.charCodeAt(i + 2) === C.LF ? 3 : 2;
        atLineStart = true;
        continue;
      }
      i++;
      continue;
    }
    if (c === C.SQ || c === C.DQ) {
      i = skipString(text, i, n);
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
    }
    i++;
  }
  return starts;
}

/** Skip a string literal starting at its quote; returns the offset after it (or the line end when unterminated). */
function skipString(text: string, i: number, n: number): number {
  const q = text.charCodeAt(i);
  const triple = text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q;
  if (triple) {
    i += 3;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === C.BACKSLASH) {
        i += 2;
        continue;
      }
      if (c === q && text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) return i + 3;
      i++;
    }
    return n;
  }
  i++;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === C.BACKSLASH) {
      i += 2;
      continue;
    }
    if (c === q) return i + 1;
    if (c === C.LF || c === C.CR) return i; // unterminated: stop at line end
    i++;
  }
  return n;
}

export interface ParsedChunk {
  text: string;
  /** Absolute offset of the chunk at the time its spans were last set. */
  base: number;
  stmts: PyStmt[];
  comments: PyComment[];
  errors: ParseError[];
  /** Lexical summary (names used and defined), set by PythonParser. */
  lex?: ChunkLex;
  /** Stable identity across edits (same object while its text is unchanged). */
  id?: number;
  /** Why it was parsed: it touches a framework, or it only defines names such code uses. */
  role?: 'fw' | 'dep';
  /** Where the chunk is now; its statement and comment spans catch up lazily (materialize). */
  at?: number;
}

/** Bring a chunk's statement spans to its current position. */
export function materialize(c: ParsedChunk): void {
  if (c.at !== undefined && c.at !== c.base) {
    const d = c.at - c.base;
    shiftStmts(c.stmts, d);
    for (const cm of c.comments) {
      cm.span.from += d;
      cm.span.to += d;
    }
  }
  if (c.at !== undefined) c.base = c.at;
}

let chunkIds = 0;

/** Parse one chunk of source whose first character is at absolute `base`. */
export function parseChunk(text: string, base: number): ParsedChunk {
  const tree = parser.parse(text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text);
  const conv = new Converter(text, base);
  const stmts: PyStmt[] = [];
  const top = tree.topNode;
  for (let ch = top.firstChild; ch; ch = ch.nextSibling) conv.stmtInto(ch, stmts);
  // Comments (for suppressions) and syntax errors, wherever they sit.
  tree.iterate({
    enter: (n) => {
      if (n.name === 'Comment') conv.comments.push({ text: text.slice(n.from, n.to), span: { from: n.from + base, to: n.to + base } });
      else if (n.type.isError && conv.errors.length < 20) {
        conv.errors.push({ message: n.from === n.to ? 'Syntax error: unexpected end or missing token' : `Syntax error near '${text.slice(n.from, Math.min(n.to, n.from + 20))}'`, span: { from: n.from + base, to: n.to + base } });
      }
    },
  });
  return { text, base, stmts, comments: conv.comments, errors: conv.errors };
}

class Converter {
  comments: PyComment[] = [];
  errors: ParseError[] = [];
  constructor(
    private text: string,
    private base: number,
  ) {}

  span(n: SyntaxNode): Span {
    return { from: n.from + this.base, to: n.to + this.base };
  }

  src(n: SyntaxNode): string {
    return this.text.slice(n.from, n.to);
  }

  stmtInto(n: SyntaxNode, out: PyStmt[]): void {
    const name = n.name;
    if (name === 'Comment') return;
    if (name === 'StatementGroup') {
      // `a = 1; b = 2`
      for (let ch = n.firstChild; ch; ch = ch.nextSibling) if (ch.name !== ';') this.stmtInto(ch, out);
      return;
    }
    if (n.type.isError) {
      // Statements can hide inside error nodes; recover them.
      for (let ch = n.firstChild; ch; ch = ch.nextSibling) this.stmtInto(ch, out);
      return;
    }
    const s = this.stmt(n);
    if (s) out.push(s);
  }

  body(n: SyntaxNode | null): PyStmt[] {
    const out: PyStmt[] = [];
    if (!n) return out;
    for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
      if (ch.name === ':' || ch.name === 'newline' || ch.name === 'indent' || ch.name === 'dedent') continue;
      this.stmtInto(ch, out);
    }
    return out;
  }

  stmt(n: SyntaxNode): PyStmt | null {
    const span = this.span(n);
    switch (n.name) {
      case 'ImportStatement':
        return this.importStmt(n, span);
      case 'DecoratedStatement': {
        const decorators: PyExpr[] = [];
        let def: PyStmt | null = null;
        for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
          if (ch.name === 'Decorator') {
            const parts = this.exprChildren(ch);
            // Decorator children: @, name parts, optional ArgList → rebuild as expression
            decorators.push(this.decoratorExpr(ch) ?? { k: 'other', span: this.span(ch), parts });
          } else if (ch.name === 'FunctionDefinition' || ch.name === 'ClassDefinition') {
            def = this.stmt(ch);
          }
        }
        if (def && (def.k === 'def' || def.k === 'class')) {
          def.decorators = decorators;
          def.span = span;
          return def;
        }
        return { k: 'other', span };
      }
      case 'FunctionDefinition': {
        const nameNode = n.getChild('VariableName');
        const params: PyParam[] = [];
        const pl = n.getChild('ParamList');
        if (pl) {
          let last: PyParam | null = null;
          let afterAssign = false;
          for (let ch = pl.firstChild; ch; ch = ch.nextSibling) {
            if (ch.name === 'VariableName' && !afterAssign) {
              last = { name: this.src(ch) };
              params.push(last);
            } else if (ch.name === 'AssignOp') afterAssign = true;
            else if (afterAssign && ch.name !== ',' && ch.name !== ')') {
              if (last) last.default = this.expr(ch);
              afterAssign = false;
            } else if (ch.name === ',') afterAssign = false;
          }
        }
        return {
          k: 'def',
          name: nameNode ? this.src(nameNode) : '',
          nameSpan: nameNode ? this.span(nameNode) : span,
          params,
          decorators: [],
          body: this.body(n.getChild('Body')),
          span,
        };
      }
      case 'ClassDefinition': {
        const nameNode = n.getChild('VariableName');
        const al = n.getChild('ArgList');
        const bases: PyExpr[] = al ? this.argList(al).filter((a) => a.name === null).map((a) => a.value) : [];
        return {
          k: 'class',
          name: nameNode ? this.src(nameNode) : '',
          nameSpan: nameNode ? this.span(nameNode) : span,
          bases,
          decorators: [],
          body: this.body(n.getChild('Body')),
          span,
        };
      }
      case 'AssignStatement': {
        // targets and value separated by AssignOp; TypeDef annotations ignored.
        const groups: SyntaxNode[][] = [[]];
        for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
          if (ch.name === 'AssignOp') groups.push([]);
          else if (ch.name === 'TypeDef' || ch.name === ',' || ch.name === 'Comment') continue;
          else groups[groups.length - 1].push(ch);
        }
        const valueNodes = groups.pop() ?? [];
        const value = this.seqExpr(valueNodes, span);
        const targets = groups.map((g) => this.seqExpr(g, span));
        if (targets.length === 0) return { k: 'expr', value, span };
        return { k: 'assign', targets, value, span };
      }
      case 'UpdateStatement': {
        const kids = this.exprNodes(n).filter((k) => k.name !== 'UpdateOp');
        const op = n.getChild('UpdateOp');
        if (kids.length >= 2) return { k: 'augassign', target: this.expr(kids[0]), op: op ? this.src(op) : '+=', value: this.expr(kids[1]), span };
        return { k: 'other', span };
      }
      case 'ExpressionStatement': {
        const kids = this.exprNodes(n);
        return { k: 'expr', value: this.seqExpr(kids, span), span };
      }
      case 'ReturnStatement': {
        const kids = this.exprNodes(n);
        return { k: 'return', value: kids.length ? this.seqExpr(kids, span) : null, span };
      }
      case 'ForStatement': {
        const bodies = n.getChildren('Body');
        let target: PyExpr | null = null;
        const targetNodes: SyntaxNode[] = [];
        let iterNode: SyntaxNode | null = null;
        let seenIn = false;
        for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
          if (ch.name === 'in') seenIn = true;
          else if (ch.name === 'Body' || ch.name === 'for' || ch.name === ',' || ch.name === 'async' || ch.name === 'else') continue;
          else if (!seenIn) targetNodes.push(ch);
          else if (!iterNode) iterNode = ch;
        }
        target = this.seqExpr(targetNodes, span);
        return {
          k: 'for',
          target,
          iter: iterNode ? this.expr(iterNode) : { k: 'other', span, parts: [] },
          body: this.body(bodies[0] ?? null),
          orelse: this.body(bodies[1] ?? null),
          span,
        };
      }
      case 'IfStatement': {
        // if test Body (elif test Body)* (else Body)?
        type Clause = { test: PyExpr | null; body: PyStmt[]; from: number };
        const clauses: Clause[] = [];
        let pendingTest: PyExpr | null = null;
        let kw = '';
        let clauseFrom = n.from;
        for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
          if (ch.name === 'if' || ch.name === 'elif' || ch.name === 'else') {
            kw = ch.name;
            clauseFrom = ch.from;
            pendingTest = null;
          } else if (ch.name === 'Body') {
            clauses.push({ test: kw === 'else' ? null : pendingTest, body: this.body(ch), from: clauseFrom });
          } else if (ch.name !== 'Comment') {
            pendingTest = this.expr(ch);
          }
        }
        if (clauses.length === 0) return { k: 'other', span };
        // Fold elif/else into nested ifs.
        let orelse: PyStmt[] = [];
        for (let i = clauses.length - 1; i >= 1; i--) {
          const c = clauses[i];
          if (c.test === null) orelse = c.body;
          else orelse = [{ k: 'if', test: c.test, body: c.body, orelse, span: { from: c.from + this.base, to: span.to } }];
        }
        const first = clauses[0];
        return { k: 'if', test: first.test ?? { k: 'other', span, parts: [] }, body: first.body, orelse, span };
      }
      case 'WithStatement': {
        const items: PyExpr[] = [];
        for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
          if (ch.name === 'Body' || ch.name === 'with' || ch.name === 'as' || ch.name === ',' || ch.name === 'async') continue;
          items.push(this.expr(ch));
        }
        return { k: 'with', items, body: this.body(n.getChild('Body')), span };
      }
      case 'TryStatement':
      case 'WhileStatement': {
        const body: PyStmt[] = [];
        for (const b of n.getChildren('Body')) body.push(...this.body(b));
        return { k: 'block', body, span };
      }
      case 'MatchStatement': {
        const body: PyStmt[] = [];
        const mb = n.getChild('MatchBody');
        if (mb) for (const cl of mb.getChildren('MatchClause')) body.push(...this.body(cl.getChild('Body')));
        return { k: 'block', body, span };
      }
      default:
        return { k: 'other', span };
    }
  }

  importStmt(n: SyntaxNode, span: Span): PyStmt {
    const first = n.firstChild;
    if (first && first.name === 'from') {
      let level = 0;
      let module = '';
      let inNames = false;
      const names: { name: string; alias: string | null }[] = [];
      let pendingAlias = false;
      for (let ch = first.nextSibling; ch; ch = ch.nextSibling) {
        if (!inNames) {
          if (ch.name === 'import') inNames = true;
          else if (ch.name === '.' && module === '') level++;
          else if (ch.name === '.') module += '.';
          else if (ch.name === 'Ellipsis') level += 3;
          else if (ch.name === 'VariableName') module += this.src(ch);
        } else {
          if (ch.name === 'VariableName') {
            if (pendingAlias && names.length) {
              names[names.length - 1].alias = this.src(ch);
              pendingAlias = false;
            } else names.push({ name: this.src(ch), alias: null });
          } else if (ch.name === 'as') pendingAlias = true;
          else if (ch.name === '*') names.push({ name: '*', alias: null });
        }
      }
      return { k: 'from', module, level, names, span };
    }
    const names: { module: string; alias: string | null }[] = [];
    let cur = '';
    let pendingAlias = false;
    let alias: string | null = null;
    const flush = () => {
      if (cur) names.push({ module: cur, alias });
      cur = '';
      alias = null;
    };
    for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
      if (ch.name === 'VariableName') {
        if (pendingAlias) {
          alias = this.src(ch);
          pendingAlias = false;
        } else cur += this.src(ch);
      } else if (ch.name === '.') cur += '.';
      else if (ch.name === 'as') pendingAlias = true;
      else if (ch.name === ',') flush();
    }
    flush();
    return { k: 'import', names, span };
  }

  decoratorExpr(n: SyntaxNode): PyExpr | null {
    // @ a.b.c (args)?
    let e: PyExpr | null = null;
    for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
      if (ch.name === 'VariableName' || ch.name === 'PropertyName') {
        const id = this.src(ch);
        e = e === null ? { k: 'name', id, span: this.span(ch) } : { k: 'attr', obj: e, attr: id, span: { from: e.span.from, to: ch.to + this.base } };
      } else if (ch.name === 'ArgList' && e) {
        e = { k: 'call', fn: e, args: this.argList(ch), span: { from: e.span.from, to: ch.to + this.base }, argsSpan: this.span(ch) };
      }
    }
    return e;
  }

  exprNodes(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
      if (isPunct(ch.name) || ch.name === 'Comment' || isKeyword(ch.name)) continue;
      out.push(ch);
    }
    return out;
  }

  exprChildren(n: SyntaxNode): PyExpr[] {
    return this.exprNodes(n).map((c) => this.expr(c));
  }

  /** A comma-separated sequence without brackets (`a, b = ...`) becomes a tuple. */
  seqExpr(nodes: SyntaxNode[], span: Span): PyExpr {
    const real = nodes.filter((x) => !isPunct(x.name) && x.name !== 'Comment');
    if (real.length === 1) return this.expr(real[0]);
    if (real.length === 0) return { k: 'other', span, parts: [] };
    return {
      k: 'tuple',
      items: real.map((x) => this.expr(x)),
      span: { from: real[0].from + this.base, to: real[real.length - 1].to + this.base },
    };
  }

  argList(al: SyntaxNode): PyArg[] {
    const out: PyArg[] = [];
    this.args(al, out);
    return out;
  }

  /**
   * The arguments of an ArgList, appended to `out`. Returns whether the list is
   * broken: not closed by `)` or holding a syntax error.
   */
  args(al: SyntaxNode, out: PyArg[]): boolean {
    let pendingName: SyntaxNode | null = null;
    let star: '*' | '**' | undefined;
    let argStart = -1;
    let broken = false;
    let last: SyntaxNode | null = null;
    for (let ch = al.firstChild; ch; ch = ch.nextSibling) {
      last = ch;
      const nm = ch.name;
      if (nm === '(' || nm === ')' || nm === ',' || nm === 'Comment') continue;
      if (ch.type.isError) {
        broken = true;
        continue;
      }
      if (nm === '*' || nm === '**') {
        star = nm;
        argStart = ch.from;
        continue;
      }
      if (nm === 'VariableName') {
        const next = ch.nextSibling;
        if (next && next.name === 'AssignOp') {
          pendingName = ch;
          ch = next; // skip AssignOp
          last = ch;
          continue;
        }
      }
      const value = this.expr(ch);
      if (pendingName) {
        out.push({ name: this.src(pendingName), nameSpan: this.span(pendingName), value, span: { from: pendingName.from + this.base, to: ch.to + this.base } });
        pendingName = null;
      } else {
        const from = star ? argStart : ch.from;
        out.push({ name: null, value, span: { from: from + this.base, to: ch.to + this.base }, star });
      }
      star = undefined;
    }
    return broken || last === null || last.name !== ')';
  }

  private subscript(obj: SyntaxNode, span: Span): PyExpr {
    const index: PyExpr[] = [];
    // `a[1:-1]` and `a[:, 0]`: the grammar lists the bounds and the colons flat, so group them
    // by commas; a group with a colon is a slice (it must not read as `a[1]`)
    let group: { kids: PyExpr[]; colons: number; bounds: (PyExpr | null)[]; from: number; to: number } | null = null;
    const flush = () => {
      if (!group) return;
      if (group.colons === 0) index.push(...group.kids);
      else {
        const [lower = null, upper = null, step = null] = group.bounds;
        index.push({ k: 'other', span: { from: group.from, to: group.to }, parts: group.kids, slice: { lower, upper, step } });
      }
      group = null;
    };
    for (let ch = obj.nextSibling; ch; ch = ch.nextSibling) {
      const nm = ch.name;
      if (nm === 'Comment' || nm === '[' || nm === ']') continue;
      if (nm === ',') {
        flush();
        continue;
      }
      const from = ch.from + this.base;
      const to = ch.to + this.base;
      const g = (group ??= { kids: [], colons: 0, bounds: [null], from, to });
      g.to = to;
      if (nm === ':') {
        g.colons++;
        g.bounds.push(null);
        continue;
      }
      if (isPunct(nm)) continue;
      const x = this.expr(ch);
      g.kids.push(x);
      g.bounds[g.bounds.length - 1] = x;
    }
    flush();
    return { k: 'sub', obj: this.expr(obj), index, span };
  }

  private depth = 0;

  expr(n: SyntaxNode): PyExpr {
    const span = this.span(n);
    // Pathological nesting (thousands of brackets): stop descending, keep the span.
    if (this.depth > 150) return { k: 'other', span, parts: [] };
    this.depth++;
    try {
      return this.exprInner(n, span);
    } finally {
      this.depth--;
    }
  }

  private exprInner(n: SyntaxNode, span: Span): PyExpr {
    switch (n.name) {
      case 'VariableName':
        return { k: 'name', id: this.src(n), span };
      case 'self':
        return { k: 'name', id: 'self', span };
      case 'Number':
        return { k: 'num', value: parseNumber(this.src(n)), span };
      case 'String': {
        const raw = this.src(n);
        return { k: 'str', value: stringValue(raw), span, quote: quoteOf(raw) };
      }
      case 'Boolean':
        return { k: 'const', value: this.src(n) === 'True', span };
      case 'None':
        return { k: 'const', value: null, span };
      case 'ParenthesizedExpression': {
        const kids = this.exprNodes(n);
        if (kids.length === 1) return this.expr(kids[0]);
        return { k: 'other', span, parts: kids.map((k) => this.expr(k)) };
      }
      case 'MemberExpression': {
        // obj . PropertyName  |  obj [ index... ]  — one pass over the children
        const obj = n.firstChild;
        const sep = obj ? obj.nextSibling : null;
        const sepName = sep ? sep.name : '';
        if (obj && sepName === '.') {
          const prop = sep!.nextSibling;
          const propOk = prop !== null && prop.name === 'PropertyName';
          if (obj.name === 'Number') {
            // `2.` and `2.e3` are floats in Python; the grammar reads them as `2 .e3`.
            const ptext = propOk ? this.src(prop!) : '';
            if (ptext === '' || /^[eE]\d+$/.test(ptext) || ptext === 'j') {
              const v = Number(this.src(n).replace(/_/g, '').replace(/\.$/, ''));
              if (Number.isFinite(v)) return { k: 'num', value: v, span };
            }
          }
          if (propOk) return { k: 'attr', obj: this.expr(obj), attr: this.src(prop!), span };
        } else if (obj && sepName === '[') {
          return this.subscript(obj, span);
        }
        // Anything else (a comment inside, an error): search the children.
        const p2 = n.getChild('PropertyName');
        if (obj && p2 && n.getChild('.')) return { k: 'attr', obj: this.expr(obj), attr: this.src(p2), span };
        if (obj && n.getChild('[')) return this.subscript(obj, span);
        return { k: 'other', span, parts: this.exprChildren(n) };
      }
      case 'CallExpression': {
        const fn = n.firstChild;
        let al = n.lastChild;
        if (al && al.name !== 'ArgList') al = n.getChild('ArgList');
        if (fn && al && al !== fn) {
          const call: PyExpr = { k: 'call', fn: this.expr(fn), args: [], span, argsSpan: this.span(al) };
          if (this.args(al, call.args)) call.broken = true;
          return call;
        }
        return { k: 'other', span, parts: this.exprChildren(n) };
      }
      case 'ArrayExpression':
      case 'TupleExpression':
      case 'SetExpression': {
        const items: PyExpr[] = [];
        let star = false;
        let starFrom = 0;
        for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
          if (ch.name === '*') {
            star = true;
            starFrom = ch.from;
            continue;
          }
          if (isPunct(ch.name) || ch.name === 'Comment') continue;
          const v = this.expr(ch);
          items.push(star ? { k: 'star', value: v, double: false, span: { from: starFrom + this.base, to: ch.to + this.base } } : v);
          star = false;
        }
        return { k: n.name === 'ArrayExpression' ? 'list' : n.name === 'TupleExpression' ? 'tuple' : 'set', items, span };
      }
      case 'DictionaryExpression': {
        const entries: { key: PyExpr | null; value: PyExpr }[] = [];
        for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
          if (ch.name === '**') {
            const v = ch.nextSibling;
            if (v) {
              entries.push({ key: null, value: this.expr(v) });
              ch = v;
            }
            continue;
          }
          if (isPunct(ch.name) || ch.name === 'Comment') continue;
          const next = ch.nextSibling;
          if (next && next.name === ':') {
            const v = next.nextSibling;
            if (v) {
              entries.push({ key: this.expr(ch), value: this.expr(v) });
              ch = v;
            }
          }
        }
        return { k: 'dict', entries, span };
      }
      case 'ArrayComprehensionExpression':
      case 'ComprehensionExpression':
      case 'SetComprehensionExpression':
      case 'DictionaryComprehensionExpression': {
        const kids: SyntaxNode[] = [];
        for (let ch = n.firstChild; ch; ch = ch.nextSibling) kids.push(ch);
        const forIdx = kids.findIndex((k) => k.name === 'for');
        const inIdx = kids.findIndex((k) => k.name === 'in');
        const eltNode = kids.find((k) => !isPunct(k.name) && !isKeyword(k.name) && k.name !== 'Comment');
        const targetNodes = forIdx >= 0 && inIdx > forIdx ? kids.slice(forIdx + 1, inIdx) : [];
        const iterNode = inIdx >= 0 ? kids.slice(inIdx + 1).find((k) => !isPunct(k.name) && !isKeyword(k.name)) : undefined;
        return {
          k: 'comp',
          elt: eltNode ? this.expr(eltNode) : { k: 'other', span, parts: [] },
          target: targetNodes.length ? this.seqExpr(targetNodes, span) : null,
          iter: iterNode ? this.expr(iterNode) : null,
          span,
        };
      }
      case 'BinaryExpression': {
        const kids = this.exprNodes(n).filter((k) => !OP_NODES.has(k.name));
        const opNode = n.getChild('ArithOp') ?? n.getChild('CompareOp') ?? n.getChild('BitOp') ?? n.getChild('and') ?? n.getChild('or') ?? n.getChild('in') ?? n.getChild('is') ?? n.getChild('not');
        let op = opNode ? this.src(opNode).trim() : '?';
        // `is not` and `not in` are two keyword nodes
        if ((op === 'is' || op === 'in') && n.getChild('not')) op = op === 'is' ? 'is not' : 'not in';
        if (kids.length === 2) return { k: 'bin', op, left: this.expr(kids[0]), right: this.expr(kids[1]), span };
        return { k: 'other', span, parts: kids.map((k) => this.expr(k)) };
      }
      case 'UnaryExpression': {
        const kids = this.exprNodes(n).filter((k) => !OP_NODES.has(k.name));
        const op = n.firstChild ? this.src(n.firstChild).trim() : '';
        if (kids.length === 1) {
          const operand = this.expr(kids[0]);
          if (op === '-' && operand.k === 'num') return { k: 'num', value: -operand.value, span };
          if (op === '+' && operand.k === 'num') return { k: 'num', value: operand.value, span };
          return { k: 'unary', op, operand, span };
        }
        return { k: 'other', span, parts: kids.map((k) => this.expr(k)) };
      }
      case 'ConditionalExpression': {
        const parts = this.exprChildren(n);
        if (parts.length === 3 && n.getChild('if') && n.getChild('else')) {
          return { k: 'other', span, parts, cond: { body: parts[0], test: parts[1], orelse: parts[2] } };
        }
        return { k: 'other', span, parts };
      }
      case 'AwaitExpression': {
        const kids = this.exprNodes(n);
        return kids.length === 1 ? this.expr(kids[0]) : { k: 'other', span, parts: kids.map((k) => this.expr(k)) };
      }
      default:
        return { k: 'other', span, parts: this.exprChildren(n) };
    }
  }
}

const OP_NODES = new Set(['ArithOp', 'CompareOp', 'BitOp', 'LogicOp', 'and', 'or', 'in', 'is', 'not']);
const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '=', 'AssignOp', '*', '**', '->', 'At']);
function isPunct(name: string): boolean {
  return PUNCT.has(name);
}

const KEYWORDS = new Set(['return', 'for', 'in', 'if', 'else', 'elif', 'lambda', 'await', 'yield', 'from', 'import', 'as', 'async', 'not', 'and', 'or', 'is', 'del', 'pass', 'def', 'class', 'with', 'while', 'try', 'except', 'finally', 'raise', 'assert', 'global', 'nonlocal', 'print']);
function isKeyword(name: string): boolean {
  return KEYWORDS.has(name);
}

export function parseNumber(raw: string): number {
  const s = raw.replace(/_/g, '').toLowerCase();
  if (s.endsWith('j')) return NaN;
  if (s.startsWith('0x')) return parseInt(s.slice(2), 16);
  if (s.startsWith('0o')) return parseInt(s.slice(2), 8);
  if (s.startsWith('0b')) return parseInt(s.slice(2), 2);
  const v = Number(s.endsWith('l') ? s.slice(0, -1) : s);
  return v;
}

function quoteOf(raw: string): string {
  let i = 0;
  while (i < raw.length && /[rRbBuUfF]/.test(raw[i])) i++;
  const q = raw[i] ?? '"';
  return raw.startsWith(q + q + q, i) ? q + q + q : q;
}

function stringValue(raw: string): string {
  let i = 0;
  while (i < raw.length && /[rRbBuUfF]/.test(raw[i])) i++;
  const q = quoteOf(raw);
  let body = raw.slice(i + q.length);
  if (body.endsWith(q)) body = body.slice(0, body.length - q.length);
  return body;
}

// ---------------------------------------------------------------------------
// Document: chunks + cache

export interface PythonModule {
  text: string;
  stmts: PyStmt[];
  comments: PyComment[];
  errors: ParseError[];
  /** The parsed chunks, in order (their stmts concatenated are `stmts`). */
  chunks: ParsedChunk[];
  /** Chunks left unparsed: they cannot affect any model. */
  skipped?: number;
  /** Names some top-level statement defines, when the relevance filter computed them (see sameLinks). */
  defined?: ReadonlySet<string>;
}

/** What a chunk mentions, found with a lexical pass (no parse). */
export interface ChunkLex {
  /** Identifier tokens outside strings and comments. */
  idents: Set<string>;
  /** Names the statement binds at module level (class/def name, assignment targets). */
  defines: string[];
  hasImport: boolean;
  hasDirective: boolean;
  /** Cached: does it mention a name the engine gives a meaning to (see mentionsEngineWord)? */
  engineWord?: boolean;
}

export function lexChunk(text: string): ChunkLex {
  const idents = new Set<string>();
  let hasDirective = false;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === C.HASH) {
      const e = text.indexOf('\n', i);
      const end = e < 0 ? n : e;
      if (!hasDirective && text.slice(i, end).includes('initlens:')) hasDirective = true;
      i = end;
      continue;
    }
    if (c === C.SQ || c === C.DQ) {
      i = skipString(text, i, n);
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      // string prefixes: r"...", f'...', b"..."
      const q = text.charCodeAt(j);
      if ((q === C.SQ || q === C.DQ) && j - i <= 3 && /^[rRbBuUfF]+$/.test(text.slice(i, j))) {
        i = skipString(text, j, n);
        continue;
      }
      idents.add(text.slice(i, j));
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      // numbers: skip digits/letters (1e-3, 0x1F)
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      i = j;
      continue;
    }
    i++;
  }
  return { idents, defines: headDefines(text), hasImport: idents.has('import'), hasDirective };
}

/** Names bound by the statement at the start of a chunk: `class X`, `def X`, `X = ...`, `a, b = ...`. */
function headDefines(text: string): string[] {
  let i = 0;
  const n = text.length;
  const word = (): string => {
    while (i < n && (text.charCodeAt(i) === C.SPACE || text.charCodeAt(i) === C.TAB)) i++;
    const s = i;
    while (i < n && isIdentChar(text.charCodeAt(i))) i++;
    return text.slice(s, i);
  };
  // skip decorator lines
  while (i < n && text.charCodeAt(i) === C.AT) {
    const e = text.indexOf('\n', i);
    if (e < 0) return [];
    i = e + 1;
  }
  let w = word();
  if (w === 'async') w = word();
  if (w === 'class' || w === 'def') return [word()];
  // A compound statement binds names in its body (`if units > 100:\n    act = "tanh"`).
  if (COMPOUND_HEADS.has(w)) return bodyDefines(text);
  const out: string[] = [];
  while (w) {
    out.push(w);
    while (i < n && (text.charCodeAt(i) === C.SPACE || text.charCodeAt(i) === C.TAB)) i++;
    const c = text.charCodeAt(i);
    if (c === 44 /* , */) {
      i++;
      w = word();
      continue;
    }
    if (c === 61 /* = */ && text.charCodeAt(i + 1) !== 61) return out;
    if (c === 58 /* : annotation */) return out;
    // `units *= 2`, `cfg.act = "tanh"`, `cfg["act"] = ...`, `HIDDEN.append(32)` rebind or mutate `w`
    if (out.length === 1) {
      const toks = pyTokens(text, 64);
      const names = toks.length && toks[0].v === w ? statementBinds(toks, 0) : [];
      if (names.length === 1 && names[0] === w) return out;
    }
    return [];
  }
  return [];
}

const COMPOUND_HEADS = new Set(['if', 'for', 'while', 'try', 'with', 'match']);

/** A token of the rough tokenizer below: a name (keywords included), an operator or bracket, or the end of a logical line. */
interface PyTok {
  k: 'name' | 'op' | 'nl';
  v: string;
}

const OP_FIRST = '=+-*/%@&|^<>!:';
const THREE_OPS = new Set(['**=', '//=', '>>=', '<<=']);
const TWO_OPS = new Set(['**', '//', '>>', '<<', '->']);
/** Operators that bind their left-hand side. */
const AUG_ASSIGN = new Set(['+=', '-=', '*=', '/=', '%=', '@=', '&=', '|=', '^=', '**=', '//=', '>>=', '<<=', ':=']);
/** Methods that mutate a container in place (`HIDDEN.append(32)` changes what HIDDEN holds). */
const MUTATORS = new Set(['append', 'extend', 'insert', 'update', 'setdefault', 'pop', 'remove', 'clear', 'add']);

/**
 * Tokens of Python source, enough to find assignment targets: strings, comments
 * and numbers are skipped, brackets are operators, and a newline outside
 * brackets (not continued by a backslash) ends a logical line. Stops after
 * `limit` tokens.
 */
function pyTokens(text: string, limit = Infinity): PyTok[] {
  const out: PyTok[] = [];
  const n = text.length;
  let depth = 0;
  let i = 0;
  while (i < n && out.length < limit) {
    const c = text.charCodeAt(i);
    if (c === C.LF || c === C.CR) {
      if (depth === 0 && out.length && out[out.length - 1].k !== 'nl') out.push({ k: 'nl', v: '' });
      i++;
    } else if (c === C.HASH) {
      while (i < n && text.charCodeAt(i) !== C.LF && text.charCodeAt(i) !== C.CR) i++;
    } else if (c === C.BACKSLASH) {
      i += 2; // a continuation (or an escape outside a string: nothing to read)
    } else if (c === C.SQ || c === C.DQ) {
      i = skipString(text, i, n);
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      const q = text.charCodeAt(j);
      if ((q === C.SQ || q === C.DQ) && j - i <= 3 && isStringPrefix(text, i, j)) {
        i = skipString(text, j, n);
        continue;
      }
      out.push({ k: 'name', v: text.slice(i, j) });
      i = j;
    } else if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && (isIdentChar(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
      i = j;
    } else if (c === 40 || c === 91 || c === 123 || c === 41 || c === 93 || c === 125) {
      if (c === 40 || c === 91 || c === 123) depth++;
      else if (depth > 0) depth--;
      out.push({ k: 'op', v: text[i] });
      i++;
    } else if (c === C.SPACE || c === C.TAB || c === C.FF) {
      i++;
    } else {
      let v = text[i];
      if (THREE_OPS.has(text.slice(i, i + 3))) v = text.slice(i, i + 3);
      else if (OP_FIRST.includes(v) && text[i + 1] === '=') v = text.slice(i, i + 2);
      else if (TWO_OPS.has(text.slice(i, i + 2))) v = text.slice(i, i + 2);
      out.push({ k: 'op', v });
      i += v.length;
    }
  }
  return out;
}

function isStringPrefix(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!'rRbBuUfF'.includes(text[k])) return false;
  return true;
}

/**
 * The names the statement starting at token `i` binds or mutates: `a, b = ...`,
 * `x: int = ...`, `units *= 2`, `n := ...`, `cfg.act = ...`, `cfg["act"] = ...`,
 * `HIDDEN.append(32)`.
 */
function statementBinds(toks: PyTok[], i: number): string[] {
  const names: string[] = [];
  let j = i;
  while (toks[j]?.k === 'name') {
    names.push(toks[j].v);
    if (toks[j + 1]?.v !== ',' || toks[j + 2]?.k !== 'name') break;
    j += 2;
  }
  if (!names.length) return [];
  const next = toks[j + 1];
  if (!next || next.k !== 'op') return [];
  if (next.v === '=' || next.v === ':') return names;
  if (names.length > 1) return [];
  if (AUG_ASSIGN.has(next.v)) return names;
  if (next.v === '.' && toks[j + 2]?.k === 'name') {
    const after = toks[j + 3];
    if (after?.v === '=' || (after && AUG_ASSIGN.has(after.v))) return names;
    if (after?.v === '(' && MUTATORS.has(toks[j + 2].v)) return names;
    return [];
  }
  if (next.v === '[') {
    // the matching `]`, then an assignment
    let depth = 0;
    for (let k = j + 1; k < toks.length && toks[k].k !== 'nl'; k++) {
      const v = toks[k].v;
      if (v === '[' || v === '(' || v === '{') depth++;
      else if (v === ']' || v === ')' || v === '}') {
        depth--;
        if (depth === 0) {
          const after = toks[k + 1];
          return after && (after.v === '=' || AUG_ASSIGN.has(after.v)) ? names : [];
        }
      }
    }
  }
  return [];
}

/** Keywords that open a clause whose header ends with `:`. */
const CLAUSE_KEYWORDS = new Set(['if', 'elif', 'else', 'for', 'while', 'try', 'except', 'finally', 'with', 'def', 'class', 'case', 'match', 'async']);
const NOT_NAMES = new Set([
  'if', 'elif', 'else', 'for', 'while', 'try', 'except', 'finally', 'with', 'case', 'match', 'in', 'not', 'and', 'or', 'is', 'return',
  'pass', 'import', 'from', 'async', 'def', 'class', 'lambda', 'yield', 'await', 'del', 'global', 'nonlocal', 'assert', 'raise', 'break',
  'continue', 'True', 'False', 'None',
]);

/**
 * Names a compound statement binds anywhere in its body, nested blocks included
 * (an over-approximation: a nested function's locals count too): assignment
 * targets and mutated names at the start of each statement, loop variables,
 * `def`/`class` names and `as` targets.
 */
function bodyDefines(text: string): string[] {
  const toks = pyTokens(text);
  const out = new Set<string>();
  let lineStart = 0;
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const atStart = i === lineStart || (i > 0 && depth === 0 && (toks[i - 1].v === ';' || (toks[i - 1].v === ':' && CLAUSE_KEYWORDS.has(toks[lineStart].v))));
    if (t.k === 'nl') {
      lineStart = i + 1;
      depth = 0;
      continue;
    }
    if (atStart) for (const nm of statementBinds(toks, i)) out.add(nm);
    if (t.k === 'op') {
      if (t.v === '(' || t.v === '[' || t.v === '{') depth++;
      else if ((t.v === ')' || t.v === ']' || t.v === '}') && depth > 0) depth--;
      continue;
    }
    if (t.v === 'for') {
      // loop targets, up to `in` (`for i, (a, b) in ...`)
      for (let k = i + 1; k < toks.length && toks[k].v !== 'in' && toks[k].k !== 'nl'; k++) if (toks[k].k === 'name') out.add(toks[k].v);
    } else if ((t.v === 'def' || t.v === 'class' || t.v === 'as') && toks[i + 1]?.k === 'name') {
      out.add(toks[i + 1].v);
    }
  }
  for (const k of NOT_NAMES) out.delete(k);
  return [...out].sort();
}

export function sameLex(a: ChunkLex, b: ChunkLex): boolean {
  if (a.hasImport !== b.hasImport || a.hasDirective !== b.hasDirective || a.hasImport) return false;
  if (a.defines.length !== b.defines.length || a.defines.some((d, i) => d !== b.defines[i])) return false;
  if (a.idents.size !== b.idents.size) return false;
  for (const id of a.idents) if (!b.idents.has(id)) return false;
  return true;
}

/**
 * Do two versions of a chunk link to the rest of the module in the same way?
 * Same names defined, and the same uses of the names that some chunk of the
 * module defines (`defined`): typing a local variable's name in a function body
 * changes neither. Which chunks are parsed and how they group into units only
 * depend on that (and on framework names: see PythonParser.relevantFor).
 */
export function sameLinks(a: ChunkLex, b: ChunkLex, defined: ReadonlySet<string>): boolean {
  if (a.hasImport || b.hasImport || a.hasDirective !== b.hasDirective) return false;
  if (a.defines.length !== b.defines.length || a.defines.some((d, i) => d !== b.defines[i])) return false;
  let na = 0;
  for (const id of a.idents) {
    if (!defined.has(id)) continue;
    if (!b.idents.has(id)) return false;
    na++;
  }
  let nb = 0;
  for (const id of b.idents) if (defined.has(id)) nb++;
  return na === nb;
}

/** Top-level modules whose names make a chunk worth parsing. */
const FRAMEWORK_ROOTS = new Set(['torch', 'keras', 'tensorflow', 'tf_keras', 'flax', 'jax', 'optax', 'collections']);

interface ChunkEntry {
  text: string;
  lex: ChunkLex;
  parsed: ParsedChunk | null;
  base: number;
  /** The last parse() that used this entry (PythonParser.generation). */
  gen: number;
  /** Parsed and analysed in the last parse() that used it. */
  rel: boolean;
}

/**
 * Keeps chunks across edits. `parse(text)` re-uses every chunk whose text is
 * unchanged (shifting its spans), and parses only new chunks — and only those
 * that can matter: chunks that import a framework, mention one of its aliases,
 * define a name such chunks use, or use a name they define. A 400-line data
 * loading helper that never touches a framework is never parsed.
 */
export class PythonParser {
  private cache = new Map<string, ChunkEntry[]>();
  private generation = 0;
  /** Parse every chunk (no relevance filter). */
  parseAll = false;

  private last: ChunkEntry[] | null = null;

  /**
   * Parse `text`. With `map` (the one range that changed since the previous
   * call), only the chunks around the change are rescanned and the chunks after
   * it are moved, their statement spans catching up lazily (see materialize):
   * callers that pass a map must materialize the chunks they read.
   */
  parse(text: string, map?: { from: number; oldTo: number; delta: number } | null): PythonModule {
    const prevGen = this.generation;
    const gen = ++this.generation;
    const entries: ChunkEntry[] = [];
    /** Entries placed in the rescanned region that the previous parse did not have. */
    const added: ChunkEntry[] = [];
    const lazy = !!map && this.last !== null;

    const place = (from: number, to: number) => {
      const ctext = text.slice(from, to);
      let entry: ChunkEntry | undefined;
      const list = this.cache.get(ctext);
      if (list) entry = list.find((c) => c.gen !== gen);
      if (entry) {
        if (entry.gen !== prevGen) added.push(entry);
        if (entry.base !== from) {
          if (entry.parsed) moveChunk(entry.parsed, from, lazy);
          entry.base = from;
        }
      } else {
        entry = { text: ctext, lex: lexChunk(ctext), parsed: null, base: from, gen, rel: false };
        added.push(entry);
        if (list) list.push(entry);
        else this.cache.set(ctext, [entry]);
      }
      entry.gen = gen;
      entries.push(entry);
    };
    /** Entries of the previous parse that this one dropped. */
    let removed: ChunkEntry[];
    const old = this.last;
    if (map && old && old.length) {
      // the chunk holding the character before the change (an edit at a boundary can merge chunks)
      const probe = Math.max(0, map.from - 1);
      let lo = 0;
      let hi = old.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (old[mid].base <= probe) lo = mid;
        else hi = mid - 1;
      }
      // Rescan from the chunk before: whether a chunk starts at all depends on its
      // first line (an edit there can merge it into the previous one).
      const first = Math.max(0, lo - 1);
      for (let k = 0; k < first; k++) {
        old[k].gen = gen;
        entries.push(old[k]);
      }
      const newEnd = map.oldTo + map.delta;
      let resumeOld = -1;
      const findOld = (oldPos: number): number => {
        let a = first;
        let b = old.length - 1;
        while (a <= b) {
          const m = (a + b) >> 1;
          if (old[m].base === oldPos) return m;
          if (old[m].base < oldPos) a = m + 1;
          else b = m - 1;
        }
        return -1;
      };
      const starts = scanTopLevel(text, old[first].base, text.length, (b) => {
        if (b < newEnd) return false;
        const k = findOld(b - map.delta);
        if (k > first) {
          resumeOld = k;
          return true;
        }
        return false;
      });
      const stopAt = resumeOld >= 0 ? starts[starts.length - 1] : text.length;
      const fresh = resumeOld >= 0 ? starts.slice(0, -1) : starts;
      // The chunks resumed after the change keep their entries: never hand them to an
      // identical chunk of the rescanned region.
      const resumed = resumeOld >= 0 ? old.length : -1;
      for (let k = resumeOld; k >= 0 && k < resumed; k++) old[k].gen = gen;
      for (let k = 0; k < fresh.length; k++) place(fresh[k], k + 1 < fresh.length ? fresh[k + 1] : stopAt);
      removed = [];
      for (let k = first; k < (resumeOld >= 0 ? resumeOld : old.length); k++) if (old[k].gen !== gen) removed.push(old[k]);
      if (resumeOld >= 0) {
        for (let k = resumeOld; k < old.length; k++) {
          const e = old[k];
          const nb = e.base + map.delta;
          if (e.parsed) moveChunk(e.parsed, nb, true);
          e.base = nb;
          entries.push(e);
        }
      }
    } else {
      const starts = scanTopLevel(text);
      for (let i = 0; i < starts.length; i++) place(starts[i], i + 1 < starts.length ? starts[i + 1] : text.length);
      removed = old ? old.filter((e) => e.gen !== gen) : [];
    }
    this.last = entries;
    this.updateRelevance(entries, old === null ? null : added, removed);
    // Evict chunks not used in this generation.
    if (this.cache.size > entries.length * 2 + 64) {
      for (const [k, list] of this.cache) {
        const keep = list.filter((c) => c.gen === gen);
        if (keep.length) this.cache.set(k, keep);
        else this.cache.delete(k);
      }
    }
    const chunks: ParsedChunk[] = [];
    const errors: ParseError[] = [];
    for (const e of entries) {
      const c = e.parsed;
      if (!c || !e.rel) continue;
      if (!lazy) materialize(c);
      chunks.push(c);
      for (const er of c.errors) errors.push(er);
    }
    return {
      text,
      // The whole module's statements and comments, for callers that want them
      // (the unit analysis reads chunks): assembled on first use.
      get stmts() {
        return chunks.flatMap((c) => (materialize(c), c.stmts));
      },
      get comments() {
        return chunks.flatMap((c) => (materialize(c), c.comments));
      },
      errors,
      chunks,
      skipped: entries.length - chunks.length,
      defined: this.definedNames() ?? undefined,
    };
  }

  private ensure(e: ChunkEntry): void {
    if (!e.parsed) {
      e.parsed = parseChunk(e.text, e.base);
      e.parsed.at = e.base;
      e.parsed.lex = e.lex;
      e.parsed.id = ++chunkIds;
    }
  }

  /** Set by selectAndParse: framework names imported, names some chunk defines. */
  private anchors: Set<string> | null = null;
  private defined = new Set<string>();

  /**
   * Can chunk `b` replace chunk `a` without changing which chunks are relevant?
   * It links to the module the same way and mentions the same framework names.
   */
  private sameRelevance(a: ChunkLex, b: ChunkLex): boolean {
    if (!this.anchors) return sameLex(a, b);
    if (!sameLinks(a, b, this.defined)) return false;
    for (const x of this.anchors) if (a.idents.has(x) !== b.idents.has(x)) return false;
    return (a.engineWord ??= mentionsEngineWord(a.idents)) === (b.engineWord ??= mentionsEngineWord(b.idents));
  }

  /** Names defined by some chunk of the last parse (for sameLinks), when known. */
  definedNames(): ReadonlySet<string> | null {
    return this.anchors ? this.defined : null;
  }

  /** Relevance flags are set for the last parse's entries. */
  private haveRelevance = false;

  /**
   * Which chunks to parse (sets each entry's `rel`). When one chunk was replaced
   * by one that links to the module in the same way (typing a digit, a space, a
   * local name), every chunk keeps its relevance and the closure over names is
   * not recomputed. `added` is null on the first parse.
   */
  private updateRelevance(entries: ChunkEntry[], added: ChunkEntry[] | null, removed: ChunkEntry[]): void {
    if (this.haveRelevance && added && !this.parseAll) {
      if (added.length === 0 && removed.length === 0) return;
      if (added.length === 1 && removed.length === 1 && this.sameRelevance(added[0].lex, removed[0].lex)) {
        const n = added[0];
        const o = removed[0];
        n.rel = o.rel;
        if (n.rel) {
          this.ensure(n);
          n.parsed!.role = o.parsed?.role ?? 'fw';
        }
        return;
      }
    }
    const relevant = this.selectAndParse(entries);
    for (const e of entries) e.rel = relevant.has(e);
    this.haveRelevance = true;
  }

  private selectAndParse(entries: ChunkEntry[]): Set<ChunkEntry> {
    this.anchors = null;
    if (this.parseAll) {
      for (const e of entries) {
        this.ensure(e);
        e.parsed!.role = 'fw';
      }
      return new Set(entries);
    }
    // 1. imports: which local names reach a framework? Names imported from a
    // framework that are not modules (`from keras.layers import Dense`) are
    // "members": mentioning one is enough to matter.
    const anchors = new Set<string>();
    const members = new Set<string>();
    let star = false;
    const relevant = new Set<ChunkEntry>();
    for (const e of entries) {
      if (!e.lex.hasImport && !e.lex.hasDirective) continue;
      this.ensure(e);
      relevant.add(e);
      const visit = (ss: PyStmt[]) => {
        for (const st of ss) {
          if (st.k === 'import') {
            for (const nm of st.names) {
              if (FRAMEWORK_ROOTS.has(nm.module.split('.')[0])) anchors.add(nm.alias ?? nm.module.split('.')[0]);
            }
          } else if (st.k === 'from') {
            if (!FRAMEWORK_ROOTS.has(st.module.split('.')[0])) continue;
            for (const nm of st.names) {
              if (nm.name === '*') star = true;
              else {
                anchors.add(nm.alias ?? nm.name);
                if (!isFrameworkModule(st.module + '.' + nm.name)) members.add(nm.alias ?? nm.name);
              }
            }
          } else if (st.k === 'if' || st.k === 'block' || st.k === 'with') {
            visit(st.k === 'if' ? [...st.body, ...st.orelse] : st.body);
          }
        }
      };
      visit(e.parsed!.stmts);
    }
    if (star) {
      for (const e of entries) {
        this.ensure(e);
        e.parsed!.role = 'fw';
      }
      return new Set(entries);
    }
    this.anchors = anchors;
    this.defined = new Set<string>();
    for (const e of entries) for (const d of e.lex.defines) this.defined.add(d);
    if (anchors.size === 0) return relevant; // no framework: nothing to analyze
    // 2. chunks mentioning an anchor and a name the engine gives a meaning to
    // ("framework" chunks: a training loop that only calls `torch.optim.Adam` is
    // not one), chunks using a name a framework chunk defines (also framework
    // chunks: `model = Net()`), and the chunks defining names those use
    // ("dependencies": constants, helpers).
    // A dependency's own definitions do not pull in its users, so a shared
    // `logger = ...` does not drag every function that logs into the analysis.
    const fwDefined = new Set<string>();
    const usedNames = new Set<string>();
    const role = new Map<ChunkEntry, 'fw' | 'dep'>();
    const take = (e: ChunkEntry, r: 'fw' | 'dep') => {
      relevant.add(e);
      role.set(e, r);
      if (r === 'fw') for (const d of e.lex.defines) fwDefined.add(d);
      for (const id of e.lex.idents) usedNames.add(id);
    };
    for (const e of entries) {
      if (relevant.has(e)) {
        take(e, 'fw');
        continue;
      }
      if (mattersToFramework(e.lex, anchors, members)) take(e, 'fw');
    }
    let changed = true;
    while (changed) {
      changed = false;
      for (const e of entries) {
        if (relevant.has(e)) continue;
        let fw = false;
        for (const id of e.lex.idents) {
          if (fwDefined.has(id)) {
            fw = true;
            break;
          }
        }
        if (fw) {
          take(e, 'fw');
          changed = true;
        } else if (e.lex.defines.some((d) => usedNames.has(d))) {
          // A definition that mentions a framework (`model = keras.models.load_model(p)`)
          // is framework code: the statements that use it belong to one unit.
          take(e, mentionsAny(e.lex, anchors) ? 'fw' : 'dep');
          changed = true;
        }
      }
    }
    for (const e of entries) {
      if (!relevant.has(e)) continue;
      this.ensure(e);
      e.parsed!.role = role.get(e) ?? 'fw';
    }
    return relevant;

  }
}

function mentionsAny(lex: ChunkLex, names: Set<string>): boolean {
  for (const a of names) if (lex.idents.has(a)) return true;
  return false;
}

/** A chunk mentions an imported framework member, or a framework module and a word the engine knows. */
function mattersToFramework(lex: ChunkLex, anchors: Set<string>, members: Set<string>): boolean {
  let anchor = false;
  for (const a of anchors) {
    if (!lex.idents.has(a)) continue;
    if (members.has(a)) return true;
    anchor = true;
  }
  if (!anchor) return false;
  return (lex.engineWord ??= mentionsEngineWord(lex.idents));
}

function moveChunk(c: ParsedChunk, to: number, lazy: boolean): void {
  const cur = c.at ?? c.base;
  if (cur === to) return;
  const d = to - cur;
  // statements and comments catch up in materialize; errors are read without it
  for (const e of c.errors) {
    e.span.from += d;
    e.span.to += d;
  }
  c.at = to;
  if (!lazy) materialize(c);
}

export function parsePython(text: string): PythonModule {
  return new PythonParser().parse(text);
}
