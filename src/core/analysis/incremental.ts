/**
 * On-type analysis for editors. Keeps the parsed chunks of a Python document
 * (only the top-level statements an edit touches are parsed again) and, for
 * TypeScript/JavaScript, Lezer's tree fragments for an incremental reparse.
 */
import type { Tree } from '@lezer/common';
import type { AnalysisOptions, AnalysisResult, Language } from '../types.js';
import { PythonParser } from '../parse/python.js';
import { parseJs, reparseJs } from '../parse/javascript.js';
import { analyzeJsTree, analyzePythonModule } from './analyze.js';

export interface TextChange {
  from: number;
  to: number;
  insert: string;
}

export class IncrementalAnalyzer {
  private py = new PythonParser();
  private tree: Tree | null = null;
  private text: string | null = null;
  private last: AnalysisResult | null = null;

  constructor(
    readonly language: Language,
    private options?: Partial<AnalysisOptions>,
  ) {}

  setOptions(options?: Partial<AnalysisOptions>): void {
    this.options = options;
    this.last = null;
  }

  update(newText: string, changes?: readonly TextChange[]): AnalysisResult {
    if (this.last && this.text === newText) return this.last;
    let result: AnalysisResult;
    if (this.language === 'python') {
      result = analyzePythonModule(this.py.parse(newText), this.options);
    } else {
      const ts = this.language === 'typescript';
      if (this.tree && this.text !== null && changes && changes.length) {
        this.tree = reparseJs(this.tree, this.text, newText, changes.map((c) => ({ from: c.from, to: c.to, newText: c.insert })), ts);
      } else this.tree = parseJs(newText, ts);
      result = analyzeJsTree(newText, this.language, this.tree, this.options);
    }
    this.text = newText;
    this.last = result;
    return result;
  }
}
