/**
 * The backend of the panel's simulator worker (./simWorker.ts), which runs the
 * simulator's tfjs runner (src/sim/runner.ts) one seed at a time for the page's
 * pool (./simClient.ts).
 *
 * Backend order: WASM (SIMD) first, then WebGPU, WebGL2 with float32 textures,
 * CPU. Networks at init are small (batch 64, widths of a few hundred): there
 * WebGL's shader compilation dominates — the first curve of a 7-layer,
 * width-256 model took 13.8 s on WebGL (SwiftShader, headless Chromium) — while
 * WASM compiles nothing per kernel. The WASM binaries ship next to this bundle
 * (dist/webview/), found through `assets`.
 */
import type { SimBackend } from '../../src/core/sim/types.js';
import { initBackend as init } from '../../src/sim/runner.js';

/**
 * `assets`: the folder (URL) of the WASM binaries; empty when the caller already
 * told tfjs where they are (the worker, with setWasmPaths and a map of blob: URLs).
 */
export async function initBackend(assets: string): Promise<SimBackend | null> {
  return init(['wasm', 'webgpu', 'webgl', 'cpu'], assets ? { wasmPath: assets.endsWith('/') ? assets : `${assets}/` } : {});
}
