/**
 * The desktop extension's engine worker thread (bundled as dist/scanWorker.cjs): plain data in,
 * plain data out, no `vscode` here.
 *
 * - "Analyze workspace" (`scanThreads.ts`): each request is one closed file's text with its
 *   settings and engine options; the answer is its diagnostics (`closedFileDiagnostics`, the same
 *   function the in-thread path calls), or null when InitLens skips the file.
 * - Large open documents (`offThread.ts`): `{ kind: 'live', key, text, language, options }` is
 *   answered by the document's `IncrementalAnalyzer` here (one per key, the most recent few kept),
 *   so that a keystroke re-analyses only what changed; `{ kind: 'forget', key }` drops it.
 */
import { parentPort } from 'node:worker_threads';
import { analyze, IncrementalAnalyzer, type AnalysisOptions, type Language } from '../core/index.js';
import { parseNotebook, toFileOffset } from '../core/notebook.js';
import { closedFileDiagnostics } from './logic/closedFile.js';
import type { ScanReply, ScanRequest } from './scanThreads.js';

const engine = { analyze, parseNotebook, toFileOffset };

export interface LiveRequest {
  kind: 'live';
  id: number;
  key: string;
  text: string;
  language: Language;
  options: Partial<AnalysisOptions>;
}
export interface ForgetRequest {
  kind: 'forget';
  key: string;
}

/** Documents whose analyzers are kept (least recently used dropped first). */
const KEEP = 8;
const analyzers = new Map<string, { analyzer: IncrementalAnalyzer; config: string }>();

function live(req: LiveRequest): unknown {
  const config = JSON.stringify([req.language, req.options]);
  let a = analyzers.get(req.key);
  if (!a || a.config !== config) a = { analyzer: new IncrementalAnalyzer(req.language, req.options), config };
  analyzers.delete(req.key);
  analyzers.set(req.key, a);
  for (const k of analyzers.keys()) {
    if (analyzers.size <= KEEP) break;
    analyzers.delete(k);
  }
  // No change list: the analyzer finds what changed since the text it saw last.
  return a.analyzer.update(req.text);
}

parentPort?.on('message', (req: ScanRequest | LiveRequest | ForgetRequest) => {
  if ('kind' in req && req.kind === 'forget') {
    analyzers.delete(req.key);
    return;
  }
  let reply: ScanReply | { id: number; ok: true; value: unknown };
  try {
    const value = 'kind' in req && req.kind === 'live' ? live(req) : closedFileDiagnostics(engine, req.path, req.text, req.settings, req.excluded, req.options);
    reply = { id: req.id, ok: true, value } as ScanReply;
  } catch (e) {
    reply = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
