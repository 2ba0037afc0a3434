/**
 * Finding the configuration of a file, as Ruff does: from the file's directory
 * upwards, the first directory with an `initlens.toml` (or `.initlens.toml`),
 * or a `pyproject.toml` that has a `[tool.initlens]` table, wins; a
 * pyproject.toml without it is passed over. Files are not merged across
 * directories. Pure: the caller gives a reader (Node's fs in the CLI,
 * `vscode.workspace.fs` in the extension, so the web extension works too);
 * every file is read at most once per resolver.
 */
import type { AnalysisOptions } from '../types.js';
import { compileGlobs } from './glob.js';
import { dirOf, parseConfig, type ConfigKind, type ConfigProblem, type ProjectConfig } from './parse.js';

/** Reads a file's text; null (or a rejection) when it does not exist or cannot be read. */
export type ReadText = (path: string) => Promise<string | null>;

/** File names looked for in each directory, in precedence order. */
export const CONFIG_FILES: readonly { name: string; kind: ConfigKind }[] = [
  { name: '.initlens.toml', kind: 'initlens' },
  { name: 'initlens.toml', kind: 'initlens' },
  { name: 'pyproject.toml', kind: 'pyproject' },
];

export interface ResolvedConfig {
  /** null: no configuration applies (defaults). */
  config: ProjectConfig | null;
  /** Problems of the files looked at on the way (each reported once per resolver). */
  problems: ConfigProblem[];
}

function join(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** The directories from a file's own up to the root ('/'-separated). */
export function ancestors(filePath: string): string[] {
  const out: string[] = [];
  let d = dirOf(filePath.replace(/\\/g, '/'));
  for (let guard = 0; guard < 256; guard++) {
    out.push(d);
    const up = dirOf(d);
    if (up === d || d === '.' || /^[A-Za-z]:$/.test(d)) break;
    d = up;
  }
  return out;
}

export class ConfigResolver {
  private readonly files = new Map<string, Promise<{ config: ProjectConfig | null; problems: ConfigProblem[] } | null>>();
  private readonly dirs = new Map<string, Promise<ResolvedConfig | null>>();

  constructor(private readonly read: ReadText) {}

  /** The configuration of the file at `filePath` (absolute, or relative to the caller's working directory). */
  async resolve(filePath: string): Promise<ResolvedConfig> {
    for (const dir of ancestors(filePath)) {
      const hit = await this.inDir(dir);
      if (hit) return hit;
    }
    return { config: null, problems: [] };
  }

  /** A file changed on disk: forget what was read. */
  clear(): void {
    this.files.clear();
    this.dirs.clear();
  }

  private inDir(dir: string): Promise<ResolvedConfig | null> {
    let p = this.dirs.get(dir);
    if (!p) {
      p = (async () => {
        for (const f of CONFIG_FILES) {
          const parsed = await this.file(join(dir, f.name), f.kind);
          // A file with an InitLens section, or one that is broken (its problems are reported and defaults used).
          if (parsed && (parsed.config || parsed.problems.length > 0)) return { config: parsed.config, problems: parsed.problems };
        }
        return null;
      })();
      this.dirs.set(dir, p);
    }
    return p;
  }

  private file(path: string, kind: ConfigKind) {
    let p = this.files.get(path);
    if (!p) {
      p = this.read(path).then(
        (text) => (text === null ? null : parseConfig(text, path, kind)),
        () => null,
      );
      this.files.set(path, p);
    }
    return p;
  }
}

/** Which settings the user set explicitly (CLI flags, VS Code settings set by the user); these win over the file. */
export interface Overrides {
  select?: AnalysisOptions['select'];
  /** Added to the configuration's ignore list. */
  ignore?: AnalysisOptions['ignore'];
  severity?: AnalysisOptions['severity'];
  pytorchDefaultIsFinding?: boolean;
  distribution?: AnalysisOptions['distribution'];
}

/**
 * The engine options for one file: defaults, then the project configuration
 * (per-file ignores matched against the file's path relative to the
 * configuration's directory), then what the user set explicitly.
 */
export function optionsFor(base: AnalysisOptions, config: ProjectConfig | null, filePath: string, overrides: Overrides = {}): AnalysisOptions {
  const out: AnalysisOptions = { ...base, severity: { ...base.severity }, select: [...base.select], ignore: [...base.ignore] };
  if (config) {
    if (config.select) out.select = [...config.select];
    if (config.ignore) out.ignore = [...new Set([...out.ignore, ...config.ignore])];
    if (config.severity) Object.assign(out.severity, config.severity);
    if (config.pytorchDefault !== undefined) out.pytorchDefaultIsFinding = config.pytorchDefault;
    if (config.distribution) out.distribution = config.distribution;
    const rel = relativeTo(config.root, filePath);
    for (const p of config.perFileIgnores ?? []) {
      if (rel !== null && compileGlobs([p.pattern])(rel)) out.ignore = [...new Set([...out.ignore, ...p.codes])];
    }
  }
  if (overrides.select && overrides.select.length > 0) out.select = [...overrides.select];
  if (overrides.ignore) out.ignore = [...new Set([...out.ignore, ...overrides.ignore])];
  if (overrides.severity) Object.assign(out.severity, overrides.severity);
  if (overrides.pytorchDefaultIsFinding !== undefined) out.pytorchDefaultIsFinding = overrides.pytorchDefaultIsFinding;
  if (overrides.distribution) out.distribution = overrides.distribution;
  return out;
}

/** `path` relative to `root` ('/'-separated), null when it is not under it. */
export function relativeTo(root: string, path: string): string | null {
  const p = path.replace(/\\/g, '/');
  if (root === '.' ) return p.replace(/^\.\//, '');
  const r = root.endsWith('/') ? root : root + '/';
  return p.startsWith(r) ? p.slice(r.length) : null;
}

/** "IL003 (line 4, key severity.IL009): …" style, one line per problem. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.key ? `${p.key}: ` : ''}${p.message}`;
}
