/**
 * The charts' log y range: whole decades, so uPlot's log ticks (stepped from the
 * scale's minimum) start on a power of ten. A data minimum such as 0.00235 used
 * as the scale's minimum froze the panel for tens of seconds after an apply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOG_CEIL, LOG_FLOOR, logRange, positive } from '../../webview/variance/charts.js';

const isDecade = (x: number) => String(x) === `1e${Math.round(Math.log10(x))}` || String(x) === String(10 ** Math.round(Math.log10(x)));

test('the y range is whole decades around the data and the reference', () => {
  assert.deepEqual(logRange(0.002349624060150373, 1.924812030075186), [0.001, 10]);
  assert.deepEqual(logRange(0.0115, 1.02), [0.01, 10]);
  assert.deepEqual(logRange(0.5, 2), [0.1, 10]);
  assert.deepEqual(logRange(3e-9, 250), [1e-9, 1000]);
  assert.deepEqual(logRange(0.001, 100), [0.001, 100]);
  for (const [a, b] of [[1.7e-13, 0.9], [0.05, 31], [null, null], [Number.NaN, Infinity]] as const) {
    const [lo, hi] = logRange(a, b);
    assert.ok(isDecade(lo) && isDecade(hi), `${a}, ${b} → ${lo}, ${hi}`);
    assert.ok(lo <= 0.1 && hi >= 10);
  }
});

test('values beyond the drawable decades are drawn at the floor or the ceiling; non-positive ones are gaps', () => {
  assert.deepEqual(logRange(1e-300, 1e300), [LOG_FLOOR, LOG_CEIL]);
  assert.equal(positive(1e-40), LOG_FLOOR);
  assert.equal(positive(1e40), LOG_CEIL);
  assert.equal(positive(0.5), 0.5);
  assert.equal(positive(0), null);
  assert.equal(positive(-1), null);
  assert.equal(positive(Number.NaN), null);
});
