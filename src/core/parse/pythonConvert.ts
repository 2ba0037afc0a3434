/**
 * One chunk of Python source → the plain statement model (pyast.ts): Lezer's error-tolerant
 * parse of the chunk, converted node by node (`Converter`), with its comments and syntax errors.
 */
import type { ParseError, Span } from '../types.js';
import { type PyArg, type PyComment, type PyExpr, type PyParam, type PyStmt, shiftStmts } from './pyast.js';
import { isBareYieldGap, parser } from './python-parser.js';
import type { ChunkLex } from './pythonScan.js';
import type { SyntaxNode } from '@lezer/common';

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
      else if (n.type.isError && conv.errors.length < 20 && !isBareYieldGap(n)) {
        conv.errors.push({ message: n.from === n.to ? 'Syntax error: unexpected end or missing token' : `Syntax error near '${text.slice(n.from, Math.min(n.to, n.from + 20))}'`, span: { from: n.from + base, to: n.to + base } });
      }
    },
  });
  return { text, base, stmts, comments: conv.comments, errors: conv.errors };
}

export class Converter {
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
            decorators.push(this.decoratorExpr(ch) ?? { kind: 'other', span: this.span(ch), parts });
          } else if (ch.name === 'FunctionDefinition' || ch.name === 'ClassDefinition') {
            def = this.stmt(ch);
          }
        }
        if (def && (def.kind === 'def' || def.kind === 'class')) {
          def.decorators = decorators;
          def.span = span;
          return def;
        }
        return { kind: 'other', span };
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
          kind: 'def',
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
          kind: 'class',
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
        if (targets.length === 0) return { kind: 'expr', value, span };
        return { kind: 'assign', targets, value, span };
      }
      case 'UpdateStatement': {
        const kids = this.exprNodes(n).filter((k) => k.name !== 'UpdateOp');
        const op = n.getChild('UpdateOp');
        if (kids.length >= 2) return { kind: 'augassign', target: this.expr(kids[0]), op: op ? this.src(op) : '+=', value: this.expr(kids[1]), span };
        return { kind: 'other', span };
      }
      case 'ExpressionStatement': {
        const kids = this.exprNodes(n);
        return { kind: 'expr', value: this.seqExpr(kids, span), span };
      }
      case 'ReturnStatement': {
        const kids = this.exprNodes(n);
        return { kind: 'return', value: kids.length ? this.seqExpr(kids, span) : null, span };
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
          kind: 'for',
          target,
          iter: iterNode ? this.expr(iterNode) : { kind: 'other', span, parts: [] },
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
        if (clauses.length === 0) return { kind: 'other', span };
        // Fold elif/else into nested ifs.
        let orelse: PyStmt[] = [];
        for (let i = clauses.length - 1; i >= 1; i--) {
          const c = clauses[i];
          if (c.test === null) orelse = c.body;
          else orelse = [{ kind: 'if', test: c.test, body: c.body, orelse, span: { from: c.from + this.base, to: span.to } }];
        }
        const first = clauses[0];
        return { kind: 'if', test: first.test ?? { kind: 'other', span, parts: [] }, body: first.body, orelse, span };
      }
      case 'WithStatement': {
        const items: PyExpr[] = [];
        for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
          if (ch.name === 'Body' || ch.name === 'with' || ch.name === 'as' || ch.name === ',' || ch.name === 'async') continue;
          items.push(this.expr(ch));
        }
        return { kind: 'with', items, body: this.body(n.getChild('Body')), span };
      }
      case 'TryStatement':
      case 'WhileStatement': {
        const body: PyStmt[] = [];
        for (const b of n.getChildren('Body')) body.push(...this.body(b));
        return { kind: 'block', body, span };
      }
      case 'MatchStatement': {
        const body: PyStmt[] = [];
        const mb = n.getChild('MatchBody');
        if (mb) for (const cl of mb.getChildren('MatchClause')) body.push(...this.body(cl.getChild('Body')));
        return { kind: 'block', body, span };
      }
      default:
        return { kind: 'other', span };
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
      return { kind: 'from', module, level, names, span };
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
    return { kind: 'import', names, span };
  }

  decoratorExpr(n: SyntaxNode): PyExpr | null {
    // @ a.b.c (args)?
    let e: PyExpr | null = null;
    for (let ch = n.firstChild; ch; ch = ch.nextSibling) {
      if (ch.name === 'VariableName' || ch.name === 'PropertyName') {
        const id = this.src(ch);
        e = e === null ? { kind: 'name', id, span: this.span(ch) } : { kind: 'attr', obj: e, attr: id, span: { from: e.span.from, to: ch.to + this.base } };
      } else if (ch.name === 'ArgList' && e) {
        e = { kind: 'call', fn: e, args: this.argList(ch), span: { from: e.span.from, to: ch.to + this.base }, argsSpan: this.span(ch) };
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
    if (real.length === 0) return { kind: 'other', span, parts: [] };
    return {
      kind: 'tuple',
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
        index.push({ kind: 'other', span: { from: group.from, to: group.to }, parts: group.kids, slice: { lower, upper, step } });
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
    return { kind: 'sub', obj: this.expr(obj), index, span };
  }

  private depth = 0;

  expr(n: SyntaxNode): PyExpr {
    const span = this.span(n);
    // Pathological nesting (thousands of brackets): stop descending, keep the span.
    if (this.depth > 150) return { kind: 'other', span, parts: [] };
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
        return { kind: 'name', id: this.src(n), span };
      case 'self':
        return { kind: 'name', id: 'self', span };
      case 'Number':
        return { kind: 'num', value: parseNumber(this.src(n)), span };
      case 'String': {
        const raw = this.src(n);
        return { kind: 'str', value: stringValue(raw), span, quote: quoteOf(raw) };
      }
      case 'Boolean':
        return { kind: 'const', value: this.src(n) === 'True', span };
      case 'None':
        return { kind: 'const', value: null, span };
      case 'ParenthesizedExpression': {
        const kids = this.exprNodes(n);
        if (kids.length === 1) return this.expr(kids[0]);
        return { kind: 'other', span, parts: kids.map((k) => this.expr(k)) };
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
              if (Number.isFinite(v)) return { kind: 'num', value: v, span };
            }
          }
          if (propOk) return { kind: 'attr', obj: this.expr(obj), attr: this.src(prop!), span };
        } else if (obj && sepName === '[') {
          return this.subscript(obj, span);
        }
        // Anything else (a comment inside, an error): search the children.
        const p2 = n.getChild('PropertyName');
        if (obj && p2 && n.getChild('.')) return { kind: 'attr', obj: this.expr(obj), attr: this.src(p2), span };
        if (obj && n.getChild('[')) return this.subscript(obj, span);
        return { kind: 'other', span, parts: this.exprChildren(n) };
      }
      case 'CallExpression': {
        const fn = n.firstChild;
        let al = n.lastChild;
        if (al && al.name !== 'ArgList') al = n.getChild('ArgList');
        if (fn && al && al !== fn) {
          const call: PyExpr = { kind: 'call', fn: this.expr(fn), args: [], span, argsSpan: this.span(al) };
          if (this.args(al, call.args)) call.broken = true;
          return call;
        }
        return { kind: 'other', span, parts: this.exprChildren(n) };
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
          items.push(star ? { kind: 'star', value: v, double: false, span: { from: starFrom + this.base, to: ch.to + this.base } } : v);
          star = false;
        }
        return { kind: n.name === 'ArrayExpression' ? 'list' : n.name === 'TupleExpression' ? 'tuple' : 'set', items, span };
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
        return { kind: 'dict', entries, span };
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
          kind: 'comp',
          elt: eltNode ? this.expr(eltNode) : { kind: 'other', span, parts: [] },
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
        if (kids.length === 2) return { kind: 'bin', op, left: this.expr(kids[0]), right: this.expr(kids[1]), span };
        return { kind: 'other', span, parts: kids.map((k) => this.expr(k)) };
      }
      case 'UnaryExpression': {
        const kids = this.exprNodes(n).filter((k) => !OP_NODES.has(k.name));
        const op = n.firstChild ? this.src(n.firstChild).trim() : '';
        if (kids.length === 1) {
          const operand = this.expr(kids[0]);
          if (op === '-' && operand.kind === 'num') return { kind: 'num', value: -operand.value, span };
          if (op === '+' && operand.kind === 'num') return { kind: 'num', value: operand.value, span };
          return { kind: 'unary', op, operand, span };
        }
        return { kind: 'other', span, parts: kids.map((k) => this.expr(k)) };
      }
      case 'LambdaExpression': {
        const parts = this.exprChildren(n);
        const list = n.getChild('ParamList');
        const params: string[] = [];
        let afterEq = false;
        for (let ch = list?.firstChild ?? null; ch; ch = ch.nextSibling) {
          if (ch.name === 'AssignOp') afterEq = true;
          else if (ch.name === ',') afterEq = false;
          else if (ch.name === 'VariableName' && !afterEq) params.push(this.src(ch));
        }
        const bodyNode = n.lastChild;
        if (!bodyNode || bodyNode.name === ':' || parts.length === 0) return { kind: 'other', span, parts };
        return { kind: 'other', span, parts, lambda: { params, body: parts[parts.length - 1]! } };
      }
      case 'ConditionalExpression': {
        const parts = this.exprChildren(n);
        if (parts.length === 3 && n.getChild('if') && n.getChild('else')) {
          return { kind: 'other', span, parts, cond: { body: parts[0], test: parts[1], orelse: parts[2] } };
        }
        return { kind: 'other', span, parts };
      }
      case 'AwaitExpression': {
        const kids = this.exprNodes(n);
        return kids.length === 1 ? this.expr(kids[0]) : { kind: 'other', span, parts: kids.map((k) => this.expr(k)) };
      }
      default:
        return { kind: 'other', span, parts: this.exprChildren(n) };
    }
  }
}

