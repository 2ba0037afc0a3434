import { DEFAULT_SIM_OPTIONS, type NetworkSpec, type SimLayer } from './src/core/sim/types.js';
import { runSeed, runSimulation, scoped } from './src/sim/runner.js';
import { initNodeBackend } from './src/sim/node.js';
import { drawParams } from './src/sim/layers.js';
import { convPlan } from './src/core/sim/analytic.js';
function mlp(depth: number, width: number): NetworkSpec {
  const he = { kind: 'normal' as const, mean: 0, std: Math.sqrt(2 / width) };
  const layers: SimLayer[] = Array.from({ length: depth }, (_, i) => ({
    index: i, layerId: null, line: null, layer: 'Linear', name: null, kind: 'dense', fanIn: width, fanOut: width, inFeatures: width, outFeatures: width,
    activation: { name: 'relu' }, normalization: null, residual: false, head: false,
    weight: { current: he, recommended: he, orthogonal: { kind: 'orthogonal', gain: Math.SQRT2 }, lsuv: { kind: 'orthogonal', gain: 1 } },
    bias: null, initName: { current: 'he_normal', recommended: 'he_normal', orthogonal: 'orthogonal', lsuv: 'lsuv' },
  }));
  return { modelId: 0, title: 'mlp', framework: 'pytorch', layers, assumptions: [] };
}
let t = performance.now();
await initNodeBackend();
console.log('init', (performance.now() - t).toFixed(0));
const spec = mlp(50, 512);
const o = { ...DEFAULT_SIM_OPTIONS, seeds: 1, which: ['current' as const] };
const g = { batch: 64, spatial: 16, steps: 8, plan: convPlan(spec, o) };
for (let r = 0; r < 2; r++) {
  t = performance.now();
  scoped(() => spec.layers.forEach((l) => drawParams(l, 'current', 1, g, false)));
  console.log('draw', (performance.now() - t).toFixed(0));
  t = performance.now();
  scoped(() => runSeed(spec, o, { init: 'current', seed: 1 + r, batch: 64 }));
  console.log('runSeed', (performance.now() - t).toFixed(0));
  for (const b of [16, 64]) {
    t = performance.now();
    scoped(() => runSeed(spec, o, { init: 'current', seed: 1 + r, batch: b }));
    console.log('runSeed batch', b, (performance.now() - t).toFixed(0));
  }
}
t = performance.now();
let first = 0;
await runSimulation(spec, o, { onProgress: () => (first ||= performance.now() - t) });
console.log('runSimulation first curve', first.toFixed(0));
