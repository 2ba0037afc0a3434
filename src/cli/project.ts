/**
 * Workspace-aware checking for the CLI: which project each file belongs to and
 * the index of that project (src/core/workspace), filled from the disk once per
 * run. `initlens check DIR` makes DIR a project; `--project ROOT` makes ROOT the
 * project of every file under it (also a file given alone); `--no-project`
 * analyses every file alone.
 */
import * as nodePath from 'node:path';
import { WorkspaceIndex } from '../core/index.js';
import type { Args } from './args.js';
import { collect, load, type FileProblem, type Loaded, type Target } from './files.js';
import type { CliIO } from './io.js';
import { inProcessEngine, mapLimited, type AnalysisEngine, type IndexEntry } from './pool.js';

export interface ProjectContext {
  index: WorkspaceIndex;
  /** The file's path in the project (relative to its root, `/` separators). */
  rel: string;
  /** The project's root folder (absolute). */
  root: string;
}

export interface Projects {
  /** The project of a target, or null (analysed alone). */
  of(target: Target): ProjectContext | null;
  /**
   * The file as it was read to build its project's index, handed out once (then forgotten), so that
   * it is not read a second time; undefined when it was not kept (`--fix`: files are read when fixed).
   */
  take(target: Target): Loaded | undefined;
}

const NONE: Projects = { of: () => null, take: () => undefined };

function relPath(root: string, abs: string): string | null {
  const rel = nodePath.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || nodePath.isAbsolute(rel)) return null;
  return rel.split(nodePath.sep).join('/');
}

/**
 * The project's index, filled from the disk. Files are read here; their summaries (notebook
 * JSON, top-level statements, imports) are computed by `engine`, on the worker threads when
 * there are some, and entered in the walk's order.
 */
async function indexFolder(io: CliIO, root: string, args: Args, engine: AnalysisEngine, keep: Map<string, Loaded> | null): Promise<WorkspaceIndex> {
  const index = new WorkspaceIndex(args.maxSize);
  const ignored: FileProblem[] = [];
  const targets = await collect(io, [root], ignored);
  const absRoot = nodePath.resolve(io.cwd, root);
  const entries = await mapLimited(targets, engine.threads === 1 ? 1 : engine.threads * 4, async (t): Promise<{ rel: string; entry: IndexEntry } | null> => {
    const rel = relPath(absRoot, nodePath.resolve(io.cwd, t.path));
    if (rel === null) return null;
    const loaded = await load(io, t, args.maxSize);
    if (!('bytes' in loaded)) return null; // unreadable or skipped: reported when (if) it is analysed
    keep?.set(nodePath.resolve(io.cwd, t.path), loaded);
    return { rel, entry: await engine.indexEntry(rel, loaded.text) };
  });
  for (const e of entries) if (e?.entry) index.update(e.rel, e.entry.text, e.entry.language, e.entry.cells, e.entry.summary);
  return index;
}

export async function buildProjects(io: CliIO, args: Args, engine: AnalysisEngine = inProcessEngine): Promise<Projects> {
  if (args.noProject) return NONE;
  const roots: string[] = [];
  if (args.project !== null) roots.push(args.project);
  else {
    for (const p of args.paths) {
      try {
        if ((await io.stat(nodePath.resolve(io.cwd, p))).isDirectory()) roots.push(p);
      } catch {
        // reported by the file walk
      }
    }
  }
  if (roots.length === 0) return NONE;
  const projects: { abs: string; index: WorkspaceIndex }[] = [];
  // Without --fix every file is analysed as it was read for the index (with --fix, an earlier file's
  // fix is on disk when a later file is read).
  const kept = args.fix ? null : new Map<string, Loaded>();
  for (const r of roots) {
    const abs = nodePath.resolve(io.cwd, r);
    if (projects.some((p) => p.abs === abs)) continue;
    projects.push({ abs, index: await indexFolder(io, r, args, engine, kept) });
  }
  // the innermost root wins for a file under several
  projects.sort((a, b) => b.abs.length - a.abs.length);
  return {
    take(target: Target): Loaded | undefined {
      if (!kept) return undefined;
      const abs = nodePath.resolve(io.cwd, target.path);
      const l = kept.get(abs);
      kept.delete(abs);
      return l;
    },
    of(target: Target): ProjectContext | null {
      const abs = nodePath.resolve(io.cwd, target.path);
      for (const p of projects) {
        const rel = relPath(p.abs, abs);
        if (rel !== null) return { index: p.index, rel, root: p.abs };
      }
      return null;
    },
  };
}
