/**
 * AnalysisResult → plain data for the editor: diagnostics, CodeLenses and
 * the status text (code actions: actions.ts). Cheap to load: no parser here. Offsets stay offsets here; the adapters
 * (src/vscode/convert.ts) turn them into vscode.Range.
 */
import type { AnalysisResult, Finding, Layer, ModelInfo, RuleCode, Severity, Span } from '../../core/types.js';
import type { InitLensSettings, SkipReason } from './settings.js';
import { format, type Translate } from './l10n.js';

export const SOURCE = 'InitLens';
export const FIX_ALL_KIND = 'source.fixAll.initlens';
/** The command that opens a rule's bundled documentation in a Markdown preview. */
export const SHOW_RULE_DOCS = 'initlens.showRuleDocs';
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
  /** Other places the finding is about (the layer, the activation, the init code): related information. */
  related: { from: number; to: number; message: string }[];
}

export function toDiagnostics(findings: readonly Finding[], settings: InitLensSettings): DiagnosticData[] {
  return findings.map((f, i) => {
    const override = settings.severity[f.code];
    const severity: Severity = override && override !== 'off' && override !== 'default' ? override : f.severity;
    return {
      from: f.span.from,
      to: Math.max(f.span.to, f.span.from),
      severity,
      message: f.summary,
      code: f.code,
      docsUrl: ruleDocsUrl(f.code),
      finding: i,
      related: (f.related ?? []).map((r) => ({ from: r.span.from, to: r.span.to, message: r.message })),
    };
  });
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
  | { kind: 'done'; findings: number; ms: number; worst?: Severity | null }
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'error'; message: string };

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };
const SEVERITY_ICON: Record<Severity, string> = { error: '$(error)', warning: '$(warning)', info: '$(info)', hint: '$(lightbulb)' };

/** The worst severity among the diagnostics shown (after the user's overrides), null when none. */
export function worstSeverity(diagnostics: readonly { severity: Severity }[]): Severity | null {
  let worst: Severity | null = null;
  for (const d of diagnostics) if (worst === null || SEVERITY_RANK[d.severity] > SEVERITY_RANK[worst]) worst = d.severity;
  return worst;
}

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
        text: `${SEVERITY_ICON[state.worst ?? 'warning']} InitLens ${state.findings}`,
        tooltip:
          state.findings === 1
            ? t('InitLens: 1 problem ({0} ms)', state.ms.toFixed(1))
            : t('InitLens: {0} problems ({1} ms)', state.findings, state.ms.toFixed(1)),
        level: state.worst === 'error' ? 'error' : state.worst === 'info' || state.worst === 'hint' ? 'none' : 'warning',
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

/** The innermost layer whose constructor call holds `offset` (framework enabled), for hovers. */
export function layerAt(result: AnalysisResult, offset: number, settings: InitLensSettings): Layer | null {
  return (
    result.layers
      .filter((l) => l.span.from <= offset && offset < l.span.to && settings.frameworks[l.framework])
      .sort((a, b) => a.span.to - a.span.from - (b.span.to - b.span.from))[0] ?? null
  );
}

/**
 * What a hover at `offset` is about: the innermost layer whose call holds it, else the layer of
 * a finding whose squiggle holds it (an IL003 on an `nn.init` call written below the layer);
 * `span` is the range the hover covers.
 */
export function hoverAt(result: AnalysisResult, offset: number, settings: InitLensSettings): { layer: Layer; span: Span } | null {
  const layer = layerAt(result, offset, settings);
  if (layer) return { layer, span: layer.span };
  for (const f of visibleFindings(result, settings)) {
    if (f.layer === null || !(f.span.from <= offset && offset < f.span.to)) continue;
    const l = result.layers.find((x) => x.id === f.layer);
    if (l && settings.frameworks[l.framework]) return { layer: l, span: f.span };
  }
  return null;
}

/** The innermost model (with layers, framework enabled) whose span holds `offset`. */
export function modelAt(result: AnalysisResult, offset: number, settings: InitLensSettings): ModelInfo | null {
  return (
    result.models
      .filter((m) => m.layers.length > 0 && m.span.from <= offset && offset < m.span.to && settings.frameworks[m.framework])
      .sort((a, b) => a.span.to - a.span.from - (b.span.to - b.span.from))[0] ?? null
  );
}
