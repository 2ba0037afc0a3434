/**
 * The web extension's stand-in for src/vscode/offThread.ts (swapped in by scripts/build.mjs): a
 * browser extension host has no worker_threads, so every document is analysed in the extension
 * host's thread, large ones included.
 */
import type { OffThread, OffThreadOptions } from '../vscode/offThread.js';

export function startOffThread(_opts: OffThreadOptions): OffThread | null {
  return null;
}
