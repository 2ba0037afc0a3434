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
import { materialize, sameLex, sameLinks, type ParsedChunk, type PythonModule } from '../parse/python.js';
import type { PyComment, PyStmt } from '../parse/pyast.js';
import { analyzePythonModule } from './runRules.js';
import { markInitElsewhere } from './initElsewhere.js';

/**
 * A unit's result with the positions of its chunks when the result was made:
 * the result is moved lazily, chunk by chunk, when it is used again.
 */
interface CachedUnit {
  result: AnalysisResult;
  chunks: ParsedChunk[];
  /** Start offsets of `chunks` (same order) that `result`'s offsets refer to. */
  starts: number[];
  /** The last analyzeUnits call that used it. */
  gen: number;
}

export interface UnitCache {
  /** Unit results by the ids of the shared chunks (`context`) and of the unit's chunks. */
  results: Map<string, CachedUnit>;
  context: string;
  gen: number;
  /** The last partition, reused when one chunk was replaced by one with the same names. */
  last?: { chunks: ParsedChunk[]; globals: ParsedChunk[]; units: ParsedChunk[][] };
}

export function newUnitCache(): UnitCache {
  return { results: new Map(), context: '', gen: 0 };
}

/** The previous partition with one chunk swapped, when the swap cannot change it. */
function reusePartition(cache: UnitCache | undefined, chunks: ParsedChunk[], defined?: ReadonlySet<string>): { globals: ParsedChunk[]; units: ParsedChunk[][] } | null {
  const last = cache?.last;
  if (!last || last.chunks.length !== chunks.length) return null;
  let at = -1;
  for (let i = 0; i < chunks.length; i++) {
    if (chunks[i] !== last.chunks[i]) {
      if (at >= 0) return null;
      at = i;
    }
  }
  if (at < 0) return { globals: last.globals, units: last.units };
  const n = chunks[at];
  const o = last.chunks[at];
  if (!n.lex || !o.lex || n.role !== o.role) return null;
  if (!(defined ? sameLinks(n.lex, o.lex, defined) : sameLex(n.lex, o.lex))) return null;
  if (isGlobal(n) !== isGlobal(o) || last.globals.includes(o)) return null;
  return {
    globals: last.globals,
    units: last.units.map((u) => (u.includes(o) ? u.map((c) => (c === o ? n : c)) : u)),
  };
}

const posOf = (c: ParsedChunk) => c.at ?? c.base;

/**
 * Bring a cached unit to the chunks' current positions. A uniform move is
 * returned as a delta for `assemble` to apply while it copies; a mixed one is
 * applied here (new objects).
 */
function moveCached(cu: CachedUnit): { r: AnalysisResult; d: number } {
  let uniform: number | null = null;
  let moved = false;
  for (let i = 0; i < cu.chunks.length; i++) {
    const d = posOf(cu.chunks[i]) - cu.starts[i];
    if (d !== 0) moved = true;
    if (uniform === null) uniform = d;
    else if (uniform !== d) uniform = NaN;
  }
  if (!moved) return { r: cu.result, d: 0 };
  let mover: Mover;
  if (uniform !== null && !Number.isNaN(uniform)) {
    return { r: cu.result, d: uniform };
  } else {
    const ranges = cu.chunks
      .map((c, i) => ({ from: cu.starts[i], to: cu.starts[i] + c.text.length, delta: posOf(c) - cu.starts[i] }))
      .sort((a, b) => a.from - b.from);
    mover = chunkMover(ranges, (o) => o);
  }
  const r = shiftResult(cu.result, mover);
  cu.result = r;
  cu.starts = cu.chunks.map(posOf);
  return { r, d: 0 };
}

/** A chunk made only of imports (or a file-level directive): shared by every unit. */
function isGlobal(c: ParsedChunk): boolean {
  if (c.stmts.length === 0) return c.comments.some((cm) => cm.text.includes('ignore-file')) || c.lex?.hasImport === true;
  return c.stmts.every((st) => st.kind === 'import' || st.kind === 'from');
}

