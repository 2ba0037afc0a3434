/**
 * Messages from the variance webview are untrusted: parseFromWebview accepts
 * exactly the protocol's shapes and returns a reason for everything else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SIM_OPTIONS } from '../../src/core/sim/types.js';
import { parseFromWebview, parseOptions } from '../../src/shared/protocol.js';

const ok = (x: unknown) => {
  const r = parseFromWebview(x);
  assert.notEqual(typeof r, 'string', `rejected: ${String(r)}`);
  return r;
};
const bad = (x: unknown, why: RegExp) => {
  const r = parseFromWebview(x);
  assert.equal(typeof r, 'string', `accepted ${JSON.stringify(x)}`);
  assert.match(r as string, why);
};

test('well-formed messages pass, as fresh objects holding only the protocol fields', () => {
  assert.deepEqual(ok({ kind: 'ready', extra: 1 }), { kind: 'ready' });
  assert.deepEqual(ok({ kind: 'reveal', layerId: 3, offset: 99 }), { kind: 'reveal', layerId: 3 });
  assert.deepEqual(ok({ kind: 'apply', layerId: null, version: '12' }), { kind: 'apply', layerId: null, version: '12' });
  assert.deepEqual(ok({ kind: 'apply', layerId: 0, version: 'a:1,b:2' }), { kind: 'apply', layerId: 0, version: 'a:1,b:2' });
  assert.deepEqual(ok({ kind: 'export', format: 'csv', name: 'model-variance.csv', data: 'a,b\r\n' }), {
    kind: 'export',
    format: 'csv',
    name: 'model-variance.csv',
    data: 'a,b\r\n',
  });
  assert.equal((ok({ kind: 'export', format: 'png', name: 'f.png', data: 'data:image/png;base64,AAAA' }) as { format: string }).format, 'png');
  assert.deepEqual(ok({ kind: 'event', event: 'firstCurve', seq: 2, detail: '812 ms on wasm' }), {
    kind: 'event',
    event: 'firstCurve',
    seq: 2,
    detail: '812 ms on wasm',
  });
  const opts = ok({ kind: 'options', options: { ...DEFAULT_SIM_OPTIONS, inits: { 2: { current: { kind: 'normal', mean: 0, std: 0.1 } } }, widths: { 1: 64 } } });
  assert.deepEqual(opts, { kind: 'options', options: { ...DEFAULT_SIM_OPTIONS, inits: { 2: { current: { kind: 'normal', mean: 0, std: 0.1 } } }, widths: { 1: 64 } } });
});

test('malformed or unknown messages are rejected with a reason', () => {
  bad(null, /not an object/);
  bad('ready', /not an object/);
  bad([{ kind: 'ready' }], /not an object/);
  bad({ kind: 'eval', code: 'process.exit()' }, /unknown message kind "eval"/);
  bad({}, /unknown message kind/);
  bad({ kind: 'reveal', layerId: '3' }, /layerId/);
  bad({ kind: 'reveal', layerId: -1 }, /layerId/);
  bad({ kind: 'reveal', layerId: 1.5 }, /layerId/);
  bad({ kind: 'apply', layerId: 2 }, /version/);
  bad({ kind: 'apply', layerId: 'all', version: '3' }, /layerId/);
  bad({ kind: 'apply', layerId: 2, version: '' }, /version/);
  bad({ kind: 'export', format: 'exe', name: 'x', data: '' }, /format/);
  bad({ kind: 'export', format: 'csv', name: '../../.bashrc', data: '' }, /file name/);
  bad({ kind: 'export', format: 'csv', name: 'a/b.csv', data: '' }, /file name/);
  bad({ kind: 'export', format: 'png', name: 'a.png', data: 'data:text/html;base64,AAAA' }, /PNG/);
  bad({ kind: 'export', format: 'csv', name: 'a.csv', data: 7 }, /data/);
  bad({ kind: 'event', event: 'hack', seq: 1, detail: '' }, /unknown event/);
  bad({ kind: 'event', event: 'done', seq: 1, detail: 'x'.repeat(3000) }, /detail/);
});

test('simulation options are range-checked field by field', () => {
  assert.deepEqual(parseOptions(DEFAULT_SIM_OPTIONS), DEFAULT_SIM_OPTIONS);
  const reject = (patch: Record<string, unknown>, why: RegExp) => {
    const r = parseOptions({ ...DEFAULT_SIM_OPTIONS, ...patch });
    assert.equal(typeof r, 'string', `accepted ${JSON.stringify(patch)}`);
    assert.match(r as string, why);
  };
  reject({ batch: 0 }, /batch/);
  reject({ batch: 1e9 }, /batch/);
  reject({ seeds: 2.5 }, /seeds/);
  reject({ depthMultiplier: 1000 }, /depthMultiplier/);
  reject({ widthDefault: '256' }, /widthDefault/);
  reject({ input: 'cauchy' }, /input/);
  reject({ which: ['current', 'xavier'] }, /which/);
  reject({ widths: { 1: 0 } }, /widths/);
  reject({ inits: { 0: { current: { kind: 'normal', mean: 0, std: -1 } } } }, /normal sampler/);
  reject({ inits: { 0: { current: { kind: 'laplace' } } } }, /unknown sampler/);
  reject({ inits: { 0: { mine: { kind: 'constant', value: 0 } } } }, /not an init/);
  reject({ inputShift: Number.NaN }, /inputShift/);
  assert.match(String(parseFromWebview({ kind: 'options', options: { batch: 64 } })), /^options: options\.seeds/);
});
