/**
 * Suppression comments, like `# noqa` and `// eslint-disable-line`:
 *   # initlens: ignore[IL001]          on the finding's line, or alone on the line above
 *   # initlens: ignore                 every rule on that line
 *   # initlens: ignore-file[IL001,IL005]   anywhere in the file
 *   # initlens: ignore-file            the whole file
 * The same with `//` or `/* … *\/` in TypeScript/JavaScript.
 */
import type { Finding, RuleCode, Span } from '../types.js';
import type { LineIndex } from '../text.js';

export interface Suppressions {
  file: 'all' | Set<string> | null;
  /** line (0-based) → codes ('*' = all) */
  lines: Map<number, Set<string>>;
}

export function parseSuppressions(comments: { text: string; span: Span }[], index: LineIndex, text: string): Suppressions {
  const res: Suppressions = { file: null, lines: new Map() };
  for (const c of comments) {
    const body = c.text;
    const at = body.indexOf('initlens:');
    if (at < 0) continue;
    let i = at + 'initlens:'.length;
    while (body[i] === ' ') i++;
    let word = '';
    while (i < body.length && /[a-z-]/.test(body[i])) word += body[i++];
    const codes = new Set<string>();
    if (body[i] === '[') {
      const close = body.indexOf(']', i);
      const inner = body.slice(i + 1, close < 0 ? body.length : close);
      for (const part of inner.split(',')) {
        const code = part.trim().toUpperCase();
        if (code) codes.add(code);
      }
    }
    if (word === 'ignore-file') {
      if (codes.size === 0) res.file = 'all';
      else if (res.file !== 'all') {
        const set = res.file ?? new Set<string>();
        for (const code of codes) set.add(code);
        res.file = set;
      }
      continue;
    }
    if (word !== 'ignore') continue;
    const { line } = index.lineCol(c.span.from);
    const lineStart = index.lineStart(line);
    const standalone = text.slice(lineStart, c.span.from).trim() === '';
    const target = standalone ? line + 1 : line;
    const set = res.lines.get(target) ?? new Set<string>();
    if (codes.size === 0) set.add('*');
    for (const code of codes) set.add(code);
    res.lines.set(target, set);
    if (!standalone) {
      // a trailing comment on a line also covers the statement's first line when the call spans lines
      res.lines.set(line, set);
    }
  }
  return res;
}

export function isSuppressed(f: Finding, s: Suppressions, index: LineIndex): boolean {
  if (s.file === 'all') return true;
  if (s.file && s.file.has(f.code)) return true;
  const first = index.lineCol(f.span.from).line;
  const last = index.lineCol(f.span.to).line;
  for (const line of new Set([first, last])) {
    const set = s.lines.get(line);
    if (set && (set.has('*') || set.has(f.code as RuleCode))) return true;
  }
  return false;
}
