/**
 * document text → syntax tree → layers/models → findings. Python goes through the unit analysis
 * (units.ts: one unit per independent group of top-level statements), TS/JS through its tree.
 */
import type { Tree } from '@lezer/common';
import type { AnalysisOptions, AnalysisResult, Language, Span } from '../types.js';
import { PythonParser } from '../parse/python.js';
import { pythonRelevance } from '../frameworks/python/relevance.js';
import { parseJs, jsSyntaxErrors } from '../parse/javascript.js';
import { analyzeTfjs } from '../frameworks/tfjs/index.js';
import { analyzeUnits } from './units.js';
import { internalError, resolveOptions, runRules } from './runRules.js';

export { analyzePythonModule, resolveOptions } from './runRules.js';

/** Analyze one document from scratch. Never throws. */
export function analyze(text: string, language: Language, options?: Partial<AnalysisOptions>): AnalysisResult {
  try {
    if (language === 'python') return analyzeUnits(new PythonParser(pythonRelevance).parse(text), options);
    return analyzeJsTree(text, language, parseJs(text, language === 'typescript'), options);
  } catch (e) {
    // The engine never throws on bad input: report it as an error of the analysis.
    return { language, layers: [], models: [], findings: [], errors: [internalError(e)] };
  }
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
  return runRules(language, text, fa, comments, jsSyntaxErrors(tree, text), opts);
}

