/**
 * No crash, no hang, no wrong incremental result, on any input.
 *
 * Seeds are every example (examples/**, test/corpus/**, all languages) plus
 * generated ML code; fast-check mutates them (deletions, duplications,
 * token insertions, truncation, line shuffles, awkward characters). Each
 * property runs in a worker thread; the main thread kills it when no engine
 * call finishes for FUZZ_HANG_MS and reports the input that hung.
 *
 *   node --import tsx --test test/fuzz/fuzz.test.ts
 *   FUZZ_SEED=123 FUZZ_RUNS=2000 node --import tsx --test test/fuzz/fuzz.test.ts
 *
 * FUZZ_SEED (default 20261125) makes a run reproducible; FUZZ_RUNS overrides
 * the number of cases per property; FUZZ_HANG_MS (default 20000) is the
 * watchdog; FUZZ_CALL_LIMIT_MS (default 10000) is the most one engine call
 * may take on these small inputs; FUZZ_TIME_LIMIT_MS (default 40000) stops a
 * property early on a slow machine, but only after its first 200 cases, which always run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import type { WorkerMessage, WorkerTask } from './fuzz-worker.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : null;
const HANG_MS = Number(process.env.FUZZ_HANG_MS ?? 20_000);
/** Per property; keeps the whole file near a minute on a loaded machine. */
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 40_000);
/** For testing the harness itself: a module standing in for the engine. */
const ENGINE = process.env.FUZZ_ENGINE;

interface Outcome {
  failed: boolean;
  numRuns: number;
  report: string;
  seeds: string[];
}

function runInWorker(task: WorkerTask): Promise<Outcome> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: task,
      // A runaway allocation ends the worker (reported below) instead of the test process.
      resourceLimits: { maxOldGenerationSizeMb: 1536 },
    });
    let seeds: string[] = [];
    let last: { phase: string; language: string; text: string } = { phase: 'starting the worker', language: '-', text: '' };
    let settled = false;
    const finish = (o: Omit<Outcome, 'seeds'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve({ ...o, seeds });
    };
    const watchdog = () =>
      finish({
        failed: true,
        numRuns: 0,
        report:
          `HANG: no progress for ${HANG_MS} ms during ${last.phase} (${last.language}).\n` +
          `input (${last.text.length} chars): ${JSON.stringify(last.text)}\n` +
          `replay: FUZZ_SEED=${task.seed}`,
      });
    // The first beat comes after loading the engine and generating seeds; allow for a cold start.
    let timer = setTimeout(watchdog, HANG_MS * 3);
    worker.on('message', (m: WorkerMessage) => {
      clearTimeout(timer);
      timer = setTimeout(watchdog, HANG_MS);
      if (m.type === 'ready') seeds = m.seeds;
      else if (m.type === 'beat') last = { phase: m.phase, language: m.language, text: m.text ?? last.text };
      else finish({ failed: m.failed, numRuns: m.numRuns, report: m.report });
    });
    worker.on('error', (err) =>
      finish({
        failed: true,
        numRuns: 0,
        report: `worker died (${err.message}) during ${last.phase} (${last.language}) on input (${last.text.length} chars): ${JSON.stringify(last.text.slice(0, 8000))}`,
      }),
    );
    worker.on('exit', (code) => finish({ failed: true, numRuns: 0, report: `worker exited with code ${code} during ${last.phase}` }));
  });
}

/** Fewer runs than asked means the time limit cut the property short; demand a meaningful minimum. */
function assertEnoughRuns(t: { diagnostic(m: string): void }, done: number, asked: number): void {
  if (done < asked) t.diagnostic(`time limit reached after ${done} of ${asked} cases (FUZZ_TIME_LIMIT_MS=${TIME_LIMIT_MS})`);
  assert.ok(done >= Math.min(asked, 200), `only ${done} of ${asked} cases ran before the time limit`);
}

test('analyze() and fixAll() terminate, never throw, return in-bounds spans and non-overlapping fixes, and fixAll() is idempotent on mutated examples', async (t) => {
  const asked = RUNS ?? 1500;
  const o = await runInWorker({ property: 'analysis', seed: SEED, numRuns: asked, timeLimitMs: TIME_LIMIT_MS, engineModule: ENGINE });
  t.diagnostic(`${o.numRuns} mutants of ${o.seeds.length} seeds, FUZZ_SEED=${SEED}`);
  assert.ok(o.seeds.length > 0, 'no seed files');
  if (o.failed) assert.fail(o.report);
  assertEnoughRuns(t, o.numRuns, asked);
});

test('IncrementalAnalyzer.update() equals a fresh analyze() after every edit of random edit sequences', async (t) => {
  const asked = RUNS ?? 1000;
  const o = await runInWorker({ property: 'incremental', seed: SEED + 1, numRuns: asked, timeLimitMs: TIME_LIMIT_MS, engineModule: ENGINE });
  t.diagnostic(`${o.numRuns} edit sequences on ${o.seeds.length} seeds, FUZZ_SEED=${SEED}`);
  if (o.failed) assert.fail(o.report);
  assertEnoughRuns(t, o.numRuns, asked);
});
