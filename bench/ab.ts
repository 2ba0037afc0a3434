/**
 * A/B of two checkouts' engines in one process, interleaved: the engine of another checkout (A,
 * e.g. `git archive main | tar -x -C /tmp/main`) against this one's (B), both bundled by esbuild
 * as `npm run bench` does. On every Python file of the real-code corpus (test/wild; BENCH_CORPUS),
 * alternating A and B file by file and round by round:
 *   - full analysis: the sum over files of each file's median `analyze()` time;
 *   - on-type: the bench's places and keystrokes (bench/real.ts runOnType), per engine.
 * Prints B ÷ A. On a shared machine only such ratios mean something; run it twice to see the noise.
 *
 *   node --import tsx bench/ab.ts OTHER_CHECKOUT [rounds=7]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import type { Engine } from './engine.js';
import { loadCorpus, runOnType } from './real.js';
import { quantile } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

async function bundle(checkout: string): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'initlens-ab-'));
  const outfile = join(dir, 'core.mjs');
  try {
    await build({
      entryPoints: [join(checkout, 'src', 'core', 'index.ts')],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      target: 'es2022',
      logLevel: 'error',
      nodePaths: [join(root, 'node_modules')],
    });
    const core = (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
    return { analyze: core.analyze as Engine['analyze'], Incremental: core.IncrementalAnalyzer as Engine['Incremental'], kind: 'bundle' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const other = process.argv[2];
  if (!other) throw new Error('usage: node --import tsx bench/ab.ts OTHER_CHECKOUT [rounds]');
  const rounds = Number(process.argv[3] ?? 7);
  const a = await bundle(resolve(other));
  const b = await bundle(root);
  const corpus = loadCorpus(root, b);
  const files = corpus.files;
  console.log(`A = ${resolve(other)}, B = ${root}; ${files.length} files from ${corpus.source}, ${rounds} rounds`);
  const engines = [a, b];
  // warm-up
  for (let w = 0; w < 2; w++) for (const e of engines) for (const f of files) e.analyze(f.text, 'python');
  const samples = engines.map(() => files.map(() => [] as number[]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < files.length; i++) {
      const order = (r + i) % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) {
        const t = performance.now();
        engines[k].analyze(files[i].text, 'python');
        samples[k][i].push(performance.now() - t);
      }
    }
  }
  const total = (k: number) => samples[k].reduce((s, xs) => s + quantile([...xs].sort((x, y) => x - y), 0.5), 0);
  const ta = total(0);
  const tb = total(1);
  console.log(`full analysis, sum of per-file medians: A ${ta.toFixed(1)} ms, B ${tb.toFixed(1)} ms, B ÷ A ${(tb / ta).toFixed(3)}`);
  // on-type: per file, both engines, alternating which goes first
  const errors: string[] = [];
  const rows: { name: string; a: ReturnType<typeof runOnType>; b: ReturnType<typeof runOnType> }[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    let ra;
    let rb;
    if (i % 2 === 0) {
      ra = runOnType(f, a, 40, 1_000_000, errors);
      rb = runOnType(f, b, 40, 5, errors);
    } else {
      rb = runOnType(f, b, 40, 5, errors);
      ra = runOnType(f, a, 40, 1_000_000, errors);
    }
    rows.push({ name: f.name, a: ra, b: rb });
  }
  const worst = (k: 'a' | 'b', q: 'median' | 'p95' | 'max') => Math.max(...rows.map((r) => r[k]?.[q] ?? 0));
  const sum = (k: 'a' | 'b', q: 'median' | 'p95' | 'max') => rows.reduce((s, r) => s + (r[k]?.[q] ?? 0), 0);
  for (const q of ['median', 'p95', 'max'] as const) {
    console.log(`on-type ${q}: worst file A ${worst('a', q).toFixed(2)} ms, B ${worst('b', q).toFixed(2)} ms; sum over files B ÷ A ${(sum('b', q) / sum('a', q)).toFixed(3)}`);
  }
  if (errors.length) {
    console.error(`${errors.length} error(s) (B's results differ from a fresh analysis):`);
    for (const e of errors) console.error(`  ${e}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
