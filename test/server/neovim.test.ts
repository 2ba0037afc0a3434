/**
 * A real editor against the server: Neovim in --headless mode with the small
 * Lua config of docs/editors.md (test/server/nvim/init.lua) opens a Keras model,
 * and test/server/nvim/check.lua records the diagnostics Neovim received,
 * applies the preferred quick fix through Neovim's own LSP client, reads the
 * hover, and runs the "Simulate variance" CodeLens, whose tables open in a buffer. Neovim comes from Debian (scripts/setup-neovim.sh, run here). Skipped,
 * loudly, only when apt-get itself is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliJs, ensureServerBuilt, root, setupEditor, waitGone } from './client.js';

const MODEL = `from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(512, activation="relu"),
    layers.Dense(256, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;


test('Neovim --headless: diagnostics received, quick fix applied, hover, CodeLens tables in a buffer, server gone after :qa', async (t) => {
  if (setupEditor(t, 'setup-neovim.sh', 'the Neovim test needs apt-get to install neovim') === null) return;
  ensureServerBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'initlens-nvim-'));
  try {
    const file = join(dir, 'model.py');
    writeFileSync(file, MODEL);
    const out = join(dir, 'out.json');
    const env = {
      ...process.env,
      INITLENS_CLI: cliJs,
      INITLENS_OUT: out,
      HOME: dir,
      XDG_CONFIG_HOME: join(dir, 'config'),
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_STATE_HOME: join(dir, 'state'),
      XDG_CACHE_HOME: join(dir, 'cache'),
    };
    const nvim = spawn(
      'nvim',
      ['--headless', '-n', '-i', 'NONE', '-u', join(root, 'test/server/nvim/init.lua'), '-c', `luafile ${join(root, 'test/server/nvim/check.lua')}`, file],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    nvim.stdout.on('data', (d) => (log += d.toString()));
    nvim.stderr.on('data', (d) => (log += d.toString()));
    const timer = setTimeout(() => nvim.kill('SIGKILL'), 240_000);
    const code = await new Promise<number | null>((r) => nvim.on('exit', r));
    clearTimeout(timer);
    assert.equal(code, 0, `nvim exited with ${code}: ${log}`);
    assert.ok(existsSync(out), `check.lua wrote no result: ${log}`);
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      waited: boolean;
      before: { lnum: number; col: number; end_col: number; severity: number; code: string; source: string; message: string }[];
      after?: { lnum: number }[];
      fixed?: boolean;
      actions?: string[];
      line?: string;
      hover?: string;
      clients: { name: string; pid: number | null }[];
      lens?: string;
      simulate?: string[];
    };
    assert.equal(result.waited, true, 'Neovim received diagnostics');
    assert.deepEqual(
      result.before.map((d) => [d.lnum, d.col, d.end_col, d.code, d.source, d.severity]).sort(),
      [
        [5, 4, 40, 'IL001', 'InitLens', 2],
        [6, 4, 40, 'IL001', 'InitLens', 2],
      ],
    );
    assert.match(result.before[0]!.message, /ReLU after glorot_uniform/);
    assert.deepEqual(result.actions?.slice(0, 2), ['Use He normal init (ReLU)', 'Use He uniform init (ReLU)']);
    assert.ok(result.actions?.includes('Ignore IL001 for this line'));
    assert.equal(result.fixed, true, 'the diagnostics were updated after Neovim applied the fix');
    assert.equal(result.after?.length, 1);
    assert.match(result.line ?? '', /kernel_initializer="he_normal"/);
    assert.match(result.hover ?? '', /fan_in 784 · fan_out 512/);
    // The CodeLens command's tables, shown in a scratch buffer (Neovim has no webview).
    assert.equal(result.lens, 'Simulate variance (3 layers)');
    const table = (result.simulate ?? []).join('\n');
    assert.match(table, /^\*\*model \(keras\) — model\.py\*\*/);
    assert.match(table, /\| 1 \| Dense \| 512→256 \| relu \| `glorot_uniform` \|/);
    assert.match(table, /Signal through the stack/);
    // The Monte Carlo tables of the same command (the panel's defaults: seeds until converged, at most 8).
    assert.match(table, /\*\*Monte Carlo\*\* \(TensorFlow\.js wasm backend, batch 64, seeds from 1; current \d seeds? \((converged|seed cap, not converged[^)]*)\)/);
    assert.match(table, /\| # \| line \| layer \| activation \| forward E\[x²\] \| 95% \| analytic \| Var\(grad\) \| 95% \| analytic \| dead \|/);
    assert.deepEqual(result.clients.map((c) => c.name), ['initlens']);
    const pid = result.clients[0]!.pid;
    if (typeof pid === 'number') assert.ok(await waitGone(pid, 5000), 'the server exited with Neovim');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
