/**
 * The variance panel's host logic, vscode-free (unit-tested): what one panel
 * shows for a model (network spec, analytic curves, per-layer findings and
 * fixes), which model a panel follows across edits, and the edits of "Apply
 * recommended init" — the preferred safe quick fix of each finding on the
 * layer(s), exactly what the editor's quick fixes apply.
 */
import type { AnalysisResult, Finding, ModelInfo, TextEdit } from '../../core/types.js';
import type { NetworkSpec, SimOptions, SimulationResult } from '../../core/sim/types.js';
import type { PanelLayerInfo } from '../../shared/protocol.js';
import { analyticResult, buildNetwork, withLines } from './simBridge.js';

export interface PanelModel {
  spec: NetworkSpec;
  analytic: SimulationResult;
  layers: PanelLayerInfo[];
}

/** The fix "Apply recommended init" uses for a finding: its preferred safe fix, as the quick fix menu focuses it. */
export function preferredSafeFix(f: Finding) {
  return f.fixes.find((x) => x.preferred && x.safety === 'safe') ?? f.fixes.find((x) => x.safety === 'safe') ?? null;
}

function layerFindings(result: AnalysisResult, layerId: number): Finding[] {
  return result.findings.filter((f) => f.layer === layerId);
}

/**
 * Spec + analytic curves + table facts for one model. `lineOf` gives the
 * 1-based line of an offset of the analysed text (the host knows the document).
 */
export function panelModel(
  result: AnalysisResult,
  modelId: number,
  options: SimOptions,
  fileName: string,
  lineOf: (offset: number) => number,
): PanelModel | { error: string } {
  const built = buildNetwork(result, modelId, options, fileName);
  if ('error' in built) return built;
  const spec: NetworkSpec = withLines(built.spec, result, lineOf);
  const ids = [...new Set(spec.layers.map((l) => l.layerId).filter((id): id is number => id !== null))];
  const layers: PanelLayerInfo[] = ids.map((layerId) => {
    const findings = layerFindings(result, layerId);
    const fix = findings.map(preferredSafeFix).find((x) => x !== null) ?? null;
    return { layerId, findings: findings.map((f) => f.code), fix: fix?.description ?? null };
  });
  return { spec, analytic: analyticResult(spec, options), layers };
}

/** How a panel recognises its model after an edit renumbers the models. */
export interface ModelKey {
  id: number;
  name: string | null;
  kind: string;
  framework: string;
  /** Position among the models with the same name, kind and framework. */
  rank: number;
}

export function modelKey(result: AnalysisResult, model: ModelInfo): ModelKey {
  const same = result.models.filter((m) => m.name === model.name && m.kind === model.kind && m.framework === model.framework);
  return { id: model.id, name: model.name, kind: model.kind, framework: model.framework, rank: same.indexOf(model) };
}

/** The model `key` names in a new result, or null when it is gone. */
export function findModel(result: AnalysisResult, key: ModelKey): ModelInfo | null {
  const same = result.models.filter((m) => m.name === key.name && m.kind === key.kind && m.framework === key.framework && m.layers.length > 0);
  return same[key.rank] ?? (same.length === 1 ? same[0]! : null);
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  return a.from < b.to && b.from < a.to;
}

/**
 * The edits of "Apply recommended init" for one layer (layerId) or every layer of
 * the model (null): the preferred safe fix of each finding, in the engine's rule
 * precedence, skipping a fix that would overlap one already taken (as fix-all's
 * passes do). `titles` lists what was applied.
 */
export function recommendedEdits(
  result: AnalysisResult,
  modelId: number,
  layerId: number | null,
): { edits: TextEdit[]; titles: string[] } {
  const model = result.models.find((m) => m.id === modelId);
  if (!model) return { edits: [], titles: [] };
  const layerIds = layerId === null ? model.layers : model.layers.filter((id) => id === layerId);
  const edits: TextEdit[] = [];
  const titles: string[] = [];
  const wanted = new Set(layerIds);
  for (const f of result.findings) {
    if (f.layer === null || !wanted.has(f.layer)) continue;
    const fix = preferredSafeFix(f);
    if (!fix) continue;
    const same = (e: TextEdit) => edits.some((x) => x.from === e.from && x.to === e.to && x.newText === e.newText);
    if (fix.edits.some((e) => !same(e) && edits.some((x) => overlaps(x, e)))) continue;
    for (const e of fix.edits) if (!same(e)) edits.push(e);
    titles.push(fix.description);
    // One fix per layer: the first finding in precedence order decides it.
    wanted.delete(f.layer);
  }
  return { edits, titles };
}
