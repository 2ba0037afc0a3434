/**
 * `npm run heldout -- DIR`: InitLens on checkouts of real repositories that nobody here has
 * labelled (the repositories issue 12 keeps out of test/wild as an independent check), one
 * folder per repository under DIR. Nothing of them is committed: they are not ours to ship,
 * and DIR is made by hand (see docs/heldout.md for the repositories, commits and how).
 *
 * Each folder is checked as one project (`initlens check FOLDER --format json`, as a user
 * would at the root of a clone). Test folders (`tests/`, `*_test.py`, `test_*.py`) are left out
 * of the counts: they build layers with deliberate constant weights to check numbers. Prints,
 * per repository and in total: files analysed, files with syntax errors, layers found, the
 * share whose activation is left `unknown`, and the findings by severity and rule, so that a
 * new run can be compared with the judged one in docs/heldout.md.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type CliFile, runCli } from './eval.js';
import { markdownTable } from './markdown.js';

const dir = process.argv[2];
if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) {
  console.error('usage: npm run heldout -- DIR   (DIR: one folder per repository checkout)');
  process.exit(2);
}

const isTest = (p: string) => /(^|\/)tests?\//.test(p) || /(^|\/)test_[^/]*$/.test(p) || /_test\.[a-z]+$/.test(p);

interface Row {
  repo: string;
  files: number;
  withErrors: number;
  layers: number;
  unknown: number;
  findings: Map<string, number>;
  seconds: number;
}

const rows: Row[] = [];
for (const repo of readdirSync(dir).sort()) {
  const abs = resolve(dir, repo);
  if (!statSync(abs).isDirectory()) continue;
  const t = performance.now();
  const run = runCli(['check', repo, '--format', 'json'], { cwd: resolve(dir), timeoutMs: 600_000 });
  const seconds = (performance.now() - t) / 1000;
  let files: CliFile[];
  try {
    files = (JSON.parse(run.stdout) as { files: CliFile[] }).files;
  } catch {
    console.error(`${repo}: the CLI gave no report (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    process.exitCode = 1;
    continue;
  }
  const row: Row = { repo, files: 0, withErrors: 0, layers: 0, unknown: 0, findings: new Map(), seconds };
  for (const f of files) {
    if (isTest(f.path)) continue;
    row.files++;
    if (f.errors.some((e) => /^Syntax error|Unexpected/.test(e.message))) row.withErrors++;
    row.layers += f.layers.length;
    row.unknown += f.layers.filter((l) => l.activation === 'unknown').length;
    for (const x of f.findings) {
      const k = `${x.code} ${x.severity}`;
      row.findings.set(k, (row.findings.get(k) ?? 0) + 1);
    }
  }
  rows.push(row);
}

const sum = (m: Map<string, number>, sev?: string) => [...m].filter(([k]) => !sev || k.endsWith(sev)).reduce((a, [, v]) => a + v, 0);
const total: Row = { repo: '**all**', files: 0, withErrors: 0, layers: 0, unknown: 0, findings: new Map(), seconds: 0 };
for (const r of rows) {
  total.files += r.files;
  total.withErrors += r.withErrors;
  total.layers += r.layers;
  total.unknown += r.unknown;
  total.seconds += r.seconds;
  for (const [k, v] of r.findings) total.findings.set(k, (total.findings.get(k) ?? 0) + v);
}
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '—');
const line = (r: Row) => [
  r.repo,
  String(r.files),
  String(r.withErrors),
  String(r.layers),
  pct(r.unknown, r.layers),
  String(sum(r.findings)),
  String(sum(r.findings, 'error')),
  String(sum(r.findings, 'warning')),
  String(sum(r.findings, 'info')),
  [...r.findings].sort().map(([k, v]) => `${k.split(' ')[0]}${k.endsWith('info') ? 'ⁱ' : k.endsWith('error') ? 'ᵉ' : ''}×${v}`).join(' '),
  r.seconds.toFixed(1),
];
console.log(
  markdownTable(
    ['Repository', 'files', 'with syntax errors', 'layers', 'activation unknown', 'findings', 'error', 'warning', 'info', 'by rule (ⁱ info, ᵉ error)', 'check s'],
    [...rows.map(line), line(total)],
  ).join('\n'),
);
console.log(`\n${join(dir)}: ${rows.length} repositories, test folders left out of the counts.`);
