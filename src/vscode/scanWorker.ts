/**
 * The worker thread of the desktop extension's "Analyze workspace" (bundled as
 * dist/scanWorker.cjs; started by scanThreads.ts): each request is one closed
 * file's text with its settings and engine options, each answer its diagnostics
 * (`closedFileDiagnostics`, the same function the in-thread path calls), or null
 * when InitLens skips the file. Plain data both ways; no `vscode` here.
 */
import { parentPort } from 'node:worker_threads';
import { analyze } from '../core/index.js';
import { parseNotebook, toFileOffset } from '../core/notebook.js';
import { closedFileDiagnostics } from './logic/closedFile.js';
import type { ScanReply, ScanRequest } from './scanThreads.js';

const engine = { analyze, parseNotebook, toFileOffset };

parentPort?.on('message', (req: ScanRequest) => {
  let reply: ScanReply;
  try {
    reply = { id: req.id, ok: true, value: closedFileDiagnostics(engine, req.path, req.text, req.settings, req.excluded, req.options) };
  } catch (e) {
    reply = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply);
});
