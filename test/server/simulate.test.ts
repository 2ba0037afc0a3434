/**
 * `initlens.simulateModel` over the protocol: the Monte Carlo tables (tfjs, in
 * worker threads) as Markdown and text beside the analytic ones, `$/progress`,
 * the server answering other requests while seeds run, bad options, and
 * cancellation (before the run, deterministically, and during it: the worker
 * threads are gone afterwards).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { CodeLens, Hover } from 'vscode-languageserver';
import { startClient, type TestClient } from './client.js';
import { analyze } from '../../src/core/index.js';
import { forwardCost, reductionNote, seedCost } from '../../src/core/sim/budget.js';
import { panelModel } from '../../src/vscode/logic/panel.js';
import { SERVER_SIM_DEFAULTS } from '../../src/server/montecarlo.js';
import { initNodeBackend, runSimulationPooled } from '../../src/sim/node.js';
import { SimClient } from '../../webview/variance/simClient.js';
import { nodeWorkerHost } from '../sim/helpers.js';

const URI = 'file:///work/model.py';
const KERAS = `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(512, activation="relu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

interface LayerStats {
  index: number;
  line: number | null;
  forwardSecondMoment: number;
  analyticForwardSecondMoment: number | null;
  backwardVar: number;
}
interface SimulateOut {
  method: string;
  markdown: string;
  text: string;
  montecarlo: { backend: string; series: { init: string; seeds: number; layers: LayerStats[] }[] } | null;
}

async function lens(client: TestClient): Promise<CodeLens> {
  await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: KERAS } });
  const lenses = (await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: URI } })) as CodeLens[];
  assert.equal(lenses.length, 1);
  return lenses[0]!;
}

function hover(client: TestClient): Promise<Hover | null> {
  return client.conn.sendRequest('textDocument/hover', { textDocument: { uri: URI }, position: { line: 5, character: 10 } }) as Promise<Hover | null>;
}

async function until(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Threads of a process (Linux): worker threads add to it while they live. */
function threads(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

test('simulate: Monte Carlo tables beside the analytic ones, as Markdown and text, with $/progress; the server answers meanwhile', async () => {
  const client = await startClient();
  try {
    const { command } = await lens(client);
    let finished = false;
    const pending = client.conn
      .sendRequest('workspace/executeCommand', { command: command!.command, arguments: [...command!.arguments!, { seeds: 4, batch: 32 }], workDoneToken: 'sim-1' })
      .then((r) => {
        finished = true;
        return r as SimulateOut;
      });
    await until('the first seed', () => client.progress.some((p) => p.token === 'sim-1' && p.value.kind === 'report'));
    // Seeds run in worker threads: a hover is answered before the simulation ends.
    const h = await hover(client);
    assert.match((h!.contents as { value: string }).value, /fan_in 784/);
    assert.equal(finished, false, 'the hover came back while the simulation was still running');

    const out = await pending;
    assert.equal(out.method, 'both');
    const mc = out.montecarlo!;
    assert.equal(mc.backend, 'wasm');
    assert.deepEqual(mc.series.map((s) => [s.init, s.seeds]), [['current', 4], ['recommended', 4], ['orthogonal', 4], ['lsuv', 4]]);
    const current = mc.series[0]!.layers[0]!;
    assert.equal(current.line, 6, 'the layer line (1-based) in the document');
    // glorot_uniform under ReLU keeps 0.6049 of the second moment (mean-field); the sampled value agrees.
    assert.ok(Math.abs(current.forwardSecondMoment / current.analyticForwardSecondMoment! - 1) < 0.15, `Monte Carlo ${current.forwardSecondMoment} vs analytic ${current.analyticForwardSecondMoment}`);
    const he = mc.series[1]!.layers[0]!;
    assert.ok(Math.abs(he.forwardSecondMoment - 1) < 0.15, `he_normal keeps the second moment near 1: ${he.forwardSecondMoment}`);

    // The text an editor without a webview shows: the analytic tables, then the Monte Carlo per init.
    assert.match(out.markdown, /\| 0 \| Dense \| 784→512 \| relu \| `glorot_uniform` \|/);
    assert.match(out.markdown, /Signal through the stack \(analytic, mean-field\)/);
    assert.match(out.markdown, /\*\*Monte Carlo\*\* \(TensorFlow\.js wasm backend, batch 32, seeds from 1; current 4 seeds, recommended 4 seeds, orthogonal 4 seeds, LSUV 4 seeds; [\d.]+ s\)/);
    assert.match(out.markdown, /\| # \| line \| layer \| activation \| forward E\[x²\] \| 95% \| analytic \| Var\(grad\) \| 95% \| analytic \| dead \|/);
    const row = new RegExp(`\\| 0 \\| 6 \\| Dense \\| relu \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\| 0\\.6049 \\|`);
    assert.match(out.markdown, row);
    assert.match(out.text, /Monte Carlo \(TensorFlow\.js wasm backend[^\n]*\n\ncurrent: 4 seeds\n#\s+layer\s+forward\s+95%\s+analytic/);

    const kinds = client.progress.filter((p) => p.token === 'sim-1').map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    assert.equal(kinds.filter((k) => k === 'report').length, 16, 'one report per pooled seed run (4 seeds × 4 inits)');

    // Monte Carlo alone; the analytic tables alone.
    const only = (await client.conn.sendRequest('workspace/executeCommand', { command: command!.command, arguments: [URI, command!.arguments![1], { method: 'mc', seeds: 1, batch: 8, which: ['current'] }] })) as SimulateOut;
    assert.equal(only.method, 'montecarlo');
    assert.deepEqual(only.montecarlo!.series.map((s) => s.init), ['current']);
    assert.doesNotMatch(only.markdown, /Signal through the stack/);
    assert.match(only.markdown, /\| # \| line \| layer \| activation \| forward E\[x²\] \| 95% \| Var\(grad\) \| 95% \| dead \|/);
    const analytic = (await client.conn.sendRequest('workspace/executeCommand', { command: command!.command, arguments: [URI, command!.arguments![1], { method: 'analytic' }] })) as SimulateOut;
    assert.equal(analytic.montecarlo, null);
    assert.doesNotMatch(analytic.markdown, /Monte Carlo/);

    for (const [options, message] of [
      [{ seeds: 1000 }, /options\.seeds must be an integer in \[0, 64\]/],
      [{ method: 'exact' }, /method must be analytic, montecarlo \(mc\) or both/],
      ['fast', /options must be an object/],
    ] as const) {
      await assert.rejects(client.conn.sendRequest('workspace/executeCommand', { command: command!.command, arguments: [URI, null, options] }), (e: { code: number; message: string }) => e.code === -32602 && message.test(e.message));
    }
  } finally {
    await client.shutdown();
  }
});

test('simulate cancelled while the server waits for the client (progress creation): RequestCancelled, no seed run, the server goes on', async () => {
  const source = new CancellationTokenSource();
  // The server cannot have finished: it is waiting for this answer. The cancel is sent before it.
  const client = await startClient({ onProgressCreate: () => source.cancel() });
  try {
    const { command } = await lens(client);
    const pending = client.conn.sendRequest('workspace/executeCommand', command, source.token);
    await assert.rejects(pending, (e: { code: number }) => e.code === -32800);
    const kinds = client.progress.map((p) => p.value.kind);
    assert.ok(!kinds.includes('report'), `no seed ran: ${kinds.join(' ')}`);
    assert.match(((await hover(client))!.contents as { value: string }).value, /fan_in 784/);
  } finally {
    await client.shutdown();
  }
});

test('simulate cancelled during the run: RequestCancelled, progress ended, the worker threads gone, the next run works', async () => {
  const client = await startClient();
  try {
    const { command } = await lens(client);
    const pid = client.proc.pid!;
    const before = threads(pid);
    const source = new CancellationTokenSource();
    const pending = client.conn.sendRequest('workspace/executeCommand', { command: command!.command, arguments: [URI, command!.arguments![1], { seeds: 64 }], workDoneToken: 'sim-2' }, source.token);
    await until('the first seed', () => client.progress.some((p) => p.token === 'sim-2' && p.value.kind === 'report'));
    assert.ok(threads(pid) > before, 'the seeds run in worker threads');
    source.cancel(); // 1 of 256 seed runs done
    await assert.rejects(pending, (e: { code: number }) => e.code === -32800);
    await until('the end of the progress', () => client.progress.some((p) => p.token === 'sim-2' && p.value.kind === 'end'));
    const reports = client.progress.filter((p) => p.token === 'sim-2' && p.value.kind === 'report').length;
    assert.ok(reports < 256, `stopped early (${reports} of 256 seed runs)`);
    await until('the worker threads to exit', () => threads(pid) <= before, 20_000);

    const again = (await client.conn.sendRequest('workspace/executeCommand', { command: command!.command, arguments: [URI, command!.arguments![1], { seeds: 1, batch: 8, which: ['recommended'] }] })) as SimulateOut;
    assert.equal(again.montecarlo!.series[0]!.seeds, 1);
  } finally {
    await client.shutdown();
  }
});

const CNN_URI = 'file:///work/cnn.py';
const CNN = 'import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.Conv2d(128, 128, 3, padding=1), nn.ReLU())\n';
type CostlyOut = SimulateOut & {
  reduced?: string;
  montecarlo: { options: { batch: number; maxSeeds: number; spatial: number }; assumptions: { key: string; value: unknown; message: string }[] };
};
const BATCH_NOTE = 'batch 64 reduced to 35 to stay within the budget (the spread between seeds comes from the weights, not the batch); pass a larger budget to keep it';

test('simulate on a costly model (a convolutional stack): the model reduced as the panel and the CLI reduce it, at most 2 seeds per init, and it says so', async () => {
  const client = await startClient();
  try {
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: CNN_URI, languageId: 'python', version: 1, text: CNN } });
    const out = (await client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.simulateModel', arguments: [CNN_URI] })) as CostlyOut;
    // 3 convolutions at 16×16: 3.7e9 multiply-adds per seed at batch 64, over the work budget per seed
    // (2e9): batch 35 (2.0e9), as everywhere; then 4 inits × 8 seeds of that would pass the run budget (4e9).
    assert.equal(out.montecarlo.options.spatial, 16, 'the model is simulated as the panel does');
    assert.equal(out.montecarlo.options.batch, 35);
    assert.equal(out.montecarlo.options.maxSeeds, 2);
    assert.ok(out.montecarlo.series.every((s) => s.seeds >= 1 && s.seeds <= 2));
    assert.deepEqual(out.montecarlo.assumptions.filter((a) => a.key.startsWith('reduced:')).map((a) => a.key), ['reduced:batch', 'reduced:seeds']);
    assert.equal(
      out.reduced,
      `Reduced to fit the work budget: ${BATCH_NOTE}; at most 2 seeds per init (not 8), the fewest that give an interval: 8 seed runs of 2.0e+9 multiply-adds, over the run budget (4.0e+9); an explicit number of seeds is never capped. ` +
        'Pass { "seeds": N, "budget": N } as the command\'s third argument for more (budget: multiply-adds per seed forward; 0 = never reduce).',
    );
    assert.ok(out.markdown.includes(`*${out.reduced}*`));
    assert.ok(out.text.endsWith(out.reduced!));
    process.stderr.write(`# costly model, reduced default run: ${(out.montecarlo as unknown as { timings: { totalMs: number } }).timings.totalMs} ms\n`);
    // Asked for explicitly within the budget, the options are kept; budget 0 never reduces.
    const asked = (await client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.simulateModel', arguments: [CNN_URI, null, { seeds: 1, batch: 16, spatial: 4, which: ['current'] }] })) as CostlyOut;
    assert.equal(asked.montecarlo.options.batch, 16);
    assert.equal(asked.reduced, undefined);
    const whole = (await client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.simulateModel', arguments: [CNN_URI, null, { seeds: 1, batch: 64, spatial: 4, budget: 0, which: ['current'] }] })) as CostlyOut;
    assert.equal(whole.montecarlo.options.batch, 64);
    assert.equal(whole.reduced, undefined);
  } finally {
    await client.shutdown();
  }
});

test('the same costly model is reduced the same way by the server, the Node runner (CLI) and the panel\'s runner', async () => {
  const r = analyze(CNN, 'python');
  const built = panelModel(r, r.models[0]!.id, SERVER_SIM_DEFAULTS, 'cnn.py', () => 2);
  assert.ok(!('error' in built), 'the model builds');
  const spec = (built as Exclude<typeof built, { error: string }>).spec;
  const asked = { seeds: 1, which: ['current' as const] };
  const reductions = (x: { assumptions: { key: string; value: unknown; message: string }[] }) => x.assumptions.filter((a) => a.key.startsWith('reduced:'));
  const client = await startClient();
  let server: CostlyOut;
  try {
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: CNN_URI, languageId: 'python', version: 1, text: CNN } });
    server = (await client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.simulateModel', arguments: [CNN_URI, null, asked] })) as CostlyOut;
  } finally {
    await client.shutdown();
  }
  const options = { ...SERVER_SIM_DEFAULTS, ...asked };
  await initNodeBackend();
  const node = await runSimulationPooled(spec, options, { workers: 2, backend: 'wasm' });
  const panelClient = new SimClient('', nodeWorkerHost(2));
  const panel = await panelClient.run(spec, options, () => undefined).result;
  panelClient.dispose();
  const expected = [{ key: 'reduced:batch', value: 35, message: BATCH_NOTE }];
  assert.deepEqual(reductions(server.montecarlo), expected);
  assert.deepEqual(reductions(node), expected);
  assert.deepEqual(reductions(panel), expected);
  assert.deepEqual([server.montecarlo.options.batch, node.options.batch, panel.options.batch], [35, 35, 35]);
  assert.equal(server.reduced, reductionNote(node.assumptions) + ' Pass { "seeds": N, "budget": N } as the command\'s third argument for more (budget: multiply-adds per seed forward; 0 = never reduce).');
  assert.equal(reductionNote(panel.assumptions), reductionNote(node.assumptions));
  // The one per-seed cost they use: the fitted one.
  assert.equal(seedCost(spec, options), forwardCost(spec, { ...options, batch: 35 }));
});
