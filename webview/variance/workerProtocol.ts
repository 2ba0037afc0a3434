/**
 * Messages between the panel page (./simClient.ts) and its simulator worker
 * (./simWorker.ts). Both sides are bundled by us and run in the same webview, so
 * this is a plain internal contract; the webview ↔ extension messages are in
 * src/shared/protocol.ts.
 */
import type { NetworkSpec, SimBackend, SimOptions, SimulationResult } from '../../src/core/sim/types.js';

/** The WASM binaries as the page fetched them (blob: URLs), by the file names tfjs asks for. */
export type WasmFiles = Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>;

export type ToWorker =
  | { kind: 'init'; wasm: WasmFiles | null }
  | { kind: 'run'; id: number; spec: NetworkSpec; options: SimOptions }
  | { kind: 'cancel'; id: number };

export type FromWorker =
  | { kind: 'backend'; backend: SimBackend | null; offscreen: boolean; error?: string }
  | { kind: 'progress'; id: number; done: number; total: number; partial: SimulationResult }
  | { kind: 'done'; id: number; result: SimulationResult }
  | { kind: 'cancelled'; id: number }
  | { kind: 'error'; id: number; message: string };
