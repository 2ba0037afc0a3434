/**
 * Python source → plain statement model (pyast.ts), chunk by chunk, with a cache.
 *
 * A Python module is a sequence of top-level statements that parse independently.
 * `scanTopLevel` (pythonScan.ts) finds where each one starts, and each chunk is parsed by
 * Lezer's error-tolerant Python parser and converted (pythonConvert.ts). `PythonParser` keeps
 * the chunks by their text: after an edit only the statement(s) that changed are parsed again,
 * which is what makes on-type analysis of large files cheap, and only chunks that can matter
 * are parsed at all (the `ChunkRelevance` it is given decides, from each chunk's lexical
 * summary). A syntax error stays inside its chunk, so half-typed code never hides the rest.
 */
import type { ParseError } from '../types.js';
import type { PyComment, PyStmt } from './pyast.js';
import { type ParsedChunk, materialize, parseChunk } from './pythonConvert.js';
import { type ChunkLex, lexChunk, sameLex, sameLinks, scanTopLevel } from './pythonScan.js';
export { scanTopLevel, lexChunk, sameLex, sameLinks, type ChunkLex } from './pythonScan.js';
export { type ParsedChunk, materialize, parseChunk } from './pythonConvert.js';

let chunkIds = 0;

export interface PythonModule {
  text: string;
  stmts: PyStmt[];
  comments: PyComment[];
  errors: ParseError[];
  /** The parsed chunks, in order (their stmts concatenated are `stmts`). */
  chunks: ParsedChunk[];
  /** Chunks left unparsed: they cannot affect any model. */
  skipped?: number;
  /** Names some top-level statement defines, when the relevance filter computed them (see sameLinks). */
  defined?: ReadonlySet<string>;
}

/**
 * What makes a chunk matter, supplied by the framework side (frameworks/python/relevance.ts):
 * the parser itself knows no framework.
 */
export interface ChunkRelevance {
  /** Does importing this top-level module (`torch`, `keras`) make a chunk worth parsing? */
  isFrameworkRoot(module: string): boolean;
  /** Is this qualified name a framework module (a prefix of known names), not a member? */
  isFrameworkModule(qualifiedName: string): boolean;
  /** Does a chunk with these identifier tokens use a word the engine gives a meaning to? */
  mentionsEngineWord(idents: ReadonlySet<string>): boolean;
}

interface ChunkEntry {
  text: string;
  lex: ChunkLex;
  parsed: ParsedChunk | null;
  base: number;
  /** The last parse() that used this entry (PythonParser.generation). */
  gen: number;
  /** Parsed and analysed in the last parse() that used it. */
  rel: boolean;
}

/**
 * Keeps chunks across edits. `parse(text)` re-uses every chunk whose text is
 * unchanged (shifting its spans), and parses only new chunks — and only those
 * that can matter: chunks that import a framework, mention one of its aliases,
 * define a name such chunks use, or use a name they define. A 400-line data
 * loading helper that never touches a framework is never parsed.
 */
export class PythonParser {
  constructor(private readonly relevance: ChunkRelevance) {}

  private cache = new Map<string, ChunkEntry[]>();
  private generation = 0;
  /** Parse every chunk (no relevance filter). */
  parseAll = false;

  private last: ChunkEntry[] | null = null;

