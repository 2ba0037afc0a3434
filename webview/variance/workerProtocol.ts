/**
 * Messages between the panel page (./simClient.ts) and its simulator worker
 * (./simWorker.ts). Both sides are bundled by us and run in the same webview, so
 * this is a plain internal contract; the webview ↔ extension messages are in
 * src/shared/protocol.ts.
 */
import type { NetworkSpec, SimBackend, SimInit, SimOptions } from '../../src/core/sim/types.js';
import type { SeedRun } from '../../src/core/sim/pool.js';

/** The WASM binaries as the page fetched them (blob: URLs), by the file names tfjs asks for. */
export type WasmFiles = Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>;

export type ToWorker =
  | { kind: 'init'; wasm: WasmFiles | null }
  /**
   * One seed of one init of a run the page pools over its workers (spec and options
   * already fitted to the work budget); `preview`: first measure the same weights on
   * a batch of 16 and post that (`seedPreview`) before the full batch.
   */
  | { kind: 'seed'; id: number; spec: NetworkSpec; options: SimOptions; init: SimInit; seed: number; preview: boolean }
  | { kind: 'cancel'; id: number };

export type FromWorker =
  | { kind: 'backend'; backend: SimBackend | null; offscreen: boolean; error?: string }
  | { kind: 'seedPreview'; id: number; run: SeedRun }
  | { kind: 'seedDone'; id: number; run: SeedRun }
  | { kind: 'cancelled'; id: number }
  | { kind: 'error'; id: number; message: string };
