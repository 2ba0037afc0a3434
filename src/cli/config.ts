/**
 * Project configuration for the CLI: the nearest initlens.toml / pyproject.toml
 * `[tool.initlens]` of each file (or `--config FILE`, or none with
 * `--isolated`), merged under the options given on the command line. The
 * discovery and the merge are the engine's (src/core/config, pure); this file
 * only reads files.
 */
import * as nodePath from 'node:path';
import { defaultOptions, type AnalysisOptions } from '../core/index.js';
import { ConfigResolver, formatProblem, optionsFor, parseConfig, type ConfigProblem, type Overrides, type ProjectConfig } from '../core/config/index.js';
import type { Args } from './args.js';
import type { CliIO } from './io.js';
import type { Style } from './render/style.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

export class CliConfig {
  private readonly resolver: ConfigResolver;
  private readonly problems: ConfigProblem[] = [];
  private readonly seen = new Set<string>();
  /** Configuration path → number of files it applied to. */
  readonly used = new Map<string, number>();
  private forced: ProjectConfig | null = null;

  private constructor(private readonly io: CliIO, private readonly args: Args) {
    this.resolver = new ConfigResolver(async (path) => {
      try {
        return decoder.decode(await io.readFile(path));
      } catch {
        return null;
      }
    });
  }

  /** Reads `--config FILE` when given; a missing or unreadable file is an error message (exit 2). */
  static async create(io: CliIO, args: Args): Promise<CliConfig | string> {
    const c = new CliConfig(io, args);
    if (args.config !== null) {
      const abs = nodePath.resolve(io.cwd, args.config);
      let text: string;
      try {
        text = decoder.decode(await io.readFile(abs));
      } catch (e) {
        return `--config ${args.config}: cannot read it (${e instanceof Error ? e.message : String(e)})`;
      }
      const parsed = parseConfig(text, abs, nodePath.basename(abs) === 'pyproject.toml' ? 'pyproject' : 'initlens');
      c.note(parsed.problems);
      // An explicit file with no InitLens section still applies (as defaults), rooted at its directory.
      c.forced = parsed.config ?? { path: abs.replace(/\\/g, '/'), root: nodePath.dirname(abs).replace(/\\/g, '/') };
    }
    return c;
  }

  private note(problems: readonly ConfigProblem[]): void {
    for (const p of problems) {
      const key = formatProblem(p);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.problems.push(p);
    }
  }

  /** The options of one file: defaults < its configuration < the command line. */
  async optionsFor(path: string): Promise<{ options: AnalysisOptions; config: ProjectConfig | null }> {
    const abs = nodePath.resolve(this.io.cwd, path).replace(/\\/g, '/');
    let config: ProjectConfig | null = null;
    if (this.forced) config = this.forced;
    else if (!this.args.isolated) {
      const r = await this.resolver.resolve(abs);
      this.note(r.problems);
      config = r.config;
    }
    if (config) this.used.set(config.path, (this.used.get(config.path) ?? 0) + 1);
    const a = this.args;
    const overrides: Overrides = {
      select: a.given.has('select') ? a.select : undefined,
      ignore: a.given.has('ignore') ? a.ignore : undefined,
      distribution: a.given.has('distribution') ? a.distribution : undefined,
      pytorchDefaultIsFinding: a.given.has('pytorchDefault') ? a.pytorchDefault : undefined,
    };
    return { options: optionsFor({ ...defaultOptions }, config, abs, overrides), config };
  }

  /** A configuration path as shown to the user (relative to the working directory when under it). */
  display(path: string): string {
    const rel = nodePath.relative(this.io.cwd, path);
    return rel !== '' && !rel.startsWith('..') && !nodePath.isAbsolute(rel) ? rel.replace(/\\/g, '/') : path;
  }

  configProblems(): { file: string; line: number; column: number; key: string | null; message: string }[] {
    return this.problems.map((p) => ({ ...p, file: this.display(p.file) }));
  }

  /** stderr: bad configuration (file:line:col: key: message, defaults used) and which configuration was used. */
  report(style: Style): void {
    for (const p of this.problems) {
      this.io.stderr(`${style.bold(`${this.display(p.file)}:${p.line}:${p.column}`)}: ${style.yellow('warning')}: ${p.key ? `${p.key}: ` : ''}${p.message} (${p.key ? 'this key is ignored' : 'this file is ignored'}; defaults used)\n`);
    }
    if (this.args.isolated) {
      this.io.stderr(style.dim('Configuration: none (--isolated)\n'));
      return;
    }
    if (this.used.size === 0) {
      if (this.args.verbose) this.io.stderr(style.dim('Configuration: none found (defaults)\n'));
      return;
    }
    for (const [path, n] of this.used) {
      const section = path.endsWith('pyproject.toml') ? ' [tool.initlens]' : '';
      this.io.stderr(style.dim(`Configuration: ${this.display(path)}${section} (${n} file${n === 1 ? '' : 's'})\n`));
    }
  }
}
