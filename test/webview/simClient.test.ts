/**
 * The page's side of the simulator worker (webview/variance/simClient.ts), with
 * a stand-in Worker: partial results stream in, Stop settles the run at once and
 * nothing of it is delivered afterwards, a worker that does not confirm the
 * cancel is terminated and the next run gets a fresh one, and a worker that
 * fails to start fails the run with a message.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkSpec, SimOptions, SimulationResult } from '../../src/core/sim/types.js';
import type { FromWorker, ToWorker } from '../../webview/variance/workerProtocol.js';

type Mode = 'normal' | 'stubborn' | 'broken';
let mode: Mode = 'normal';
const workers: FakeWorker[] = [];
const fetched: string[] = [];

/**
 * Posts a progress message every 5 ms for 10 seeds, then done; honours cancel. A stubborn one
 * is a thread stuck in a long seed: after the cancel it answers nothing any more.
 */
class FakeWorker {
  terminated = false;
  stuck = false;
  inits: ToWorker[] = [];
  private listeners: { message: ((e: { data: FromWorker }) => void)[]; error: ((e: { message: string }) => void)[] } = { message: [], error: [] };
  private timers = new Map<number, ReturnType<typeof setInterval>>();
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
    } else if (m.kind === 'run') {
      let done = 0;
      const t = setInterval(() => {
        done++;
        const partial = { series: [], options: m.options } as unknown as SimulationResult;
        if (done < 10) this.emit({ kind: 'progress', id: m.id, done, total: 10, partial });
        else {
          clearInterval(t);
          this.emit({ kind: 'done', id: m.id, result: partial });
        }
      }, 5);
      this.timers.set(m.id, t);
    } else if (m.kind === 'cancel' && mode === 'stubborn') {
      this.stuck = true;
      for (const t of this.timers.values()) clearInterval(t);
    } else if (m.kind === 'cancel') {
      clearInterval(this.timers.get(m.id));
      setTimeout(() => this.emit({ kind: 'cancelled', id: m.id }), 1);
    }
  }
  terminate(): void {
    this.terminated = true;
    for (const t of this.timers.values()) clearInterval(t);
  }
}

const g = globalThis as Record<string, unknown>;
const saved = { Worker: g.Worker, fetch: g.fetch };
beforeEach(() => {
  mode = 'normal';
  workers.length = 0;
  fetched.length = 0;
  g.Worker = FakeWorker;
  g.fetch = async (url: string) => {
    fetched.push(url);
    return new Response(new Uint8Array([1, 2, 3]));
  };
});
afterEach(() => {
  for (const w of workers) w.terminate();
  g.Worker = saved.Worker;
  g.fetch = saved.fetch;
});

const spec = { layers: [] } as unknown as NetworkSpec;
const options = { seeds: 10 } as unknown as SimOptions;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client() {
  const { SimClient } = await import('../../webview/variance/simClient.js');
  return new SimClient('https://assets.example/dist/webview/');
}

test('a run streams its partial results, then resolves; the worker and the WASM binaries come from the assets folder', async () => {
  const c = await client();
  const seen: number[] = [];
  const r = await c.run(spec, options, (p) => seen.push(p.done)).result;
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal((r.options as unknown as { seeds: number }).seeds, 10);
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
