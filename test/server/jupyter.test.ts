/**
 * JupyterLab's side of the recipe in docs/editors.md: a real Jupyter Server with
 * the jupyter-lsp extension (installed by scripts/setup-jupyter-lsp.sh in a
 * virtual environment) configured to start `initlens server`; a client speaking
 * like the jupyterlab-lsp frontend (test/server/jupyter/client.mjs: JSON-RPC over
 * jupyter-lsp's WebSocket, a notebook as one virtual document) receives the
 * diagnostics, hover and quick fixes. The browser frontend itself (the
 * jupyterlab-lsp Python package) is not installed here. Skipped, loudly, only
 * when pip cannot install jupyter-server and jupyter-lsp.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliJs, ensureServerBuilt, root, setupEditor, waitGone } from './client.js';


function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

test('Jupyter Server + jupyter-lsp starts initlens server; a jupyterlab-lsp-like client gets diagnostics, hover and fixes for a notebook', async (t) => {
  const venv = setupEditor(t, 'setup-jupyter-lsp.sh', 'the JupyterLab test needs jupyter-server and jupyter-lsp from pip', 900_000);
  if (venv === null) return;
  ensureServerBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'initlens-jupyter-'));
  const port = await freePort();
  const token = 'initlens-test';
  // The recipe of docs/editors.md (jupyter_server_config.py), with dist/cli.js for `initlens`.
  writeFileSync(
    join(dir, 'jupyter_server_config.py'),
    `c.IdentityProvider.token = ${JSON.stringify(token)}
c.LanguageServerManager.autodetect = False
c.LanguageServerManager.language_servers = {
    "initlens": {
        "version": 2,
        "argv": ["node", ${JSON.stringify(cliJs)}, "server"],
        "languages": ["python"],
        "mime_types": ["text/x-python", "text/x-ipython"],
        "display_name": "InitLens",
    }
}
`,
  );
  const env = { ...process.env, HOME: dir, JUPYTER_CONFIG_DIR: dir, JUPYTER_DATA_DIR: join(dir, 'data'), JUPYTER_RUNTIME_DIR: join(dir, 'runtime') };
  const jupyter = spawn(join(venv, 'bin/jupyter-server'), ['--allow-root', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', `--ServerApp.root_dir=${dir}`, '--ServerApp.port_retries=0'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  jupyter.stdout.on('data', (d) => (log += d.toString()));
  jupyter.stderr.on('data', (d) => (log += d.toString()));
  try {
    const end = Date.now() + 60_000;
    while (!/is running at/.test(log)) {
      if (Date.now() > end || jupyter.exitCode !== null) throw new Error(`Jupyter Server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const status = async () => (await (await fetch(`http://127.0.0.1:${port}/lsp/status?token=${token}`)).json()) as { sessions: Record<string, { status: string; spec: { display_name: string } }> };
    const before = await status();
    assert.equal(before.sessions.initlens?.spec.display_name, 'InitLens', 'jupyter-lsp read the InitLens spec');

    const uri = `file://${dir}/.virtual_documents/nb.ipynb`;
    const client = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', join(root, 'test/server/jupyter/client.mjs'), `ws://127.0.0.1:${port}/lsp/ws/initlens?token=${token}`, uri], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    client.stdout.on('data', (d) => (out += d.toString()));
    client.stderr.on('data', (d) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => client.on('exit', r));
    assert.equal(code, 0, `client: ${out}\n${err}\n${log}`);
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      error?: string;
      serverInfo: { name: string };
      diagnostics: { range: { start: { line: number; character: number } }; code: string; source: string; message: string }[];
      hover: string | null;
      actions: string[];
      edit: { newText: string }[] | null;
    };
    assert.equal(r.error, undefined, `${r.error}\n${log}`);
    assert.equal(r.serverInfo.name, 'initlens');
    // The Dense layer of the second cell (line 7 of the virtual document, 0-based), found with the imports of the first.
    assert.deepEqual(r.diagnostics.map((d) => [d.code, d.source, d.range.start.line, d.range.start.character]), [['IL001', 'InitLens', 7, 4]]);
    assert.match(r.diagnostics[0]!.message, /ReLU after glorot_uniform/);
    assert.match(r.hover ?? '', /fan_in 784 · fan_out 512/);
    assert.equal(r.actions[0], 'Use He normal init (ReLU)');
    assert.match(r.edit?.[0]?.newText ?? '', /kernel_initializer="he_normal"/);
  } finally {
    jupyter.kill('SIGTERM');
    const gone = await waitGone(jupyter.pid!, 10_000);
    if (!gone) jupyter.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
