/**
 * The simulator's tfjs backend: WebGPU → WebGL2 float32 → WASM → CPU in a
 * browser/webview, WASM then CPU in Node. No Node built-ins here.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { SimBackend } from '../core/sim/types.js';

let wasmRegistered = false;
async function registerWasm(wasmPath?: string): Promise<void> {
  if (!wasmRegistered) {
    await import('@tensorflow/tfjs-backend-wasm');
    wasmRegistered = true;
  }
  if (wasmPath) setWasmPaths(wasmPath);
}

function inBrowser(): boolean {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown; navigator?: { userAgent?: string } };
  return g.document !== undefined || g.WorkerGlobalScope !== undefined;
}

async function tryBackend(b: SimBackend, wasmPath?: string): Promise<boolean> {
  try {
    if (b === 'webgpu') {
      const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
      if (!gpu || !tf.findBackendFactory('webgpu')) return false;
      if (!(await gpu.requestAdapter())) return false;
      return await tf.setBackend('webgpu');
    }
    if (b === 'webgl') {
      if (!inBrowser()) return false;
      // Second moments of 1e-16 are common: never accept float16 textures.
      tf.env().set('WEBGL_FORCE_F16_TEXTURES', false);
      if (!(await tf.setBackend('webgl'))) return false;
      if (tf.env().getNumber('WEBGL_VERSION') !== 2 || !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) return false;
      return true;
    }
    if (b === 'wasm') {
      await registerWasm(wasmPath);
      return await tf.setBackend('wasm');
    }
    return await tf.setBackend('cpu');
  } catch {
    return false;
  }
}

/**
 * Pick the first working backend: WebGPU (an adapter is returned) → WebGL2 with
 * float32 textures → WASM → CPU in a browser; WASM then CPU in Node. The wasm
 * binaries' folder (or URL) is given by the caller as `wasmPath`.
 */
export async function initBackend(preferred?: SimBackend[], opts: { wasmPath?: string } = {}): Promise<SimBackend> {
  const order: SimBackend[] = preferred && preferred.length > 0 ? preferred : inBrowser() ? ['webgpu', 'webgl', 'wasm', 'cpu'] : ['wasm', 'cpu'];
  for (const b of order) {
    if (await tryBackend(b, opts.wasmPath)) {
      await tf.ready();
      return b;
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

export function currentBackend(): SimBackend {
  const b = tf.getBackend();
  return b === 'webgpu' || b === 'webgl' || b === 'wasm' ? b : 'cpu';
}
