/** The language server in a worker thread, over its MessagePort (bench/server.ts bundles and starts it). */
import { parentPort } from 'node:worker_threads';
import { createConnection } from 'vscode-languageserver/node';
import { PortMessageReader, PortMessageWriter } from 'vscode-jsonrpc/node';
import { startSession } from '../src/server/session.js';

if (!parentPort) throw new Error('bench/server-worker.ts runs in a worker thread');
startSession(createConnection(new PortMessageReader(parentPort), new PortMessageWriter(parentPort)));
