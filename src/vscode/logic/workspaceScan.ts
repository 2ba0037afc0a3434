/**
 * The loop of the editor's "Analyze workspace" command, without `vscode`: every
 * file found is read and analysed, with progress reported per file, the
 * cancellation checked before each file, and the extension host's event loop
 * given back whenever a time slice has passed (so typing, the Cancel button and
 * progress stay responsive). Open documents are skipped: their diagnostics are live.
 *
 * `lanes` files are in flight at once. With one lane (the web extension, where
 * the analysis runs in this thread) files go one after the other and one file's
 * analysis is the longest stretch the host is blocked. With worker threads
 * (`scanThreads.ts`, desktop) `host.analyze` only posts the text to a worker, so
 * the host reads the next files while the workers analyse, and each file's
 * findings are published as soon as its worker answers (not in the order found).
 */
import type { DiagnosticData } from './present.js';

export interface WorkspaceScanHost<F> {
  /** Open in the editor (analysed live): skipped. */
  isOpen(file: F): boolean;
  /** The file's text, or null when it cannot be read. */
  read(file: F): Promise<string | null>;
  /** Its diagnostics, or null when InitLens skips it (closedFileDiagnostics). */
  analyze(file: F, text: string): Promise<DiagnosticData[] | null> | DiagnosticData[] | null;
  /** Show a file's findings (called only for files with findings). */
  publish(file: F, text: string, found: DiagnosticData[]): void;
  /** Progress: the file about to be analysed and the share of the whole it is (percent). */
  progress(file: F, increment: number): void;
  isCancelled(): boolean;
  /** A clock in ms (performance.now). */
  now(): number;
  /** Give the event loop back (a macrotask: timers, input and cancellation run meanwhile). */
  yieldToHost(): Promise<void>;
}

export interface WorkspaceScanSummary {
  /** Files analysed (not skipped, read). */
  files: number;
  withFindings: number;
  findings: number;
  cancelled: boolean;
}

/** Milliseconds of analysis between two yields to the event loop. */
export const SCAN_SLICE_MS = 15;

export interface ScanOptions {
  /** Milliseconds of work on this thread between two yields to the event loop. */
  sliceMs?: number;
  /** Files in flight at once (1: one after the other). */
  lanes?: number;
}

export async function scanWorkspaceFiles<F>(files: readonly F[], host: WorkspaceScanHost<F>, options: ScanOptions = {}): Promise<WorkspaceScanSummary> {
  const sliceMs = options.sliceMs ?? SCAN_SLICE_MS;
  const summary: WorkspaceScanSummary = { files: 0, withFindings: 0, findings: 0, cancelled: false };
  let slice = host.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      if (host.now() - slice >= sliceMs) {
        await host.yieldToHost();
        slice = host.now();
      }
      if (host.isCancelled() || next >= files.length) return;
      const file = files[next++];
      host.progress(file, 100 / files.length);
      if (host.isOpen(file)) continue;
      const text = await host.read(file);
      if (text === null) continue;
      const found = await host.analyze(file, text);
      if (found === null) continue;
      summary.files++;
      if (found.length === 0) continue;
      summary.withFindings++;
      summary.findings += found.length;
      host.publish(file, text, found);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.lanes ?? 1, files.length)) }, lane));
  summary.cancelled = host.isCancelled();
  return summary;
}
