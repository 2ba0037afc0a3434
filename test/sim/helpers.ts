/** Shared helpers for the simulator tests: plain stacks as NetworkSpecs, and the Node backend. */
import type { ActivationName } from '../../src/core/types.js';
import type { NetworkSpec, Sampler, SimLayer, SimOptions } from '../../src/core/sim/types.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/core/sim/types.js';

export function stack(depth: number, width: number, act: ActivationName, weight: Sampler, extra: Partial<SimLayer> = {}): NetworkSpec {
  const layers: SimLayer[] = Array.from({ length: depth }, (_, i) => ({
    index: i,
    layerId: null,
    line: null,
    layer: 'Dense',
    name: null,
    kind: 'dense',
    fanIn: width,
    fanOut: width,
    inFeatures: width,
    outFeatures: width,
    activation: { name: act },
    normalization: null,
    residual: false,
    head: false,
    weight: { current: weight, recommended: weight, orthogonal: { kind: 'orthogonal', gain: 1 }, lsuv: { kind: 'orthogonal', gain: 1 } },
    bias: null,
    initName: { current: 'test', recommended: 'test', orthogonal: 'orthogonal', lsuv: 'lsuv' },
    ...extra,
  }));
  return { modelId: 0, title: 'stack', framework: 'pytorch', layers, assumptions: [] };
}

export const normal = (v: number): Sampler => ({ kind: 'normal', mean: 0, std: Math.sqrt(v) });
export const uniform = (limit: number): Sampler => ({ kind: 'uniform', low: -limit, high: limit });

export function opts(extra: Partial<SimOptions>): SimOptions {
  return { ...DEFAULT_SIM_OPTIONS, ...extra };
}
