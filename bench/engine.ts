/**
 * The engine under test. By default the benchmark measures the engine as it
 * ships: src/core/index.ts bundled by esbuild (the same bundler and settings
 * class as dist/cli.js and the extension), loaded from a temporary file.
 * BENCH_ENGINE=source measures the TypeScript sources through tsx instead,
 * whose transform wraps every closure in a name-keeping helper and runs
 * measurably slower (≈ 10–15 % on the real-code corpus).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { AnalysisResult, Language } from '../src/core/types.js';

const here = dirname(fileURLToPath(import.meta.url));

export type AnalyzeFn = (text: string, language: Language) => AnalysisResult;
export interface IncrementalLike {
  update(newText: string, changes?: { from: number; to: number; insert: string }[]): AnalysisResult;
}
export type IncrementalCtor = new (language: Language) => IncrementalLike;
export interface Engine {
  analyze: AnalyzeFn;
  Incremental: IncrementalCtor;
  /** 'bundle' (esbuild, as shipped) or 'source' (tsx). */
  kind: 'bundle' | 'source';
}

export async function loadEngine(): Promise<Engine> {
  const entry = join(here, '..', 'src', 'core', 'index.ts');
  let core: Record<string, unknown>;
  let kind: Engine['kind'];
  if (process.env.BENCH_ENGINE === 'source') {
    core = (await import('../src/core/index.js')) as Record<string, unknown>;
    kind = 'source';
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'initlens-engine-'));
    const outfile = join(dir, 'core.mjs');
    try {
      await build({ entryPoints: [entry], outfile, bundle: true, format: 'esm', platform: 'neutral', mainFields: ['module', 'main'], target: 'es2022', logLevel: 'error' });
      core = (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    kind = 'bundle';
  }
  if (typeof core.analyze !== 'function') throw new Error('src/core/index.ts does not export analyze()');
  if (typeof core.IncrementalAnalyzer !== 'function') throw new Error('src/core/index.ts does not export IncrementalAnalyzer');
  return { analyze: core.analyze as AnalyzeFn, Incremental: core.IncrementalAnalyzer as IncrementalCtor, kind };
}
