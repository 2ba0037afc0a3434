/**
 * Convolutions as the code writes them: kernel size and stride read by the engine,
 * carried by the spec, run as real strided 1-D (height-1 2-D, which is what tfjs's
 * conv1d is), 2-D and 3-D convolutions and strided transposed convolutions, the
 * spatial size shrinking (growing) along the stack and reported.
 *
 * Against the analytic recursion: with strides the mean-field fans are fan_out/∏s
 * (conv) and fan_in/∏s (transposed). 'same' zero padding leaves some taps of the
 * border positions empty, which the recursion ignores; the Monte Carlo ratio to it
 * is exactly the mean fraction of valid taps, computed here by hand per axis:
 * 3 taps, stride 2, 16 → 8: (7·3 + 2)/8/3 = 23/24; 5 taps, stride 2, 16 → 8: 37/40;
 * 3 taps, stride 1, 8 → 8: 22/24; 3 taps, stride 2, 8 → 4: 11/12; a 4-tap stride-2
 * transposed convolution 8 → 16 (the adjoint of 16 → 8): 15/16. The same fraction
 * holds backward (the gradient at a strided layer's input).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/index.js';
import { buildNetwork } from '../../src/core/sim/network.js';
import { convPlan } from '../../src/core/sim/analytic.js';
import { DEFAULT_SIM_OPTIONS, type NetworkSpec, type SimLayer } from '../../src/core/sim/types.js';
import { runSimulation } from '../../src/sim/runner.js';
import { initNodeBackend } from '../../src/sim/node.js';
import * as tf from '@tensorflow/tfjs';
import { conv3dAdjoint } from '../../src/sim/layers.js';
import { normal, opts, stack } from './helpers.js';

before(async () => {
  assert.equal(await initNodeBackend(), 'wasm');
});

test('the engine reads kernel sizes and strides; the spec carries them; the spatial sizes along the stack are reported', () => {
  const src = `import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 32, 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(32, 64, kernel_size=(3, 3), stride=(2, 2))
        self.c3 = nn.Conv2d(64, 64, 3, padding=1)
        self.up = nn.ConvTranspose2d(64, 32, 4, 2, 1)
        self.fc = nn.Linear(32 * 64, 10)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.relu(self.c2(x))
        x = F.relu(self.c3(x))
        x = F.relu(self.up(x))
        return self.fc(x.flatten(1))
`;
  const result = analyze(src, 'python');
  const c2 = result.layers.find((l) => l.name === 'c2')!;
  assert.deepEqual([c2.kernelSize, c2.stride], [[3, 3], [2, 2]]);
  const built = buildNetwork(result, result.models[0]!.id, DEFAULT_SIM_OPTIONS);
  assert.ok('spec' in built);
  const { spec } = built;
  assert.deepEqual(spec.layers.map((l) => l.stride ?? null), [[2, 2], [2, 2], null, [2, 2], null]);
  assert.deepEqual(spec.layers.map((l) => l.kernel ?? null), [[3, 3], [3, 3], [3, 3], [4, 4], null]);
  const plan = convPlan(spec, DEFAULT_SIM_OPTIONS);
  assert.deepEqual(plan.map((g) => g?.output ?? null), [[8, 8], [4, 4], [4, 4], [8, 8], null]);
  const spatial = spec.assumptions.find((a) => a.key === 'spatial')!;
  assert.match(spatial.message, /16×16 → 8×8 → 4×4 → 8×8/);
});

function conv(kernel: number[], stride: number[] | undefined, cin: number, cout: number, kind: SimLayer['kind'] = 'conv'): Partial<SimLayer> {
  const taps = kernel.reduce((a, b) => a * b, 1);
  return { kind, kernel, ...(stride ? { stride } : {}), inFeatures: cin, outFeatures: cout, fanIn: cin * taps, fanOut: cout * taps, layer: 'Conv' };
}

/** A 1×…×1 convolution (stride 1, no padding effect) feeding the layer under test, both linear. */
function twoLayers(first: Partial<SimLayer>, second: Partial<SimLayer>, var1: number, var2: number): NetworkSpec {
  const a = stack(1, 1, 'linear', normal(var1), first).layers[0]!;
  const b = { ...stack(1, 1, 'linear', normal(var2), second).layers[0]!, index: 1 };
  return { modelId: 0, title: 'conv', framework: 'pytorch', layers: [a, b], assumptions: [] };
}

