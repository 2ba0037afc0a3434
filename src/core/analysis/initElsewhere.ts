/**
 * Issue 12, idiom 9, at the file level: a unit made of a lone init function of one module
 * (`def weights_init(m)`: nothing else in the file uses its name, or it would share a unit) may
 * be applied by another file. Findings about the default init of this file's PyTorch layers say
 * so and become `info` (see `withInitElsewhere`).
 */
import type { AnalysisResult, Layer } from '../types.js';
import type { ParsedChunk } from '../parse/python.js';
import { initFunctionName } from '../frameworks/python/semantics/unappliedInit.js';
import { withInitElsewhere } from './rules/common.js';

export function markInitElsewhere(res: AnalysisResult, units: ParsedChunk[][]): AnalysisResult {
  if (!res.layers.some((l) => l.framework === 'pytorch')) return res;
  let fn: { name: string; span: { from: number; to: number } } | null = null;
  for (const u of units) {
    if (u.length !== 1 || u[0]!.stmts.length !== 1) continue;
    const s = u[0]!.stmts[0]!;
    const name = initFunctionName(s);
    if (name && s.kind === 'def') {
      const d = (u[0]!.at ?? u[0]!.base) - u[0]!.base;
      fn = { name, span: { from: s.nameSpan.from + d, to: s.nameSpan.to + d } };
      break;
    }
  }
  if (!fn) return res;
  const layers: Layer[] = res.layers.map((l) => (l.framework === 'pytorch' ? { ...l, initElsewhere: { name: fn.name, span: { ...fn.span } } } : l));
  const findings = res.findings.map((f) => {
    const l = f.layer === null ? undefined : layers[f.layer];
    return l && l.framework === 'pytorch' ? withInitElsewhere(f, l, fn.name) : f;
  });
  return { ...res, layers, findings };
}
