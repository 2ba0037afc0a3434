/**
 * The Monte Carlo side of the panel: the simulator's tfjs runner (src/sim/runner.ts,
 * written on the `sim` branch) runs inside the webview. Until it is merged this
 * build has no runner and the panel says so; it never shows invented curves.
 */
import type { NetworkSpec, SimBackend, SimOptions, SimProgress, SimulationResult } from '../../src/core/sim/types.js';

export const monteCarloAvailable = false;

export async function initBackend(_wasmPath: string): Promise<SimBackend | null> {
  return null;
}

export async function runSimulation(
  _spec: NetworkSpec,
  _options: SimOptions,
  _hooks: { onProgress?: (p: SimProgress) => void; signal?: AbortSignal },
): Promise<SimulationResult> {
  throw new Error('the Monte Carlo simulator is not part of this build');
}
