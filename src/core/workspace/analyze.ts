/**
 * Workspace-aware analysis of one file: link it (src/core/workspace/link.ts),
 * analyse the linked text with the ordinary engine, and bring the result back
 * to the file:
 * - layers and models written in another file are left out (they are reported
 *   in their own file, with this file's usage); the rest are renumbered;
 * - findings outside the file are dropped; a finding on a layer whose init or
 *   activation was written elsewhere says where ("init applied in train.py:41")
 *   and lists the place in `dependsOn`;
 * - a fix that would edit another file is dropped (fixes edit one document);
 * - an init or activation span in another file becomes an `origin`.
 */
import type { ActivationInfo, AnalysisOptions, AnalysisResult, Finding, InitSpec, Language, Layer, ModelInfo, Origin, Span } from '../types.js';
import { analyze } from '../analysis/analyze.js';
import { IncrementalAnalyzer, type TextChange } from '../analysis/incremental.js';
import type { WorkspaceIndex } from './index.js';
import { link, type Linked } from './link.js';

/** Analyse `path` (its `text`, which wins over the indexed one) with what the workspace says about it. */
export function analyzeInWorkspace(index: WorkspaceIndex, path: string, text: string, language: Language, options?: Partial<AnalysisOptions>): AnalysisResult {
  const prepared = prepareInWorkspace(index, path, text, language);
  return prepared.finish(analyze(prepared.text, language, options));
}

/**
 * `analyzeInWorkspace` in two halves, for a caller that runs the analysis elsewhere (the CLI's
 * worker threads): `text` is what to analyse (the linked text, or the file's own), and `finish`
 * brings an analysis of it back to the file. `finish(analyze(text))` is `analyzeInWorkspace`.
 */
export function prepareInWorkspace(index: WorkspaceIndex, path: string, text: string, language: Language): { text: string; finish(r: AnalysisResult): AnalysisResult; linked: Linked | null } {
  let linked: Linked;
  try {
    linked = link(index, path, text, language);
  } catch {
    return { text, finish: (r) => r, linked: null };
  }
  if (linked.segments.length === 0) return { text, finish: (r) => r, linked };
  return { text: linked.text, finish: (r) => mapBack(r, linked, index), linked };
}

/**
 * The editor's analyzer for one document of a workspace: the linked text goes
 * through the engine's IncrementalAnalyzer, so a keystroke re-analyses only the
 * unit it touched (the file's own text is the prefix of the linked Python text).
 */
export class WorkspaceAnalyzer {
  private inner: IncrementalAnalyzer;
  private lastText: string | null = null;
  private lastLinked: Linked | null = null;

  constructor(
    readonly language: Language,
    private options?: Partial<AnalysisOptions>,
  ) {
    this.inner = new IncrementalAnalyzer(language, options);
  }

  setOptions(options?: Partial<AnalysisOptions>): void {
    this.options = options;
    this.inner.setOptions(options);
  }

  /** The link of the last update (which files it read). */
  get linked(): Linked | null {
    return this.lastLinked;
  }

  update(index: WorkspaceIndex, path: string, text: string, changes?: readonly TextChange[]): AnalysisResult {
    let linked: Linked;
    try {
      linked = link(index, path, text, this.language);
    } catch {
      linked = { text, ownFrom: 0, ownLength: text.length, segments: [], renamed: [], files: [], signature: '', masks: new Map() };
    }
    // Own-text changes map onto the linked text only when the foreign part is unchanged and own text is its prefix.
    const sameForeign = this.lastLinked !== null && this.lastLinked.signature === linked.signature && linked.ownFrom === 0;
    const r = this.inner.update(linked.text, sameForeign && this.lastText !== null ? changes : undefined);
    this.lastText = text;
    this.lastLinked = linked;
    if (linked.segments.length === 0) return r;
    return mapBack(r, linked, index);
  }
}

/**
 * What other files contribute to `path`'s analysis (the foreign part of its link).
 * Equal signatures: the analysis of the same own text is the same.
 */
export function linkSignature(index: WorkspaceIndex, path: string, text: string, language: Language): string {
  try {
    return link(index, path, text, language).signature;
  } catch {
    return '';
  }
}

/** What a host remembers of a file's last analysis to tell whether another file's change affects it. */
export interface TrackedFile {
  text: string;
  language: Language;
  /** `Linked.signature` of the last analysis. */
  signature: string;
  /** `Linked.files` of the last analysis. */
  files: readonly string[];
}

/**
 * After `changed` was updated in the index: which of the `tracked` files (path →
 * the link signature their last analysis used) must be analysed again. An edit
 * that changes nothing another file reads (a function body no other file uses)
 * gives none.
 */
