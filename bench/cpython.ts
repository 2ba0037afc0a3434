/**
 * CPython's ast.parse as a benchmark reference: one long-lived CPython process
 * (bench/cpython_timer.py) holds the files in memory and times one ast.parse
 * with time.perf_counter per request, so its samples interleave with the
 * in-process contenders and pipe latency is not counted.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = dirname(fileURLToPath(import.meta.url));

export function pythonExecutable(): string {
  if (process.env.BENCH_PYTHON) return process.env.BENCH_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Length in code points, as Python's len() counts a str. */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export class CPythonTimer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = '';
  private exited: string | null = null;
  version = '';

  private constructor(python: string, files: readonly string[]) {
    this.child = spawn(python, [join(here, 'cpython_timer.py'), ...files], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.on('error', (err) => this.fail(`cannot start ${python}: ${err.message}`));
    this.child.on('exit', (code) => this.fail(`python exited with code ${code}: ${this.stderr.trim()}`));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.pending.shift()?.(line));
  }

  private fail(message: string): void {
    this.exited ??= message;
    for (const resolve of this.pending.splice(0)) resolve(JSON.stringify({ error: message }));
  }

  private next(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(this.exited));
      this.pending.push((line) => {
        try {
          const msg = JSON.parse(line) as Record<string, unknown>;
          if (typeof msg.error === 'string') reject(new Error(msg.error));
          else resolve(msg);
        } catch {
          reject(new Error(`unexpected output from python: ${line}`));
        }
      });
    });
  }

  /** Starts the timer on `files`; `expectedLengths` (code points) guards against reading different text. */
  static async start(python: string, files: readonly string[], expectedLengths: readonly number[]): Promise<CPythonTimer> {
    const t = new CPythonTimer(python, files);
    const hello = await t.next();
    const got = hello.files as number[] | undefined;
    if (hello.ready !== true || !Array.isArray(got) || got.length !== expectedLengths.length || got.some((n, i) => n !== expectedLengths[i]))
      throw new Error(`python read files of ${JSON.stringify(got)} characters, expected ${JSON.stringify(expectedLengths)}`);
    t.version = String(hello.python);
    return t;
  }

  /** One timed ast.parse of file number `index`, in ms. */
  async parse(index = 0): Promise<number> {
    const reply = this.next();
    this.child.stdin.write(`parse ${index}\n`);
    const msg = await reply;
    if (typeof msg.ms !== 'number') throw new Error(`bad reply from python: ${JSON.stringify(msg)}`);
    return msg.ms;
  }

  stop(): void {
    this.exited ??= 'stopped';
    this.child.stdin.end('quit\n');
  }
}
