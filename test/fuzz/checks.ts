/**
 * The fuzz properties as plain functions: each returns null when the engine
 * behaved, or a description of what went wrong. Kept free of fast-check and
 * worker plumbing so a failure can be replayed and minimised directly.
 */
import { performance } from 'node:perf_hooks';
import type { AnalysisResult, Language, TextEdit } from '../../src/core/types.js';
import { compareResults, editProblems, firstDifference, projectResult, resultProblems } from './invariants.js';
import { applyChange, applyChanges, type Change } from './mutate.js';

export interface Engine {
  analyze(text: string, language: Language, options?: FuzzOptions): AnalysisResult;
  fixAll(text: string, language: Language, options?: FuzzOptions & { unsafe?: boolean }): { text: string; edits: TextEdit[]; applied: number };
  applyEdits(text: string, edits: TextEdit[]): string;
  IncrementalAnalyzer: new (language: Language) => { update(newText: string, changes?: Change[]): AnalysisResult };
}

/** The options the fuzz varies: preferred distribution, and whether fix-all may apply unsafe fixes. */
export interface FuzzOptions {
  distribution?: 'normal' | 'uniform';
  unsafe?: boolean;
}

/** Called before every engine call, so a watchdog knows what was running when it hung. */
export type Beat = (phase: string, language: Language, text: string) => void;

export const noBeat: Beat = () => {};

/** One engine call slower than this (wall clock) on a fuzz-sized input counts as a (soft) hang. Generous, because a loaded 2-core machine stretches wall time several-fold; speed itself is measured in bench/, not here. */
export const CALL_LIMIT_MS = Number(process.env.FUZZ_CALL_LIMIT_MS ?? 10000);

class Failure extends Error {}

function describe(err: unknown): string {
  if (err instanceof Failure) return err.message;
  if (err instanceof Error) return `threw ${err.name}: ${err.message}\n${(err.stack ?? '').split('\n').slice(1, 8).join('\n')}`;
  return `threw a non-Error value: ${String(err)}`;
}

function call<T>(phase: string, fn: () => T): T {
  let value: T;
  const start = performance.now();
  try {
    value = fn();
  } catch (err) {
    throw new Failure(`${phase} ${describe(err)}`);
  }
  const ms = performance.now() - start;
  if (ms > CALL_LIMIT_MS) throw new Failure(`${phase} took ${ms.toFixed(0)} ms (limit ${CALL_LIMIT_MS} ms)`);
  return value;
}

function expectNoProblems(phase: string, problems: string[]): void {
  if (problems.length) throw new Failure(`${phase} returned an invalid result:\n  ${problems.slice(0, 8).join('\n  ')}${problems.length > 8 ? `\n  … ${problems.length - 8} more` : ''}`);
}

/**
 * analyze() terminates in time, never throws, and returns valid spans and
 * fixes; fixAll() is consistent with its edits, its output analyses cleanly,
 * and a second fixAll() changes nothing.
 */
export function checkAnalysis(engine: Engine, text: string, language: Language, beat: Beat = noBeat, options: FuzzOptions = {}): string | null {
  const analysisOptions = options.distribution ? { distribution: options.distribution } : undefined;
  try {
    beat('analyze', language, text);
    const r = call('analyze()', () => engine.analyze(text, language, analysisOptions));
    expectNoProblems('analyze()', resultProblems(text, r));
    r.findings.forEach((f, i) =>
      f.fixes.forEach((fix, j) => {
        call(`applyEdits(findings[${i}].fixes[${j}])`, () => engine.applyEdits(text, fix.edits));
      }),
    );

    beat('fixAll', language, text);
    const first = call('fixAll()', () => engine.fixAll(text, language, options));
    if (typeof first?.text !== 'string' || !Array.isArray(first.edits)) throw new Failure('fixAll() returned a malformed result');
    expectNoProblems('fixAll()', editProblems(first.edits, text.length, 'fixAll().edits'));
    const replay = call('applyEdits(fixAll().edits)', () => engine.applyEdits(text, first.edits));
    if (replay !== first.text) throw new Failure('fixAll().text differs from applyEdits(text, fixAll().edits)');

    beat('analyze(fixed)', language, first.text);
    const again = call('analyze() of the fixed text', () => engine.analyze(first.text, language, analysisOptions));
    expectNoProblems('analyze() of the fixed text', resultProblems(first.text, again));

    beat('fixAll(fixed)', language, first.text);
    const second = call('second fixAll()', () => engine.fixAll(first.text, language, options));
    if (second.applied !== 0 || second.text !== first.text) {
      throw new Failure(
        `fixAll() is not idempotent: the second pass applied ${second.applied} fix(es), edits ${JSON.stringify(second.edits).slice(0, 600)}\n` +
          `  fixed text after pass 1: ${JSON.stringify(first.text).slice(0, 2000)}`,
      );
    }
    return null;
  } catch (err) {
    return describe(err);
  }
}

