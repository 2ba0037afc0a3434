/**
 * Runs one fuzz property inside a worker thread (started by fuzz.test.ts via
 * worker-entry.mjs), so that the main thread can kill it if the engine hangs.
 * Before every engine call it posts a heartbeat with the text being analysed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';
import fc from 'fast-check';
import type { Language } from '../../src/core/types.js';
import { buildMutant, editStepArb, loadSeeds, mutantArb, stepToChanges, applyChange, applyChanges, type Change, type MutantCase, type EditStep } from './mutate.js';
import { checkAnalysis, checkIncremental, minimizeIncremental, minimizeSequence, minimizeText, type Beat, type Engine } from './checks.js';

export interface WorkerTask {
  property: 'analysis' | 'incremental';
  seed: number;
  numRuns: number;
  /** Stop generating cases after this long (the runs done so far still count). */
  timeLimitMs: number;
  /** Module exporting analyze/fixAll/applyEdits/IncrementalAnalyzer; default: the real engine. */
  engineModule?: string;
}

export type WorkerMessage =
  | { type: 'ready'; seeds: string[] }
  | { type: 'beat'; phase: string; language: Language; text?: string }
  | { type: 'done'; failed: boolean; numRuns: number; report: string };

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const task = workerData as WorkerTask;
const port = parentPort;
if (!port) throw new Error('fuzz-worker.ts must run in a worker thread');
const post = (m: WorkerMessage) => port.postMessage(m);

async function loadEngine(): Promise<Engine> {
  if (task.engineModule) {
    return (await import(pathToFileURL(resolve(root, task.engineModule)).href)) as Engine;
  }
  const core = await import('../../src/core/index.js');
  const inc = await import('../../src/core/analysis/incremental.js');
  return { analyze: core.analyze, fixAll: core.fixAll, applyEdits: core.applyEdits, IncrementalAnalyzer: inc.IncrementalAnalyzer } as unknown as Engine;
}

let lastText: string | null = null;
const beat: Beat = (phase, language, text) => {
  if (text === lastText) post({ type: 'beat', phase, language });
  else {
    lastText = text;
    post({ type: 'beat', phase, language, text });
  }
};

/** Cases every property runs whatever the time limit. */
export const FLOOR = 200;

const show = (s: string, max = 60_000) => (s.length > max ? `${JSON.stringify(s.slice(0, max))} … (${s.length} chars)` : JSON.stringify(s));

