/**
 * The page's side of the simulator workers (webview/variance/simClient.ts), with
 * a stand-in Worker: partial results stream in seed by seed, Stop settles the run
 * at once and nothing of it is delivered afterwards, a worker that does not come
 * back after the cancel is terminated and the next run gets a fresh one, a worker
 * that fails to start fails the run with a message, and a costly run's seeds are
 * spread over two workers with the numbers of one. (test/sim/panel-runner.test.ts
 * runs the real worker.)
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimOptions } from '../../src/core/sim/types.js';
import type { SeedRun } from '../../src/core/sim/pool.js';
import type { FromWorker, ToWorker } from '../../webview/variance/workerProtocol.js';
import { normal, opts, stack } from '../sim/helpers.js';

/** split: a seed's preview comes 5 ms before its full batch. */
type Mode = 'normal' | 'stubborn' | 'broken' | 'split';
let mode: Mode = 'normal';
const workers: FakeWorker[] = [];
const fetched: string[] = [];

/** A seed's stand-in statistics: a function of its init and seed only (as the real ones are). */
function fakeRun(init: string, seed: number, layers: number): SeedRun {
  const v = Math.log(1 + (seed % 7) / 10 + (init === 'current' ? 0 : 0.5));
  const layer = { preMean: 0, preVar: 1, forwardMean: 0, forwardVar: 1, logForwardSecondMoment: v, deadFraction: 0, inactiveFraction: 0, logBackwardVar: v, logWeightGradVar: v };
  return { seed, layers: Array.from({ length: layers }, () => ({ ...layer })) };
}

/**
 * Answers each seed after 5 ms (a preview first when asked); honours a cancel that lands
 * before. A stubborn one is a thread stuck in a long seed: after the cancel it answers
 * nothing any more.
 */
class FakeWorker {
  terminated = false;
  stuck = false;
  inits: ToWorker[] = [];
  seeds: number[] = [];
  private listeners: { message: ((e: { data: FromWorker }) => void)[]; error: ((e: { message: string }) => void)[] } = { message: [], error: [] };
  private timers = new Map<number, ReturnType<typeof setTimeout>>();
  constructor(readonly url: string) {
    workers.push(this);
    if (mode === 'broken') setTimeout(() => this.listeners.error.forEach((l) => l({ message: 'SyntaxError in the bundle' })), 1);
  }
  addEventListener(type: 'message' | 'error', l: never): void {
    (this.listeners[type] as unknown[]).push(l);
  }
  private emit(m: FromWorker): void {
    if (!this.terminated) for (const l of this.listeners.message) l({ data: m });
  }
  postMessage(m: ToWorker): void {
    if (this.terminated || this.stuck || mode === 'broken') return;
    if (m.kind === 'init') {
      this.inits.push(m);
      setTimeout(() => this.emit({ kind: 'backend', backend: 'wasm', offscreen: true }), 1);
    } else if (m.kind === 'seed') {
      this.seeds.push(m.seed);
      const n = m.spec.layers.length;
      this.timers.set(
        m.id,
        setTimeout(() => {
          if (m.preview) this.emit({ kind: 'seedPreview', id: m.id, run: fakeRun(m.init, m.seed + 1000, n) });
          const done = () => {
            this.timers.delete(m.id);
            this.emit({ kind: 'seedDone', id: m.id, run: fakeRun(m.init, m.seed, n) });
          };
          if (mode === 'split' && m.preview) this.timers.set(m.id, setTimeout(done, 5));
          else done();
        }, 5),
      );
    } else if (m.kind === 'cancel' && mode === 'stubborn') {
      this.stuck = true;
      for (const t of this.timers.values()) clearTimeout(t);
    } else if (m.kind === 'cancel') {
      const t = this.timers.get(m.id);
      if (t === undefined) return; // the seed had ended: its answer was the confirmation
      clearTimeout(t);
      this.timers.delete(m.id);
      setTimeout(() => this.emit({ kind: 'cancelled', id: m.id }), 1);
    }
  }
  terminate(): void {
    this.terminated = true;
    for (const t of this.timers.values()) clearTimeout(t);
  }
}

const g = globalThis as Record<string, unknown>;
const saved = { Worker: g.Worker, fetch: g.fetch, navigator: g.navigator };
beforeEach(() => {
  mode = 'normal';
  workers.length = 0;
  fetched.length = 0;
  g.Worker = FakeWorker;
  Object.defineProperty(globalThis, 'navigator', { value: { hardwareConcurrency: 2 }, configurable: true, writable: true });
  g.fetch = async (url: string) => {
    fetched.push(url);
    return new Response(new Uint8Array([1, 2, 3]));
  };
});
afterEach(() => {
  for (const w of workers) w.terminate();
  g.Worker = saved.Worker;
  g.fetch = saved.fetch;
  Object.defineProperty(globalThis, 'navigator', { value: saved.navigator, configurable: true, writable: true });
});

