/**
 * Where the time goes on real code: CPU profile (inspector, in-process) of
 * analyze() over every file of the real-code corpus, then of on-type updates
 * (the bench's places), with self time grouped by stage of the engine.
 *
 *   node --import tsx bench/profile-real.ts [passes=3] [--ontype]
 *
 * Same corpus choice as `npm run bench` (test/wild, BENCH_CORPUS=dir[:dir]).
 * The sources run through tsx so that every sample maps to a source file;
 * tsx's name-keeping helper (`__name`, absent from the shipped bundle) is
 * counted on its own line. Writes bench/profiles/real-*.cpuprofile.
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEngine } from './engine.js';
import { loadCorpus, runOnType } from './real.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

/** The engine stage a sampled function belongs to, from its source file. */
export function stageOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '__name') return 'tsx helper (not in the bundle)';
  if (url.includes('/@lezer/')) return 'parse: Lezer';
  if (url.includes('/src/core/parse/')) return 'parse: chunking, relevance, tree → statement model';
  if (url.includes('/frameworks/python/index') || url.includes('/frameworks/python/fix')) return 'detection: init events, models, fixes';
  if (url.includes('/frameworks/')) return 'interpretation (abstract interpreter, vocabulary, imports)';
  if (url.includes('/analysis/rules/') || url.includes('/src/core/math/')) return 'rules (and their numbers)';
  if (url.includes('/src/core/analysis/') || url.includes('/src/core/text')) return 'result assembly (units, suppressions, sorting)';
  if (url.includes('/bench/') || url.includes('/test/')) return 'benchmark driver';
  return 'other (runtime, idle, program)';
}

function stages(profile: Profile): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    if (!n) continue;
    const k = stageOf(n.callFrame.functionName, n.callFrame.url);
    out.set(k, (out.get(k) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return [...out].sort((a, b) => b[1] - a[1]);
}

async function profiled(label: string, work: () => void): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  work();
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();
  const dir = join(here, 'profiles');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `real-${label}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));
  const rows = stages(profile);
  const total = rows.reduce((s, [, v]) => s + v, 0);
  console.log(`\n${label}: ${total.toFixed(0)} ms sampled; profile ${out.slice(root.length + 1)}`);
  console.log('| Stage | ms | share |\n|---|---:|---:|');
  for (const [k, v] of rows) console.log(`| ${k} | ${v.toFixed(0)} | ${((100 * v) / total).toFixed(1)}% |`);
}

async function main(): Promise<void> {
  process.env.BENCH_ENGINE = 'source';
  const args = process.argv.slice(2);
  const passes = Number(args.find((a) => !a.startsWith('--')) ?? 3);
  const engine = await loadEngine();
  const corpus = loadCorpus(root, engine);
  console.log(`${corpus.files.length} files from ${corpus.source}`);
  for (const f of corpus.files) engine.analyze(f.text, 'python'); // warm-up
  await profiled('analyze', () => {
    for (let p = 0; p < passes; p++) for (const f of corpus.files) engine.analyze(f.text, 'python');
  });
  if (args.includes('--ontype')) {
    const errors: string[] = [];
    await profiled('ontype', () => {
      for (const f of corpus.files) runOnType(f, engine, 40, 1_000_000, errors);
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