/** Import statements of a chunk, also inside try/if/with blocks. */
function importsOf(c: ParsedChunk): PyStmt[] {
  const out: PyStmt[] = [];
  const visit = (ss: PyStmt[]) => {
    for (const st of ss) {
      if (st.kind === 'import' || st.kind === 'from') out.push(st);
      else if (st.kind === 'if') visit([...st.body, ...st.orelse]);
      else if (st.kind === 'block' || st.kind === 'with') visit(st.body);
    }
  };
  visit(c.stmts);
  return out;
}

/**
 * Partition the parsed chunks into units. Framework chunks that share a name
 * form one unit; dependency chunks (constants, helpers) join every unit that
 * uses them without linking those units together.
 */
export function partition(chunks: ParsedChunk[]): { globals: ParsedChunk[]; units: ParsedChunk[][] } {
  const globals: ParsedChunk[] = [];
  const local: ParsedChunk[] = [];
  const deps: ParsedChunk[] = [];
  for (const c of chunks) {
    if (isGlobal(c)) globals.push(c);
    else if (c.role === 'dep') deps.push(c);
    else local.push(c);
  }
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
  const depDefiners = new Map<string, ParsedChunk[]>();
  for (const d of deps) for (const n of d.lex?.defines ?? []) depDefiners.set(n, [...(depDefiners.get(n) ?? []), d]);
  const groups = new Map<number, ParsedChunk[]>();
  local.forEach((c, i) => {
    const r = find(i);
    const g = groups.get(r) ?? [];
    g.push(c);
    groups.set(r, g);
  });
  const units: ParsedChunk[][] = [];
  for (const g of groups.values()) {
    // dependencies used by the unit, transitively
    const seen = new Set<ParsedChunk>(g);
    const work = [...g];
    while (work.length) {
      const c = work.pop()!;
      for (const id of c.lex?.idents ?? []) {
        for (const d of depDefiners.get(id) ?? []) {
          if (!seen.has(d)) {
            seen.add(d);
            work.push(d);
          }
        }
      }
    }
    units.push([...seen].sort((a, b) => (a.at ?? a.base) - (b.at ?? b.base)));
  }
  return { globals, units };
}

const unitKeys = new WeakMap<ParsedChunk[], string>();

/** The ids of a unit's chunks (units are reused while the partition is). */
function unitKey(unit: ParsedChunk[]): string {
  let k = unitKeys.get(unit);
  if (k === undefined) {
    k = unit.map((c) => c.id).join(',');
    unitKeys.set(unit, k);
  }
  return k;
}

/** Old offset → new offset for one replaced range [from, oldTo) that became `delta` longer. */
export interface OffsetMap {
  from: number;
  oldTo: number;
  delta: number;
}

/** Maps an old offset (an end offset when `isEnd`) to its new position. */
export type Mover = (o: number, isEnd: boolean) => number;

/**
 * A mover from the chunks that were reused: every offset inside a reused chunk
 * moves with it (several edits in one update can move chunks by different
 * amounts); other offsets fall back to `fallback`.
 */
export function chunkMover(moves: readonly { from: number; to: number; delta: number }[], fallback: Mover): Mover {
  return (o, isEnd) => {
    const probe = isEnd ? o - 1 : o;
    let lo = 0;
    let hi = moves.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const mv = moves[mid];
      if (probe < mv.from) hi = mid - 1;
      else if (probe >= mv.to) lo = mid + 1;
      else return o + mv.delta;
    }
    return fallback(o, isEnd);
  };
}

function shifted(s: Span, m: Mover): Span {
  return { from: m(s.from, s.from === s.to), to: m(s.to, true) };
}

function shiftedOpt<T extends { span?: Span; site?: Span }>(x: T, m: Mover): T {
  if (!x.span && !x.site) return x;
  return { ...x, ...(x.span ? { span: shifted(x.span, m) } : {}), ...(x.site ? { site: shifted(x.site, m) } : {}) };
}

/**
 * Move a cached unit result. New objects all the way down: results already
 * handed out must never change (they are values, not views of the cache).
 */
