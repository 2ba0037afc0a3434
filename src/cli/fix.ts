/** `--fix`: rounds of the engine's fixes on a source file or on a notebook's cells. */
import { analyze, fixAll, type AnalysisOptions, type AnalysisResult, type Finding, type Language, type TextEdit } from '../core/index.js';
import { applyEditsToNotebook, parseNotebook, type Notebook } from '../core/notebook.js';

/**
 * The preferred fix of each finding (the one flagged `preferred`, else the
 * first), skipping fixes that touch an edit already taken; those are picked up
 * by the next round, after re-analysis.
 */
export function preferredEdits(findings: readonly Finding[], unsafe: boolean): { edits: TextEdit[]; count: number } {
  const taken: TextEdit[] = [];
  let count = 0;
  const touches = (e: TextEdit, t: TextEdit): boolean => (e.from < t.to && t.from < e.to) || e.from === t.from || e.from === t.to || t.from === e.to;
  for (const f of [...findings].sort((a, b) => a.span.from - b.span.from)) {
    const fix = f.fixes.find((x) => x.preferred) ?? f.fixes[0];
    if (!fix || fix.edits.length === 0 || (fix.safety === 'unsafe' && !unsafe)) continue;
    if (fix.edits.some((e) => taken.some((t) => touches(e, t)))) continue;
    taken.push(...fix.edits);
    count++;
  }
  return { edits: taken, count };
}

export const MAX_FIX_ROUNDS = 8;

/** --fix on a plain source file: the engine's fixAll (safe fixes, or all with --unsafe-fixes). */
export function fixText(text: string, language: Language, options: AnalysisOptions, unsafe: boolean, analyzer?: (text: string) => AnalysisResult): { text: string; count: number } {
  let cur = text;
  let count = 0;
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const r = fixAll(cur, language, { ...options, unsafe }, analyzer);
    if (r.text === cur) break;
    cur = r.text;
    count += r.applied;
  }
  return { text: cur, count };
}

/**
 * --fix on a notebook: rounds of preferred fixes applied to the cells' sources.
 * A fix that cannot be expressed inside one cell (it spans two) is refused.
 */
export function fixNotebook(start: Notebook, language: Language, options: AnalysisOptions, unsafe: boolean, analyzer?: (text: string) => AnalysisResult): { notebook: Notebook; count: number; refused: string[] } {
  let nb = start;
  let count = 0;
  const refused = new Set<string>();
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const result = analyzer ? analyzer(nb.text) : analyze(nb.text, language, options);
    const usable = result.findings.filter((f) => {
      const fix = f.fixes.find((x) => x.preferred) ?? f.fixes[0];
      if (!fix || (fix.safety === 'unsafe' && !unsafe)) return false;
      const check = applyEditsToNotebook(nb, fix.edits);
      if (check.error !== null) refused.add(`${f.code}: ${check.error}`);
      return check.error === null;
    });
    const picked = preferredEdits(usable, unsafe);
    if (picked.count === 0) break;
    const applied = applyEditsToNotebook(nb, picked.edits);
    if (applied.error !== null || applied.text === nb.fileText) break;
    const next = parseNotebook(applied.text);
    if (!next.notebook) break;
    nb = next.notebook;
    count += picked.count;
  }
  return { notebook: nb, count, refused: [...refused] };
}