async function main(): Promise<void> {
  const engine = await loadEngine();
  const seeds = loadSeeds(root);
  post({ type: 'ready', seeds: seeds.map((s) => `${s.name} (${s.language})`) });
  // The first FLOOR cases always run, however slow the machine; the rest stop early (not a failure)
  // once timeLimitMs has passed, a safety bound on a loaded machine.
  const started = Date.now();
  const check = <T>(prop: fc.IProperty<T>): { details: fc.RunDetails<T>; numRuns: number } => {
    const first = fc.check(prop, { seed: task.seed, numRuns: Math.min(task.numRuns, FLOOR) });
    if (first.failed || task.numRuns <= FLOOR) return { details: first, numRuns: first.numRuns };
    const remaining = task.timeLimitMs - (Date.now() - started);
    if (remaining <= 0) return { details: first, numRuns: first.numRuns };
    const rest = fc.check(prop, { seed: task.seed + 7919, numRuns: task.numRuns - FLOOR, interruptAfterTimeLimit: remaining, markInterruptAsFailure: false });
    // Interrupted before its first case: fast-check reports that as a failure; nothing failed.
    if (rest.interrupted && rest.numRuns === 0) return { details: first, numRuns: first.numRuns };
    return { details: rest, numRuns: FLOOR + rest.numRuns };
  };

  if (task.property === 'analysis') {
    const prop = fc.property(mutantArb(seeds.length), (c: MutantCase) => {
      const m = buildMutant(seeds, c);
      const problem = checkAnalysis(engine, m.text, m.language, beat, c.options);
      if (problem) throw new Error(problem);
    });
    const { details, numRuns } = check(prop);
    if (!details.failed) return post({ type: 'done', failed: false, numRuns, report: '' });
    const c = details.counterexample?.[0] as MutantCase | undefined;
    let report = fc.defaultReportMessage(details) ?? 'property failed';
    if (c) {
      const m = buildMutant(seeds, c);
      const problem = checkAnalysis(engine, m.text, m.language, beat, c.options) ?? '(did not reproduce on replay)';
      // Remove everything not needed for the same kind of failure.
      const kind = problem.split(/[:\n]/)[0];
      const minimal = minimizeText(m.text, (t) => (checkAnalysis(engine, t, m.language, beat, c.options) ?? '').split(/[:\n]/)[0] === kind);
      report =
        `analyze()/fixAll() failed on a mutant of ${m.name} analysed as ${m.language} with options ${JSON.stringify(c.options)}\n` +
        `problem: ${problem}\n` +
        `minimal reproducer (${m.language}): ${show(minimal)}\n` +
        `  → ${(checkAnalysis(engine, minimal, m.language, beat, c.options) ?? 'passes on replay').split('\n')[0]}\n` +
        `mutant text: ${show(m.text)}\n` +
        `replay: FUZZ_SEED=${details.seed} (path ${details.counterexamplePath})\n\n${report}`;
    }
    return post({ type: 'done', failed: true, numRuns, report });
  }

  // Incremental: random edit sequences on (mutated) seeds.
  const arb = fc.record({
    base: mutantArb(seeds.length).map((c) => ({ ...c, mutations: c.mutations.slice(0, 2) })),
    mutate: fc.boolean(),
    steps: fc.array(editStepArb, { minLength: 1, maxLength: 12 }),
  });
  const toSteps = (initial: string, steps: EditStep[]) => {
    let text = initial;
    return steps.map((s) => {
      const changes = stepToChanges(text, s);
      text = applyChanges(text, changes);
      return { changes, fullSync: s.fullSync };
    });
  };
  const initialOf = (base: MutantCase, mutate: boolean) => {
    const m = buildMutant(seeds, mutate ? base : { ...base, mutations: [] });
    return { ...m, language: seeds[base.seed].language };
  };
  const prop = fc.property(arb, ({ base, mutate, steps }) => {
    const m = initialOf(base, mutate);
    const failure = checkIncremental(engine, m.text, m.language, toSteps(m.text, steps), beat);
    if (failure) throw new Error(failure.message);
  });
  const { details, numRuns } = check(prop);
  if (!details.failed) return post({ type: 'done', failed: false, numRuns, report: '' });
  let report = fc.defaultReportMessage(details) ?? 'property failed';
  const ce = details.counterexample?.[0] as { base: MutantCase; mutate: boolean; steps: EditStep[] } | undefined;
  if (ce) {
    const m = initialOf(ce.base, ce.mutate);
    const steps = toSteps(m.text, ce.steps);
    const f = checkIncremental(engine, m.text, m.language, steps, beat);
    if (f) {
      let repro = '';
      const sequenceRepro = () => {
        // Keep the failing prefix of the sequence; full-text syncs become plain updates without changes.
        const prefix = steps.slice(0, f.step + 1);
        const full = prefix.map((s) => s.fullSync);
        const fails = (init: string, cs: Change[][]) =>
          checkIncremental(engine, init, m.language, cs.map((changes, i) => ({ changes, fullSync: full[i] })), beat) !== null;
        const min = minimizeSequence(m.text, prefix.map((s) => s.changes), fails);
        return (
          `minimal reproducer: const a = new IncrementalAnalyzer('${m.language}'); a.update(initial); then for each step a.update(text, changes) (null: a.update(text)):\n` +
          `  initial = ${show(min.initial)}\n  steps   = ${JSON.stringify(min.steps.map((cs, i) => (full[i] ? null : cs)))}\n` +
          (full.some((x) => x) ? `  (text changes of the null steps: ${JSON.stringify(min.steps.filter((_, i) => full[i]))})\n` : '') +
          `  → ${(checkIncremental(engine, min.initial, m.language, min.steps.map((changes, i) => ({ changes, fullSync: full[i] })), beat)?.message ?? 'passes on replay').split('\n')[0]}\n`
        );
      };
      if (f.changes && f.changes.length === 1 && !steps[f.step]?.fullSync) {
        const change = f.changes[0];
        const twoStep = (before: string, c: Change) => checkIncremental(engine, before, m.language, [{ changes: [c], fullSync: false }], beat) !== null;
        if (twoStep(f.before, change)) {
          const min = minimizeIncremental(f.before, change, twoStep);
          const after = applyChange(min.before, min.change);
          repro =
            `minimal reproducer: const a = new IncrementalAnalyzer('${m.language}'); a.update(before); a.update(after, [change]);\n` +
            `  before = ${show(min.before)}\n  change = ${JSON.stringify(min.change)}\n  after  = ${show(after)}\n` +
            `  → ${(checkIncremental(engine, min.before, m.language, [{ changes: [min.change], fullSync: false }], beat)?.message ?? 'passes on replay').split('\n')[0]}\n`;
        } else {
          repro = sequenceRepro();
        }
      } else if (f.step >= 0) {
        repro = sequenceRepro();
      }
      report =
        `incremental analysis of ${m.name} (${m.language}) disagrees with analyze() at step ${f.step} of ${steps.length}\n` +
        `problem: ${f.message}\n${repro}` +
        `initial text: ${show(m.text)}\n` +
        `changes: ${JSON.stringify(steps)}\n` +
        `replay: FUZZ_SEED=${details.seed} (path ${details.counterexamplePath})\n\n${report}`;
    } else {
      report = `counterexample did not reproduce on replay (state leaking between runs?)\n\n${report}`;
    }
  }
  post({ type: 'done', failed: true, numRuns, report });
}

main().catch((err: unknown) => {
  post({ type: 'done', failed: true, numRuns: 0, report: `fuzz worker crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` });
});