export const OP_NODES = new Set(['ArithOp', 'CompareOp', 'BitOp', 'LogicOp', 'and', 'or', 'in', 'is', 'not']);

export const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '=', 'AssignOp', '*', '**', '->', 'At']);

export function isPunct(name: string): boolean {
  return PUNCT.has(name);
}

export const KEYWORDS = new Set(['return', 'for', 'in', 'if', 'else', 'elif', 'lambda', 'await', 'yield', 'from', 'import', 'as', 'async', 'not', 'and', 'or', 'is', 'del', 'pass', 'def', 'class', 'with', 'while', 'try', 'except', 'finally', 'raise', 'assert', 'global', 'nonlocal', 'print']);

export function isKeyword(name: string): boolean {
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

export function quoteOf(raw: string): string {
  let i = 0;
  while (i < raw.length && /[rRbBuUfF]/.test(raw[i])) i++;
  const q = raw[i] ?? '"';
  return raw.startsWith(q + q + q, i) ? q + q + q : q;
}

export function stringValue(raw: string): string {
  let i = 0;
  while (i < raw.length && /[rRbBuUfF]/.test(raw[i])) i++;
  const q = quoteOf(raw);
  let body = raw.slice(i + q.length);
  if (body.endsWith(q)) body = body.slice(0, body.length - q.length);
  return body;
}
