/**
 * Pure text edits: apply them, and fix-all.
 */
import type { AnalysisOptions, AnalysisResult, Fix, Language, TextEdit } from '../types.js';
import { analyze } from '../analysis/analyze.js';

/** Apply non-overlapping edits (any order). Overlapping edits throw: callers pick non-overlapping sets. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  // Right to left; insertions at one point are applied last-first so they end up in array order.
  const sorted = dedupe(edits)
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.from - a.e.from || b.e.to - a.e.to || b.i - a.i)
    .map((x) => x.e);
  let out = text;
  let prevFrom = Infinity;
  for (const e of sorted) {
    if (e.from < 0 || e.to > text.length || e.from > e.to) throw new RangeError(`edit out of range: ${e.from}-${e.to}`);
    if (e.to > prevFrom) throw new RangeError(`overlapping edits at ${e.from}-${e.to}`);
    out = out.slice(0, e.from) + e.newText + out.slice(e.to);
    prevFrom = e.from;
  }
  return out;
}

/** Identical edits (same range and text) count once: two fixes may add the same import. */
function dedupe(edits: readonly TextEdit[]): TextEdit[] {
  const seen = new Set<string>();
  const out: TextEdit[] = [];
  for (const e of edits) {
    const k = `${e.from}:${e.to}:${e.newText}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.from === a.to && b.from === b.to) return false; // two insertions at one point: both apply, order kept
  return a.from < b.to && b.from < a.to;
}

/**
 * Choose the preferred fix of each finding, skipping fixes whose edits overlap
 * an already chosen one (they are picked up by the next pass).
 */
export function selectFixes(result: AnalysisResult, unsafe = false): { fixes: Fix[]; edits: TextEdit[] } {
  const chosen: Fix[] = [];
  const edits: TextEdit[] = [];
  for (const f of result.findings) {
    const fix = f.fixes.find((x) => x.preferred) ?? f.fixes[0];
    if (!fix || (fix.safety === 'unsafe' && !unsafe)) continue;
    const identical = (e: TextEdit) => edits.some((x) => x.from === e.from && x.to === e.to && x.newText === e.newText);
    if (fix.edits.some((e) => !identical(e) && edits.some((x) => overlaps(x, e)))) continue;
    chosen.push(fix);
    for (const e of fix.edits) if (!identical(e)) edits.push(e);
  }
  return { fixes: chosen, edits };
}

/**
 * Apply every safe preferred fix, re-analyzing between passes, until nothing
 * more can be fixed. A second fixAll on the result changes nothing.
 */
export function fixAll(
  text: string,
  language: Language,
  options?: Partial<AnalysisOptions> & { unsafe?: boolean },
  /** How to analyse a version of the text (default `analyze`; the CLI passes the workspace-aware analysis). */
  analyzer: (text: string) => AnalysisResult = (t) => analyze(t, language, options),
): { text: string; edits: TextEdit[]; applied: number } {
  let cur = text;
  let applied = 0;
  const unsafe = options?.unsafe === true;
  let res = analyzer(cur);
  for (let pass = 0; pass < 4; pass++) {
    const { fixes, edits } = selectFixes(res, unsafe);
    if (!edits.length) break;
    let next: string;
    try {
      next = applyEdits(cur, edits);
    } catch {
      break;
    }
    if (next === cur) break;
    // A fix must never make the file worse: keep the pass only if the syntax
    // errors did not grow and the fixed findings did not come back unchanged.
    const after = analyzer(next);
    if (after.errors.length > res.errors.length) break;
    const signature = (r: typeof res) => r.findings.map((f) => `${f.code}:${f.layer}:${f.model}`).sort().join(',');
    if (signature(after) === signature(res)) break; // nothing changed: the fixes did not take
    cur = next;
    res = after;
    applied += fixes.length;
  }
  return { text: cur, edits: cur === text ? [] : [{ from: 0, to: text.length, newText: cur }], applied };
}
