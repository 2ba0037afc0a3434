/**
 * The server under bad conditions: a cancelled workspace scan (with $/progress),
 * malformed and unexpected messages, bad arguments, the socket transport, and
 * clients that disappear (stdin closed, parent killed, client process gone):
 * the server exits and leaves no process behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, createMessageConnection, SocketMessageReader, SocketMessageWriter, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { Diagnostic, Hover } from 'vscode-languageserver';
import { alive, ensureServerBuilt, serverCommand, startClient, waitGone } from './client.js';

const URI = 'file:///work/model.py';
const KERAS = 'from tensorflow import keras\nmodel = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(512, activation="relu")])\n';

function hover(client: Awaited<ReturnType<typeof startClient>>): Promise<Hover | null> {
  return client.conn.sendRequest('textDocument/hover', { textDocument: { uri: URI }, position: { line: 1, character: 70 } }) as Promise<Hover | null>;
}

test('workspace scan: $/progress, a cancelled workspace/diagnostic answers RequestCancelled, then a full scan', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'initlens-scan-'));
  try {
    for (let i = 0; i < 60; i++) writeFileSync(join(dir, `m${String(i).padStart(3, '0')}.py`), KERAS.replace('512', String(100 + i)));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules', 'dep.py'), KERAS); // never entered
    writeFileSync(join(dir, 'binary.py'), Buffer.from([0x66, 0x00, 0x01])); // skipped: binary
    writeFileSync(join(dir, 'latin1.py'), Buffer.from([0x23, 0xe9, 0x0a])); // skipped: not UTF-8
    const client = await startClient({ capabilities: { textDocument: { diagnostic: {} } }, workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'ws' }] });
    try {
      const source = new CancellationTokenSource();
      const pending = client.conn.sendRequest('workspace/diagnostic', { previousResultIds: [], workDoneToken: 'scan-1' }, source.token);
      for (let i = 0; i < 400 && !client.progress.some((p) => p.token === 'scan-1' && p.value.kind === 'report'); i++) await new Promise((r) => setTimeout(r, 5));
      source.cancel();
      await assert.rejects(pending, (e: { code: number }) => e.code === -32800);
      for (let i = 0; i < 100 && !client.progress.some((p) => p.value.kind === 'end'); i++) await new Promise((r) => setTimeout(r, 10));
      const kinds = client.progress.filter((p) => p.token === 'scan-1').map((p) => p.value.kind);
      assert.equal(kinds[0], 'begin');
      assert.equal(kinds.at(-1), 'end', 'the progress is ended even when cancelled');
      const reports = kinds.filter((k) => k === 'report').length;
      assert.ok(reports < 60, `cancelled before the end (${reports} of 60 files)`);

      // Still serving after the cancellation: the whole scan.
      const full = (await client.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as { items: { uri: string; kind: string; resultId: string; items: Diagnostic[] }[] };
      assert.equal(full.items.length, 60, 'node_modules, binary and non-UTF-8 files left out');
      assert.ok(full.items.every((i) => i.kind === 'full' && i.items.length === 1 && i.items[0]!.code === 'IL001'));

      // Asked again with the result ids: files not modified since are reported unchanged, an edited one in full.
      writeFileSync(join(dir, 'm000.py'), KERAS.replace('activation="relu"', 'activation="relu", kernel_initializer="he_normal"'));
      const again = (await client.conn.sendRequest('workspace/diagnostic', {
        previousResultIds: full.items.map((i) => ({ uri: i.uri, value: i.resultId })),
      })) as { items: { uri: string; kind: string; items?: Diagnostic[] }[] };
      const changed = again.items.filter((i) => i.kind === 'full');
      assert.deepEqual(changed.map((i) => [i.uri.endsWith('/m000.py'), i.items!.length]), [[true, 0]]);
      assert.equal(again.items.filter((i) => i.kind === 'unchanged').length, 59);

      // The command form pushes nothing to a pull client but reports counts.
      const summary = await client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.analyzeWorkspace', arguments: [] });
      assert.deepEqual(summary, { files: 60, findings: 59, withFindings: 59 });
      // The command's own progress (created by the server with window/workDoneProgress/create).
      const own = client.progress.filter((p) => p.token !== 'scan-1').map((p) => p.value.kind);
      assert.equal(own[0], 'begin');
      assert.equal(own.at(-1), 'end');
    } finally {
      await client.shutdown();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a request cancelled before the server dispatches it is answered RequestCancelled, and the server goes on', async () => {
  const client = await startClient();
  try {
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: KERAS } });
    // The request and its $/cancelRequest in one write (one pipe read on the server's side): the cancel
    // is known when the request is dispatched, whatever the timing. (A request cancelled while it runs:
    // test/server/simulate.test.ts, where the server provably waits on the client.)
    const answers = new StreamMessageReader(client.proc.stdout!);
    const answer = new Promise<{ id: unknown; error?: { code: number }; result?: unknown }>((resolve) =>
      answers.listen((m) => {
        if ((m as { id?: unknown }).id === 'cancelled-1') resolve(m as never);
      }),
    );
    const frame = (body: object) => {
      const json = JSON.stringify({ jsonrpc: '2.0', ...body });
      return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
    };
    client.proc.stdin!.write(
      frame({ id: 'cancelled-1', method: 'textDocument/codeLens', params: { textDocument: { uri: URI } } }) + frame({ method: '$/cancelRequest', params: { id: 'cancelled-1' } }),
    );
    const reply = await answer;
    answers.dispose();
    assert.equal(reply.error?.code, -32800, `RequestCancelled, got ${JSON.stringify(reply)}`);
    assert.match(((await hover(client))!.contents as { value: string }).value, /fan_in 784/);
  } finally {
    await client.shutdown();
  }
});

test('malformed and unexpected messages get errors, not a crash', async () => {
  const client = await startClient();
  try {
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: KERAS } });
    const raw = (body: string) => client.proc.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    raw('{this is not json');
    raw('[1, 2, 3]');
    raw('{"jsonrpc":"2.0","id":"x1","method":"textDocument/hover","params":42}');
    raw('{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///never/opened.py","version":2},"contentChanges":[{"text":"x"}]}}');
    raw('{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"' + URI + '","version":2},"contentChanges":[{"range":{"start":{"line":99,"character":0},"end":{"line":120,"character":5}},"text":"# appended\\n"}]}}');
    await assert.rejects(client.conn.sendRequest('initlens/noSuchMethod', {}), (e: { code: number }) => e.code === -32601);
    await assert.rejects(client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.simulateModel', arguments: [42] }), (e: { code: number }) => e.code === -32602);
    // The out-of-range change was clamped to the end of the text; the document is still analysed.
    const h = await hover(client);
    assert.match((h!.contents as { value: string }).value, /fan_in 784/);
    assert.equal(client.proc.exitCode, null, 'still running');
  } finally {
    await client.shutdown();
  }
});

test('a message header without Content-Length: a clear message and exit status 1, not a hang', async () => {
  const client = await startClient();
  client.proc.stdin!.write('X-Garbage: yes\r\n\r\n{"jsonrpc":"2.0","id":9,"method":"shutdown"}');
  assert.equal(await client.exited, 1);
  assert.match(client.stderr(), /unreadable message header, the stream cannot be resynchronized; exiting \(Header must provide a Content-Length property/);
});

test('bad arguments: a clear message and exit status 2', async () => {
  ensureServerBuilt();
  for (const args of [['--socket', 'abc'], ['--bogus']]) {
    const child = spawn(process.execPath, [...serverCommand, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 2, args.join(' '));
    assert.match(err, args[0] === '--socket' ? /--socket needs a port number/ : /unknown option "--bogus"/);
    assert.match(err, /Usage: initlens server/);
  }
});

test('--socket: listens on 127.0.0.1, serves one client, exits when it disconnects', async () => {
  ensureServerBuilt();
  const child = spawn(process.execPath, [...serverCommand, '--socket', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d) => {
        err += d.toString();
        const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error(`exited: ${err}`)));
    });
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.on('connect', () => r()));
    const conn = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
    const pushed = new Promise<{ diagnostics: Diagnostic[] }>((r) => conn.onNotification('textDocument/publishDiagnostics', r));
    conn.listen();
    await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: KERAS } });
    assert.equal((await pushed).diagnostics[0]!.code, 'IL001');
    // A second client is refused: the server serves one per process.
    const second = net.connect(port, '127.0.0.1');
    const refused = await new Promise<boolean>((r) => {
      second.on('error', () => r(true));
      second.on('connect', () => r(false));
    });
    second.destroy();
    assert.equal(refused, true);
    socket.destroy();
    assert.ok(await waitGone(child.pid!, 5000), 'the server exits when its client disconnects');
  } finally {
    child.kill('SIGKILL');
  }
});

test('a client that disappears: stdin closed, parent killed, client process gone', async () => {
  // 1. stdin closed without shutdown: the server exits (status 1: no shutdown came first).
  const a = await startClient();
  a.proc.stdin!.end();
  assert.equal(await a.exited, 1);

  // 2. The parent (an editor holding the pipes) is killed with SIGKILL: its pipes close, the server exits.
  ensureServerBuilt();
  const parentCode = `
    const { spawn } = require('node:child_process');
    const s = spawn(process.execPath, [...${JSON.stringify(serverCommand)}, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, capabilities: {} } });
    s.stdin.write('Content-Length: ' + Buffer.byteLength(body) + '\\r\\n\\r\\n' + body);
    s.stdout.once('data', () => console.log(String(s.pid)));
    setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const serverPid = await new Promise<number>((r) => parent.stdout.once('data', (d) => r(Number(String(d).trim()))));
  assert.ok(alive(serverPid));
  parent.kill('SIGKILL');
  assert.ok(await waitGone(serverPid, 5000), 'server gone after its parent was killed');

  // 3. The client process named in initialize's processId dies while the pipes stay open: the watchdog exits.
  const ghost = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const ghostPid = ghost.pid!;
  const server = spawn(process.execPath, [...serverCommand, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  conn.listen();
  await conn.sendRequest('initialize', { processId: ghostPid, capabilities: {} });
  ghost.kill('SIGKILL');
  try {
    assert.ok(await waitGone(server.pid!, 8000), 'server gone after the client process died');
  } finally {
    conn.dispose();
    server.kill('SIGKILL');
  }
});
