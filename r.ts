import { initBackend, runSimulation } from '/work/wt/sim/src/sim/runner.ts';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { NetworkSpec, SimLayer, Sampler } from '/work/wt/sim/src/core/sim/types.ts';
import { DEFAULT_SIM_OPTIONS } from '/work/wt/sim/src/core/sim/types.ts';
const require = createRequire(import.meta.url);
const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/';
console.log(await initBackend(['wasm'], { wasmPath: dir }));
function stack(n: number, w: number, act: any, s: Sampler): NetworkSpec {
  const layers: SimLayer[] = Array.from({ length: n }, (_, i) => ({ index: i, layerId: null, line: null, layer: 'Dense', name: null, kind: 'dense', fanIn: w, fanOut: w, inFeatures: w, outFeatures: w, activation: { name: act }, normalization: null, residual: false, head: false, weight: { current: s, recommended: s, orthogonal: { kind: 'orthogonal', gain: Math.SQRT2 }, lsuv: { kind: 'orthogonal', gain: 1 } }, bias: null, initName: { current: 'x', recommended: 'x', orthogonal: 'orthogonal', lsuv: 'lsuv' } }));
  return { modelId: 0, title: 't', framework: 'pytorch', layers, assumptions: [] };
}
const t = Date.now();
const spec = stack(20, 512, 'relu', { kind: 'normal', mean: 0, std: Math.sqrt(2 / 512) });
const r = await runSimulation(spec, { ...DEFAULT_SIM_OPTIONS, seeds: 8, which: ['current', 'orthogonal', 'lsuv'] });
console.log('ms', Date.now() - t);
for (const s of r.series) console.log(s.init, s.gain, s.layers[19].forwardSecondMoment, s.layers[0].deadFraction, s.layers[0].inactiveFraction, s.layers[0].backwardVar, s.lsuv?.iterations.slice(0,3), s.disagreements.length);
const p = stack(50, 512, 'relu', { kind: 'uniform', low: -1/Math.sqrt(512), high: 1/Math.sqrt(512) });
const r2 = await runSimulation(p, { ...DEFAULT_SIM_OPTIONS, seeds: 3, which: ['current'] });
const s = r2.series[0]; console.log(s.gain, s.layers[49].forwardSecondMoment, s.layers[49].analyticForwardSecondMoment, s.layers[0].backwardVar, s.layers[0].analyticBackwardVar, s.layers[0].weightGradVar, s.layers[0].analyticWeightGradVar);
