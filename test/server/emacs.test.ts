/**
 * A second real editor against the server: Emacs (Debian's emacs-nox 28 with the
 * elpa-eglot package, installed by scripts/setup-emacs.sh) in --batch mode with
 * the eglot recipe of docs/editors.md (test/server/emacs/init.el). check.el opens
 * a Keras model, records the diagnostics Flymake received through eglot, the
 * hover, the quick fixes (the preferred one applied, the diagnostics following),
 * and the variance tables of `initlens-simulate` (analytic and Monte Carlo) in a
 * buffer. Skipped, loudly, only when apt-get itself is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

interface Diag {
  line: number;
  col: number;
  end_col: number;
  type: string;
  text: string;
}


test('Emacs --batch with eglot: Flymake diagnostics, hover, quick fix applied, simulate tables in a buffer, server gone', async (t) => {
  if (setupEditor(t, 'setup-emacs.sh', 'the Emacs test needs apt-get to install emacs-nox and elpa-eglot') === null) return;
  ensureServerBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'initlens-emacs-'));
  try {
    const file = join(dir, 'model.py');
    writeFileSync(file, MODEL);
    const out = join(dir, 'out.json');
    const env = { ...process.env, INITLENS_CLI: cliJs, INITLENS_FILE: file, INITLENS_OUT: out, HOME: dir };
    // --batch skips the user's init file but loads Debian's site-start (which activates elpa-eglot).
    const emacs = spawn('emacs', ['--batch', '-q', '-l', join(root, 'test/server/emacs/init.el'), '-l', join(root, 'test/server/emacs/check.el')], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    emacs.stdout.on('data', (d) => (log += d.toString()));
    emacs.stderr.on('data', (d) => (log += d.toString()));
    const timer = setTimeout(() => emacs.kill('SIGKILL'), 240_000);
    const code = await new Promise<number | null>((r) => emacs.on('exit', r));
    clearTimeout(timer);
    assert.equal(code, 0, `emacs exited with ${code}: ${log}`);
    assert.ok(existsSync(out), `check.el wrote no result: ${log}`);
    const r = JSON.parse(readFileSync(out, 'utf8')) as {
      error?: string;
      mode: string;
      connected: boolean | null;
      server_name: string;
      server_pid: number;
      waited: boolean | null;
      before: Diag[];
      hover: string;
      actions: string[];
      preferred: string;
      fixed: boolean | null;
      after: Diag[];
      line: string;
      simulate: string;
      running_after_shutdown: boolean | null;
    };
    assert.equal(r.error, undefined, `check.el failed: ${r.error}\n${log}`);
    assert.equal(r.mode, 'python-mode');
    assert.equal(r.connected, true, 'eglot connected to the server');
    assert.equal(r.server_name, 'initlens');
    assert.equal(r.waited, true, 'Flymake received diagnostics');
    assert.deepEqual(
      r.before.map((d) => [d.line, d.col, d.end_col, d.type]),
      [
        [6, 4, 40, 'eglot-warning'],
        [7, 4, 40, 'eglot-warning'],
      ],
    );
    assert.match(r.before[0]!.text, /^InitLens \[IL001\]: ReLU after glorot_uniform \(the Keras default\)/);
    assert.match(r.hover, /fan_in 784 · fan_out 512/);
    assert.deepEqual(r.actions.slice(0, 2), ['Use He normal init (ReLU)', 'Use He uniform init (ReLU)']);
    assert.ok(r.actions.includes('Ignore IL001 for this line'));
    assert.equal(r.preferred, 'Use He normal init (ReLU)');
    assert.equal(r.fixed, true, 'the diagnostics followed the edit');
    assert.deepEqual(r.after.map((d) => d.line), [7]);
    assert.match(r.line, /layers\.Dense\(512, activation="relu", kernel_initializer="he_normal"\),/);
    // The tables an editor without a webview shows: analytic, then Monte Carlo per init.
    assert.match(r.simulate, /^\*\*model \(keras\) — model\.py\*\*/);
    assert.match(r.simulate, /Signal through the stack/);
    assert.match(r.simulate, /\*\*Monte Carlo\*\* \(TensorFlow\.js wasm backend, batch 16, seeds from 1; current 2 seeds, recommended 2 seeds, orthogonal 2 seeds, LSUV 2 seeds;/);
    // Of the edited buffer: layer 0 now He normal (analytic 1), layer 1 still glorot_uniform (0.6667).
    assert.match(r.simulate, /\| 0 \| Dense \| 784→512 \| relu \| `he_normal` \|/);
    assert.match(r.simulate, /\*current\*[^]*?\| 0 \| 6 \| Dense \| relu \| [0-9.]+ \| [0-9.]+–[0-9.]+ \| 1 \|[^\n]*\n\| 1 \| 7 \| Dense \| relu \| [0-9.]+ \| [0-9.]+–[0-9.]+ \| 0\.6667 \|/);
    assert.ok(!r.running_after_shutdown);
    assert.ok(await waitGone(r.server_pid, 5000), 'the server is gone after eglot-shutdown');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
