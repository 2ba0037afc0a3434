/**
 * Suppression comments, like `# noqa` and `// eslint-disable-line`:
 *   # initlens: ignore[IL001]          on the finding's line, or alone on the line above; for a
 *                                      layer call written over several lines, on any of its lines
 *                                      (after an argument, on the closing bracket's line)
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

/**
 * `layerSpan`: the layer's constructor call, when the finding's squiggle is elsewhere (an IL003
 * on its `nn.init` call): a comment on the layer's lines suppresses it too.
 */
export function isSuppressed(f: Finding, s: Suppressions, index: LineIndex, layerSpan?: Span): boolean {
  if (s.file === 'all') return true;
  if (s.file && s.file.has(f.code)) return true;
  const hit = (line: number): boolean => {
    const set = s.lines.get(line);
    return !!set && (set.has('*') || set.has(f.code as RuleCode));
  };
  const inSpan = (span: Span, inner: boolean): boolean => {
    const first = index.lineCol(span.from).line;
    const last = index.lineCol(span.to).line;
    if (hit(first) || hit(last)) return true;
    // A layer's constructor call: a comment on any of its inner lines (after `activation="relu",`)
    // is about that call. A model's span holds other layers' lines, so only its first and last count.
    if (inner) for (let line = first + 1; line < last; line++) if (hit(line)) return true;
    return false;
  };
  return inSpan(f.span, f.layer !== null) || (!!layerSpan && inSpan(layerSpan, true));
}
