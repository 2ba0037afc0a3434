/**
 * The rules over one document's framework analysis: each enabled rule of the registry in
 * precedence order (a rule that claims the kernel skips a layer an earlier one reported),
 * severity overrides, `# initlens:` suppressions, findings sorted by position. Also the Python
 * entry the unit analysis calls for each unit (framework adapter, then the rules).
 */
import type { AnalysisOptions, AnalysisResult, Finding, Language, ParseError, RuleCode, Span } from '../types.js';
import { defaultOptions } from '../types.js';
import type { PythonModule } from '../parse/python.js';
import { analyzePython } from '../frameworks/python/index.js';
import type { FrameworkAnalysis } from '../frameworks/adapter.js';
import { rulesInPrecedence } from './rules/index.js';
import type { RuleContext } from './rules/common.js';
import { LineIndex } from '../text.js';
import { isSuppressed, parseSuppressions } from './suppress.js';

const KERNEL_RULES = new Set<RuleCode>(rulesInPrecedence.filter((r) => r.claimsKernel).map((r) => r.code));

export function resolveOptions(o?: Partial<AnalysisOptions>): AnalysisOptions {
  return { ...defaultOptions, ...(o ?? {}), severity: { ...(o?.severity ?? {}) } };
}

/** Analyze a parsed Python module (used by the incremental analyzer). */
export function analyzePythonModule(mod: PythonModule, options?: Partial<AnalysisOptions>): AnalysisResult {
  const opts = resolveOptions(options);
  let fa: FrameworkAnalysis;
  try {
    fa = analyzePython(mod);
  } catch (e) {
    return { language: 'python', layers: [], models: [], findings: [], errors: [...mod.errors, internalError(e)] };
  }
  return runRules('python', mod.text, fa, mod.comments, mod.errors, opts);
}

export function runRules(language: Language, text: string, fa: FrameworkAnalysis, comments: { text: string; span: Span }[], errors: ParseError[], opts: AnalysisOptions): AnalysisResult {
  const findings: Finding[] = [];
  const ctx: RuleContext = { options: opts, fa, layers: fa.layers, models: fa.models, reported: new Map() };
  const enabled = (code: RuleCode) => {
    if (opts.select.length && !opts.select.includes(code)) return false;
    if (opts.ignore.includes(code)) return false;
    return opts.severity[code] !== 'off';
  };
  for (const rule of rulesInPrecedence) {
    if (!enabled(rule.code)) continue;
    if (rule.checkLayer) {
      for (const layer of fa.layers) {
        const rep = ctx.reported.get(layer.id);
        if (KERNEL_RULES.has(rule.code) && rep && [...rep].some((c) => KERNEL_RULES.has(c))) continue;
        let out: Finding[] = [];
        try {
          out = rule.checkLayer(layer, ctx);
        } catch (e) {
          errors.push(internalError(e));
        }
        for (const f of out) {
          findings.push(f);
          const set = ctx.reported.get(layer.id) ?? new Set<RuleCode>();
          set.add(f.code);
          ctx.reported.set(layer.id, set);
        }
      }
    }
    if (rule.checkModel) {
      for (const m of fa.models) {
        try {
          findings.push(...rule.checkModel(m, ctx));
        } catch (e) {
          errors.push(internalError(e));
        }
      }
    }
  }
  for (const f of findings) {
    const sev = opts.severity[f.code];
    if (sev && sev !== 'off') f.severity = sev;
  }
  let kept = findings;
  if (comments.some((c) => c.text.includes('initlens:'))) {
    const index = new LineIndex(text);
    const sup = parseSuppressions(comments, index, text);
    const layerSpan = new Map(fa.layers.map((l) => [l.id, l.span]));
    kept = findings.filter((f) => !isSuppressed(f, sup, index, f.layer === null ? undefined : layerSpan.get(f.layer)));
  }
  kept.sort((a, b) => a.span.from - b.span.from || a.code.localeCompare(b.code));
  return { language, layers: fa.layers, models: fa.models, findings: kept, errors };
}

export function internalError(e: unknown): ParseError {
  return { message: `InitLens internal error: ${e instanceof Error ? e.message : String(e)}`, span: { from: 0, to: 0 } };
}
