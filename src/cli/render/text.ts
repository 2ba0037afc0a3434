/** Text output of `check` and `layers`, and the problem lines on stderr. */
import { PositionMapper } from '../../core/report.js';
import { where } from '../../core/workspace/analyze.js';
import type { Analysed } from '../analyseFile.js';
import type { Args } from '../args.js';
import type { FileProblem } from '../files.js';
import type { CliIO } from '../io.js';
import type { Style } from './style.js';

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function location(a: Analysed, map: PositionMapper, line: number, column: number): string {
  const cell = map.cellOf(line);
  return cell.cell !== undefined ? `${a.path}:cell ${cell.cell + 1}:${cell.cellLine}:${column}` : `${a.path}:${line}:${column}`;
}

export function severityColor(style: Style, severity: string): (s: string) => string {
  return severity === 'error' ? style.red : severity === 'warning' ? style.yellow : severity === 'info' ? style.blue : style.dim;
}

export function reportProblems(io: CliIO, style: Style, problems: FileProblem[]): void {
  for (const p of problems) io.stderr(`${style.bold(p.path)}: ${p.fatal ? style.red('error') : style.yellow('warning')}: ${p.message}\n`);
}

export function textCheck(io: CliIO, style: Style, files: Analysed[], args: Args, checked: number): void {
  let total = 0;
  let fixable = 0;
  let hidden = 0;
  let fixedTotal = 0;
  let fixedFiles = 0;
  for (const a of files) {
    if (a.fixed > 0) {
      fixedTotal += a.fixed;
      fixedFiles++;
    }
    if (!a.result) continue;
    const map = new PositionMapper(a.text, a.notebook);
    for (const e of a.result.errors) {
      const p = map.position(e.span.from);
      io.stderr(`${location(a, map, p.line, p.column)}: ${style.yellow('warning')}: ${/^syntax error/i.test(e.message) ? e.message : `syntax error: ${e.message}`} (analysis continued)\n`);
    }
    const findings = [...a.result.findings].sort((x, y) => x.span.from - y.span.from);
    for (const f of findings) {
      total++;
      const p = map.position(f.span.from);
      const color = severityColor(style, f.severity);
      io.stdout(`${style.bold(location(a, map, p.line, p.column))}: ${color(style.bold(f.code))} ${color(`[${f.severity}]`)} ${args.verbose ? f.message : f.summary}\n`);
      const fix = f.fixes[0];
      if (fix && fix.edits.length > 0) {
        let how: string;
        if (fix.safety === 'safe') {
          fixable++;
          how = 'safe fix, apply with --fix';
        } else if (args.unsafeFixes) {
          fixable++;
          how = 'unsafe fix, apply with --fix --unsafe-fixes';
        } else {
          hidden++;
          how = 'unsafe fix, available with --unsafe-fixes';
        }
        io.stdout(`  ${style.cyan('help')}: ${fix.description} ${style.dim(`(${how})`)}\n`);
      }
    }
  }
  if (total > 0) io.stdout('\n');
  if (args.fix) io.stdout(`Fixed ${plural(fixedTotal, 'problem')} in ${plural(fixedFiles, 'file')}.\n`);
  const summary = `Found ${plural(total, 'problem')} (${fixable} fixable) in ${plural(checked, 'file')}.`;
  io.stdout(`${total > 0 ? style.bold(summary) : style.green(summary)}\n`);
  if (hidden > 0) io.stdout(`${style.dim(`${plural(hidden, 'more fix')} available with --unsafe-fixes.`)}\n`);
}

export function textLayers(io: CliIO, style: Style, files: Analysed[]): void {
  let count = 0;
  for (const a of files) {
    if (!a.result) continue;
    const map = new PositionMapper(a.text, a.notebook);
    const flagged = new Set(a.result.findings.map((f) => f.layer));
    for (const l of [...a.result.layers].sort((x, y) => x.span.from - y.span.from)) {
      count++;
      const p = map.position(l.span.from);
      const init = `${l.init.name}${l.init.explicit ? '' : ' (default)'}`;
      const fans = `fan_in=${l.fanIn ?? '?'} fan_out=${l.fanOut ?? '?'}`;
      const parts = [
        style.bold(l.layer),
        `(${l.framework})`,
        l.name ? `name=${l.name}` : null,
        `activation=${l.activation.name}`,
        `init=${init}`,
        fans,
        l.normalization ? `norm=${l.normalization}` : null,
        l.residual ? 'residual' : null,
        flagged.has(l.id) ? style.yellow('[finding]') : null,
        // held by a model here, written in another file of the project
        l.origin ? style.dim(`(written in ${where(l.origin)})`) : null,
      ].filter((x): x is string => x !== null);
      io.stdout(`${style.bold(location(a, map, p.line, p.column))}: ${parts.join(' ')}\n`);
    }
  }
  io.stdout(`${plural(count, 'layer')} in ${plural(files.filter((f) => f.result).length, 'file')}.\n`);
}
