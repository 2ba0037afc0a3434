/**
 * The keystroke cost of workspace-aware analysis, as a ratio to the same file analysed alone
 * in the same run: for each fixture file of test/workspace/fixtures, type a character at a
 * place inside a function body and delete it again, `ROUNDS` times, through the editor's
 * path (index update, then `WorkspaceAnalyzer.update` with the change) and through the
 * single-file path (`IncrementalAnalyzer.update`). Prints medians (ms) and the ratio.
 *
 *   node --import tsx bench/workspace.ts [rounds]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { IncrementalAnalyzer, WorkspaceAnalyzer, WorkspaceIndex, indexableText } from '../src/core/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'test', 'workspace', 'fixtures');
const ROUNDS = Number(process.argv[2] ?? 60);

function load(name: string): WorkspaceIndex {
  const index = new WorkspaceIndex();
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), p);
      else {
        const it = indexableText(p, readFileSync(join(dir, e.name), 'utf8'));
        if (it) index.update(p, it.text, it.language, it.cells);
      }
    }
  };
  walk(join(FIXTURES, name), '');
  return index;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const cases: [string, string][] = [
  ['gan', 'models.py'],
  ['resnet', 'blocks.py'],
  ['resnet', 'resnet.py'],
  ['package', 'src/mlkit/nn/blocks.py'],
  ['aliases', 'app.py'],
  ['aliases', 'models.py'],
];
console.log(`keystrokes: ${ROUNDS} type+delete pairs per file; medians in ms`);
console.log('| file | alone | in the workspace | ratio |\n|---|---|---|---|');
for (const [project, file] of cases) {
  const index = load(project);
  const base = index.get(file)!.text;
  // inside the first function body: after the first "super().__init__()"
  const at = Math.max(0, base.indexOf('__init__()') + '__init__()'.length);
  const alone = new IncrementalAnalyzer('python');
  const linked = new WorkspaceAnalyzer('python');
  alone.update(base);
  linked.update(index, file, base);
  const ta: number[] = [];
  const tw: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    for (const [text, change] of [
      [base.slice(0, at) + 'x' + base.slice(at), { from: at, to: at, insert: 'x' }],
      [base, { from: at, to: at + 1, insert: '' }],
    ] as const) {
      let t = performance.now();
      alone.update(text, [change]);
      ta.push(performance.now() - t);
      t = performance.now();
      index.update(file, text);
      linked.update(index, file, text, [change]);
      tw.push(performance.now() - t);
    }
  }
  const a = median(ta);
  const w = median(tw);
  console.log(`| ${project}/${file} | ${a.toFixed(3)} | ${w.toFixed(3)} | ${(w / a).toFixed(2)} |`);
}