async function ratios(spec: NetworkSpec, batch: number): Promise<{ fwd: number; bwd: number; wg: number; shape: number[] }> {
  const r = await runSimulation(spec, opts({ batch, seeds: 4, which: ['current'], spatial: 16 }));
  const [l0, l1] = r.series[0]!.layers as [typeof r.series[0]['layers'][0], typeof r.series[0]['layers'][0]];
  // Monte Carlo over analytic, for the layer under test alone (the first layer's spread cancels).
  const fwd = l1.forwardSecondMoment / l0.forwardSecondMoment / (l1.analyticForwardSecondMoment! / l0.analyticForwardSecondMoment!);
  const bwd = l0.backwardVar / l1.backwardVar / (l0.analyticBackwardVar! / l1.analyticBackwardVar!);
  // The weight gradient sums input × cotangent over the positions where a tap is valid: the same fraction.
  const wg = l1.weightGradVar / l0.forwardSecondMoment / (l1.analyticWeightGradVar! / l0.analyticForwardSecondMoment!);
  return { fwd, bwd, wg, shape: convPlan(spec, opts({ spatial: 16 }))[1]!.output };
}

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Number.isFinite(actual) && Math.abs(actual / expected - 1) <= tol, `${what}: ${actual} vs ${expected} (±${tol * 100}%)`);
}

test('a strided 2-D convolution (3×3, stride 2, 16 → 8): Monte Carlo = analytic × the valid-tap fraction (23/24)², forward, backward and weight gradient', async () => {
  const spec = twoLayers(conv([1, 1], undefined, 32, 32), conv([3, 3], [2, 2], 32, 64), 1 / 32, 1 / (9 * 32));
  const r = await ratios(spec, 8);
  assert.deepEqual(r.shape, [8, 8]);
  near(r.fwd, (23 / 24) ** 2, 0.03, 'forward');
  near(r.bwd, (23 / 24) ** 2, 0.03, 'backward');
  near(r.wg, (23 / 24) ** 2, 0.05, 'weight gradient');
});

test('a strided 1-D convolution (5 taps, stride 2, 16 → 8) runs as a real conv1d: ratio 37/40 both ways', async () => {
  const spec = twoLayers(conv([1], undefined, 32, 32), conv([5], [2], 32, 64), 1 / 32, 1 / (5 * 32));
  const r = await ratios(spec, 16);
  assert.deepEqual(r.shape, [8]);
  near(r.fwd, 37 / 40, 0.03, 'forward');
  near(r.bwd, 37 / 40, 0.03, 'backward');
  near(r.wg, 37 / 40, 0.05, 'weight gradient');
});

test('a 3-D convolution (3×3×3, stride 1,2,2, 8³ → 8×4×4) runs as a real conv3d: ratio (22/24)(11/12)² both ways', async () => {
  const spec = twoLayers(conv([1, 1, 1], undefined, 8, 8), conv([3, 3, 3], [1, 2, 2], 8, 16), 1 / 8, 1 / (27 * 8));
  const r = await ratios(spec, 4);
  assert.deepEqual(r.shape, [8, 4, 4]);
  near(r.fwd, (22 / 24) * (11 / 12) ** 2, 0.04, 'forward');
  near(r.bwd, (22 / 24) * (11 / 12) ** 2, 0.04, 'backward');
  near(r.wg, (22 / 24) * (11 / 12) ** 2, 0.05, 'weight gradient');
});

test('a strided transposed convolution (4×4, stride 2, 8 → 16) up-samples for real: ratio (15/16)² both ways', async () => {
  // Its input comes from a strided 1×1 convolution (16 → 8), so the transposed one starts at 8×8.
  const spec = twoLayers(conv([1, 1], [2, 2], 32, 32), conv([4, 4], [2, 2], 32, 32, 'conv_transpose'), 1 / 32, 1 / (4 * 32));
  const r = await ratios(spec, 8);
  assert.deepEqual(r.shape, [16, 16]);
  near(r.fwd, (15 / 16) ** 2, 0.03, 'forward');
  near(r.bwd, (15 / 16) ** 2, 0.03, 'backward');
  near(r.wg, (15 / 16) ** 2, 0.05, 'weight gradient');
});

test("the 3-D adjoint built from forward convolutions equals the CPU backend's conv3dTranspose (wasm's 3-D backprop kernels are wrong)", async () => {
  await initNodeBackend(['cpu']);
  try {
    for (const [n, k, s] of [[[8, 8, 8], [3, 3, 3], [1, 1, 1]], [[8, 7, 8], [3, 3, 1], [1, 2, 2]], [[6, 6, 5], [4, 2, 3], [2, 2, 3]]] as const) {
      const w = tf.randomNormal([...k, 3, 5], 0, 1, 'float32', 11);
      const x = tf.randomNormal([2, ...n, 3], 0, 1, 'float32', 12);
      const st = [...s] as [number, number, number];
      const y = tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, st, 'same');
      const dz = tf.randomNormal(y.shape, 0, 1, 'float32', 13);
      const want = tf.conv3dTranspose(dz as tf.Tensor5D, w as tf.Tensor5D, x.shape as [number, number, number, number, number], st, 'same');
      const got = conv3dAdjoint(dz, w, n, s);
      assert.deepEqual(got.shape, want.shape);
      const err = tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]!;
      const scale = tf.max(tf.abs(want)).dataSync()[0]!;
      assert.ok(err <= 1e-5 * scale, `n ${n} k ${k} s ${s}: max error ${err} of ${scale}`);
    }
  } finally {
    await initNodeBackend();
  }
});
