/**
 * On-type analysis for editors. Keeps the parsed chunks of a Python document
 * (only the top-level statements an edit touches are parsed again) and, for
 * TypeScript/JavaScript, a fresh parse (these files are small).
 */
import type { AnalysisOptions, AnalysisResult, Language } from '../types.js';
import { PythonParser } from '../parse/python.js';
import { pythonRelevance } from '../frameworks/python/relevance.js';
import { parseJs } from '../parse/javascript.js';
import { analyzeJsTree } from './analyze.js';
import { analyzeUnits, newUnitCache, type OffsetMap, type UnitCache } from './units.js';

export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

export class IncrementalAnalyzer {
  private py = new PythonParser(pythonRelevance);
  private text: string | null = null;
  private last: AnalysisResult | null = null;
  private units: UnitCache = newUnitCache();

  constructor(
    readonly language: Language,
    private options?: Partial<AnalysisOptions>,
  ) {}

  setOptions(options?: Partial<AnalysisOptions>): void {
    this.options = options;
    this.last = null;
    this.units = newUnitCache();
  }

  update(newText: string, changes?: readonly TextChange[]): AnalysisResult {
    try {
      return this.updateUnsafe(newText, changes);
    } catch (e) {
      // Start over on the next update; never throw into the editor.
      this.py = new PythonParser(pythonRelevance);
      this.text = null;
      this.last = null;
      this.units = newUnitCache();
      return { language: this.language, layers: [], models: [], findings: [], errors: [{ message: `InitLens internal error: ${e instanceof Error ? e.message : String(e)}`, span: { from: 0, to: 0 } }] };
    }
  }

  private updateUnsafe(newText: string, changes?: readonly TextChange[]): AnalysisResult {
    if (this.last && this.text === newText) return this.last;
    let result: AnalysisResult;
    if (this.language === 'python') {
      const map = this.text === null ? null : changeMap(this.text, newText, changes);
      if (this.text !== null && map === null) this.units = newUnitCache();
      result = analyzeUnits(this.py.parse(newText, map), this.options, this.units);
    } else {
      const ts = this.language === 'typescript';
      // TensorFlow.js files are small; a fresh parse keeps the result identical to analyze()
      // even on pathological nesting, where a reused tree can differ in shape.
      // (reparseJs in parse/javascript.ts reuses tree fragments, should large files need it.)
      result = analyzeJsTree(newText, this.language, parseJs(newText, ts), this.options);
    }
    this.text = newText;
    this.last = result;
    return result;
  }
}

/** One range covering every change, in old-text coordinates (null: cannot tell). */
function changeMap(oldText: string, newText: string, changes?: readonly TextChange[]): OffsetMap | null {
  if (changes && changes.length === 1) {
    const c = changes[0];
    if (c.from < 0 || c.to > oldText.length || c.from > c.to) return null;
    return { from: c.from, oldTo: c.to, delta: c.insert.length - (c.to - c.from) };
  }
  // Several or unknown changes: the common prefix and suffix give one range.
  let a = 0;
  const min = Math.min(oldText.length, newText.length);
  while (a < min && oldText.charCodeAt(a) === newText.charCodeAt(a)) a++;
  let b = 0;
  while (b < min - a && oldText.charCodeAt(oldText.length - 1 - b) === newText.charCodeAt(newText.length - 1 - b)) b++;
  return { from: a, oldTo: oldText.length - b, delta: newText.length - oldText.length };
}