export interface IncrementalFailure {
  message: string;
  /** Step index that failed (-1: the initial full update). */
  step: number;
  before: string;
  changes: Change[] | null;
  after: string;
}

/**
 * An IncrementalAnalyzer fed `initial` and then each step's changes in turn must, after
 * every update, agree with a fresh analyze() of the same text.
 */
export function checkIncremental(
  engine: Engine,
  initial: string,
  language: Language,
  steps: readonly { changes: Change[]; fullSync: boolean }[],
  beat: Beat = noBeat,
): IncrementalFailure | null {
  let before = initial;
  let text = initial;
  let step = -1;
  let changes: Change[] | null = null;
  try {
    beat('new IncrementalAnalyzer().update(initial)', language, text);
    const inc = call('new IncrementalAnalyzer()', () => new engine.IncrementalAnalyzer(language));
    let got = call('update(initial)', () => inc.update(text));
    const verify = (what: string) => {
      expectNoProblems(what, resultProblems(text, got));
      beat(`analyze() to compare with ${what}`, language, text);
      const want = call('analyze()', () => engine.analyze(text, language));
      const diff = compareResults(got, want);
      if (diff) throw new Failure(`${what} differs from a fresh analyze(): ${diff}`);
    };
    verify('update(initial)');
    for (step = 0; step < steps.length; step++) {
      before = text;
      const current = steps[step].changes;
      changes = current;
      text = applyChanges(text, current);
      const full = steps[step].fullSync;
      beat(`update #${step}${full ? ' (full text)' : ''}`, language, text);
      const previous = got;
      const previousView = JSON.stringify(projectResult(previous));
      got = call(`update #${step}`, () => (full ? inc.update(text) : inc.update(text, current)));
      if (JSON.stringify(projectResult(previous)) !== previousView) {
        const diff = firstDifference(JSON.parse(JSON.stringify(projectResult(previous))), JSON.parse(previousView), 'previous result');
        throw new Failure(`update #${step} changed the result returned by the previous update() (results must be values, not views of the analyzer's state): ${diff ?? 'changed'}`);
      }
      verify(`update #${step} (${full ? 'full text' : `changes ${JSON.stringify(current)}`})`);
    }
    return null;
  } catch (err) {
    return { message: describe(err), step, before, changes, after: text };
  }
}

/**
 * Shrinks `text` while `fails` stays true: removes chunks of lines, then
 * chunks of characters (a simple ddmin), within a time budget.
 */
export function minimizeText(text: string, fails: (t: string) => boolean, budgetMs = 15_000): string {
  const deadline = performance.now() + budgetMs;
  let best = text;
  const pass = (split: (t: string) => string[], join: string) => {
    let parts = split(best);
    let chunk = Math.max(1, Math.floor(parts.length / 2));
    while (chunk >= 1 && performance.now() < deadline) {
      let removed = false;
      for (let i = 0; i + chunk <= parts.length && performance.now() < deadline; ) {
        const candidate = [...parts.slice(0, i), ...parts.slice(i + chunk)];
        const t = candidate.join(join);
        if (t !== best && fails(t)) {
          parts = candidate;
          best = t;
          removed = true;
        } else {
          i += chunk;
        }
      }
      if (!removed) chunk = Math.floor(chunk / 2);
    }
  };
  pass((t) => t.split('\n'), '\n');
  pass((t) => Array.from(t), '');
  return best;
}

