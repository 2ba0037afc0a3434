/**
 * Python analysis by independent units.
 *
 * Top-level statements that share no module-level name cannot influence each
 * other's layers, so the module is split into units: chunks linked by the
 * names one defines and another uses. Imports and file-level directives are
 * shared by every unit. Each unit is analyzed on its own and the results are
 * concatenated; an editor keystroke re-analyzes only the unit it touched and
 * shifts the cached results of the others. The from-scratch path uses the same
 * units, so incremental and full results are identical by construction.
 */
import type { AnalysisOptions, AnalysisResult, Finding, Layer, ModelInfo, ParseError, Span } from '../types.js';
import type { ParsedChunk, PythonModule } from '../parse/python.js';
import type { PyComment, PyStmt } from '../parse/pyast.js';
import { analyzePythonModule } from './analyze.js';

export interface UnitCache {
  results: Map<string, AnalysisResult>;
  generation: Map<string, number>;
  gen: number;
}

export function newUnitCache(): UnitCache {
  return { results: new Map(), generation: new Map(), gen: 0 };
}

function isGlobal(c: ParsedChunk): boolean {
  if (!c.lex) return true;
  if (c.lex.hasImport) return true;
  return c.comments.some((cm) => cm.text.includes('ignore-file'));
}

/** Partition the parsed chunks into units (lists of chunk indices, in file order). */
export function partition(chunks: ParsedChunk[]): { globals: ParsedChunk[]; units: ParsedChunk[][] } {
  const globals: ParsedChunk[] = [];
  const local: ParsedChunk[] = [];
  for (const c of chunks) (isGlobal(c) ? globals : local).push(c);
  const parent = local.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const definers = new Map<string, number>();
  local.forEach((c, i) => {
    for (const d of c.lex?.defines ?? []) {
      const j = definers.get(d);
      if (j === undefined) definers.set(d, i);
      else union(i, j);
    }
  });
  local.forEach((c, i) => {
    for (const id of c.lex?.idents ?? []) {
      const j = definers.get(id);
      if (j !== undefined && j !== i) union(i, j);
    }
  });
  const groups = new Map<number, ParsedChunk[]>();
  local.forEach((c, i) => {
    const r = find(i);
    const g = groups.get(r) ?? [];
    g.push(c);
    groups.set(r, g);
  });
  return { globals, units: [...groups.values()] };
}

function unitKey(globals: ParsedChunk[], unit: ParsedChunk[]): string {
  return globals.map((c) => c.id).join(',') + '|' + unit.map((c) => c.id).join(',');
}

/** Old offset → new offset for one replaced range [from, oldTo) that became `delta` longer. */
export interface OffsetMap {
  from: number;
  oldTo: number;
  delta: number;
}

function mapOffset(o: number, m: OffsetMap, isEnd: boolean): number {
  if (o < m.from) return o;
  if (o === m.from && isEnd && m.from === m.oldTo) return o;
  if (o >= m.oldTo) return o + m.delta;
  return o; // inside the changed range: cannot happen for an unchanged unit
}

function shiftSpan(s: Span | undefined, m: OffsetMap): void {
  if (!s) return;
  const a = mapOffset(s.from, m, s.from === s.to);
  const b = mapOffset(s.to, m, true);
  s.from = a;
  s.to = b;
}

function shiftResult(r: AnalysisResult, m: OffsetMap): void {
  for (const l of r.layers) {
    shiftSpan(l.span, m);
    shiftSpan(l.init.span, m);
    shiftSpan(l.activation.span, m);
    if (l.recurrentInit) shiftSpan(l.recurrentInit.span, m);
  }
  for (const md of r.models) shiftSpan(md.span, m);
  for (const f of r.findings) {
    shiftSpan(f.span, m);
    for (const fx of f.fixes) for (const e of fx.edits) shiftSpan(e, m);
  }
  for (const e of r.errors) shiftSpan(e.span, m);
}

/** Analyze a module unit by unit, reusing `cache` (shifted by `map`) when given. */
export function analyzeUnits(mod: PythonModule, options: Partial<AnalysisOptions> | undefined, cache?: UnitCache, map?: OffsetMap | null): AnalysisResult {
  if (cache) {
    cache.gen++;
    if (map && (map.delta !== 0 || map.from !== map.oldTo)) for (const r of cache.results.values()) shiftResult(r, map);
  }
  const { globals, units } = partition(mod.chunks);
  const globalStmts: PyStmt[] = [];
  const globalComments: PyComment[] = [];
  for (const g of globals) {
    globalStmts.push(...g.stmts);
    globalComments.push(...g.comments);
  }
  const parts: AnalysisResult[] = [];
  for (const unit of units) {
    const key = unitKey(globals, unit);
    let r = cache?.results.get(key);
    if (!r) {
      const stmts: PyStmt[] = [];
      const comments: PyComment[] = [...globalComments];
      // file order: globals and unit chunks interleaved as in the source
      const all = [...globals, ...unit].sort((a, b) => a.base - b.base);
      for (const c of all) {
        stmts.push(...c.stmts);
        if (!globals.includes(c)) comments.push(...c.comments);
      }
      r = analyzePythonModule({ text: mod.text, stmts, comments, errors: [], chunks: all }, options);
      if (cache) cache.results.set(key, r);
    }
    if (cache) cache.generation.set(key, cache.gen);
    if (r.layers.length || r.findings.length || r.errors.length) parts.push(r);
  }
  if (cache && cache.results.size > units.length * 2 + 32) {
    for (const k of [...cache.results.keys()]) if (cache.generation.get(k) !== cache.gen) {
      cache.results.delete(k);
      cache.generation.delete(k);
    }
  }
  return assemble(parts, mod.errors);
}

/** Concatenate unit results with global ids, in file order. */
function assemble(parts: AnalysisResult[], parseErrors: ParseError[]): AnalysisResult {
  parts.sort((a, b) => firstOffset(a) - firstOffset(b));
  const layers: Layer[] = [];
  const models: ModelInfo[] = [];
  const findings: Finding[] = [];
  const errors: ParseError[] = [...parseErrors];
  for (const p of parts) {
    const lo = layers.length;
    const mo = models.length;
    for (const l of p.layers) layers.push({ ...l, id: l.id + lo, model: l.model === null ? null : l.model + mo });
    for (const m of p.models) models.push({ ...m, id: m.id + mo, layers: m.layers.map((x) => x + lo) });
    for (const f of p.findings) findings.push({ ...f, layer: f.layer === null ? null : f.layer + lo, model: f.model === null ? null : f.model + mo });
    for (const e of p.errors) if (!e.message.startsWith('Syntax error')) errors.push(e);
  }
  findings.sort((a, b) => a.span.from - b.span.from || a.code.localeCompare(b.code));
  return { language: 'python', layers, models, findings, errors };
}

function firstOffset(r: AnalysisResult): number {
  let m = Infinity;
  for (const l of r.layers) m = Math.min(m, l.span.from);
  for (const f of r.findings) m = Math.min(m, f.span.from);
  return m;
}
