/**
 * The CLI's I/O seam: everything `run()` does to the outside world goes through a `CliIO`
 * (tests pass their own), and `nodeIO()` is the real one. Fixed files are written atomically.
 */
import * as nodeFs from 'node:fs/promises';
import * as nodePath from 'node:path';
import { randomBytes } from 'node:crypto';

export interface FileStat {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink?(): boolean;
  size: number;
  mtimeMs: number;
  mode: number;
}

export interface DirEntry {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colors). */
  isTTY: boolean;
  /** Whether stderr is a terminal (progress of long runs and simulate's progress line are shown there only then). */
  stderrIsTTY?: boolean;
  stat(path: string): Promise<FileStat>;
  readdir(path: string): Promise<DirEntry[]>;
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Replaces `path` with `text` atomically, refusing when the file no longer
   * holds `expected` (it changed since it was read).
   */
  writeFile(path: string, text: string, expected: Uint8Array): Promise<void>;
}

export class FileChangedError extends Error {}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Temp file in the same directory + rename, keeping the mode; re-reads the target just before the rename. */
export async function writeFileAtomic(path: string, text: string, expected: Uint8Array): Promise<void> {
  const target = await nodeFs.realpath(path);
  const before = await nodeFs.stat(target);
  const current = await nodeFs.readFile(target);
  if (!sameBytes(current, expected)) throw new FileChangedError('file changed on disk since it was read; not written');
  const tmp = nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target)}.initlens-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await nodeFs.writeFile(tmp, text, { flag: 'wx', mode: before.mode & 0o7777 });
    await nodeFs.chmod(tmp, before.mode & 0o7777);
    try {
      await nodeFs.chown(tmp, before.uid, before.gid);
    } catch {
      // not permitted for non-root users on foreign files: keep the new owner
    }
    const again = await nodeFs.stat(target);
    if (again.size !== before.size || again.mtimeMs !== before.mtimeMs || !sameBytes(await nodeFs.readFile(target), expected)) {
      throw new FileChangedError('file changed on disk while fixing; not written');
    }
    await nodeFs.rename(tmp, target);
  } catch (e) {
    await nodeFs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

export function nodeIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stat: (p) => nodeFs.stat(p),
    readdir: (p) => nodeFs.readdir(p, { withFileTypes: true }),
    readFile: (p) => nodeFs.readFile(p),
    writeFile: writeFileAtomic,
  };
}