export function affectedBy(index: WorkspaceIndex, changed: string, tracked: ReadonlyMap<string, TrackedFile>): string[] {
  const out: string[] = [];
  // neighbours now, and files whose last link read `changed` (an import removed since)
  const candidates = new Set(index.neighbours(changed));
  for (const [p, t] of tracked) if (t.files.includes(changed)) candidates.add(p);
  for (const p of [...candidates].sort()) {
    const t = tracked.get(p);
    if (!t || p === changed) continue;
    if (linkSignature(index, p, t.text, t.language) !== t.signature) out.push(p);
  }
  return out;
}

function mapBack(r: AnalysisResult, linked: Linked, index: WorkspaceIndex): AnalysisResult {
  const lo = linked.ownFrom;
  const hi = linked.ownFrom + linked.ownLength;
  const own = (s: Span | undefined) => !!s && s.from >= lo && s.to <= hi;
  const shift = (s: Span): Span => ({ from: s.from - lo, to: s.to - lo });
  /** A linked offset → its file and offset there; inside a renamed reference, its start (or end). */
  const locate = (offset: number, isEnd: boolean): { file: string; pos: number } | null => {
    for (const r of linked.renamed) if (offset >= r.at && offset <= r.at + r.length && (r.length > 0 || offset === r.at)) {
      if (offset === r.at && !isEnd) return { file: r.file, pos: r.from };
      if (offset === r.at + r.length && isEnd) return { file: r.file, pos: r.to };
      if (offset > r.at && offset < r.at + r.length) return { file: r.file, pos: isEnd ? r.to : r.from };
    }
    const seg = segmentAt(linked, offset);
    return seg ? { file: seg.file, pos: seg.from + (offset - seg.at) } : null;
  };
  const origin = (s: Span): Origin | undefined => {
    const a = locate(s.from, false);
    if (!a) return undefined;
    // a span across a renamed reference (`G.apply(init_fn)` read as `G.apply(weights_init_normal)`) ends in a later segment of the same file
    const b = locate(s.to, true);
    const to = b && b.file === a.file && b.pos >= a.pos ? b.pos : a.pos;
    return { file: a.file, ...index.placeOf(a.file, a.pos), span: { from: a.pos, to } };
  };

  // `models_Generator` in the analysed text is `models.Generator` in the file
  const masks = [...linked.masks];
  const unmask = (s: string) => (masks.length === 0 ? s : masks.reduce((t, [m, o]) => t.split(m).join(o), s));
  const hasMask = (s: string) => masks.some(([m]) => s.includes(m));
  const idMap = new Map<number, number>();
  const layers: Layer[] = [];
  const linkedLayers = new Map(r.layers.map((l) => [l.id, l]));
  // layers written in another file that a model of this file holds (`self.body = Block(256)`):
  // listed with the model, anchored at the construction here that builds them (else the model)
  const wantedBy = new Map<number, ModelInfo>();
  for (const m of r.models) {
    if (!own(m.span)) continue;
    for (const x of [...m.layers, ...(m.stack ?? [])]) if (!wantedBy.has(x)) wantedBy.set(x, m);
  }
  const foreign = new Map<number, { origin: Origin; anchor: Span; model: number }>();
  for (const l of r.layers) {
    const m = own(l.span) ? undefined : wantedBy.get(l.id);
    if (!m) continue;
    const o = origin(l.span);
    if (o) foreign.set(l.id, { origin: o, anchor: l.sizesFrom && own(l.sizesFrom) ? l.sizesFrom : m.span, model: m.id });
  }
  for (const pass of [0, 1]) for (const l of r.layers) {
    if (pass === 0 ? !own(l.span) : !foreign.has(l.id)) continue;
    const elsewhere = foreign.get(l.id);
    const id = layers.length;
    idMap.set(l.id, id);
    const sizes: Partial<Layer> = {};
    if (l.sizesFrom) {
      if (own(l.sizesFrom)) sizes.sizesFrom = shift(l.sizesFrom);
      else {
        const o = origin(l.sizesFrom);
        if (o) sizes.sizesFromOrigin = o;
      }
    }
    const { sizesFrom: _drop, nameSpan: _name, ...rest } = l;
    void _drop;
    void _name;
    layers.push({
      ...rest,
      ...sizes,
      id,
      span: shift(elsewhere ? elsewhere.anchor : l.span),
      ...(elsewhere ? { origin: elsewhere.origin, model: elsewhere.model } : {}),
      ...(l.nameSpan && !elsewhere ? { nameSpan: shift(l.nameSpan) } : {}),
      init: place(l.init, own, shift, origin),
      ...(l.recurrentInit ? { recurrentInit: place(l.recurrentInit, own, shift, origin) } : {}),
      ...(l.biasInit ? { biasInit: place(l.biasInit, own, shift, origin) } : {}),
      activation: place(l.activation, own, shift, origin),
    });
  }
  const modelMap = new Map<number, number>();
  const models: ModelInfo[] = [];
  for (const m of r.models) {
    if (!own(m.span)) continue;
    const id = models.length;
    modelMap.set(m.id, id);
    const keep = (ids: number[]) => ids.flatMap((x) => (idMap.has(x) ? [idMap.get(x)!] : []));
    models.push({ ...m, id, span: shift(m.span), layers: keep(m.layers), ...(m.stack ? { stack: keep(m.stack) } : {}) });
  }
  for (const l of layers) l.model = l.model === null ? null : (modelMap.get(l.model) ?? null);

  const findings: Finding[] = [];
  for (const f of r.findings) {
    // A layer of this file whose squiggle would be on init code in another file: on the layer.
    const linkedLayer = f.layer === null ? undefined : linkedLayers.get(f.layer);
    const span = own(f.span) ? f.span : linkedLayer && own(linkedLayer.span) ? linkedLayer.span : null;
    if (!span) continue;
    const layer = f.layer === null ? null : (idMap.get(f.layer) ?? null);
    if (f.layer !== null && layer === null) continue;
    // a layer written in another file is reported there
    if (layer !== null && layers[layer].origin) continue;
    const related = (f.related ?? []).filter((x) => own(x.span) && !(x.span.from < span.to && span.from < x.span.to)).map((x) => ({ ...x, span: shift(x.span), message: unmask(x.message) }));
    const fixes = f.fixes.filter((x) => x.edits.every((e) => e.from >= lo && e.to <= hi && !hasMask(e.newText))).map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, from: e.from - lo, to: e.to - lo })) }));
    const dependsOn: Origin[] = [];
    let message = unmask(f.message);
    let summary = unmask(f.summary);
    const l = layer === null ? null : layers[layer];
    if (l) {
      const notes: string[] = [];
      const applied = l.init.siteOrigin ?? l.init.origin;
      if (applied) {
        dependsOn.push(applied);
        notes.push(`init applied in ${where(applied)}`);
      }
      if (l.activation.origin) {
        dependsOn.push(l.activation.origin);
        notes.push(`activation in ${where(l.activation.origin)}`);
      }
      if (l.sizesFromOrigin) {
        dependsOn.push(l.sizesFromOrigin);
        notes.push(`fans from ${callText(index, l.sizesFromOrigin)} at ${where(l.sizesFromOrigin)}`);
      }
      // Both the full message and the one-line summary (Problems panel, CLI text) say where.
      if (notes.length) {
        message = `${message} (${notes.join('; ')})`;
        summary = `${summary} (${notes.join('; ')})`;
      }
    }
    findings.push({
      ...f,
      message,
      summary,
      span: shift(span),
      ...(related.length ? { related } : {}),
      layer,
      model: f.model === null ? null : (modelMap.get(f.model) ?? null),
      fixes,
      ...(dependsOn.length ? { dependsOn } : {}),
    });
    if (!related.length) delete findings[findings.length - 1]!.related;
  }
  const errors = r.errors.filter((e) => e.span.from === 0 && e.span.to === 0 ? true : own(e.span)).map((e) => (e.span.from === 0 && e.span.to === 0 ? e : { ...e, span: shift(e.span) }));
  return { language: r.language, layers, models, findings, errors, linkedFiles: linked.files };
}

