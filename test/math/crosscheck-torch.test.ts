/**
 * Cross-check weightVariance('pytorch', …) and torchCalculateGain against real
 * PyTorch draws. Needs torch for /usr/bin/python3; when it is missing the test
 * installs it with scripts/ensure-torch.sh (apt) and fails if that does not work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { torchCalculateGain, weightVariance } from '../../src/core/math/index.js';
import type { LayerKind } from '../../src/core/math/index.js';
import type { InitName, InitSpec } from '../../src/core/types.js';

const PY = '/usr/bin/python3';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function torchImportable(): boolean {
  return spawnSync(PY, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

function ensureTorch(): void {
  if (torchImportable()) return;
  const r = spawnSync('sh', ['scripts/ensure-torch.sh'], { cwd: ROOT, stdio: 'inherit', timeout: 40 * 60_000 });
  assert.equal(r.status, 0, 'scripts/ensure-torch.sh failed');
  assert.ok(torchImportable(), 'torch still not importable after scripts/ensure-torch.sh');
}

function spec(name: InitName, extra: Partial<InitSpec> = {}): InitSpec {
  return { name, explicit: true, source: 'init-call', ...extra };
}

interface Case {
  /** Python expression producing the weight tensor `w` (torch, nn, init in scope). */
  py: string;
  init: InitSpec;
  fanIn: number;
  fanOut: number;
  kind?: LayerKind;
}

const CASES: Record<string, Case> = {
  linear_default: { py: 'nn.Linear(512, 512).weight', init: spec('pytorch_default'), fanIn: 512, fanOut: 512 },
  conv2d_default: { py: 'nn.Conv2d(64, 128, 3).weight', init: spec('pytorch_default'), fanIn: 64 * 9, fanOut: 128 * 9 },
  lstm_default: { py: 'nn.LSTM(64, 256).weight_hh_l0', init: spec('pytorch_default'), fanIn: 64, fanOut: 256, kind: { recurrent: true } },
  lstm_ih_default: { py: 'nn.LSTM(64, 256).weight_ih_l0', init: spec('pytorch_default'), fanIn: 64, fanOut: 256, kind: { recurrent: true } },
  embedding_default: { py: 'nn.Embedding(1000, 64).weight', init: spec('pytorch_default'), fanIn: 64, fanOut: 1000, kind: { embedding: true } },
  kaiming_normal: { py: 'init.kaiming_normal_(torch.empty(512, 512))', init: spec('he_normal'), fanIn: 512, fanOut: 512 },
  kaiming_normal_fanout_tanh: {
    py: "init.kaiming_normal_(torch.empty(256, 1024), mode='fan_out', nonlinearity='tanh')",
    init: spec('he_normal', { mode: 'fan_out', nonlinearity: 'tanh' }), fanIn: 1024, fanOut: 256,
  },
  kaiming_uniform_leaky: {
    py: "init.kaiming_uniform_(torch.empty(512, 512), a=0.2, nonlinearity='leaky_relu')",
    init: spec('he_uniform', { a: 0.2, nonlinearity: 'leaky_relu' }), fanIn: 512, fanOut: 512,
  },
  kaiming_linear: {
    py: "init.kaiming_normal_(torch.empty(512, 512), nonlinearity='linear')",
    init: spec('he_normal', { nonlinearity: 'linear' }), fanIn: 512, fanOut: 512,
  },
  xavier_uniform: { py: 'init.xavier_uniform_(torch.empty(512, 512))', init: spec('glorot_uniform'), fanIn: 512, fanOut: 512 },
  // Kernels flatten to out × (in·k): a tall one (1 input channel, 64 filters of 5×5) and a wide one.
  orthogonal_conv_tall: { py: 'init.orthogonal_(torch.empty(64, 1, 5, 5), gain=math.sqrt(2))', init: spec('orthogonal', { gain: Math.SQRT2 }), fanIn: 25, fanOut: 64 * 25, kind: { kernelSize: [5, 5] } },
  orthogonal_conv_wide: { py: 'init.orthogonal_(torch.empty(32, 64, 3, 3))', init: spec('orthogonal'), fanIn: 64 * 9, fanOut: 32 * 9, kind: { kernelSize: [3, 3] } },
  orthogonal_convT: { py: 'init.orthogonal_(nn.ConvTranspose2d(8, 128, 4).weight)', init: spec('orthogonal'), fanIn: 128 * 16, fanOut: 8 * 16, kind: { kernelSize: [4, 4] } },
  xavier_uniform_tanh: {
    py: "init.xavier_uniform_(torch.empty(700, 300), gain=init.calculate_gain('tanh'))",
    init: spec('glorot_uniform', { gain: 5 / 3 }), fanIn: 300, fanOut: 700,
  },
  xavier_normal: { py: 'init.xavier_normal_(torch.empty(400, 600))', init: spec('glorot_normal'), fanIn: 600, fanOut: 400 },
  trunc_normal_002: { py: 'init.trunc_normal_(torch.empty(512, 512), std=0.02)', init: spec('truncated_normal', { std: 0.02 }), fanIn: 512, fanOut: 512 },
  trunc_normal_std1: { py: 'init.trunc_normal_(torch.empty(512, 512))', init: spec('truncated_normal'), fanIn: 512, fanOut: 512 },
  trunc_normal_asym: {
    py: 'init.trunc_normal_(torch.empty(512, 512), mean=0.0, std=0.5, a=-0.25, b=1.0)',
    init: spec('truncated_normal', { std: 0.5, minval: -0.25, maxval: 1.0 }), fanIn: 512, fanOut: 512,
  },
  normal: { py: 'init.normal_(torch.empty(512, 512), std=0.3)', init: spec('random_normal', { std: 0.3 }), fanIn: 512, fanOut: 512 },
  uniform: { py: 'init.uniform_(torch.empty(512, 512), -0.1, 0.3)', init: spec('random_uniform', { minval: -0.1, maxval: 0.3 }), fanIn: 512, fanOut: 512 },
  orthogonal_wide: { py: 'init.orthogonal_(torch.empty(256, 512), gain=2.0)', init: spec('orthogonal', { gain: 2 }), fanIn: 512, fanOut: 256 },
  orthogonal_tall: { py: 'init.orthogonal_(torch.empty(512, 128))', init: spec('orthogonal'), fanIn: 128, fanOut: 512 },
};

