/**
 * The language server analyses each open file with its workspace (src/core/workspace):
 * the index is built from the workspace folders on disk, the open text wins, an
 * edit of one open file re-publishes the open files that depend on it, and a change
 * on disk of a closed file (`workspace/didChangeWatchedFiles`) does the same.
 * A two-file project: models.py defines the Generator, train.py applies its init.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { codes, startClient } from './client.js';

const FIXTURE = join(import.meta.dirname, '..', 'workspace', 'fixtures', 'gan');
const applied = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => String(d.message).includes('(init applied in train.py:8;'));

test('language server: models.py gets the init train.py applies; editing train.py (open, then on disk) re-publishes models.py', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'initlens-ws-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const models = pathToFileURL(join(dir, 'models.py')).href;
  const train = pathToFileURL(join(dir, 'train.py')).href;
  const client = await startClient({
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'gan' }],
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } } },
  });
  try {
    assert.equal(client.initializeResult.capabilities.diagnosticProvider, undefined);
    const linked = client.nextPush(models, (p) => applied(p).length === 2);
    const modelsText = readFileSync(join(dir, 'models.py'), 'utf8');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: models, languageId: 'python', version: 1, text: modelsText } });
    const first = await linked;
    // the Generator's two hidden layers: IL003 (std 0.02 from train.py; its tanh readout is a
    // deliberate small output); the Discriminator keeps IL001
    assert.deepEqual(codes(first.diagnostics).sort(), ['IL001', 'IL003', 'IL003']);

    // open train.py and remove the apply line (unsaved): models.py is published again, alone-like
    const trainText = readFileSync(join(dir, 'train.py'), 'utf8');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: train, languageId: 'python', version: 1, text: trainText } });
    const without = client.nextPush(models, (p) => applied(p).length === 0);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: train, version: 2 },
      contentChanges: [{ range: { start: { line: 7, character: 0 }, end: { line: 8, character: 0 } }, text: '' }],
    });
    const second = await without;
    assert.deepEqual(codes(second.diagnostics), ['IL001', 'IL001', 'IL001']);

    // closing train.py: the index goes back to the disk's text, which still applies the init
    const back = client.nextPush(models, (p) => applied(p).length === 2);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: train } });
    await back;

    // fix all in models.py analyses with the workspace: only the Discriminator's layer is fixed
    // (the Generator's init is train.py's apply, which a fix here would not change)
    await client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.fixAllInFile', arguments: [models] });
    const fixed = client.appliedEdits.at(-1)!;
    const edits = (fixed.documentChanges as { edits: { newText: string }[] }[]).flatMap((d) => d.edits);
    const written = edits.map((e) => e.newText).join('');
    assert.equal(written.match(/kaiming_normal_/g)?.length, 1, written);
    assert.match(written, /self\.fc1\.weight, nonlinearity="relu"/);

    // train.py changed on disk while closed: the watcher's notification re-publishes models.py
    writeFileSync(join(dir, 'train.py'), trainText.replace('generator.apply(weights_init_normal)\n', ''));
    const onDisk = client.nextPush(models, (p) => applied(p).length === 0);
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: train, type: 2 }] });
    await onDisk;
  } finally {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('language server, pull diagnostics: a dependency change refreshes, and the result id of the dependant changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'initlens-ws-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const models = pathToFileURL(join(dir, 'models.py')).href;
  const train = pathToFileURL(join(dir, 'train.py')).href;
  const client = await startClient({
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'gan' }],
    capabilities: { textDocument: { diagnostic: {} } },
  });
  try {
    assert.equal(client.initializeResult.capabilities.diagnosticProvider.interFileDependencies, true);
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: models, languageId: 'python', version: 1, text: readFileSync(join(dir, 'models.py'), 'utf8') } });
    const pullModels = () => client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: models } }) as Promise<{ resultId: string; items: { message: string; code: string }[] }>;
    // the index is built after `initialized`: wait for the linked result
    let r = await pullModels();
    for (let i = 0; i < 100 && !r.items.some((d) => d.message.includes('(init applied in train.py:8;')); i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await pullModels();
    }
    assert.deepEqual(r.items.map((d) => d.code), ['IL003', 'IL003', 'IL001']);
    const refreshes = client.refreshes;
    const trainText = readFileSync(join(dir, 'train.py'), 'utf8');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: train, languageId: 'python', version: 1, text: trainText } });
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: train, version: 2 },
      contentChanges: [{ range: { start: { line: 7, character: 0 }, end: { line: 8, character: 0 } }, text: '' }],
    });
    // the client pulls train.py (that is when the server sees its new text), then is told to refresh
    await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: train } });
    for (let i = 0; i < 100 && client.refreshes === refreshes; i++) await new Promise((res) => setTimeout(res, 20));
    assert.ok(client.refreshes > refreshes, 'workspace/diagnostic/refresh sent');
    const after = (await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: models }, previousResultId: r.resultId })) as { kind: string; items: { code: string }[] };
    assert.equal(after.kind, 'full');
    assert.deepEqual(after.items.map((d) => d.code), ['IL001', 'IL001', 'IL001']);
  } finally {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});
