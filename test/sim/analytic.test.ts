/**
 * The analytic tables (src/core/sim/analytic.ts): the mean-field recursion over the
 * whole stack, evaluated at each layer's actual pre-activation variance, drives the
 * editor's "Simulate variance" table, the CLI's analytic simulate and the simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { modelTable } from '../../src/vscode/logic/variance.js';
import { analyticResult, layerTable } from '../../src/core/sim/analytic.js';
import { buildNetwork } from '../../src/core/sim/network.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/core/sim/types.js';

function tanhStack(init: string, depth = 20, width = 512): string {
  const rows = Array.from({ length: depth }, () => `    layers.Dense(${width}, activation="tanh", kernel_initializer="${init}"),`).join('\n');
  return `import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    keras.Input(shape=(${width},)),\n${rows}\n])\n`;
}

test('20 tanh layers: the table follows the saturating recursion (He ends at ≈0.31, Glorot at ≈0.025), not the product of unit-input gains', () => {
  for (const [init, expected] of [['he_normal', 0.309], ['glorot_normal', 0.025]] as const) {
    const result = analyze(tanhStack(init), 'python');
    const model = result.models[0]!;
    const table = modelTable(result, model.id, 'normal', 'model.py')!;
    assert.equal(table.rows.length, 20);
    const last = table.rows[19]!.current;
    assert.ok(Math.abs(last.cumulative! / expected - 1) < 0.05, `${init}: second moment at layer 20 is ${last.cumulative}, expected ≈${expected}`);
    // The product of unit-input gains would be far off (He: 1.26^20 ≈ 100).
    const product = table.rows.reduce((p, r) => p * r.current.factor!, 1);
    assert.ok(Math.abs(product / last.cumulative! - 1) > 0.5, `${init}: product of gains ${product}`);
  }
});

test('the CLI/editor table and the simulator analytic series agree layer by layer (one recursion)', () => {
  const result = analyze(tanhStack('he_normal', 6, 64), 'python');
  const model = result.models[0]!;
  const byId = new Map(result.layers.map((l) => [l.id, l]));
  const rows = layerTable(model.layers.map((id) => byId.get(id)!), 'normal');
  const built = buildNetwork(result, model.id, { ...DEFAULT_SIM_OPTIONS, bias: false }, 'model.py');
  assert.ok('spec' in built);
  const sim = analyticResult(built.spec, DEFAULT_SIM_OPTIONS);
  const cur = sim.series.find((s) => s.init === 'current')!;
  const rec = sim.series.find((s) => s.init === 'recommended')!;
  rows.forEach((r, i) => {
    assert.ok(Math.abs(cur.layers[i]!.analyticForwardSecondMoment! / r.current.forward! - 1) < 1e-9);
    assert.ok(Math.abs(rec.layers[i]!.analyticForwardSecondMoment! / r.recommended.forward! - 1) < 1e-9);
    assert.ok(Math.abs(cur.layers[i]!.analyticPreVar! / r.current.preActivation! - 1) < 1e-9);
  });
  // Gradient with respect to the last layer's output = the cotangent's variance (1).
  assert.equal(cur.layers[5]!.analyticBackwardVar, 1);
  // He + tanh is chaotic: gradients grow going back (χ > 1).
  assert.ok(cur.layers[0]!.analyticBackwardVar! > 1.1, String(cur.layers[0]!.analyticBackwardVar));
  // Glorot + tanh sits near the critical point; its gradient shrinks toward the input here.
  assert.ok(rec.layers[0]!.analyticBackwardVar! < 0.5);
  assert.equal(rec.layers[0]!.activation, 'tanh');
});

test('analytic ReLU stacks: He keeps 1, PyTorch default without bias shrinks by 1/6 per layer, forward and backward', () => {
  const torch = `import torch.nn as nn\nnet = nn.Sequential(${Array.from({ length: 10 }, () => 'nn.Linear(256, 256), nn.ReLU()').join(', ')})\n`;
  const result = analyze(torch, 'python');
  const built = buildNetwork(result, result.models[0]!.id, { ...DEFAULT_SIM_OPTIONS, bias: false });
  assert.ok('spec' in built);
  const r = analyticResult(built.spec, DEFAULT_SIM_OPTIONS);
  const cur = r.series.find((s) => s.init === 'current')!.layers;
  const rec = r.series.find((s) => s.init === 'recommended')!.layers;
  cur.forEach((l, i) => assert.ok(Math.abs(l.forwardSecondMoment / (1 / 6) ** (i + 1) - 1) < 1e-9, `layer ${i}`));
  rec.forEach((l) => assert.ok(Math.abs(l.forwardSecondMoment - 1) < 1e-9));
  // Backward mirrors forward: χ = 256·(1/768)·½ = 1/6.
  assert.ok(Math.abs(cur[0]!.backwardVar / (1 / 6) ** 9 - 1) < 1e-9);
  const lsuv = r.series.find((s) => s.init === 'lsuv')!.layers;
  lsuv.forEach((l) => assert.ok(Math.abs(l.preVar - 1) < 1e-12));
});
