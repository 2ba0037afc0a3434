/**
 * The language server driven over stdio like an editor: initialize, open,
 * change, diagnostics (pushed and pulled), code actions, the fix applied,
 * hover, CodeLens and commands, configuration, shutdown/exit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, CodeLens, Diagnostic, DocumentDiagnosticReport, Hover } from 'vscode-languageserver';
import { applyTextEdits, codes, editsFor, startClient, type TestClient } from './client.js';

const URI = 'file:///work/model.py';
const KERAS = `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(512, activation="relu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

async function open(client: TestClient, text: string, uri = URI, languageId = 'python'): Promise<void> {
  await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
}

function codeActions(client: TestClient, uri: string, diag: Diagnostic, only?: string[]): Promise<CodeAction[]> {
  return client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: diag.range,
    context: { diagnostics: [diag], ...(only ? { only } : {}) },
  }) as Promise<CodeAction[]>;
}

test('push diagnostics, quick fix applied through an incremental change, hover, shutdown and exit', async () => {
  const client = await startClient();
  try {
    const caps = client.initializeResult.capabilities;
    assert.equal(caps.textDocumentSync.change, 2, 'incremental sync');
    assert.deepEqual(caps.codeActionProvider.codeActionKinds, ['quickfix', 'source.fixAll.initlens']);
    assert.equal(caps.diagnosticProvider, undefined, 'no pull provider for a client without pull support');

    const first = client.nextPush(URI);
    await open(client, KERAS);
    const pushed = await first;
    assert.equal(pushed.version, 1);
    assert.deepEqual(codes(pushed.diagnostics), ['IL001', 'IL001']);
    const d = pushed.diagnostics.find((x) => x.range.start.line === 5)!;
    assert.deepEqual(d.range, { start: { line: 5, character: 4 }, end: { line: 5, character: 40 } });
    assert.equal(d.source, 'InitLens');
    assert.equal(d.severity, 2);
    assert.match(String(d.message), /ReLU after glorot_uniform/);
    assert.match(d.codeDescription!.href, /rules\.md#il001$/);

    const actions = await codeActions(client, URI, d);
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles, ['Use He normal init (ReLU)', 'Use He uniform init (ReLU)', 'Ignore IL001 for this line', 'Ignore IL001 for this file', 'Fix all InitLens problems']);
    const fix = actions[0]!;
    assert.equal(fix.isPreferred, true);
    const { version, edits } = editsFor(fix.edit!, URI);
    assert.equal(version, 1, 'the edit is pinned to the version it was computed for');

    // The client applies the fix and reports it as one incremental change.
    assert.equal(edits.length, 1);
    const edited = applyTextEdits(KERAS, edits);
    assert.match(edited.split('\n')[5]!, /layers\.Dense\(512, activation="relu", kernel_initializer="he_normal"\)/);
    const second = client.nextPush(URI, (p) => p.version === 2);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: URI, version: 2 },
      contentChanges: [{ range: edits[0]!.range, text: edits[0]!.newText }],
    });
    const after = await second;
    assert.deepEqual(
      after.diagnostics.map((x) => x.range.start.line),
      [6],
      'only the layer that was not fixed is still reported',
    );

    const hover = (await client.conn.sendRequest('textDocument/hover', {
      textDocument: { uri: URI },
      position: { line: 5, character: 12 },
    })) as Hover;
    const value = (hover.contents as { kind: string; value: string }).value;
    assert.equal((hover.contents as { kind: string }).kind, 'markdown');
    assert.match(value, /Keras `Dense`/);
    assert.match(value, /fan_in 784 · fan_out 512/);
    assert.match(value, /\| current \| `he_normal` \|/);
    // A hover on the model but outside its layers shows the variance table.
    const onModel = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: URI }, position: { line: 3, character: 14 } })) as Hover;
    assert.match((onModel.contents as { value: string }).value, /\| 1 \| Dense \| 512→256 \| relu \| `glorot_uniform` \|/);

    const code = await client.shutdown();
    assert.equal(code, 0, 'exit after shutdown: exit code 0');
  } finally {
    client.proc.kill();
  }
});

test('pull diagnostics: results, unchanged result ids, workspace/diagnostic, and a refresh after a settings change', async () => {
  const configuration: Record<string, unknown> = {};
  const client = await startClient({
    capabilities: { textDocument: { diagnostic: { dynamicRegistration: false }, hover: { contentFormat: ['plaintext'] } } },
    configuration,
  });
  try {
    assert.equal(client.initializeResult.capabilities.diagnosticProvider.workspaceDiagnostics, true);
    await open(client, KERAS);
    const report = (await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: URI } })) as DocumentDiagnosticReport & { items: Diagnostic[]; resultId: string };
    assert.equal(report.kind, 'full');
    assert.deepEqual(codes(report.items), ['IL001', 'IL001']);
    assert.equal(client.pushed.size, 0, 'nothing is pushed to a pull client');
    const again = (await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: URI }, previousResultId: report.resultId })) as { kind: string };
    assert.equal(again.kind, 'unchanged');

    const ws = (await client.conn.sendRequest('workspace/diagnostic', { previousResultIds: [] })) as { items: { uri: string; kind: string; items: Diagnostic[] }[] };
    assert.deepEqual(ws.items.map((i) => [i.uri, i.kind, i.items.length]), [[URI, 'full', 2]]);

    // Plain-text hover for a client that does not take Markdown.
    const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: URI }, position: { line: 5, character: 12 } })) as Hover;
    assert.equal((hover.contents as { kind: string }).kind, 'plaintext');

    // The user turns IL001 off: the server reads workspace/configuration again and asks for a refresh.
    configuration.severity = { IL001: 'off' };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    for (let i = 0; i < 100 && client.refreshes === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(client.refreshes, 1);
    const off = (await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: URI }, previousResultId: report.resultId })) as { kind: string; items: Diagnostic[] };
    assert.equal(off.kind, 'full');
    assert.deepEqual(off.items, []);
  } finally {
    await client.shutdown();
  }
});

test('settings: initializationOptions and workspace/configuration use the extension\'s names', async () => {
  // IL001 off through initializationOptions (nested as in VS Code's settings.json, under "initlens").
  const a = await startClient({ initializationOptions: { initlens: { severity: { IL001: 'off' } } } });
  try {
    const p = a.nextPush(URI);
    await open(a, KERAS);
    assert.deepEqual((await p).diagnostics, []);
  } finally {
    await a.shutdown();
  }
  // Dotted keys from workspace/configuration: severity override and no ignore-comment actions.
  const b = await startClient({ configuration: { 'severity.IL001': 'error', 'codeAction.disableRuleComment': false } });
  try {
    const p = b.nextPush(URI, (x) => x.diagnostics.length > 0 && x.diagnostics[0]!.severity === 1);
    await open(b, KERAS);
    const pushed = await p;
    const actions = await codeActions(b, URI, pushed.diagnostics[0]!);
    assert.ok(!actions.some((x) => x.title.startsWith('Ignore')), actions.map((x) => x.title).join(', '));
  } finally {
    await b.shutdown();
  }
});

test('fix all: source.fixAll.initlens twice changes nothing the second time; the command applies through workspace/applyEdit and refuses a stale version', async () => {
  const client = await startClient();
  try {
    const p = client.nextPush(URI);
    await open(client, KERAS);
    const d = (await p).diagnostics[0]!;
    const [source] = await codeActions(client, URI, d, ['source.fixAll.initlens']);
    assert.equal(source!.kind, 'source.fixAll.initlens');
    const fixed = applyTextEdits(KERAS, editsFor(source!.edit!, URI).edits);
    assert.equal((fixed.match(/kernel_initializer="he_normal"/g) ?? []).length, 2);
    const p2 = client.nextPush(URI, (x) => x.version === 2);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 2 }, contentChanges: [{ text: fixed }] });
    assert.deepEqual((await p2).diagnostics, []);
    const none = await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.deepEqual(none, [], 'a second fix-all has nothing to do');

    // The command: a stale version is refused with ContentModified, the current one is applied.
    await assert.rejects(client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.fixAllInFile', arguments: [URI, 1] }), (e: { code: number; message: string }) => e.code === -32801 && /document changed/.test(e.message));
    const p3 = client.nextPush(URI, (x) => x.version === 3);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: 3 }, contentChanges: [{ text: KERAS }] });
    await p3;
    const res = (await client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.fixAllInFile', arguments: [URI, 3] })) as { applied: number };
    assert.equal(res.applied, 2);
    const edit = client.appliedEdits.at(-1)!;
    const { version, edits } = editsFor(edit, URI);
    assert.equal(version, 3);
    assert.equal(applyTextEdits(KERAS, edits), fixed);
  } finally {
    await client.shutdown();
  }
});

test('CodeLens runs the simulate command, which returns the variance table as text', async () => {
  const client = await startClient();
  try {
    await open(client, KERAS);
    const lenses = (await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: URI } })) as CodeLens[];
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0]!.command!.title, 'Simulate variance (3 layers)');
    assert.equal(lenses[0]!.range.start.line, 3);
    const out = (await client.conn.sendRequest('workspace/executeCommand', lenses[0]!.command)) as { title: string; markdown: string; text: string; table: { rows: unknown[] } };
    assert.equal(out.table.rows.length, 3);
    assert.equal(out.title, 'model (keras) — model.py');
    assert.match(out.markdown, /\| 0 \| Dense \| 784→512 \| relu \| `glorot_uniform` \| 0\.001543 \| 0\.6049 \| 0\.6049 \| `he_normal` \| 0\.002551 \| 1 \| 1 \| IL001 \|/);
    assert.match(out.text, /^model \(keras\) — model\.py\n#\s+layer/);
    // The panel's analytic curves (src/core/sim), per init, as text too.
    assert.deepEqual((out as unknown as { analytic: { series: { init: string }[] } }).analytic.series.map((s) => s.init), ['current', 'recommended', 'orthogonal', 'lsuv']);
    assert.match(out.markdown, /\| # \| layer \| activation \| current \| recommended \| orthogonal \| LSUV \|/);
    assert.match(out.markdown, /\| 0 \| Dense \| relu \| 0\.6049 \| 1 \| 1 \|/);
    await assert.rejects(client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.simulateModel', arguments: ['file:///not/open.py'] }), /is not open/);
    await assert.rejects(client.conn.sendRequest('workspace/executeCommand', { command: 'initlens.nope', arguments: [] }), /unknown command/);
  } finally {
    await client.shutdown();
  }
});

test('a TypeScript (TensorFlow.js) document and a language id the client does not set are analysed', async () => {
  const client = await startClient();
  try {
    const ts = `import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential({ layers: [tf.layers.dense({ units: 64, inputShape: [32], activation: 'relu' }), tf.layers.dense({ units: 1 })] });\n`;
    const uri = 'file:///work/model.ts';
    const p = client.nextPush(uri);
    await open(client, ts, uri, 'plaintext');
    const pushed = await p;
    assert.deepEqual(codes(pushed.diagnostics), ['IL001']);
    // On the factory's name (not the whole call), with the activation as related information.
    const d = pushed.diagnostics[0]!;
    const line = ts.split('\n')[1]!;
    assert.deepEqual(d.range, { start: { line: 1, character: line.indexOf('tf.layers.dense') }, end: { line: 1, character: line.indexOf('tf.layers.dense') + 'tf.layers.dense'.length } });
    assert.deepEqual(d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start, r.message]), [
      [uri, { line: 1, character: line.indexOf("'relu'") }, 'the activation that follows: ReLU'],
    ]);
  } finally {
    await client.shutdown();
  }
});