  /**
   * Parse `text`. With `map` (the one range that changed since the previous
   * call), only the chunks around the change are rescanned and the chunks after
   * it are moved, their statement spans catching up lazily (see materialize):
   * callers that pass a map must materialize the chunks they read.
   */
  parse(text: string, map?: { from: number; oldTo: number; delta: number } | null): PythonModule {
    const prevGen = this.generation;
    const gen = ++this.generation;
    const entries: ChunkEntry[] = [];
    /** Entries placed in the rescanned region that the previous parse did not have. */
    const added: ChunkEntry[] = [];
    const lazy = !!map && this.last !== null;

    const place = (from: number, to: number) => {
      const ctext = text.slice(from, to);
      let entry: ChunkEntry | undefined;
      const list = this.cache.get(ctext);
      if (list) entry = list.find((c) => c.gen !== gen);
      if (entry) {
        if (entry.gen !== prevGen) added.push(entry);
        if (entry.base !== from) {
          if (entry.parsed) moveChunk(entry.parsed, from, lazy);
          entry.base = from;
        }
      } else {
        entry = { text: ctext, lex: lexChunk(ctext), parsed: null, base: from, gen, rel: false };
        added.push(entry);
        if (list) list.push(entry);
        else this.cache.set(ctext, [entry]);
      }
      entry.gen = gen;
      entries.push(entry);
    };
    /** Entries of the previous parse that this one dropped. */
    let removed: ChunkEntry[];
    const old = this.last;
    if (map && old && old.length) {
      // the chunk holding the character before the change (an edit at a boundary can merge chunks)
      const probe = Math.max(0, map.from - 1);
      let lo = 0;
      let hi = old.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (old[mid].base <= probe) lo = mid;
        else hi = mid - 1;
      }
      // Rescan from the chunk before: whether a chunk starts at all depends on its
      // first line (an edit there can merge it into the previous one).
      const first = Math.max(0, lo - 1);
      for (let k = 0; k < first; k++) {
        old[k].gen = gen;
        entries.push(old[k]);
      }
      const newEnd = map.oldTo + map.delta;
      let resumeOld = -1;
      const findOld = (oldPos: number): number => {
        let a = first;
        let b = old.length - 1;
        while (a <= b) {
          const m = (a + b) >> 1;
          if (old[m].base === oldPos) return m;
          if (old[m].base < oldPos) a = m + 1;
          else b = m - 1;
        }
        return -1;
      };
      const starts = scanTopLevel(text, old[first].base, text.length, (b) => {
        if (b < newEnd) return false;
        const k = findOld(b - map.delta);
        if (k > first) {
          resumeOld = k;
          return true;
        }
        return false;
      });
      const stopAt = resumeOld >= 0 ? starts[starts.length - 1] : text.length;
      const fresh = resumeOld >= 0 ? starts.slice(0, -1) : starts;
      // The chunks resumed after the change keep their entries: never hand them to an
      // identical chunk of the rescanned region.
      const resumed = resumeOld >= 0 ? old.length : -1;
      for (let k = resumeOld; k >= 0 && k < resumed; k++) old[k].gen = gen;
      for (let k = 0; k < fresh.length; k++) place(fresh[k], k + 1 < fresh.length ? fresh[k + 1] : stopAt);
      removed = [];
      for (let k = first; k < (resumeOld >= 0 ? resumeOld : old.length); k++) if (old[k].gen !== gen) removed.push(old[k]);
      if (resumeOld >= 0) {
        for (let k = resumeOld; k < old.length; k++) {
          const e = old[k];
          const nb = e.base + map.delta;
          if (e.parsed) moveChunk(e.parsed, nb, true);
          e.base = nb;
          entries.push(e);
        }
      }
    } else {
      const starts = scanTopLevel(text);
      for (let i = 0; i < starts.length; i++) place(starts[i], i + 1 < starts.length ? starts[i + 1] : text.length);
      removed = old ? old.filter((e) => e.gen !== gen) : [];
    }
    this.last = entries;
    this.updateRelevance(entries, old === null ? null : added, removed);
    // Evict chunks not used in this generation.
    if (this.cache.size > entries.length * 2 + 64) {
      for (const [k, list] of this.cache) {
        const keep = list.filter((c) => c.gen === gen);
        if (keep.length) this.cache.set(k, keep);
        else this.cache.delete(k);
      }
    }
    const chunks: ParsedChunk[] = [];
    const errors: ParseError[] = [];
    for (const e of entries) {
      const c = e.parsed;
      if (!c || !e.rel) continue;
      if (!lazy) materialize(c);
      chunks.push(c);
      for (const er of c.errors) errors.push(er);
    }
    return {
      text,
      // The whole module's statements and comments, for callers that want them
      // (the unit analysis reads chunks): assembled on first use.
      get stmts() {
        return chunks.flatMap((c) => (materialize(c), c.stmts));
      },
      get comments() {
        return chunks.flatMap((c) => (materialize(c), c.comments));
      },
      errors,
      chunks,
      skipped: entries.length - chunks.length,
      defined: this.definedNames() ?? undefined,
    };
  }

  private ensure(e: ChunkEntry): void {
    if (!e.parsed) {
      e.parsed = parseChunk(e.text, e.base);
      e.parsed.at = e.base;
      e.parsed.lex = e.lex;
      e.parsed.id = ++chunkIds;
    }
  }

  /** Set by selectAndParse: framework names imported, names some chunk defines. */
  private anchors: Set<string> | null = null;
  private defined = new Set<string>();

  /**
   * Can chunk `b` replace chunk `a` without changing which chunks are relevant?
   * It links to the module the same way and mentions the same framework names.
   */
  private sameRelevance(a: ChunkLex, b: ChunkLex): boolean {
    if (!this.anchors) return sameLex(a, b);
    if (!sameLinks(a, b, this.defined)) return false;
    for (const x of this.anchors) if (a.idents.has(x) !== b.idents.has(x)) return false;
    return (a.engineWord ??= this.relevance.mentionsEngineWord(a.idents)) === (b.engineWord ??= this.relevance.mentionsEngineWord(b.idents));
  }

  /** Names defined by some chunk of the last parse (for sameLinks), when known. */
  definedNames(): ReadonlySet<string> | null {
    return this.anchors ? this.defined : null;
  }

  /** Relevance flags are set for the last parse's entries. */
  private haveRelevance = false;

  /**
   * Which chunks to parse (sets each entry's `rel`). When one chunk was replaced
   * by one that links to the module in the same way (typing a digit, a space, a
   * local name), every chunk keeps its relevance and the closure over names is
   * not recomputed. `added` is null on the first parse.
   */
  private updateRelevance(entries: ChunkEntry[], added: ChunkEntry[] | null, removed: ChunkEntry[]): void {
    if (this.haveRelevance && added && !this.parseAll) {
      if (added.length === 0 && removed.length === 0) return;
      if (added.length === 1 && removed.length === 1 && this.sameRelevance(added[0].lex, removed[0].lex)) {
        const n = added[0];
        const o = removed[0];
        n.rel = o.rel;
        if (n.rel) {
          this.ensure(n);
          n.parsed!.role = o.parsed?.role ?? 'fw';
        }
        return;
      }
    }
    const relevant = this.selectAndParse(entries);
    for (const e of entries) e.rel = relevant.has(e);
    this.haveRelevance = true;
  }

  private selectAndParse(entries: ChunkEntry[]): Set<ChunkEntry> {
    this.anchors = null;
    if (this.parseAll) {
      for (const e of entries) {
        this.ensure(e);
        e.parsed!.role = 'fw';
      }
      return new Set(entries);
    }
    // 1. imports: which local names reach a framework? Names imported from a
    // framework that are not modules (`from keras.layers import Dense`) are
    // "members": mentioning one is enough to matter.
    const anchors = new Set<string>();
    const members = new Set<string>();
    let star = false;
    const relevant = new Set<ChunkEntry>();
    for (const e of entries) {
      if (!e.lex.hasImport && !e.lex.hasDirective) continue;
      this.ensure(e);
      relevant.add(e);
      const visit = (ss: PyStmt[]) => {
        for (const st of ss) {
          if (st.kind === 'import') {
            for (const nm of st.names) {
              if (this.relevance.isFrameworkRoot(nm.module.split('.')[0])) anchors.add(nm.alias ?? nm.module.split('.')[0]);
            }
          } else if (st.kind === 'from') {
            if (!this.relevance.isFrameworkRoot(st.module.split('.')[0])) {
              // `from keras_cv.src.backend import keras`: Keras re-exported by a project module.
              for (const nm of st.names) if (nm.name === 'keras') anchors.add(nm.alias ?? nm.name);
              continue;
            }
            for (const nm of st.names) {
              if (nm.name === '*') star = true;
              else {
                anchors.add(nm.alias ?? nm.name);
                if (!this.relevance.isFrameworkModule(st.module + '.' + nm.name)) members.add(nm.alias ?? nm.name);
              }
            }
          } else if (st.kind === 'if' || st.kind === 'block' || st.kind === 'with') {
            visit(st.kind === 'if' ? [...st.body, ...st.orelse] : st.body);
          }
        }
      };
      visit(e.parsed!.stmts);
    }
    if (star) {
      for (const e of entries) {
        this.ensure(e);
        e.parsed!.role = 'fw';
      }
      return new Set(entries);
    }
    this.anchors = anchors;
    this.defined = new Set<string>();
    for (const e of entries) for (const d of e.lex.defines) this.defined.add(d);
    if (anchors.size === 0) return relevant; // no framework: nothing to analyze
    // 2. chunks mentioning an anchor and a name the engine gives a meaning to
    // ("framework" chunks: a training loop that only calls `torch.optim.Adam` is
    // not one), chunks using a name a framework chunk defines (also framework
    // chunks: `model = Net()`), and the chunks defining names those use
    // ("dependencies": constants, helpers).
    // A dependency's own definitions do not pull in its users, so a shared
    // `logger = ...` does not drag every function that logs into the analysis.
    const fwDefined = new Set<string>();
    const usedNames = new Set<string>();
    const role = new Map<ChunkEntry, 'fw' | 'dep'>();
    const take = (e: ChunkEntry, r: 'fw' | 'dep') => {
      relevant.add(e);
      role.set(e, r);
      if (r === 'fw') for (const d of e.lex.defines) fwDefined.add(d);
      for (const id of e.lex.idents) usedNames.add(id);
    };
    for (const e of entries) {
      if (relevant.has(e)) {
        take(e, 'fw');
        continue;
      }
      if (mattersToFramework(e.lex, anchors, members, this.relevance)) take(e, 'fw');
    }
    let changed = true;
    while (changed) {
      changed = false;
      for (const e of entries) {
        if (relevant.has(e)) continue;
        let fw = false;
        for (const id of e.lex.idents) {
          if (fwDefined.has(id)) {
            fw = true;
            break;
          }
        }
        if (fw) {
          take(e, 'fw');
          changed = true;
        } else if (e.lex.defines.some((d) => usedNames.has(d))) {
          // A definition that mentions a framework (`model = keras.models.load_model(p)`)
          // is framework code: the statements that use it belong to one unit.
          take(e, mentionsAny(e.lex, anchors) ? 'fw' : 'dep');
          changed = true;
        }
      }
    }
    for (const e of entries) {
      if (!relevant.has(e)) continue;
      this.ensure(e);
      e.parsed!.role = role.get(e) ?? 'fw';
    }
    return relevant;

  }
}

function mentionsAny(lex: ChunkLex, names: Set<string>): boolean {
  for (const a of names) if (lex.idents.has(a)) return true;
  return false;
}

/** A chunk mentions an imported framework member, or a framework module and a word the engine knows. */
function mattersToFramework(lex: ChunkLex, anchors: Set<string>, members: Set<string>, relevance: ChunkRelevance): boolean {
  let anchor = false;
  for (const a of anchors) {
    if (!lex.idents.has(a)) continue;
    if (members.has(a)) return true;
    anchor = true;
  }
  if (!anchor) return false;
  return (lex.engineWord ??= relevance.mentionsEngineWord(lex.idents));
}

function moveChunk(c: ParsedChunk, to: number, lazy: boolean): void {
  const cur = c.at ?? c.base;
  if (cur === to) return;
  const d = to - cur;
  // statements and comments catch up in materialize; errors are read without it
  for (const e of c.errors) {
    e.span.from += d;
    e.span.to += d;
  }
  c.at = to;
  if (!lazy) materialize(c);
}

export function parsePython(text: string, relevance: ChunkRelevance): PythonModule {
  return new PythonParser(relevance).parse(text);
}