// A cheap model: one worker.
const spec = stack(3, 16, 'relu', normal(2 / 16));
const options: SimOptions = opts({ batch: 64, seeds: 10, which: ['current'] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client() {
  const { SimClient } = await import('../../webview/variance/simClient.js');
  return new SimClient('https://assets.example/dist/webview/');
}

test('a run streams its partial results, then resolves; the worker and the WASM binaries come from the assets folder', async () => {
  const c = await client();
  const seen: number[] = [];
  const previews: boolean[] = [];
  const r = await c.run(spec, options, (p) => {
    seen.push(p.done);
    previews.push(p.preview === true);
  }).result;
  // The first seed's preview (batch 16 of its weights), then every pooled seed.
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(previews, [true, ...Array(10).fill(false)]);
  assert.equal(r.options.seeds, 10);
  assert.equal(r.series[0]!.seeds, 10);
  assert.equal(workers.length, 1);
  assert.match(workers[0]!.url, /^blob:/);
  assert.deepEqual(fetched.sort(), [
    'https://assets.example/dist/webview/simWorker.js',
    'https://assets.example/dist/webview/tfjs-backend-wasm-simd.wasm',
    'https://assets.example/dist/webview/tfjs-backend-wasm.wasm',
  ]);
  const init = workers[0]!.inits[0] as ToWorker & { kind: 'init' };
  assert.ok(init.wasm && Object.values(init.wasm).every((u) => u.startsWith('blob:')), 'the binaries are handed over as blob: URLs');
  assert.deepEqual(await c.backend(), { backend: 'wasm', offscreen: true });
});

test('Stop: the run rejects with an AbortError at once, no progress after it, and the same worker serves the next run', async () => {
  const c = await client();
  let after = false;
  let progress = 0;
  const h = c.run(spec, options, () => {
    progress++;
    if (after) assert.fail('progress after Stop');
  });
  while (progress < 2) await sleep(2);
  h.cancel();
  after = true;
  await assert.rejects(h.result, (e: Error) => e.name === 'AbortError');
  await sleep(40);
  after = false;
  await c.run(spec, options, () => undefined).result;
  assert.equal(workers.length, 1);
  assert.equal(c.workersStarted, 1);
});

test('a worker that does not confirm the cancel is terminated; the next run starts over on a fresh worker', async () => {
  mode = 'stubborn';
  const c = await client();
  let progress = 0;
  const h = c.run(spec, options, () => progress++);
  while (progress < 1) await sleep(2);
  h.cancel();
  await assert.rejects(h.result, (e: Error) => e.name === 'AbortError');
  const next = c.run(spec, options, () => undefined);
  mode = 'normal';
  await next.result;
  assert.equal(workers[0]!.terminated, true, 'the stubborn worker was terminated');
  assert.equal(workers.length, 2);
  assert.equal(c.workersStarted, 2);
});

test('a worker that fails to start fails the run with a message, and the next run tries again', async () => {
  mode = 'broken';
  const c = await client();
  await assert.rejects(c.run(spec, options, () => undefined).result, /the simulator worker failed: SyntaxError in the bundle/);
  mode = 'normal';
  await c.run(spec, options, () => undefined).result;
  assert.equal(workers.length, 2);
});

test('a costly run uses two workers (both cores), each seed once, with the numbers of one worker', async () => {
  const { SimClient } = await import('../../webview/variance/simClient.js');
  // 12×512 at batch 64: 2.0e8 multiply-adds forward per seed, worth a second worker.
  const costly = stack(12, 512, 'relu', normal(2 / 512));
  const o = opts({ batch: 64, seeds: 6, which: ['current', 'recommended'] });
  const two = await new SimClient('https://assets.example/dist/webview/').run(costly, o, () => undefined).result;
  assert.equal(workers.length, 2);
  assert.ok(workers.every((w) => w.seeds.length > 0), `seeds per worker: ${workers.map((w) => w.seeds.length)}`);
  assert.deepEqual(workers.flatMap((w) => w.seeds).sort((a, b) => a - b), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  Object.defineProperty(globalThis, 'navigator', { value: { hardwareConcurrency: 1 }, configurable: true, writable: true });
  const one = await new SimClient('https://assets.example/dist/webview/').run(costly, o, () => undefined).result;
  assert.equal(workers.length, 3, 'one core: one worker');
  assert.deepEqual(two.series, one.series);
});

test('two workers: each init’s preview stays drawn until its own full batch comes', async () => {
  mode = 'split';
  const { SimClient } = await import('../../webview/variance/simClient.js');
  const costly = stack(12, 512, 'relu', normal(2 / 512));
  const shown: string[][] = [];
  await new SimClient('https://assets.example/dist/webview/').run(costly, opts({ batch: 64, seeds: 2, which: ['current', 'recommended'] }), (p) => shown.push(p.partial.series.map((x) => x.init))).result;
  assert.equal(workers.length, 2);
  // Both previews first (one per worker), then the full batches: no init drops out of the chart meanwhile.
  assert.deepEqual(shown.slice(0, 2), [['current'], ['current', 'recommended']]);
  assert.ok(shown.slice(1).every((inits) => inits.length === 2), JSON.stringify(shown));
});
