/**
 * For scripts/verify_sim.py: the simulator's tensors for one seed of a few small
 * networks (dense with ReLU/tanh/GELU/SELU/leaky ReLU and biases, LayerNorm,
 * 'same' convolutions), as JSON on stdout, so PyTorch can recompute the same
 * forward and backward from the same weights.
 */
import type { NetworkSpec, Sampler, SimLayer } from '../src/core/sim/types.js';
import { DEFAULT_SIM_OPTIONS } from '../src/core/sim/types.js';
import { traceSeed } from '../src/sim/runner.js';
import { initNodeBackend } from '../src/sim/node.js';

function layer(i: number, kind: SimLayer['kind'], inF: number, outF: number, act: SimLayer['activation'], extra: Partial<SimLayer> = {}): SimLayer {
  const taps = kind === 'conv' ? 9 : 1;
  const w: Sampler = { kind: 'normal', mean: 0, std: Math.sqrt(2 / (inF * taps)) };
  return {
    index: i, layerId: null, line: null, layer: kind === 'conv' ? 'Conv2d' : 'Linear', name: null, kind,
    fanIn: inF * taps, fanOut: outF * taps, inFeatures: inF, outFeatures: outF, activation: act,
    normalization: null, residual: false, head: false,
    weight: { current: w, recommended: w, orthogonal: { kind: 'orthogonal', gain: 1 }, lsuv: { kind: 'orthogonal', gain: 1 } },
    bias: { kind: 'uniform', low: -0.1, high: 0.1 },
    initName: { current: 'x', recommended: 'x', orthogonal: 'orthogonal', lsuv: 'lsuv' },
    ...(kind === 'conv' ? { kernel: [3, 3] } : {}),
    ...extra,
  };
}

const nets: NetworkSpec[] = [
  {
    modelId: 0, title: 'dense', framework: 'pytorch', assumptions: [],
    layers: [
      layer(0, 'dense', 48, 96, { name: 'relu' }),
      layer(1, 'dense', 96, 96, { name: 'tanh' }),
      layer(2, 'dense', 96, 80, { name: 'gelu' }),
      layer(3, 'dense', 80, 80, { name: 'selu' }),
      layer(4, 'dense', 80, 64, { name: 'leaky_relu', param: 0.2 }, { normalization: 'layernorm' }),
      layer(5, 'dense', 64, 64, { name: 'silu' }, { residual: true }),
      layer(6, 'dense', 64, 10, { name: 'linear' }),
    ],
  },
  {
    modelId: 1, title: 'conv', framework: 'pytorch', assumptions: [],
    layers: [
      layer(0, 'conv', 3, 16, { name: 'relu' }),
      layer(1, 'conv', 16, 16, { name: 'tanh' }),
      layer(2, 'conv', 16, 8, { name: 'linear' }),
    ],
  },
];

await initNodeBackend(['wasm']);
const out = nets.map((spec) => {
  const t = traceSeed(spec, { ...DEFAULT_SIM_OPTIONS, batch: 32, spatial: 8 }, 'current', 3);
  return {
    title: spec.title,
    layers: spec.layers.map((l) => ({ kind: l.kind, activation: l.activation, normalization: l.normalization, residual: l.residual })),
    input: Array.from(t.input),
    inputShape: t.inputShape,
    trace: t.layers.map((x) => ({ w: Array.from(x.w), wShape: x.wShape, b: x.b ? Array.from(x.b) : null, y: Array.from(x.y), yShape: x.yShape, dy: Array.from(x.dy) })),
  };
});
process.stdout.write(JSON.stringify(out));
