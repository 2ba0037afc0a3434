import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type Timers } from '../../src/vscode/logic/scheduler.js';

/** Deterministic timers: `advance(ms)` fires what is due. */
function fakeTimers() {
  let now = 0;
  let id = 0;
  const due = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      due.set(++id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(h) {
      due.delete(h as number);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [k, t] of [...due].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= now) {
        due.delete(k);
        t.fn();
      }
    }
  };
  return { timers, advance, pending: () => due.size };
}

test('a burst of keystrokes runs one analysis, for the last version, after the delay', () => {
  const { timers, advance } = fakeTimers();
  const s = new Scheduler(timers);
  const runs: number[] = [];
  for (let v = 1; v <= 5; v++) {
    s.schedule('doc', v, 300, () => runs.push(v));
    advance(100);
  }
  assert.deepEqual(runs, []);
  advance(200);
  assert.deepEqual(runs, [5]);
});

test('documents are debounced independently', () => {
  const { timers, advance } = fakeTimers();
  const s = new Scheduler(timers);
  const runs: string[] = [];
  s.schedule('a', 1, 300, () => runs.push('a1'));
  s.schedule('b', 1, 300, () => runs.push('b1'));
  advance(300);
  assert.deepEqual(runs.sort(), ['a1', 'b1']);
});

test('a result for an older version is stale once a newer version is requested', () => {
  const s = new Scheduler(fakeTimers().timers);
  s.request('doc', 3);
  assert.ok(s.isCurrent('doc', 3));
  s.request('doc', 4);
  assert.ok(!s.isCurrent('doc', 3));
  assert.ok(s.isCurrent('doc', 4));
  s.request('doc', 2); // late event for an old version does not win
  assert.ok(s.isCurrent('doc', 4));
});

test('closing a document cancels its pending run and drops late results; reopening allows it again', () => {
  const { timers, advance, pending } = fakeTimers();
  const s = new Scheduler(timers);
  const runs: number[] = [];
  s.schedule('doc', 1, 300, () => runs.push(1));
  s.cancel('doc');
  assert.equal(pending(), 0);
  advance(1000);
  assert.equal(runs.length, 0);
  assert.ok(!s.isCurrent('doc', 1));
  s.reset('doc');
  s.schedule('doc', 1, 0, () => runs.push(1));
  advance(0);
  assert.deepEqual(runs, [1]);
});
