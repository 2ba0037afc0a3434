/** Which files a run analyses (folder walk, extensions, ignored folders) and how each is read. */
import * as nodePath from 'node:path';
import type { Language } from '../core/index.js';
import type { CliIO, DirEntry, FileStat } from './io.js';

export const IGNORED_DIRS = new Set([
  'node_modules',
  '.git',
  '__pycache__',
  '.venv',
  'venv',
  'dist',
  'build',
  '.ipynb_checkpoints',
  '.hg',
  '.svn',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
]);
/** Extensions analysed in folder walks. .tsx/.jsx are not: the engine parses plain TS/JS only. */
export const EXTENSIONS: Record<string, Language | 'notebook'> = {
  '.py': 'python',
  '.ipynb': 'notebook',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
};

export interface Target {
  /** Path as given (joined under a given folder). */
  path: string;
  kind: Language | 'notebook' | null;
}

export function kindOf(path: string): Language | 'notebook' | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.d.ts') || lower.endsWith('.d.mts') || lower.endsWith('.d.cts')) return null;
  return EXTENSIONS[nodePath.extname(lower)] ?? null;
}

export function errMessage(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e) {
    const code = String((e as { code: unknown }).code);
    const known: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EACCES: 'permission denied',
      EPERM: 'operation not permitted',
      EISDIR: 'is a directory',
      ENOTDIR: 'not a directory',
      ELOOP: 'too many symbolic links',
      EMFILE: 'too many open files',
    };
    return known[code] ?? (e instanceof Error ? e.message : code);
  }
  return e instanceof Error ? e.message : String(e);
}

export interface FileProblem {
  path: string;
  message: string;
  /** true: an I/O error (exit 2); false: a file skipped on purpose. */
  fatal: boolean;
}

export async function collect(io: CliIO, paths: string[], problems: FileProblem[]): Promise<Target[]> {
  const out: Target[] = [];
  const seen = new Set<string>();
  const add = (path: string, kind: Target['kind']): void => {
    const key = nodePath.resolve(io.cwd, path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, kind });
  };
  const walk = async (dir: string): Promise<void> => {
    let entries: DirEntry[];
    try {
      entries = await io.readdir(nodePath.resolve(io.cwd, dir));
    } catch (e) {
      problems.push({ path: dir, message: `cannot read directory: ${errMessage(e)}`, fatal: true });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = nodePath.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!IGNORED_DIRS.has(entry.name)) await walk(child);
        continue;
      }
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        // Follow links to files; never links to folders (cycles).
        try {
          isFile = (await io.stat(nodePath.resolve(io.cwd, child))).isFile();
        } catch {
          continue;
        }
      }
      if (!isFile) continue;
      const kind = kindOf(entry.name);
      if (kind) add(child, kind);
    }
  };
  for (const p of paths) {
    let st: FileStat;
    try {
      st = await io.stat(nodePath.resolve(io.cwd, p));
    } catch (e) {
      problems.push({ path: p, message: errMessage(e), fatal: true });
      continue;
    }
    if (st.isDirectory()) await walk(p);
    else {
      const kind = kindOf(p);
      if (kind) add(p, kind);
      else problems.push({ path: p, message: 'skipped: not a .py, .ipynb, .js, .mjs, .cjs, .ts, .mts or .cts file', fatal: false });
    }
  }
  return out;
}

export interface Loaded {
  bytes: Uint8Array;
  /** Decoded text without a leading BOM. */
  text: string;
  bom: boolean;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KiB`;
  return `${n} bytes`;
}

export async function load(io: CliIO, target: Target, maxSize: number): Promise<Loaded | FileProblem> {
  const abs = nodePath.resolve(io.cwd, target.path);
  let bytes: Uint8Array;
  try {
    const st = await io.stat(abs);
    if (st.size > maxSize) {
      return { path: target.path, message: `skipped: file is ${formatBytes(st.size)}, over the ${formatBytes(maxSize)} limit (--max-size)`, fatal: false };
    }
    bytes = await io.readFile(abs);
  } catch (e) {
    return { path: target.path, message: `cannot read: ${errMessage(e)}`, fatal: true };
  }
  if (bytes.length > maxSize) {
    return { path: target.path, message: `skipped: file is ${formatBytes(bytes.length)}, over the ${formatBytes(maxSize)} limit (--max-size)`, fatal: false };
  }
  if (bytes.includes(0)) return { path: target.path, message: 'skipped: binary file (contains NUL bytes)', fatal: false };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { path: target.path, message: 'skipped: not valid UTF-8', fatal: false };
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  return { bytes, text: bom ? text.slice(1) : text, bom };
}
