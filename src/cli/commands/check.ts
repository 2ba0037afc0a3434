/**
 * `initlens check PATH...`: every file under the paths through the engine (fixing when asked), then
 * the findings as text, JSON or SARIF. Exit 0 no findings, 1 findings, 2 an I/O error.
 * `analysePaths` is shared with `layers`, which reads the same files and prints other things.
 */
import * as nodePath from 'node:path';
import type { AnalysisResult } from '../../core/index.js';
import type { CliConfig } from '../config.js';
import { buildFileReport, buildReport, type JsonFileReport } from '../../core/report.js';
import { buildSarif, toArtifactUri, type SarifFileInput } from '../../core/sarif.js';
import { processFile, type Analysed } from '../analyseFile.js';
import { repositoryUrl, VERSION, type Args } from '../args.js';
import { collect, type FileProblem } from '../files.js';
import { buildProjects } from '../project.js';
import type { CliIO } from '../io.js';
import { inProcessEngine, mapLimited, poolSize, workerEngine, type AnalysisEngine } from '../pool.js';
import type { Style } from '../render/style.js';
import { reportProblems, textCheck } from '../render/text.js';

export interface AnalysedPaths {
  problems: FileProblem[];
  analysed: Analysed[];
  /** One JSON report entry per path that failed before analysis, then one per analysed file. */
  jsonEntries: JsonFileReport[];
  /** An I/O error happened (exit 2). */
  fatal: boolean;
}

export async function analysePaths(io: CliIO, args: Args, cfg: CliConfig): Promise<AnalysedPaths> {
  const problems: FileProblem[] = [];
  const targets = await collect(io, args.paths, problems);
  // The threads start first: they also summarize the projects' files for their indexes.
  const pool = await startEngine(io, targets.map((t) => t.path), args);
  let projects;
  try {
    projects = await buildProjects(io, args, pool);
  } catch (e) {
    await pool.close();
    throw e;
  }
  const analysed: Analysed[] = [];
  const jsonEntries: JsonFileReport[] = [];
  // Paths that failed before analysis get an entry of their own in JSON.
  for (const p of problems) jsonEntries.push(buildFileReport(p.path, '', null, { errors: [{ message: p.message }] }));
  // With --fix, files in a project are fixed and analysed in this thread, in the walk's order (a
  // fix is seen by the files after it). Otherwise the worker pool analyses every file: a project's
  // files are linked here (the index lives in this thread) and their linked text analysed there.
  const inProject = targets.some((t) => projects.of(t) !== null);
  const engine = inProject && args.fix ? inProcessEngine : pool;
  if (engine !== pool) await pool.close();
  const progress = progressLine(io, targets.length, engine.threads);
  let outcomes;
  try {
    // Files are read, fixed and analysed concurrently (a few per thread in flight, so that
    // reading overlaps analysis); the outcomes keep the order of the walk.
    outcomes = await mapLimited(targets, engine.threads === 1 ? 1 : engine.threads * 4, async (t) => {
        const { options, config } = await cfg.optionsFor(t.path);
        return { outcome: await processFile(io, t, args, options, engine, projects.of(t), projects.take(t)), config };
      }, progress.update);
  } finally {
    progress.done();
    await engine.close();
  }
  for (const { outcome, config } of outcomes) {
    problems.push(...outcome.problems);
    analysed.push(outcome.analysed);
    const a = outcome.analysed;
    // Analysed files list their write/fix problems; skipped files already carry their reason.
    const errors = a.result ? outcome.problems.map((p) => ({ message: p.message })) : a.errors;
    const entry = buildFileReport(a.path, a.text, a.result, { notebook: a.notebook, errors });
    jsonEntries.push(config ? { ...entry, config: cfg.display(config.path) } : entry);
  }
  return { problems, analysed, jsonEntries, fatal: problems.some((p) => p.fatal) };
}

/** One thread per core for large runs (--jobs overrides); in-process when workers cannot start. */
async function startEngine(io: CliIO, paths: string[], args: Args): Promise<AnalysisEngine> {
  if (args.jobs === 1 || paths.length < 2) return inProcessEngine;
  let bytes = 0;
  if (args.jobs === null) {
    for (const p of paths) {
      try {
        bytes += (await io.stat(nodePath.resolve(io.cwd, p))).size;
      } catch {
        // reported when the file is read
      }
    }
  }
  const size = poolSize(paths.length, bytes, args.jobs);
  if (size === 1) return inProcessEngine;
  try {
    return workerEngine(size, io.stderr);
  } catch (e) {
    io.stderr(`initlens: cannot start worker threads (${e instanceof Error ? e.message : String(e)}); analysing in this thread\n`);
    return inProcessEngine;
  }
}

/** `files done/total` on stderr, redrawn at most every 100 ms, only when stderr is a terminal. */
function progressLine(io: CliIO, total: number, threads: number): { update: (done: number) => void; done: () => void } {
  if (!io.stderrIsTTY || total < 2) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  return {
    update: (done) => {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      shown = true;
      io.stderr(`\rinitlens: ${done}/${total} files${threads > 1 ? ` (${threads} threads)` : ''}`);
    },
    done: () => {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}

export async function runCheck(io: CliIO, style: Style, args: Args, cfg: CliConfig): Promise<number> {
  const { problems, analysed, jsonEntries, fatal } = await analysePaths(io, args, cfg);
  const findings = analysed.reduce((n, a) => n + (a.result ? a.result.findings.length : 0), 0);
  const checked = analysed.filter((a) => a.result !== null).length;

  if (args.format === 'json') {
    io.stdout(JSON.stringify(buildReport(jsonEntries, cfg.configProblems()), null, 2) + '\n');
  } else if (args.format === 'sarif') {
    reportProblems(io, style, problems);
    cfg.report(style);
    const inputs: SarifFileInput[] = analysed
      .filter((a): a is Analysed & { result: AnalysisResult } => a.result !== null)
      .map((a) => ({
        uri: toArtifactUri(a.path, io.cwd),
        text: a.text,
        result: a.result,
        notebook: a.notebook,
        // a project file's dependsOn paths are relative to the project root
        ...(a.projectRoot !== undefined ? { originUri: (file: string) => toArtifactUri(nodePath.join(a.projectRoot!, file), io.cwd) } : {}),
      }));
    io.stdout(JSON.stringify(buildSarif(inputs, {
      version: VERSION,
      repositoryUrl: repositoryUrl(),
      notifications: problems.map((p) => ({ uri: toArtifactUri(p.path, io.cwd), message: p.message, level: p.fatal ? 'error' : 'warning' })),
    }), null, 2) + '\n');
  } else {
    reportProblems(io, style, problems);
    cfg.report(style);
    textCheck(io, style, analysed, args, checked);
  }
  if (fatal) return 2;
  return findings > 0 ? 1 : 0;
}
