/**
 * The corpus as a test: the hand-labelled model files in test/corpus must be
 * analysed as labelled (the eval goals), and `initlens check --fix` must be safe
 * on every one of them: Python still parses, notebooks keep their cells, a
 * second run changes nothing, and no layer is lost.
 *
 * Everything goes through the CLI, as a user would run it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import {
  checkJson,
  evaluate,
  goalFailures,
  listCorpus,
  markdownReport,
  metrics,
  runCli,
  totals,
  CORPUS,
  GOALS,
} from '../scripts/eval.js';

const corpus = listCorpus();
const SYSTEM_PYTHON = '/usr/bin/python3';

/** Code-cell text of a notebook, joined the way the CLI counts lines. */
function notebookCode(text: string): string[] {
  const nb = JSON.parse(text) as { cells: { cell_type: string; source: string | string[] }[] };
  const lines: string[] = [];
  for (const cell of nb.cells) {
    if (cell.cell_type !== 'code') continue;
    const src = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    lines.push(...src.split('\n'));
  }
  return lines;
}

function sourceLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return path.endsWith('.ipynb') ? notebookCode(text) : text.split('\n');
}

/** Python's own parser on a file (or on text given on stdin). */
function pythonParses(text: string): { ok: boolean; error: string } {
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: text, encoding: 'utf8' });
  return { ok: r.status === 0, error: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** Code cells joined for Python, with IPython magics and shell escapes blanked (they are not Python). */
function notebookAsPython(text: string): string {
  return notebookCode(text)
    .map((l) => (/^\s*[%!]/.test(l) ? '' : l))
    .join('\n');
}

test('the corpus has at least 30 labelled files covering every framework, a third of them correct', () => {
  assert.ok(corpus.length >= 30, `only ${corpus.length} corpus files`);
  const frameworks = new Set(corpus.map((f) => f.framework));
  for (const fw of ['keras', 'pytorch', 'flax', 'tfjs', 'notebooks']) assert.ok(frameworks.has(fw), `no ${fw} files`);
  const correct = corpus.filter((f) => f.expected.correct).length;
  assert.ok(correct >= corpus.length / 4, `only ${correct} correct files`);
  assert.ok(corpus.some((f) => f.rel.endsWith('.ts')) && corpus.some((f) => f.rel.endsWith('.js')), 'tfjs needs TS and JS files');
});

test('every expectation points at the constructor it names', () => {
  for (const f of corpus) {
    const lines = sourceLines(f.abs);
    assert.equal(f.expected.correct, f.expected.findings.length === 0, `${f.rel}: "correct" must mean "no findings expected"`);
    for (const l of f.expected.layers) {
      const text = lines[l.line - 1] ?? '';
      assert.ok(text.includes(`${l.layer}(`), `${f.rel}:${l.line} should construct ${l.layer}, reads: ${text.trim()}`);
    }
    for (const finding of f.expected.findings) {
      if (finding.code === 'IL004') continue; // model level
      assert.ok(
        f.expected.layers.some((l) => l.line === finding.line),
        `${f.rel}: ${finding.code} at line ${finding.line} is not on an expected layer`,
      );
    }
  }
});

test(`eval goals: layer recall >= ${GOALS.layerRecall * 100}%, activation accuracy >= ${GOALS.activationAccuracy * 100}%, no false positive on correct files`, () => {
  const scores = evaluate(corpus);
  const failures = goalFailures(metrics(totals(scores)));
  assert.deepEqual(failures, [], `${failures.join('; ')}\n\n${markdownReport(scores)}`);
});

function fixRound(flags: string[]): void {
  const work = mkdtempSync(join(tmpdir(), 'initlens-corpus-'));
  try {
    cpSync(CORPUS, work, { recursive: true });
    const rels = corpus.map((f) => f.rel.replace(/^test\/corpus\//, ''));
    const before = checkJson(rels, work);

    const first = runCli(['check', ...flags, ...rels], { cwd: work });
    assert.notEqual(first.status, null, `check --fix did not finish: ${first.stderr}`);
    const afterFirst = new Map(rels.map((r) => [r, readFileSync(join(work, r), 'utf8')]));

    const problems: string[] = [];
    let changedFiles = 0;
    for (const f of corpus) {
      const rel = f.rel.replace(/^test\/corpus\//, '');
      const original = readFileSync(f.abs, 'utf8');
      const fixed = afterFirst.get(rel)!;
      if (fixed !== original) changedFiles++;
      if (rel.endsWith('.py')) {
        const p = pythonParses(fixed);
        if (!p.ok) problems.push(`${rel}: fixed file does not parse: ${p.error.trim().split('\n').slice(-1)[0]}`);
      } else if (rel.endsWith('.ipynb')) {
        let nb: { cells: { cell_type: string; source: string | string[] }[] } | null = null;
        try {
          nb = JSON.parse(fixed);
        } catch (e) {
          problems.push(`${rel}: fixed notebook is not JSON: ${String(e)}`);
        }
        if (nb) {
          const orig = JSON.parse(original) as typeof nb;
          if (nb.cells.length !== orig.cells.length) problems.push(`${rel}: cell count ${orig.cells.length} -> ${nb.cells.length}`);
          nb.cells.forEach((c, i) => {
            const o = orig.cells[i];
            if (!o || o.cell_type !== c.cell_type) problems.push(`${rel}: cell ${i} changed type`);
            else if (c.cell_type !== 'code' && JSON.stringify(c.source) !== JSON.stringify(o.source))
              problems.push(`${rel}: markdown cell ${i} was modified`);
          });
          const p = pythonParses(notebookAsPython(fixed));
          if (!p.ok) problems.push(`${rel}: fixed code cells do not parse: ${p.error.trim().split('\n').slice(-1)[0]}`);
        }
      } else {
        const out = ts.transpileModule(fixed, { reportDiagnostics: true, fileName: rel, compilerOptions: { allowJs: true } });
        const errs = (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        if (errs.length) problems.push(`${rel}: fixed file has syntax errors: ${errs.join('; ')}`);
      }
    }

    const second = runCli(['check', ...flags, ...rels], { cwd: work });
    assert.notEqual(second.status, null, `second check --fix did not finish: ${second.stderr}`);
    for (const rel of rels) {
      if (readFileSync(join(work, rel), 'utf8') !== afterFirst.get(rel))
        problems.push(`${rel}: a second ${flags.join(' ')} changed the file again`);
    }

    const after = checkJson(rels, work);
    for (const rel of rels) {
      const b = before.get(rel);
      const a = after.get(rel);
      if (!b || !a) continue;
      if (a.layers.length !== b.layers.length) problems.push(`${rel}: ${b.layers.length} layers before the fix, ${a.layers.length} after`);
      // The JSON report does not say which fixes are safe, so only the run that applies all of them
      // can require that no fixable finding is left.
      if (flags.includes('--unsafe-fixes')) {
        const left = a.findings.filter((x) => x.fix !== null);
        if (left.length > 0) problems.push(`${rel}: ${left.length} fixable finding(s) left after ${flags.join(' ')}: ${left.map((x) => `${x.code}@${x.line}`).join(', ')}`);
      }
    }

    assert.ok(changedFiles > 0, `check ${flags.join(' ')} changed no corpus file, although many have fixable findings`);
    assert.deepEqual(problems, []);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

test('check --fix (safe fixes) leaves valid source, keeps every layer, and is idempotent on every corpus file', () => {
  fixRound(['--fix']);
});

test('check --fix --unsafe-fixes leaves valid source, fixes every fixable finding, and is idempotent', () => {
  fixRound(['--fix', '--unsafe-fixes']);
});
