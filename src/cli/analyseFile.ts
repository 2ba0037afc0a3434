/** One file through the engine: read, fix when asked (writing it back), analyse. */
import * as nodePath from 'node:path';
import { analyzeInWorkspace, prepareInWorkspace, type AnalysisOptions, type AnalysisResult, type Language } from '../core/index.js';
import { parseNotebook, type Notebook } from '../core/notebook.js';
import type { JsonError } from '../core/report.js';
import type { Args } from './args.js';
import { errMessage, load, type FileProblem, type Loaded, type Target } from './files.js';
import { fixNotebook, fixText } from './fix.js';
import { FileChangedError, type CliIO } from './io.js';
import { inProcessEngine, safeAnalyze, type AnalysisEngine } from './pool.js';
import type { ProjectContext } from './project.js';

export interface Analysed {
  path: string;
  /** The text the engine saw (notebook: the joined code cells). */
  text: string;
  result: AnalysisResult | null;
  notebook: Notebook | null;
  errors: JsonError[];
  /** Problems fixed by --fix in this file. */
  fixed: number;
  /** The root of the file's project (absolute), when it was analysed with one: `dependsOn` paths are relative to it. */
  projectRoot?: string;
}


export { safeAnalyze };

/**
 * The workspace-aware analysis of a file in a project: the file is linked here (the project's index
 * lives in this thread) and the linked text is analysed by `engine` (in-process or a worker thread),
 * then brought back to the file: the same result as `analyzeInWorkspace`.
 */
async function projectAnalyze(text: string, language: Language, options: AnalysisOptions, project: ProjectContext, engine: AnalysisEngine): Promise<AnalysisResult | string> {
  try {
    const prepared = prepareInWorkspace(project.index, project.rel, text, language);
    const r = await engine.analyze(prepared.text, language, options);
    return typeof r === 'string' ? r : prepared.finish(r);
  } catch (e) {
    return `internal error while analysing: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export interface FileOutcome {
  analysed: Analysed;
  problems: FileProblem[];
}

/** The analysis --fix rounds use: the workspace-aware one in a project (fixes never edit another file). */
function analyzerFor(language: Language, options: AnalysisOptions, project: ProjectContext): (text: string) => AnalysisResult {
  return (text) => analyzeInWorkspace(project.index, project.rel, text, language, options);
}

/**
 * `engine` does the CPU work (in-process, or a worker pool); a file in a project is linked here with
 * the project's index, and its `--fix` rounds run here (a fixed file updates the index that the
 * files after it read). All I/O stays here.
 */
export async function processFile(
  io: CliIO,
  target: Target,
  args: Args,
  options: AnalysisOptions,
  engine: AnalysisEngine = inProcessEngine,
  project: ProjectContext | null = null,
  /** The file as already read (for the project's index), instead of reading it again. */
  preloaded?: Loaded,
): Promise<FileOutcome> {
  const problems: FileProblem[] = [];
  const empty = (message: string, fatal: boolean, text = ''): FileOutcome => {
    problems.push({ path: target.path, message, fatal });
    return { analysed: { path: target.path, text, result: null, notebook: null, errors: [{ message }], fixed: 0 }, problems };
  };
  const loaded = preloaded ?? (await load(io, target, args.maxSize));
  if (!('bytes' in loaded)) return empty(loaded.message, loaded.fatal);

  if (target.kind === 'notebook') {
    const parsed = parseNotebook(loaded.text);
    if (!parsed.notebook) return empty(parsed.error, false);
    let nb = parsed.notebook;
    if (nb.language === null) {
      return empty(`skipped: notebook language '${nb.languageName}' is not supported`, false, nb.text);
    }
    const language = nb.language;
    let fixed = 0;
    if (args.fix) {
      try {
        const r = fixNotebook(nb, language, options, args.unsafeFixes, project ? analyzerFor(language, options, project) : undefined);
        for (const why of r.refused) problems.push({ path: target.path, message: `fix not applied: ${why}`, fatal: false });
        if (r.notebook.fileText !== loaded.text) {
          const wrote = await write(io, target.path, (loaded.bom ? '\ufeff' : '') + r.notebook.fileText, loaded.bytes);
          if (wrote) problems.push(wrote);
          else {
            nb = r.notebook;
            fixed = r.count;
          }
        }
      } catch (e) {
        problems.push({ path: target.path, message: `internal error while fixing: ${e instanceof Error ? e.message : String(e)}`, fatal: true });
      }
    }
    // later files of the project see the fixed text
    if (project && fixed > 0) project.index.update(project.rel, nb.text, 'notebook', nb.slices.map((c) => ({ cell: c.cell, start: c.start })));
    const result = project ? await projectAnalyze(nb.text, language, options, project, engine) : await engine.analyze(nb.text, language, options);
    if (typeof result === 'string') return empty(result, true, nb.text);
    return { analysed: { path: target.path, text: nb.text, result, notebook: nb, errors: [], fixed, ...(project ? { projectRoot: project.root } : {}) }, problems };
  }

  const language = target.kind as Language;
  let text = loaded.text;
  let fixed = 0;
  if (args.fix) {
    try {
      const r = project ? fixText(text, language, options, args.unsafeFixes, analyzerFor(language, options, project)) : await engine.fixText(text, language, options, args.unsafeFixes);
      if (r.text !== loaded.text) {
        const wrote = await write(io, target.path, (loaded.bom ? '\ufeff' : '') + r.text, loaded.bytes);
        if (wrote) problems.push(wrote);
        else {
          text = r.text;
          fixed = r.count;
        }
      }
    } catch (e) {
      problems.push({ path: target.path, message: `internal error while fixing: ${e instanceof Error ? e.message : String(e)}`, fatal: true });
    }
  }
  if (project && fixed > 0) project.index.update(project.rel, text);
  const result = project ? await projectAnalyze(text, language, options, project, engine) : await engine.analyze(text, language, options);
  if (typeof result === 'string') return empty(result, true, text);
  return { analysed: { path: target.path, text, result, notebook: null, errors: [], fixed, ...(project ? { projectRoot: project.root } : {}) }, problems };
}

export async function write(io: CliIO, path: string, text: string, expected: Uint8Array): Promise<FileProblem | null> {
  try {
    await io.writeFile(nodePath.resolve(io.cwd, path), text, expected);
    return null;
  } catch (e) {
    const why = e instanceof FileChangedError ? e.message : `cannot write: ${errMessage(e)}`;
    return { path, message: why, fatal: true };
  }
}
