/**
 * Code actions as plain data: the engine's fixes for a finding, the ignore
 * comments, "Fix all InitLens problems" and the `source.fixAll.initlens` action.
 */
import type { Finding, Language, RuleCode, TextEdit } from '../../core/types.js';
import type { InitLensSettings } from './settings.js';
import { fileSuppressionEdits, lineSuppressionEdits } from './suppress.js';
import { format, type Translate } from './l10n.js';
import { FIX_ALL_KIND, SHOW_RULE_DOCS } from './present.js';

export type ActionKind = 'quickfix' | typeof FIX_ALL_KIND;

export interface ActionData {
  title: string;
  kind: ActionKind;
  edits: TextEdit[];
  isPreferred: boolean;
  /** Findings this action resolves (indices into the visible findings). */
  findings: number[];
  /** A command to run instead of (or after) the edits: "Show documentation for IL001". */
  command?: { command: string; arguments: unknown[] };
}


export interface ActionContext {
  text: string;
  language: Language;
  findings: readonly Finding[];
  settings: InitLensSettings;
  /** `fixAll(text, language, options)` from the engine (kept injectable for tests). */
  fixAll: (text: string) => { edits: TextEdit[]; applied: number };
  /** The same, restricted to some rule codes ("Fix all IL001 problems in this file"). */
  fixAllCodes?: (text: string, codes: RuleCode[]) => { edits: TextEdit[]; applied: number };
  t?: Translate;
}

/** Quick fixes for one finding: the engine's fixes, then the ignore comments. */
export function quickFixes(ctx: ActionContext, index: number): ActionData[] {
  const t = ctx.t ?? format;
  const f = ctx.findings[index];
  if (!f) return [];
  const out: ActionData[] = [];
  f.fixes.forEach((fix, i) => {
    const title = fix.safety === 'unsafe' ? t('{0} (unsafe)', fix.description) : fix.description;
    const preferred = fix.safety === 'safe' && (fix.preferred ?? i === 0) && i === firstPreferredIndex(f);
    out.push({ title, kind: 'quickfix', edits: fix.edits, isPreferred: preferred, findings: [index] });
  });
  if (ctx.settings.disableRuleComment) {
    const line = lineSuppressionEdits(ctx.text, ctx.language, f.span.from, f.code);
    if (line) {
      out.push({ title: t('Ignore {0} for this line', f.code), kind: 'quickfix', edits: line, isPreferred: false, findings: [index] });
    }
    out.push({
      title: t('Ignore {0} for this file', f.code),
      kind: 'quickfix',
      edits: fileSuppressionEdits(ctx.text, ctx.language, f.code),
      isPreferred: false,
      findings: [index],
    });
  }
  const sameCode = fixAllOfCode(ctx, f.code);
  if (sameCode) out.push(sameCode);
  if (ctx.settings.showDocumentation) out.push({
    title: t('Show documentation for {0}', f.code),
    kind: 'quickfix',
    edits: [],
    isPreferred: false,
    findings: [],
    command: { command: SHOW_RULE_DOCS, arguments: [f.code] },
  });
  return out;
}

/**
 * "Fix all IL001 problems in this file": the engine's fix-all restricted to one
 * rule (safe fixes, re-analysis between passes), offered when at least two
 * findings of that rule have a safe fix.
 */
export function fixAllOfCode(ctx: ActionContext, code: RuleCode): ActionData | null {
  const t = ctx.t ?? format;
  if (!ctx.fixAllCodes) return null;
  const mine = ctx.findings.map((f, i) => ({ f, i })).filter(({ f }) => f.code === code && f.fixes.some((x) => x.safety === 'safe'));
  if (mine.length < 2) return null;
  const { edits: raw, applied } = ctx.fixAllCodes(ctx.text, [code]);
  const edits = minimalEdits(ctx.text, raw);
  if (applied === 0 || edits.length === 0) return null;
  return { title: t('Fix all {0} problems in this file', code), kind: 'quickfix', edits, isPreferred: false, findings: mine.map((x) => x.i) };
}

function firstPreferredIndex(f: Finding): number {
  const explicit = f.fixes.findIndex((x) => x.preferred && x.safety === 'safe');
  if (explicit !== -1) return explicit;
  return f.fixes.findIndex((x) => x.safety === 'safe');
}

/**
 * The engine's fix-all result reduced to the smallest single edit (common prefix
 * and suffix kept), so the cursor, folding and undo history outside the changed
 * region are untouched. Pure text diffing of two strings, not code structure.
 */
export function minimalEdits(before: string, edits: readonly TextEdit[]): TextEdit[] {
  if (edits.length !== 1 || edits[0]!.from !== 0 || edits[0]!.to !== before.length) return [...edits];
  const after = edits[0]!.newText;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  if (start === endB && start === endA) return [];
  return [{ from: start, to: endB, newText: after.slice(start, endA) }];
}

/** "Fix all InitLens problems" (quickfix) when more than one finding has a safe fix. */
export function fixAllQuickFix(ctx: ActionContext): ActionData | null {
  const t = ctx.t ?? format;
  const fixable = ctx.findings.filter((f) => f.fixes.some((x) => x.safety === 'safe')).length;
  if (fixable < 2) return null;
  const { edits: raw, applied } = ctx.fixAll(ctx.text);
  const edits = minimalEdits(ctx.text, raw);
  if (applied === 0 || edits.length === 0) return null;
  return {
    title: t('Fix all InitLens problems'),
    kind: 'quickfix',
    edits,
    isPreferred: false,
    findings: ctx.findings.map((_, i) => i),
  };
}

/** The `source.fixAll.initlens` action (fix on save), null when nothing to fix. */
export function sourceFixAll(ctx: ActionContext): ActionData | null {
  const t = ctx.t ?? format;
  const { edits: raw, applied } = ctx.fixAll(ctx.text);
  const edits = minimalEdits(ctx.text, raw);
  if (applied === 0 || edits.length === 0) return null;
  return { title: t('Fix all InitLens problems'), kind: FIX_ALL_KIND, edits, isPreferred: false, findings: [] };
}
