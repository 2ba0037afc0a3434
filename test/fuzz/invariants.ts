/**
 * Invariants every AnalysisResult must satisfy on any input, and a
 * user-visible projection of results to compare an incremental result with a
 * fresh one. Shared by the fuzz test and the benchmark.
 */
import type { AnalysisResult, Span, TextEdit } from '../../src/core/types.js';

function spanProblem(span: unknown, length: number, where: string): string | null {
  if (span === undefined) return null;
  if (typeof span !== 'object' || span === null) return `${where}: span is not an object (${JSON.stringify(span)})`;
  const { from, to } = span as Span;
  if (!Number.isInteger(from) || !Number.isInteger(to)) return `${where}: non-integer span ${JSON.stringify(span)}`;
  if (from < 0 || to > length || from > to) return `${where}: span [${from}, ${to}) outside [0, ${length}] or reversed`;
  return null;
}

/** Problems with a list of edits against a text of `length` (bounds, order, overlap). */
export function editProblems(edits: readonly TextEdit[], length: number, where: string): string[] {
  const out: string[] = [];
  if (!Array.isArray(edits)) return [`${where}: edits is not an array`];
  edits.forEach((e, i) => {
    const p = spanProblem(e, length, `${where}.edits[${i}]`);
    if (p) out.push(p);
    if (typeof e.newText !== 'string') out.push(`${where}.edits[${i}]: newText is not a string`);
  });
  const sorted = [...edits].sort((a, b) => a.from - b.from || a.to - b.to);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    // Strict overlap. Two insertions at the same point are allowed (applyEdits applies both).
    if (a.to > b.from && !(a.from === a.to && b.from === b.to)) {
      out.push(`${where}: overlapping edits ${JSON.stringify(a)} and ${JSON.stringify(b)}`);
    }
  }
  return out;
}

/** Every structural problem of `r` as an analysis of `text`; empty when all is well. */
export function resultProblems(text: string, r: AnalysisResult): string[] {
  const out: string[] = [];
  const n = text.length;
  const push = (p: string | null) => {
    if (p) out.push(p);
  };
  if (typeof r !== 'object' || r === null) return ['result is not an object'];
  for (const key of ['layers', 'models', 'findings', 'errors'] as const) {
    if (!Array.isArray(r[key])) out.push(`result.${key} is not an array`);
  }
  if (out.length) return out;
  const ids = new Set<number>();
  r.layers.forEach((l, i) => {
    const w = `layers[${i}] (${l.layer})`;
    ids.add(l.id);
    push(spanProblem(l.span, n, `${w}.span`));
    push(spanProblem(l.init?.span, n, `${w}.init.span`));
    push(spanProblem(l.recurrentInit?.span, n, `${w}.recurrentInit.span`));
    push(spanProblem(l.activation?.span, n, `${w}.activation.span`));
    if (l.model !== null && (l.model < 0 || l.model >= r.models.length)) out.push(`${w}: model index ${l.model} out of range`);
  });
  if (ids.size !== r.layers.length) out.push('duplicate layer ids');
  r.models.forEach((m, i) => {
    push(spanProblem(m.span, n, `models[${i}].span`));
    for (const id of m.layers) if (!ids.has(id)) out.push(`models[${i}] lists unknown layer id ${id}`);
  });
  r.findings.forEach((f, i) => {
    const w = `findings[${i}] (${f.code})`;
    push(spanProblem(f.span, n, `${w}.span`));
    if (f.layer !== null && !ids.has(f.layer)) out.push(`${w}: unknown layer id ${f.layer}`);
    if (typeof f.message !== 'string' || f.message.length === 0) out.push(`${w}: empty message`);
    if (!Array.isArray(f.fixes)) out.push(`${w}: fixes is not an array`);
    else f.fixes.forEach((fix, j) => out.push(...editProblems(fix.edits, n, `${w}.fixes[${j}]`)));
  });
  r.errors.forEach((e, i) => push(spanProblem(e.span, n, `errors[${i}].span`)));
  return out;
}

/**
 * What a user sees of a result: layers (kind, spans, initializer,
 * activation, fans), models and findings (code, span, message, fixes).
 * Layer ids are replaced by layer spans so that two analyses numbering
 * layers differently but agreeing on everything visible compare equal.
 */
export function projectResult(r: AnalysisResult) {
  const spanOf = new Map(r.layers.map((l) => [l.id, `${l.span.from}-${l.span.to}`]));
  const layer = (id: number | null) => (id === null ? null : (spanOf.get(id) ?? `?${id}`));
  return {
    layers: r.layers.map((l) => ({
      layer: l.layer,
      framework: l.framework,
      name: l.name,
      span: l.span,
      init: { name: l.init.name, span: l.init.span ?? null, source: l.init.source, explicit: l.init.explicit },
      activation: { name: l.activation.name, span: l.activation.span ?? null, via: l.activation.via },
      normalization: l.normalization,
      residual: l.residual,
      fanIn: l.fanIn,
      fanOut: l.fanOut,
    })),
    models: r.models.map((m) => ({ kind: m.kind, name: m.name, span: m.span, layers: m.layers.map(layer) })),
    findings: r.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      span: f.span,
      message: f.message,
      layer: layer(f.layer),
      recommended: f.recommended,
      fixes: f.fixes.map((x) => ({ description: x.description, safety: x.safety, edits: x.edits })),
    })),
  };
}

export function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    if (a.length !== b.length) {
      const extra = a.length > b.length ? a[b.length] : b[a.length];
      return `${path}: length ${a.length} ≠ ${b.length} (first extra: ${JSON.stringify(extra)})`;
    }
    return null;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

/** null when `actual` (e.g. incremental) and `expected` (fresh analyze) agree on everything user-visible; else the first difference. */
export function compareResults(actual: AnalysisResult, expected: AnalysisResult): string | null {
  return firstDifference(projectResult(actual), projectResult(expected), 'result');
}
