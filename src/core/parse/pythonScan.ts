/**
 * The lexical passes over Python source, which never parse: `scanTopLevel` finds where each
 * top-level statement starts (brackets, strings, comments, continuation lines: a tokenizer, not
 * a pattern match), and `lexChunk` summarizes one chunk (identifier tokens outside strings and
 * comments, the names it binds at module level, imports, directives) for the chunk cache.
 * Both share the character classes and string skipping below, so they live in one module.
 */


export const enum C {
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

export function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
}

export function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** Keywords that continue the previous compound statement at the same indentation. */
export const CONTINUATION_KEYWORDS = new Set(['else', 'elif', 'except', 'finally', 'case']);

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
        } else if ((SIMPLE_STATEMENT_KEYWORDS.has(w) && !isIdentChar(text.charCodeAt(j))) || (COMPOUND_KEYWORDS.has(w) && !isIdentChar(text.charCodeAt(j)) && lineEndsWithColon(text, j, n))) {
          // `if __name__ == "__main__":` after a call left open in the class above, or
          // `return x`: no expression continues with these, so the bracket was never closed.
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

/** Keywords that only begin a statement: a line starting with one is never inside an expression. */
const SIMPLE_STATEMENT_KEYWORDS = new Set(['return', 'raise', 'assert', 'del', 'pass', 'global', 'nonlocal', 'break', 'continue']);

/**
 * Keywords of compound statement headers. `if`/`for`/`else` also continue an expression
 * (`[x\nfor x in xs]`, `a if c\nelse b`), so a line starting with one is taken for a
 * statement only when it ends with the header's `:`.
 */
const COMPOUND_KEYWORDS = new Set(['if', 'elif', 'else', 'for', 'while', 'with', 'try', 'except', 'finally']);

/** Does the line from `i` end with `:` (strings skipped, before a comment)? */
function lineEndsWithColon(text: string, i: number, n: number): boolean {
  let last = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === C.LF || c === C.CR || c === C.HASH) break;
    if (c === C.SQ || c === C.DQ) {
      // a triple-quoted string can run over the line end: no header
      if (text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c) return false;
      i = skipString(text, i, n); // ends at the line end when unterminated
      last = c;
      continue;
    }
    if (c !== C.SPACE && c !== C.TAB && c !== C.FF) last = c;
    i++;
  }
  return last === 58;
}

/** Skip a string literal starting at its quote; returns the offset after it (or the line end when unterminated). */
export function skipString(text: string, i: number, n: number): number {
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
export function headDefines(text: string): string[] {
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

export const COMPOUND_HEADS = new Set(['if', 'for', 'while', 'try', 'with', 'match']);

/** A token of the rough tokenizer below: a name (keywords included), an operator or bracket, or the end of a logical line. */
export interface PyTok {
  k: 'name' | 'op' | 'nl';
  v: string;
}

export const OP_FIRST = '=+-*/%@&|^<>!:';

export const THREE_OPS = new Set(['**=', '//=', '>>=', '<<=']);

export const TWO_OPS = new Set(['**', '//', '>>', '<<', '->']);

/** Operators that bind their left-hand side. */
export const AUG_ASSIGN = new Set(['+=', '-=', '*=', '/=', '%=', '@=', '&=', '|=', '^=', '**=', '//=', '>>=', '<<=', ':=']);

/** Methods that mutate a container in place (`HIDDEN.append(32)` changes what HIDDEN holds). */
export const MUTATORS = new Set(['append', 'extend', 'insert', 'update', 'setdefault', 'pop', 'remove', 'clear', 'add']);

/**
 * Tokens of Python source, enough to find assignment targets: strings, comments
 * and numbers are skipped, brackets are operators, and a newline outside
 * brackets (not continued by a backslash) ends a logical line. Stops after
 * `limit` tokens.
 */
export function pyTokens(text: string, limit = Infinity): PyTok[] {
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

export function isStringPrefix(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (!'rRbBuUfF'.includes(text[k])) return false;
  return true;
}

/**
 * The names the statement starting at token `i` binds or mutates: `a, b = ...`,
 * `x: int = ...`, `units *= 2`, `n := ...`, `cfg.act = ...`, `cfg["act"] = ...`,
 * `HIDDEN.append(32)`.
 */
export function statementBinds(toks: PyTok[], i: number): string[] {
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
export const CLAUSE_KEYWORDS = new Set(['if', 'elif', 'else', 'for', 'while', 'try', 'except', 'finally', 'with', 'def', 'class', 'case', 'match', 'async']);

export const NOT_NAMES = new Set([
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
export function bodyDefines(text: string): string[] {
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