/** The construction as written (`Block(dim=512)`), on one line and shortened past 48 characters. */
function callText(index: WorkspaceIndex, o: Origin): string {
  const t = (index.get(o.file)?.text.slice(o.span.from, o.span.to) ?? '').split(/\s+/).join(' ');
  if (t.length <= 48) return t;
  const open = t.indexOf('(');
  return open > 0 && open < 40 ? t.slice(0, open) + '(…)' : t.slice(0, 47) + '…';
}

/** `train.py:41`, `train.ipynb cell 3, line 2` (cells counted from 1, as the editor shows them), or the file alone. */
export function where(o: Origin): string {
  if (o.cell !== undefined) return `${o.file} cell ${o.cell + 1}, line ${o.cellLine ?? 1}`;
  return o.line > 0 ? `${o.file}:${o.line}` : o.file;
}

function place<T extends InitSpec | ActivationInfo>(x: T, own: (s: Span | undefined) => boolean, shift: (s: Span) => Span, origin: (s: Span) => Origin | undefined): T {
  const out: InitSpec | ActivationInfo = { ...x };
  delete out.span;
  if ('optionSpan' in out) {
    delete out.optionSpan;
    const o = (x as InitSpec).optionSpan!;
    if (own(o)) out.optionSpan = shift(o);
  }
  if (x.span) {
    if (own(x.span)) out.span = shift(x.span);
    else {
      const o = origin(x.span);
      if (o) out.origin = o;
    }
  }
  if ('site' in out) {
    const site = (x as InitSpec).site!;
    delete out.site;
    if (own(site)) out.site = shift(site);
    else {
      const o = origin(site);
      if (o) out.siteOrigin = o;
    }
  }
  return out as T;
}

function segmentAt(linked: Linked, offset: number) {
  const segs = linked.segments;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segs[mid];
    if (offset < s.at) hi = mid - 1;
    else if (offset > s.at + s.length) lo = mid + 1;
    else return s;
  }
  return null;
}