/**
 * Shrinks an incremental reproduction (fresh analyzer, update(before),
 * update(after, [change])) by deleting lines of `before` outside the change.
 */
export function minimizeIncremental(
  before: string,
  change: Change,
  fails: (before: string, change: Change) => boolean,
  budgetMs = 15_000,
): { before: string; change: Change } {
  const deadline = performance.now() + budgetMs;
  let cur = { before, change };
  for (let chunk = 64; chunk >= 1 && performance.now() < deadline; chunk = Math.floor(chunk / 2)) {
    let progress = true;
    while (progress && performance.now() < deadline) {
      progress = false;
      const lines = cur.before.split('\n');
      const starts: number[] = [];
      let o = 0;
      for (const l of lines) {
        starts.push(o);
        o += l.length + 1;
      }
      for (let i = 0; i < lines.length && performance.now() < deadline; i += chunk) {
        const from = starts[i];
        const end = Math.min(lines.length, i + chunk);
        const to = end < lines.length ? starts[end] : cur.before.length;
        let c: Change;
        if (to <= cur.change.from) c = { ...cur.change, from: cur.change.from - (to - from), to: cur.change.to - (to - from) };
        else if (from >= cur.change.to) c = cur.change;
        else continue;
        const b = cur.before.slice(0, from) + cur.before.slice(to);
        if (b !== cur.before && fails(b, c)) {
          cur = { before: b, change: c };
          progress = true;
          break;
        }
      }
    }
  }
  return cur;
}

/**
 * Removes lines of `initial` that no step touches, remapping every later
 * change, while `fails(initial, steps)` stays true. For failures that need
 * the analyzer state built by several updates.
 */
export function minimizeSequence(
  initial: string,
  steps: readonly Change[][],
  fails: (initial: string, steps: Change[][]) => boolean,
  budgetMs = 20_000,
): { initial: string; steps: Change[][] } {
  const deadline = performance.now() + budgetMs;
  let cur = { initial, steps: steps.map((s) => s.map((c) => ({ ...c }))) };
  /** The steps with [from, to) of the initial text deleted, or null when a change touches it. */
  const without = (from: number, to: number): Change[][] | null => {
    let r = { from, to };
    const out: Change[][] = [];
    for (const step of cur.steps) {
      const next: Change[] = [];
      let shiftR = 0;
      for (const c of step) {
        if (c.to < r.from) {
          next.push(c);
          shiftR += c.insert.length - (c.to - c.from);
        } else if (c.from > r.to) next.push({ ...c, from: c.from - (r.to - r.from), to: c.to - (r.to - r.from) });
        else return null;
      }
      out.push(next);
      r = { from: r.from + shiftR, to: r.to + shiftR };
    }
    return out;
  };
  for (let chunk = 64; chunk >= 1 && performance.now() < deadline; chunk = Math.floor(chunk / 2)) {
    let progress = true;
    while (progress && performance.now() < deadline) {
      progress = false;
      const lines = cur.initial.split('\n');
      const starts: number[] = [];
      let o = 0;
      for (const l of lines) {
        starts.push(o);
        o += l.length + 1;
      }
      for (let i = 0; i < lines.length && performance.now() < deadline; i += chunk) {
        const from = starts[i];
        const end = Math.min(lines.length, i + chunk);
        const to = end < lines.length ? starts[end] : cur.initial.length;
        const s = without(from, to);
        if (!s) continue;
        const init = cur.initial.slice(0, from) + cur.initial.slice(to);
        if (init !== cur.initial && fails(init, s)) {
          cur = { initial: init, steps: s };
          progress = true;
          break;
        }
      }
    }
  }
  return cur;
}
