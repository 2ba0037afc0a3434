/**
 * The Monte Carlo side of the panel: the simulator's tfjs runner
 * (src/sim/runner.ts), run inside the webview's simulator worker (./simWorker.ts;
 * the page talks to it through ./simClient.ts).
 *
 * Backend order: WASM (SIMD) first, then WebGPU, WebGL2 with float32 textures,
 * CPU. Networks at init are small (batch 64, widths of a few hundred): there
 * WebGL's shader compilation dominates — the first curve of a 7-layer,
 * width-256 model took 13.8 s on WebGL (SwiftShader, headless Chromium) — while
 * WASM compiles nothing per kernel. The WASM binaries ship next to this bundle
 * (dist/webview/), found through `assets`.
 *
 * The inits are run one after the other (current first), each reporting its
 * pooled seeds, so the first Monte Carlo curve is drawn after one init's first
 * seed rather than after a seed of all four.
 */
import type { NetworkSpec, SimBackend, SimInit, SimOptions, SimProgress, SimSeries, SimulationResult } from '../../src/core/sim/types.js';
import { DEFAULT_MAX_SEEDS, SIM_INITS } from '../../src/core/sim/types.js';
import { fitBudget } from '../../src/core/sim/budget.js';
import { validateSimOptions } from '../../src/core/sim/network.js';
import { initBackend as init, runFitted as run } from '../../src/sim/runner.js';

/**
 * `assets`: the folder (URL) of the WASM binaries; empty when the caller already
 * told tfjs where they are (the worker, with setWasmPaths and a map of blob: URLs).
 */
export async function initBackend(assets: string): Promise<SimBackend | null> {
  return init(['wasm', 'webgpu', 'webgl', 'cpu'], assets ? { wasmPath: assets.endsWith('/') ? assets : `${assets}/` } : {});
}

export async function runSimulation(
  spec: NetworkSpec,
  options: SimOptions,
  hooks: { onProgress?: (p: SimProgress) => void; signal?: AbortSignal },
): Promise<SimulationResult> {
  const which: SimInit[] = options.which ?? [...SIM_INITS];
  // The whole run is fitted to the work budget once (every init's seeds count), as the CLI and server do.
  const bad = validateSimOptions(options);
  if (bad) throw new Error(bad);
  const fitted = fitBudget(spec, { ...options, which });
  spec = fitted.spec;
  options = fitted.options;
  const cap = options.seeds > 0 ? options.seeds : (options.maxSeeds ?? DEFAULT_MAX_SEEDS);
  const finished: SimSeries[] = [];
  const t0 = performance.now();
  let firstCurveMs: number | null = null;
  let last: SimulationResult | null = null;
  const merged = (r: SimulationResult): SimulationResult => ({
    ...r,
    // the options as simulated (the work budget may have reduced batch or widths), for every init
    options: { ...r.options, which },
    series: [...finished, ...r.series],
    timings: { firstCurveMs, totalMs: performance.now() - t0 },
  });
  for (const [i, initName] of which.entries()) {
    const r = await run(spec, { ...options, which: [initName] }, {
      signal: hooks.signal,
      onProgress: (p) => {
        firstCurveMs ??= performance.now() - t0;
        hooks.onProgress?.({ done: i * cap + p.done, total: which.length * cap, partial: merged(p.partial) });
      },
    });
    last = merged(r);
    finished.push(...r.series);
  }
  return { ...last!, series: finished, timings: { firstCurveMs, totalMs: performance.now() - t0 } };
}
