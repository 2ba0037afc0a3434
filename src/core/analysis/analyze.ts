/**
 * document text → syntax tree → layers/models → findings.
 */
import type { Tree } from '@lezer/common';
import type { AnalysisOptions, AnalysisResult, Finding, Language, ParseError, RuleCode, Span } from '../types.js';
import { defaultOptions } from '../types.js';
import { PythonParser, type PythonModule } from '../parse/python.js';
import { parseJs, jsSyntaxErrors } from '../parse/javascript.js';
import { analyzePython } from '../frameworks/python/index.js';
import { analyzeTfjs } from '../frameworks/tfjs.js';
import type { FrameworkAnalysis } from '../frameworks/adapter.js';
import { rulesInPrecedence } from './rules/index.js';
import type { RuleContext } from './rules/common.js';
import { LineIndex } from '../text.js';
import { isSuppressed, parseSuppressions } from './suppress.js';
import { analyzeUnits } from './units.js';

const KERNEL_RULES = new Set<RuleCode>(['IL007', 'IL002', 'IL003', 'IL006', 'IL001']);

export function resolveOptions(o?: Partial<AnalysisOptions>): AnalysisOptions {
  return { ...defaultOptions, ...(o ?? {}), severity: { ...(o?.severity ?? {}) } };
}

/** Analyze one document from scratch. Never throws. */
export function analyze(text: string, language: Language, options?: Partial<AnalysisOptions>): AnalysisResult {
  try {
    if (language === 'python') return analyzeUnits(new PythonParser().parse(text), options);
    return analyzeJsTree(text, language, parseJs(text, language === 'typescript'), options);
  } catch (e) {
    // The engine never throws on bad input: report it as an error of the analysis.
    return { language, layers: [], models: [], findings: [], errors: [internalError(e)] };
  }
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
  return finish('python', mod.text, fa, mod.comments, mod.errors, opts);
}

export function analyzeJsTree(text: string, language: Language, tree: Tree, options?: Partial<AnalysisOptions>): AnalysisResult {
  const opts = resolveOptions(options);
  const fa = analyzeTfjs(text, tree, { distribution: opts.distribution });
  const comments: { text: string; span: Span }[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.name === 'LineComment' || n.name === 'BlockComment') comments.push({ text: text.slice(n.from, n.to), span: { from: n.from, to: n.to } });
    },
  });
  return finish(language, text, fa, comments, jsSyntaxErrors(tree, text), opts);
}

function finish(language: Language, text: string, fa: FrameworkAnalysis, comments: { text: string; span: Span }[], errors: ParseError[], opts: AnalysisOptions): AnalysisResult {
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
    kept = findings.filter((f) => !isSuppressed(f, sup, index));
  }
  kept.sort((a, b) => a.span.from - b.span.from || a.code.localeCompare(b.code));
  return { language, layers: fa.layers, models: fa.models, findings: kept, errors };
}

function internalError(e: unknown): ParseError {
  return { message: `InitLens internal error: ${e instanceof Error ? e.message : String(e)}`, span: { from: 0, to: 0 } };
}
