import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkspaceIndex, indexableText, type AnalysisResult, type Language, type Layer, analyze, analyzeInWorkspace } from '../../src/core/index.js';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** An index of every file of a fixture project, as the CLI and the extension would fill it. */
export function loadProject(name: string): WorkspaceIndex {
  const index = new WorkspaceIndex();
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = rel ? rel + '/' + e.name : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), p);
      else {
        const it = indexableText(p, readFileSync(join(dir, e.name), 'utf8'));
        if (it) index.update(p, it.text, it.language, it.cells);
      }
    }
  };
  walk(join(FIXTURES, name), '');
  return index;
}

export function languageOf(path: string): Language {
  return path.endsWith('.ts') ? 'typescript' : path.endsWith('.js') ? 'javascript' : 'python';
}

/** The file analysed with its workspace, and alone. */
export function both(index: WorkspaceIndex, path: string): { linked: AnalysisResult; alone: AnalysisResult; text: string } {
  const text = index.get(path)!.text;
  return { linked: analyzeInWorkspace(index, path, text, languageOf(path)), alone: analyze(text, languageOf(path)), text };
}

export function layerNamed(r: AnalysisResult, name: string, nth = 0): Layer {
  const ls = r.layers.filter((l) => l.name === name);
  if (!ls[nth]) throw new Error(`no layer ${name} (#${nth}) among ${r.layers.map((l) => l.name).join(', ')}`);
  return ls[nth];
}

export function codes(r: AnalysisResult, layer?: Layer): string[] {
  return r.findings.filter((f) => layer === undefined || f.layer === layer.id).map((f) => f.code);
}
