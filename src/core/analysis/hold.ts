/**
 * Half-typed code must not hide findings: while a statement is broken
 * (`Dense(units, activation="re` typed halfway), the model it belongs to keeps
 * the findings of the last analysis without syntax errors there, moved to the
 * new offsets, and every other model gets its fresh result.
 *
 * This runs after the analysis (IncrementalAnalyzer.update and analyze stay
 * identical, a fuzz test checks it); the editor calls it with the last good
 * result of the document. Held findings carry no fixes (they were computed for
 * another text, and a fix never applies to a stale document) and no layer/model
 * ids (those index the new result). Pure, never throws.
 */
import type { AnalysisResult, Finding, Span } from '../types.js';

export interface Analysed {
  text: string;
  result: AnalysisResult;
}

/** The edit between two texts as one replaced range (common prefix and suffix kept): a plain string diff. */
export function changedRange(before: string, after: string): { from: number; toBefore: number; toAfter: number } {
  let from = 0;
  const max = Math.min(before.length, after.length);
  while (from < max && before.charCodeAt(from) === after.charCodeAt(from)) from++;
  let b = before.length;
  let a = after.length;
  while (b > from && a > from && before.charCodeAt(b - 1) === after.charCodeAt(a - 1)) {
    b--;
    a--;
  }
  return { from, toBefore: b, toAfter: a };
}

/** Extent of each model of a result: its anchor and all its layers. */
function modelExtents(result: AnalysisResult): Map<number, Span> {
  const out = new Map<number, Span>();
  const byId = new Map(result.layers.map((l) => [l.id, l]));
  for (const m of result.models) {
    let from = m.span.from;
    let to = m.span.to;
    for (const id of m.layers) {
      const l = byId.get(id);
      if (!l) continue;
      from = Math.min(from, l.span.from);
      to = Math.max(to, l.span.to);
    }
    out.set(m.id, { from, to });
  }
  return out;
}

/** No syntax error inside a model: a result the editor may hold on to as the last good one. */
export function isGood(result: AnalysisResult): boolean {
  if (result.errors.length === 0) return true;
  const ext = [...modelExtents(result).values()];
  return !result.errors.some((e) => ext.some((x) => e.span.from < x.to && e.span.to > x.from));
}

/**
 * The result to show for `next`: itself when it has no syntax error or there is
 * no last good result; otherwise, for each model of `lastGood` whose extent
 * contains the edit and a new syntax error, its findings from `lastGood`
 * (moved; dropped if they touch the edited range) instead of the fresh ones there.
 */
export function holdBrokenModels(lastGood: Analysed | null, next: Analysed): AnalysisResult {
  if (!lastGood || next.result.errors.length === 0 || !isGood(lastGood.result)) return next.result;
  if (lastGood.result.language !== next.result.language) return next.result;
  const ch = changedRange(lastGood.text, next.text);
  const delta = ch.toAfter - ch.toBefore;
  const move = (s: Span): Span | null => {
    if (s.to <= ch.from) return { ...s };
    if (s.from >= ch.toBefore) return { from: s.from + delta, to: s.to + delta };
    return null;
  };
  // Models of the last good result that contain the edit and, after it, a syntax error.
  const held: { oldId: number; now: Span }[] = [];
  for (const [id, ext] of modelExtents(lastGood.result)) {
    if (!(ext.from <= ch.from && ch.toBefore <= ext.to)) continue;
    const now = { from: ext.from, to: ext.to + delta };
    if (next.result.errors.some((e) => e.span.from < now.to && e.span.to > now.from)) held.push({ oldId: id, now });
  }
  if (held.length === 0) return next.result;
  const inHeld = (s: Span) => held.some((h) => s.from >= h.now.from && s.to <= h.now.to);
  // A fresh finding of a held model (its squiggle may be on init code outside the model's extent: its layer is not).
  const freshLayers = new Map(next.result.layers.map((l) => [l.id, l]));
  const findings: Finding[] = next.result.findings.filter((f) => {
    const layer = f.layer === null ? undefined : freshLayers.get(f.layer);
    return !inHeld(f.span) && !(layer && inHeld(layer.span));
  });
  const oldLayers = new Map(lastGood.result.layers.map((l) => [l.id, l]));
  for (const f of lastGood.result.findings) {
    const model = f.model ?? (f.layer !== null ? oldLayers.get(f.layer)?.model ?? null : null);
    if (model === null || !held.some((h) => h.oldId === model)) continue;
    const span = move(f.span);
    if (!span) continue;
    const related = (f.related ?? []).flatMap((r) => {
      const s = move(r.span);
      return s ? [{ ...r, span: s }] : [];
    });
    const old: Finding = { ...f, span, fixes: [], layer: null, model: null };
    delete old.related;
    if (related.length) old.related = related;
    findings.push(old);
  }
  findings.sort((a, b) => a.span.from - b.span.from || a.code.localeCompare(b.code));
  return { ...next.result, findings };
}
