/** Shared helpers for the CLI tests: run `run()` in-process, temp folders, fixtures. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run, type CliIO } from '../../src/cli/main.js';
import type { JsonReport } from '../../src/core/report.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(argv: string[], cwd: string, io: Partial<CliIO> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    cwd,
    env: {},
    isTTY: false,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    ...io,
  });
  return { code, stdout, stderr };
}

export async function cliJson(argv: string[], cwd: string, io: Partial<CliIO> = {}): Promise<CliResult & { report: JsonReport }> {
  const r = await cli([...argv, '--format', 'json'], cwd, io);
  return { ...r, report: JSON.parse(r.stdout) as JsonReport };
}

/** A subprocess run of the real CLI (`node --import tsx src/cli/main.ts`). */
export function spawnCli(argv: string[], cwd: string, env: Record<string, string> = {}): CliResult {
  // Resolve tsx from the repo: the subprocess runs in a temp folder without node_modules.
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli', 'main.ts'), ...argv], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', ...env },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** A temp folder with the given files (path → content); removed by the returned cleanup. */
export function tempTree(files: Record<string, string | Uint8Array>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'initlens-cli-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Keras MLP: the relu Dense keeps the glorot_uniform default (IL001), the softmax head is fine. */
export const KERAS_BAD = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(64, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
`;

/** The same model with He init on the relu layer: no findings. */
export const KERAS_GOOD = `import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(64, activation="relu", kernel_initializer="he_normal"),
    layers.Dense(10, activation="softmax"),
])
`;

/** Text between 1-based (line, column) and (endLine, endColumn), end exclusive. */
export function sliceRange(text: string, r: { line: number; column: number; endLine: number; endColumn: number }): string {
  const lines = text.split('\n');
  const offset = (line: number, column: number): number => {
    let o = 0;
    for (let i = 0; i < line - 1; i++) o += (lines[i] as string).length + 1;
    return o + column - 1;
  };
  return text.slice(offset(r.line, r.column), offset(r.endLine, r.endColumn));
}

/** A Jupyter-style notebook (indent 1, list-of-lines sources, trailing newline). */
export function notebook(cells: { type: 'code' | 'markdown'; source: string }[], indent = 1): string {
  const lines = (s: string): string[] => {
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '\n') {
        out.push(s.slice(start, i + 1));
        start = i + 1;
      }
    }
    if (start < s.length) out.push(s.slice(start));
    return out;
  };
  const nb = {
    cells: cells.map((c, i) =>
      c.type === 'code'
        ? { cell_type: 'code', execution_count: null, id: `c${i}`, metadata: {}, outputs: [], source: lines(c.source) }
        : { cell_type: 'markdown', id: `m${i}`, metadata: {}, source: lines(c.source) },
    ),
    metadata: {
      kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
      language_info: { name: 'python', version: '3.11.2' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, indent) + '\n';
}

/** Python's own parser on a file; returns stderr ('' when it parses). */
export function pythonParses(path: string): string {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1], encoding="utf-8-sig").read())', path], {
    encoding: 'utf8',
  });
  if (r.error) return String(r.error);
  return r.status === 0 ? '' : r.stderr || `exit ${r.status}`;
}
