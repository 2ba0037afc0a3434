/**
 * From the engine's result to a NetworkSpec, and the runner on real layer kinds:
 * convolutions (real, 'same' padding), transposed convolutions, BatchNorm, residual
 * blocks (signal propagation plot quantities), embeddings, LSTMs; assumptions for
 * every default; clear errors for bad input.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { buildNetwork, inferKernel } from '../../src/core/sim/network.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/core/sim/types.js';
import { runSimulation } from '../../src/sim/runner.js';
import { initNodeBackend } from '../../src/sim/node.js';
import { normal, stack } from './helpers.js';

before(async () => {
  await initNodeBackend();
});

const MIXED = `import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(1000, 32)
        self.rnn = nn.LSTM(32, 32)
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.bn = nn.BatchNorm2d(16)
        self.up = nn.ConvTranspose2d(16, 8, 4)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return self.fc(self.up(x))
`;

test('the builder reads kinds, fans, kernels, norms and PyTorch biases from the engine, and says what it assumed', () => {
  const result = analyze(MIXED, 'python');
  const built = buildNetwork(result, result.models[0]!.id, DEFAULT_SIM_OPTIONS, 'net.py');
  assert.ok('spec' in built, JSON.stringify(built));
  const { spec } = built;
  const byName = new Map(spec.layers.map((l) => [l.name, l]));
  const conv = byName.get('conv')!;
  assert.equal(conv.kind, 'conv');
  assert.deepEqual(conv.kernel, [3, 3]);
  assert.equal(conv.inFeatures, 3);
  assert.equal(conv.outFeatures, 16);
  assert.equal(conv.normalization, 'batchnorm');
  assert.deepEqual(conv.bias, { kind: 'uniform', low: -1 / Math.sqrt(27), high: 1 / Math.sqrt(27) });
  const up = byName.get('up')!;
  assert.equal(up.kind, 'conv_transpose');
  assert.deepEqual([up.inFeatures, up.outFeatures, up.kernel], [16, 8, [4, 4]]);
  const rnn = byName.get('rnn')!;
  assert.equal(rnn.kind, 'recurrent');
  assert.equal(rnn.gates, 4);
  assert.deepEqual(rnn.recurrentWeight!.current, { kind: 'uniform', low: -1 / Math.sqrt(32), high: 1 / Math.sqrt(32) });
  assert.equal(byName.get('emb')!.kind, 'embedding');
  assert.deepEqual(byName.get('emb')!.weight.current, { kind: 'normal', mean: 0, std: 1 });
  assert.equal(byName.get('fc')!.initName.recommended, 'glorot_normal');
  const keys = spec.assumptions.map((a) => a.key);
  // The kernels are read from the code (3, 4): none is inferred from the fans.
  assert.ok(keys.includes('spatial') && keys.includes('steps') && !keys.some((k) => k.endsWith(':kernel')), keys.join(' '));
  assert.ok(spec.assumptions.some((a) => /no known activation: linear assumed/.test(a.message)));
  assert.equal(inferKernel(576, 1152, 2), 3);
  assert.equal(inferKernel(147, 3136, 2), 7);
  assert.equal(inferKernel(64, 256, 2), 1);
});

test('the runner runs every layer kind of that model with finite statistics; BatchNorm gives unit pre-activation variance', async () => {
  const result = analyze(MIXED, 'python');
  const built = buildNetwork(result, result.models[0]!.id, { ...DEFAULT_SIM_OPTIONS, spatial: 8, steps: 4 });
  assert.ok('spec' in built);
  const r = await runSimulation(built.spec, { ...DEFAULT_SIM_OPTIONS, spatial: 8, steps: 4, batch: 8, seeds: 2 });
  assert.equal(r.series.length, 4);
  for (const s of r.series) {
    for (const l of s.layers) {
      for (const k of ['forwardSecondMoment', 'backwardVar', 'weightGradVar', 'preVar'] as const) {
        assert.ok(Number.isFinite(l[k]) && l[k] >= 0, `${s.init} layer ${l.index} ${l.layer}: ${k} = ${l[k]}`);
        // Layers before the embedding in the stack get no gradient from the output (it starts a fresh signal).
        const emb = built.spec.layers.findIndex((x) => x.kind === 'embedding');
        if (k === 'backwardVar') assert.ok(l.index < emb ? l[k] === 0 : l[k] > 0, `${s.init} layer ${l.index}: ${l[k]}`);
      }
    }
    const conv = s.layers[built.spec.layers.findIndex((l) => l.name === 'conv')]!;
    assert.ok(Math.abs(conv.preVar - 1) < 0.01, `${s.init}: BatchNorm pre-activation variance ${conv.preVar}`);
  }
});

test('residual blocks: the signal propagation plot quantities per block; ReLU branches add their mean coherently, which the recursion misses and the result says', async () => {
  // x + relu(LayerNorm(W x)) (the engine marks such layers residual).
  const spec = stack(8, 128, 'relu', normal(2 / 128), { residual: true, normalization: 'layernorm' });
  const r = await runSimulation(spec, { ...DEFAULT_SIM_OPTIONS, batch: 32, seeds: 2, which: ['current'] });
  const layers = r.series[0]!.layers;
  for (const l of layers) {
    assert.ok(l.spp, `block ${l.index} has SPP numbers`);
    assert.ok(l.spp.channelSquaredMean > 0 && l.spp.channelVariance > 0 && l.spp.branchVariance > 0.05 && l.spp.branchVariance < 0.36, JSON.stringify(l.spp));
  }
  // First block, zero-mean input: per channel over 32 samples, Var(relu(z)) = (1/2 − 1/(2π))·31/32.
  assert.ok(Math.abs(layers[0]!.spp!.branchVariance / ((0.5 - 1 / (2 * Math.PI)) * 31 / 32) - 1) < 0.1, String(layers[0]!.spp!.branchVariance));
  // Later blocks: the skip carries the ReLU outputs' positive mean, which shows up as channel squared mean.
  assert.ok(layers[7]!.spp!.channelSquaredMean > 3 * layers[0]!.spp!.channelSquaredMean);
  // The first block adds E[relu(z)²] = 1/2 to a zero-mean input, as the recursion says.
  assert.ok(Math.abs(layers[0]!.forwardSecondMoment / 1.5 - 1) < 0.05, String(layers[0]!.forwardSecondMoment));
  // Then the branches' positive means add up in the skip path: second moment ≫ 1 + L/2.
  assert.ok(Math.abs(layers[7]!.analyticForwardSecondMoment! - 5) < 1e-9);
  assert.ok(layers[7]!.forwardSecondMoment > 2 * 5, String(layers[7]!.forwardSecondMoment));
  const d = r.series[0]!.disagreements;
  assert.ok(d.some((x) => x.index === 7 && /residual/.test(x.reason)), JSON.stringify(d));
});

test('bad input: no model, unknown model, absurd options, no width and no default — clear messages, no throw', () => {
  const empty = analyze('x = 1\n', 'python');
  assert.deepEqual(buildNetwork(empty, 0, DEFAULT_SIM_OPTIONS), { error: 'the file has no model' });
  const result = analyze(MIXED, 'python');
  assert.match((buildNetwork(result, 99, DEFAULT_SIM_OPTIONS) as { error: string }).error, /no model 99 \(models: 0: Net\)/);
  assert.match((buildNetwork(result, 0, { ...DEFAULT_SIM_OPTIONS, batch: 1e9 }) as { error: string }).error, /batch must be an integer from 1 to 65536/);
  assert.match((buildNetwork(result, 0, { ...DEFAULT_SIM_OPTIONS, seeds: -1 }) as { error: string }).error, /seeds/);
  const unknown = analyze('import torch.nn as nn\nnet = nn.Sequential(nn.Linear(n, m), nn.ReLU(), nn.Linear(m, 1))\n', 'python');
  const r = buildNetwork(unknown, unknown.models[0]!.id, { ...DEFAULT_SIM_OPTIONS, widthDefault: 96 });
  assert.ok('spec' in r);
  assert.equal(r.spec.layers[0]!.fanIn, 96);
  assert.ok(r.spec.assumptions.some((a) => a.key === 'layer:0:fanIn' && /96 assumed/.test(a.message)));
  assert.match((buildNetwork(unknown, unknown.models[0]!.id, { ...DEFAULT_SIM_OPTIONS, widthDefault: 0 }) as { error: string }).error, /default width/);
});
