/**
 * LSP 3.17 notebook documents: the code cells are analysed together (imports in
 * one cell, the model in another), diagnostics and fixes land in the right cell,
 * cell edits and structure changes are followed, closing clears.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { applyTextEdits, codes, editsFor, startClient, type TestClient } from './client.js';

const NB = 'file:///work/nb.ipynb';
const cell = (n: number) => `${NB}#cell${n}`;
const IMPORTS = 'from tensorflow import keras\nfrom tensorflow.keras import layers\n';
const NOTES = '# A model\nSome *markdown* that mentions layers.Dense(3, activation="relu").';
const MODEL = '%matplotlib inline\nmodel = keras.Sequential([\n    keras.Input(shape=(784,)),\n    layers.Dense(512, activation="relu"),\n])';

async function openNotebook(client: TestClient): Promise<void> {
  await client.conn.sendNotification('notebookDocument/didOpen', {
    notebookDocument: {
      uri: NB,
      notebookType: 'jupyter-notebook',
      version: 1,
      cells: [
        { kind: 2, document: cell(1) },
        { kind: 1, document: cell(2) },
        { kind: 2, document: cell(3) },
      ],
    },
    cellTextDocuments: [
      { uri: cell(1), languageId: 'python', version: 1, text: IMPORTS },
      { uri: cell(2), languageId: 'markdown', version: 1, text: NOTES },
      { uri: cell(3), languageId: 'python', version: 1, text: MODEL },
    ],
  });
}

test('notebook (push): a finding in cell 3 that needs the imports of cell 1, its fix, cell edits and a new cell', async () => {
  const client = await startClient();
  try {
    assert.deepEqual(client.initializeResult.capabilities.notebookDocumentSync.notebookSelector, [{ notebook: '*', cells: [{ language: 'python' }] }]);
    const p1 = client.nextPush(cell(1));
    const p3 = client.nextPush(cell(3));
    await openNotebook(client);
    assert.deepEqual((await p1).diagnostics, [], 'the imports cell has no finding');
    const d = (await p3).diagnostics;
    assert.deepEqual(codes(d), ['IL001']);
    assert.deepEqual(d[0]!.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 40 } }, 'the position inside cell 3 (after a magic line)');
    assert.ok(!client.pushed.has(cell(2)), 'the markdown cell is not analysed');

    const actions = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: cell(3) },
      range: d[0]!.range,
      context: { diagnostics: d },
    })) as CodeAction[];
    assert.equal(actions[0]!.title, 'Use He normal init (ReLU)');
    const { version, edits } = editsFor(actions[0]!.edit!, cell(3));
    assert.equal(version, 1, 'pinned to the cell document version');
    assert.equal(editsFor(actions[0]!.edit!, cell(1)).edits.length, 0, 'nothing edited in the other cells');
    const fixed = applyTextEdits(MODEL, edits);
    assert.match(fixed, /layers\.Dense\(512, activation="relu", kernel_initializer="he_normal"\)/);

    // The cell is edited (incremental change of its text document inside notebookDocument/didChange).
    const p3b = client.nextPush(cell(3), (p) => p.version === 2);
    await client.conn.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 2 },
      change: { cells: { textContent: [{ document: { uri: cell(3), version: 2 }, changes: [{ range: edits[0]!.range, text: edits[0]!.newText }] }] } },
    });
    assert.deepEqual((await p3b).diagnostics, []);

    // A new code cell at the end, with a layer that needs the imports of cell 1.
    const NEW = 'head = keras.Sequential([layers.Dense(8, activation="relu", kernel_initializer="zeros")])';
    const p4 = client.nextPush(cell(4));
    await client.conn.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 3 },
      change: {
        cells: {
          structure: {
            array: { start: 3, deleteCount: 0, cells: [{ kind: 2, document: cell(4) }] },
            didOpen: [{ uri: cell(4), languageId: 'python', version: 1, text: NEW }],
          },
        },
      },
    });
    assert.deepEqual(codes((await p4).diagnostics), ['IL002']);

    // Pull the hover through a cell URI: the offset maps into the joined text.
    const hover = (await client.conn.sendRequest('textDocument/hover', { textDocument: { uri: cell(4) }, position: { line: 0, character: 30 } })) as { contents: { value: string } };
    assert.match(hover.contents.value, /Keras `Dense`/);
    assert.match(hover.contents.value, /`zeros`/);

    // Removing the cell clears its diagnostics; closing the notebook clears the rest.
    const gone = client.nextPush(cell(4), (p) => p.diagnostics.length === 0);
    await client.conn.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 4 },
      change: { cells: { structure: { array: { start: 3, deleteCount: 1 }, didClose: [{ uri: cell(4) }] } } },
    });
    await gone;
    const cleared = client.nextPush(cell(3), (p) => p.diagnostics.length === 0);
    await client.conn.sendNotification('notebookDocument/didClose', { notebookDocument: { uri: NB }, cellTextDocuments: [{ uri: cell(1) }, { uri: cell(2) }, { uri: cell(3) }] });
    await cleared;
  } finally {
    await client.shutdown();
  }
});

test('notebook (pull): textDocument/diagnostic per cell URI', async () => {
  const client = await startClient({ capabilities: { textDocument: { diagnostic: {} } } });
  try {
    await openNotebook(client);
    const pullCell = async (n: number) =>
      ((await client.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: cell(n) } })) as { items: Diagnostic[] }).items;
    assert.deepEqual(await pullCell(1), []);
    const d3 = await pullCell(3);
    assert.deepEqual(codes(d3), ['IL001']);
    assert.equal(d3[0]!.range.start.line, 3);
  } finally {
    await client.shutdown();
  }
});

test('notebook (push): a code cell turned into markdown (cell data change) loses its diagnostics; so does the last code cell', async () => {
  const client = await startClient();
  try {
    const p3 = client.nextPush(cell(3));
    await openNotebook(client);
    assert.deepEqual(codes((await p3).diagnostics), ['IL001']);
    // LSP 3.17: `change.cells.data` carries changed cell properties, the kind among them.
    const cleared = client.nextPush(cell(3), (p) => p.diagnostics.length === 0);
    await client.conn.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 2 },
      change: { cells: { data: [{ kind: 1, document: cell(3) }] } },
    });
    await cleared;
    // Back to code: analysed again.
    const back = client.nextPush(cell(3), (p) => p.diagnostics.length === 1);
    await client.conn.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 3 },
      change: { cells: { data: [{ kind: 2, document: cell(3) }] } },
    });
    assert.deepEqual(codes((await back).diagnostics), ['IL001']);
    // Every code cell turned into markdown: nothing is analysed, nothing stale is left.
    const none = client.nextPush(cell(3), (p) => p.diagnostics.length === 0);
    await client.conn.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 4 },
      change: { cells: { data: [{ kind: 1, document: cell(1) }, { kind: 1, document: cell(3) }] } },
    });
    await none;
  } finally {
    await client.shutdown();
  }
});

test('notebook: cells moved (structure change without open/close), fix-all over two cells, CodeLens and simulate through a cell URI', async () => {
  const client = await startClient();
  try {
    const HEAD = 'head = keras.Sequential([layers.Dense(8, activation="relu", kernel_initializer="zeros")])';
    const p3 = client.nextPush(cell(3));
    await openNotebook(client);
    await p3;
    const p4 = client.nextPush(cell(4), (p) => p.diagnostics.length === 1);
    await client.conn.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 2 },
      change: { cells: { structure: { array: { start: 3, deleteCount: 0, cells: [{ kind: 2, document: cell(4) }] }, didOpen: [{ uri: cell(4), languageId: 'python', version: 1, text: HEAD }] } } },
    });
    assert.deepEqual(codes((await p4).diagnostics), ['IL002']);
    // Move cell 4 before cell 3 (one array change replacing both, as clients send a move).
    const moved3 = client.nextPush(cell(3));
    const moved4 = client.nextPush(cell(4));
    await client.conn.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 3 },
      change: { cells: { structure: { array: { start: 2, deleteCount: 2, cells: [{ kind: 2, document: cell(4) }, { kind: 2, document: cell(3) }] } } } },
    });
    const [d3, d4] = [(await moved3).diagnostics, (await moved4).diagnostics];
    assert.deepEqual([codes(d3), d3[0]!.range.start.line], [['IL001'], 3], 'cell 3 keeps its finding at its own line');
    assert.deepEqual([codes(d4), d4[0]!.range.start.line], [['IL002'], 0]);

    // source.fixAll through one cell: one edit per cell, each pinned to its cell's version.
    const [fixAll] = (await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri: cell(3) },
      range: d3[0]!.range,
      context: { diagnostics: [], only: ['source.fixAll.initlens'] },
    })) as CodeAction[];
    const e3 = editsFor(fixAll!.edit!, cell(3));
    const e4 = editsFor(fixAll!.edit!, cell(4));
    assert.equal(e3.version, 1);
    assert.equal(e4.version, 1);
    assert.match(applyTextEdits(MODEL, e3.edits), /layers\.Dense\(512, activation="relu", kernel_initializer="he_normal"\)/);
    assert.doesNotMatch(applyTextEdits(HEAD, e4.edits), /"zeros"/);
    assert.equal(editsFor(fixAll!.edit!, cell(1)).edits.length, 0);

    // The CodeLens of the model in cell 3, and its command run with the cell URI.
    const lenses = (await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri: cell(3) } })) as { range: { start: { line: number } }; command: { command: string; arguments: unknown[] } }[];
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0]!.range.start.line, 1, 'the model line inside cell 3');
    const out = (await client.conn.sendRequest('workspace/executeCommand', {
      command: lenses[0]!.command.command,
      arguments: [...lenses[0]!.command.arguments, { seeds: 1, batch: 8, which: ['current'] }],
    })) as { markdown: string; montecarlo: { series: { layers: { line: number | null }[] }[] } };
    assert.match(out.markdown, /\| 0 \| Dense \| 784→512 \| relu \| `glorot_uniform` \|/);
    assert.deepEqual(out.montecarlo.series[0]!.layers.map((l) => l.line), [4], 'the line of the layer inside its cell (1-based)');
  } finally {
    await client.shutdown();
  }
});
