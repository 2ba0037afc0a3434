/**
 * The web extension's stand-in for src/vscode/scanThreads.ts (swapped in by
 * scripts/build.mjs for dist/web/extension.js): a browser extension host has no
 * worker_threads, so "Analyze workspace" analyses in the extension host's
 * thread, one file at a time, giving the event loop back every 15 ms
 * (logic/workspaceScan.ts). A Web Worker would need its own bundle served from
 * the extension's files; not done (docs/editor.md).
 */
import type { ScanThreads, ScanThreadsOptions } from '../vscode/scanThreads.js';

export function startScanThreads(_opts: ScanThreadsOptions): ScanThreads | null {
  return null;
}
