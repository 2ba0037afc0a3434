/** Shared helpers for the tfjs detector tests: parse + analyze, apply edits, error nodes. */
import type { Tree } from '@lezer/common';
import { analyzeTfjs } from '../../src/core/frameworks/tfjs/index.js';
import type { InitTarget } from '../../src/core/frameworks/adapter.js';
import type { FrameworkAnalysis } from '../../src/core/frameworks/adapter.js';
import { parseJs } from '../../src/core/parse/javascript.js';
import type { Layer, TextEdit } from '../../src/core/types.js';

export interface Analyzed extends FrameworkAnalysis {
  text: string;
  tree: Tree;
}

export function analyze(text: string, typescript = true, distribution: 'normal' | 'uniform' = 'normal'): Analyzed {
  const tree = parseJs(text, typescript);
  return { ...analyzeTfjs(text, tree, { distribution }), text, tree };
}

/** Text of a span. */
export function spanText(text: string, span: { from: number; to: number } | undefined): string | undefined {
  return span ? text.slice(span.from, span.to) : undefined;
}

/** Apply non-overlapping edits (any order) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.newText + out.slice(e.to);
  return out;
}

export function errorNodeCount(tree: Tree): number {
  let n = 0;
  tree.iterate({
    enter(node) {
      if (node.type.isError) n++;
    },
  });
  return n;
}

/** The single layer whose constructor call text starts with `prefix` (fails loudly otherwise). */
export function layerAt(a: Analyzed, prefix: string): Layer {
  const found = a.layers.filter((l) => a.text.slice(l.span.from, l.span.to).startsWith(prefix));
  if (found.length !== 1) {
    throw new Error(`expected one layer starting with ${JSON.stringify(prefix)}, got ${found.length}`);
  }
  return found[0]!;
}

export const HE: InitTarget = { init: 'he_normal', which: 'kernel', activation: 'relu' };

/** Fix one layer, check the result parses cleanly, and re-analyze it. */
export function fixAndReanalyze(a: Analyzed, layer: Layer, target: InitTarget, typescript = true): { text: string; after: Analyzed } {
  const edits = a.fix(layer, target);
  if (!edits) throw new Error('fix returned null');
  const text = applyEdits(a.text, edits);
  const after = analyze(text, typescript);
  return { text, after };
}
