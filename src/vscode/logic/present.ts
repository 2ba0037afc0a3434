/**
 * AnalysisResult → plain data for the editor: diagnostics, code actions,
 * CodeLenses and the status text. Offsets stay offsets here; the adapters
 * (src/vscode/convert.ts) turn them into vscode.Range.
 */
import type { AnalysisResult, Finding, Language, ModelInfo, RuleCode, Severity, TextEdit } from '../../core/types.js';
import type { InitLensSettings, SkipReason } from './settings.js';
import { fileSuppressionEdits, lineSuppressionEdits } from './suppress.js';
import { format, type Translate } from './l10n.js';

export const SOURCE = 'InitLens';
export const FIX_ALL_KIND = 'source.fixAll.initlens';
/** Where each rule is documented (docs/rules.md has one `## ILxxx` heading per rule). */
export const DOCS_BASE = 'https://github.com/initlens/initlens/blob/main/docs/rules.md';

export function ruleDocsUrl(code: RuleCode): string {
  return `${DOCS_BASE}#${code.toLowerCase()}`;
}

/** Findings the user asked to see: framework enabled, severity not 'off'. */
export function visibleFindings(result: AnalysisResult, settings: InitLensSettings): Finding[] {
  return result.findings.filter((f) => {
    if (settings.severity[f.code] === 'off') return false;
    const framework = frameworkOf(result, f);
    return framework === null || settings.frameworks[framework];
  });
}

function frameworkOf(result: AnalysisResult, f: Finding) {
  if (f.layer !== null) {
    const layer = result.layers.find((l) => l.id === f.layer);
    if (layer) return layer.framework;
  }
  if (f.model !== null) {
    const model = result.models.find((m) => m.id === f.model);
    if (model) return model.framework;
  }
  return null;
}

export interface DiagnosticData {
  from: number;
  to: number;
  severity: Severity;
  message: string;
  code: RuleCode;
  docsUrl: string;
  /** Index into the `visibleFindings` list it was made from. */
  finding: number;
}

export function toDiagnostics(findings: readonly Finding[], settings: InitLensSettings): DiagnosticData[] {
  return findings.map((f, i) => {
    const override = settings.severity[f.code];
    const severity: Severity = override && override !== 'off' && override !== 'default' ? override : f.severity;
    return {
      from: f.span.from,
      to: Math.max(f.span.to, f.span.from),
      severity,
      message: f.message,
      code: f.code,
      docsUrl: ruleDocsUrl(f.code),
      finding: i,
    };
  });
}

export type ActionKind = 'quickfix' | typeof FIX_ALL_KIND;

export interface ActionData {
  title: string;
  kind: ActionKind;
  edits: TextEdit[];
  isPreferred: boolean;
  /** Findings this action resolves (indices into the visible findings). */
  findings: number[];
}

export interface ActionContext {
  text: string;
  language: Language;
  findings: readonly Finding[];
  settings: InitLensSettings;
  /** `fixAll(text, language, options)` from the engine (kept injectable for tests). */
  fixAll: (text: string) => { edits: TextEdit[]; applied: number };
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
  return out;
}

function firstPreferredIndex(f: Finding): number {
  const explicit = f.fixes.findIndex((x) => x.preferred && x.safety === 'safe');
  if (explicit !== -1) return explicit;
  return f.fixes.findIndex((x) => x.safety === 'safe');
}

/** "Fix all InitLens problems" (quickfix) when more than one finding has a safe fix. */
export function fixAllQuickFix(ctx: ActionContext): ActionData | null {
  const t = ctx.t ?? format;
  const fixable = ctx.findings.filter((f) => f.fixes.some((x) => x.safety === 'safe')).length;
  if (fixable < 2) return null;
  const { edits, applied } = ctx.fixAll(ctx.text);
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
  const { edits, applied } = ctx.fixAll(ctx.text);
  if (applied === 0 || edits.length === 0) return null;
  return { title: t('Fix all InitLens problems'), kind: FIX_ALL_KIND, edits, isPreferred: false, findings: [] };
}

export interface LensData {
  from: number;
  to: number;
  title: string;
  model: number;
  layers: number;
}

export function codeLenses(result: AnalysisResult, settings: InitLensSettings, t: Translate = format): LensData[] {
  if (!settings.codeLens) return [];
  return result.models
    .filter((m: ModelInfo) => m.layers.length > 0 && settings.frameworks[m.framework])
    .map((m) => ({
      from: m.span.from,
      to: m.span.to,
      title: m.layers.length === 1 ? t('Simulate variance (1 layer)') : t('Simulate variance ({0} layers)', m.layers.length),
      model: m.id,
      layers: m.layers.length,
    }));
}

export type AnalysisState =
  | { kind: 'idle' }
  | { kind: 'analyzing' }
  | { kind: 'done'; findings: number; ms: number }
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'error'; message: string };

export interface StatusData {
  text: string;
  tooltip: string;
  /** 'warning' background when problems are shown. */
  level: 'none' | 'warning' | 'error';
}

export function statusText(state: AnalysisState, t: Translate = format): StatusData {
  switch (state.kind) {
    case 'idle':
      return { text: '$(pulse) InitLens', tooltip: t('InitLens: waiting for analysis'), level: 'none' };
    case 'analyzing':
      return { text: '$(sync~spin) InitLens', tooltip: t('InitLens: analyzing…'), level: 'none' };
    case 'done':
      if (state.findings === 0) {
        return { text: '$(check) InitLens', tooltip: t('InitLens: no problems ({0} ms)', state.ms.toFixed(1)), level: 'none' };
      }
      return {
        text: `$(warning) InitLens ${state.findings}`,
        tooltip:
          state.findings === 1
            ? t('InitLens: 1 problem ({0} ms)', state.ms.toFixed(1))
            : t('InitLens: {0} problems ({1} ms)', state.findings, state.ms.toFixed(1)),
        level: 'warning',
      };
    case 'skipped': {
      const why: Record<SkipReason, string> = {
        disabled: t('InitLens is disabled (initlens.enable)'),
        language: t('InitLens is disabled for this language (initlens.languages)'),
        excluded: t('This file matches initlens.exclude'),
        tooLarge: t('This file is larger than initlens.maxFileSize'),
      };
      return { text: '$(circle-slash) InitLens', tooltip: why[state.reason], level: 'none' };
    }
    case 'error':
      return { text: '$(error) InitLens', tooltip: t('InitLens: analysis failed: {0}', state.message), level: 'error' };
  }
}
