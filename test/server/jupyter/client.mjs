// A JupyterLab-LSP-like client for test/server/jupyter.test.ts: talks JSON-RPC over the
// WebSocket that jupyter-lsp opens at /lsp/ws/<server>, as the jupyterlab-lsp frontend does
// (one JSON message per WebSocket frame), with a notebook's virtual document: the code cells
// joined by blank lines, the IPython magic rewritten as jupyterlab-lsp does. Prints what it
// received as JSON. Run with node --experimental-websocket (Node 20).
const [url, uri] = process.argv.slice(2);
const CELLS = [
  'from tensorflow import keras\nfrom tensorflow.keras import layers',
  'get_ipython().run_line_magic("matplotlib", " inline")\nmodel = keras.Sequential([\n    keras.Input(shape=(784,)),\n    layers.Dense(512, activation="relu"),\n])',
];
const text = CELLS.join('\n\n\n') + '\n';
const ws = new WebSocket(url);
let id = 0;
const pending = new Map();
const out = { diagnostics: null };
const request = (method, params) =>
  new Promise((resolve, reject) => {
    pending.set(++id, { resolve, reject });
    ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  });
const notify = (method, params) => ws.send(JSON.stringify({ jsonrpc: '2.0', method, params }));
let gotDiagnostics;
const diagnostics = new Promise((r) => (gotDiagnostics = r));
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.id !== undefined && pending.has(m.id) && m.method === undefined) {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error.message));
    else p.resolve(m.result);
  } else if (m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri) {
    gotDiagnostics(m.params.diagnostics);
  } else if (m.id !== undefined && m.method) {
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: null })); // the server's requests
  }
};
ws.onerror = (e) => {
  console.log(JSON.stringify({ error: String(e.message ?? e) }));
  process.exit(1);
};
ws.onopen = async () => {
  try {
    const init = await request('initialize', { processId: null, rootUri: null, capabilities: { textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['markdown'] } } } });
    out.serverInfo = init.serverInfo;
    notify('initialized', {});
    notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 0, text } });
    out.diagnostics = await diagnostics;
    const d = out.diagnostics[0];
    const hover = await request('textDocument/hover', { textDocument: { uri }, position: d.range.start });
    out.hover = hover?.contents?.value ?? null;
    const actions = await request('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    out.actions = actions.map((a) => a.title);
    out.edit = actions[0]?.edit?.changes?.[uri] ?? null;
    await request('shutdown', null);
    notify('exit', null);
  } catch (e) {
    out.error = String(e);
  }
  console.log(JSON.stringify(out));
  ws.close();
  setTimeout(() => process.exit(0), 100);
};
setTimeout(() => {
  console.log(JSON.stringify({ ...out, error: 'timed out' }));
  process.exit(1);
}, 60_000);
