/**
 * `initlens layers PATH...`: every detected layer, as text or as the same JSON report as `check`.
 * Exit 0, or 2 on an I/O error; findings do not change the exit code.
 */
import type { CliConfig } from '../config.js';
import { buildReport } from '../../core/report.js';
import type { Args } from '../args.js';
import type { CliIO } from '../io.js';
import type { Style } from '../render/style.js';
import { reportProblems, textLayers } from '../render/text.js';
import { analysePaths } from './check.js';

export async function runLayers(io: CliIO, style: Style, args: Args, cfg: CliConfig): Promise<number> {
  const { problems, analysed, jsonEntries, fatal } = await analysePaths(io, args, cfg);
  if (args.format === 'json') {
    io.stdout(JSON.stringify(buildReport(jsonEntries, cfg.configProblems()), null, 2) + '\n');
  } else {
    reportProblems(io, style, problems);
    textLayers(io, style, analysed);
  }
  return fatal ? 2 : 0;
}