const GAIN_NAMES = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu', 'gelu', 'silu', 'elu'];

function runPython(): { variances: Record<string, number>; gains: Record<string, number | null> } {
  const lines = [
    'import json, math, torch',
    'from torch import nn',
    'from torch.nn import init',
    'torch.manual_seed(0)',
    'out = {"variances": {}, "gains": {}}',
    ...Object.entries(CASES).map(([id, c]) => `w = (${c.py}).detach().double()\nout["variances"][${JSON.stringify(id)}] = w.var().item()`),
    ...GAIN_NAMES.map(
      (n) => `try:\n    out["gains"][${JSON.stringify(n)}] = init.calculate_gain(${JSON.stringify(n)})\nexcept ValueError:\n    out["gains"][${JSON.stringify(n)}] = None`,
    ),
    'out["gains"]["leaky_relu_0.2"] = init.calculate_gain("leaky_relu", 0.2)',
    'out["gains"]["leaky_relu_sqrt5"] = init.calculate_gain("leaky_relu", math.sqrt(5))',
    'print(json.dumps(out))',
  ];
  const r = spawnSync(PY, ['-c', lines.join('\n')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('weightVariance("pytorch") matches real torch draws within 3%; calculate_gain is identical', { timeout: 45 * 60_000 }, () => {
  ensureTorch();
  const { variances, gains } = runPython();
  for (const [id, c] of Object.entries(CASES)) {
    const predicted = weightVariance('pytorch', c.init, c.fanIn, c.fanOut, c.kind);
    assert.ok(predicted !== null, `${id}: predicted null`);
    const sampled = variances[id]!;
    assert.ok(Math.abs(sampled / predicted - 1) < 0.03, `${id}: torch ${sampled} vs predicted ${predicted}`);
  }
  for (const n of GAIN_NAMES) {
    const ours = torchCalculateGain(n);
    const theirs = gains[n];
    if (theirs === null) assert.equal(ours, null, n);
    else assert.ok(ours !== null && Math.abs(ours - theirs!) < 1e-15, `${n}: ${ours} vs ${theirs}`);
  }
  assert.ok(Math.abs(torchCalculateGain('leaky_relu', 0.2)! - gains['leaky_relu_0.2']!) < 1e-15);
  assert.ok(Math.abs(torchCalculateGain('leaky_relu', Math.sqrt(5))! - gains['leaky_relu_sqrt5']!) < 1e-15);
});