function shiftResult(r: AnalysisResult, m: Mover): AnalysisResult {
  return {
    ...r,
    layers: r.layers.map((l) => ({
      ...l,
      span: shifted(l.span, m),
      init: shiftedOpt(l.init, m),
      activation: shiftedOpt(l.activation, m),
      recurrentInit: l.recurrentInit ? shiftedOpt(l.recurrentInit, m) : undefined,
      ...(l.biasInit ? { biasInit: shiftedOpt(l.biasInit, m) } : {}),
      ...(l.sizesFrom ? { sizesFrom: shifted(l.sizesFrom, m) } : {}),
    })),
    models: r.models.map((md) => ({ ...md, span: shifted(md.span, m) })),
    findings: r.findings.map((f) => ({
      ...f,
      span: shifted(f.span, m),
      ...(f.related ? { related: f.related.map((x) => ({ ...x, span: shifted(x.span, m) })) } : {}),
      fixes: f.fixes.map((fx) => ({ ...fx, edits: fx.edits.map((e) => ({ ...e, ...shifted(e, m) })) })),
    })),
    errors: r.errors.map((e) => ({ ...e, span: shifted(e.span, m) })),
  };
}

/** Analyze a module unit by unit, reusing `cache` (shifted by `map`) when given. */
export function analyzeUnits(mod: PythonModule, options: Partial<AnalysisOptions> | undefined, cache?: UnitCache): AnalysisResult {
  if (cache) cache.gen++;
  const { globals, units } = reusePartition(cache, mod.chunks, mod.defined) ?? partition(mod.chunks);
  if (cache) cache.last = { chunks: mod.chunks, globals, units };
  const globalComments: PyComment[] = [];
  for (const g of globals) {
    materialize(g);
    globalComments.push(...g.comments);
  }
  // Imports inside mixed chunks (try: import torch ... except ...) reach every unit too.
  const importChunks = mod.chunks.filter((c) => !globals.includes(c) && c.lex?.hasImport);
  const extraImports: PyStmt[] = [];
  for (const c of importChunks) {
    materialize(c);
    extraImports.push(...importsOf(c));
  }
  // Every unit sees the shared chunks: a cached unit result is valid only with the very
  // chunks (ids) it was computed with, so the key holds them. Results of the previous shared
  // chunks are kept (until evicted below): typing into an import and deleting the character
  // again gives the old chunks back, and their units' results with them.
  const context = globals.map((c) => c.id).join(',') + '|' + importChunks.map((c) => c.id).join(',');
  if (cache) cache.context = context;
  const parts: { r: AnalysisResult; d: number }[] = [];
  for (const unit of units) {
    const key = context + '#' + unitKey(unit);
    // The key names the very chunk objects (unchanged text); their offsets are moved to where
    // those chunks are now.
    const cu = cache?.results.get(key);
    const moved = cu ? moveCached(cu) : undefined;
    let r = moved?.r;
    const d = moved?.d ?? 0;
    if (!r) {
      const stmts: PyStmt[] = [];
      const comments: PyComment[] = [...globalComments];
      // file order: globals and unit chunks interleaved as in the source
      const all = [...globals, ...unit].sort((a, b) => (a.at ?? a.base) - (b.at ?? b.base));
      const seen = new Set<PyStmt>();
      for (const c of all) {
        materialize(c);
        for (const st of c.stmts) seen.add(st);
        stmts.push(...c.stmts);
        if (!globals.includes(c)) comments.push(...c.comments);
      }
      for (const st of extraImports) if (!seen.has(st)) stmts.push(st);
      stmts.sort((a, b) => a.span.from - b.span.from);
      const errs = all.flatMap((c) => c.errors);
      r = analyzePythonModule({ text: mod.text, stmts, comments, errors: errs, chunks: all }, options);
      if (cache) {
        // Offsets of a result live in the unit's own chunks, except fix edits that add an
        // import next to the file's imports: only then do the import chunks move it too.
        const own = [...unit];
        const inOwn = (o: number) => own.some((c) => o >= posOf(c) && o <= posOf(c) + c.text.length);
        const refsOthers = r.findings.some((f) => f.fixes.some((fx) => fx.edits.some((e) => !inOwn(e.from))));
        const chunks = refsOthers ? [...globals, ...unit, ...importChunks] : own;
        cache.results.set(key, { result: r, chunks, starts: chunks.map(posOf), gen: cache.gen });
      }
    }
    if (cu) cu.gen = cache!.gen;
    if (r.layers.length || r.findings.length || r.errors.length) parts.push({ r, d });
  }
  if (cache && cache.results.size > units.length * 2 + 32) {
    for (const [k, cu] of cache.results) if (cu.gen !== cache.gen) cache.results.delete(k);
  }
  return markInitElsewhere(assemble(parts, mod.errors), units);
}

