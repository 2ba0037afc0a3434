/**
 * `initlens check PATH...`: every file under the paths through the engine (fixing when asked), then
 * the findings as text, JSON or SARIF. Exit 0 no findings, 1 findings, 2 an I/O error.
 * `analysePaths` is shared with `layers`, which reads the same files and prints other things.
 */
import type { AnalysisResult } from '../../core/index.js';
import type { CliConfig } from '../config.js';
import { buildFileReport, buildReport, type JsonFileReport } from '../../core/report.js';
import { buildSarif, toArtifactUri, type SarifFileInput } from '../../core/sarif.js';
import { processFile, type Analysed } from '../analyseFile.js';
import { repositoryUrl, VERSION, type Args } from '../args.js';
import { collect, type FileProblem } from '../files.js';
import type { CliIO } from '../io.js';
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
  const analysed: Analysed[] = [];
  const jsonEntries: JsonFileReport[] = [];
  // Paths that failed before analysis get an entry of their own in JSON.
  for (const p of problems) jsonEntries.push(buildFileReport(p.path, '', null, { errors: [{ message: p.message }] }));
  for (const target of targets) {
    const { options, config } = await cfg.optionsFor(target.path);
    const outcome = await processFile(io, target, args, options);
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
      .map((a) => ({ uri: toArtifactUri(a.path, io.cwd), text: a.text, result: a.result, notebook: a.notebook }));
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