/** A unit result's objects as they were placed in an assembled result (global ids, no move). */
interface Placed {
  lo: number;
  mo: number;
  layers: Layer[];
  models: ModelInfo[];
  findings: Finding[];
}
const placed = new WeakMap<AnalysisResult, Placed>();

/**
 * Concatenate unit results with global ids, in file order, moving each by its
 * delta. A unit that did not move and keeps its place reuses the objects it had
 * in the previous result (results are values: nothing ever changes them).
 */
function assemble(parts: { r: AnalysisResult; d: number }[], parseErrors: ParseError[]): AnalysisResult {
  const keyed = parts.map((p) => ({ ...p, k: firstOffset(p.r) + p.d }));
  keyed.sort((a, b) => a.k - b.k);
  const layers: Layer[] = [];
  const models: ModelInfo[] = [];
  const findings: Finding[] = [];
  const errors: ParseError[] = [...parseErrors];
  const sp = (s: Span, d: number): Span => ({ from: s.from + d, to: s.to + d });
  for (const { r: p, d } of keyed) {
    const lo = layers.length;
    const mo = models.length;
    for (const e of p.errors) if (!e.message.startsWith('Syntax error')) errors.push(d ? { ...e, span: sp(e.span, d) } : e);
    const memo = d === 0 ? placed.get(p) : undefined;
    if (memo && memo.lo === lo && memo.mo === mo) {
      for (const l of memo.layers) layers.push(l);
      for (const m of memo.models) models.push(m);
      for (const f of memo.findings) findings.push(f);
      continue;
    }
    for (const l of p.layers) {
      const c: Layer = { ...l, id: l.id + lo, model: l.model === null ? null : l.model + mo };
      if (d) {
        c.span = sp(l.span, d);
        // every span a layer holds moves: an init's `site` too (the statement that ran its init code)
        const opt = <T extends { span?: Span; site?: Span }>(x: T): T => ({ ...x, ...(x.span ? { span: sp(x.span, d) } : {}), ...(x.site ? { site: sp(x.site, d) } : {}) });
        if (l.init.span || l.init.site) c.init = opt(l.init);
        if (l.activation.span) c.activation = opt(l.activation);
        if (l.recurrentInit?.span || l.recurrentInit?.site) c.recurrentInit = opt(l.recurrentInit);
        if (l.biasInit?.span || l.biasInit?.site) c.biasInit = opt(l.biasInit);
        if (l.sizesFrom) c.sizesFrom = sp(l.sizesFrom, d);
      }
      layers.push(c);
    }
    for (const m of p.models) models.push({ ...m, id: m.id + mo, layers: m.layers.map((x) => x + lo), ...(m.stack ? { stack: m.stack.map((x) => x + lo) } : {}), ...(d ? { span: sp(m.span, d) } : {}) });
    const f0 = findings.length;
    for (const f of p.findings) {
      const c: Finding = { ...f, layer: f.layer === null ? null : f.layer + lo, model: f.model === null ? null : f.model + mo };
      if (d) {
        c.span = sp(f.span, d);
        if (f.related) c.related = f.related.map((x) => ({ ...x, span: sp(x.span, d) }));
        c.fixes = f.fixes.map((fx) => ({ ...fx, edits: fx.edits.map((e) => ({ ...e, from: e.from + d, to: e.to + d })) }));
      }
      findings.push(c);
    }
    if (d === 0) placed.set(p, { lo, mo, layers: layers.slice(lo), models: models.slice(mo), findings: findings.slice(f0) });
  }
  findings.sort((a, b) => a.span.from - b.span.from || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { language: 'python', layers, models, findings, errors };
}

const firstOffsets = new WeakMap<AnalysisResult, number>();

function firstOffset(r: AnalysisResult): number {
  const known = firstOffsets.get(r);
  if (known !== undefined) return known;
  let m = Infinity;
  for (const l of r.layers) m = Math.min(m, l.span.from);
  for (const f of r.findings) m = Math.min(m, f.span.from);
  firstOffsets.set(r, m);
  return m;
}
