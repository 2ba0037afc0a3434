/**
 * CPU profile of analyze() on the benchmark file, to find hot spots.
 *
 *   node --import tsx bench/analyze-profile.ts [runs=30] [file.py|file.ts] [--incremental]
 *
 * Profiles in-process with the inspector (no flags needed), writes
 * bench/profiles/analyze-<time>.cpuprofile (open it in Chrome DevTools or
 * VS Code), and prints the functions with the most self time, plus their
 * inclusive time. With --incremental it profiles IncrementalAnalyzer.update()
 * on one-character edits instead of full analyses.
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generatePython, middleSite } from './generate.js';
import type { AnalysisResult, Language } from '../src/core/types.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const args = process.argv.slice(2);
const incremental = args.includes('--incremental');
const positional = args.filter((a) => !a.startsWith('--'));
const runs = positional[0] ? Number(positional[0]) : incremental ? 400 : 30;
const file = positional[1];

function languageOf(path: string): Language {
  const ext = extname(path);
  return ext === '.py' ? 'python' : ext === '.ts' || ext === '.tsx' ? 'typescript' : 'javascript';
}

function frameKey(f: CallFrame): string {
  const url = f.url.startsWith('file://') ? relative(root, fileURLToPath(f.url)) : f.url;
  // tsx-compiled sources report generated positions; their line numbers mean nothing.
  const at = url.endsWith('.ts') ? url : url ? `${url}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'}  ${at}`.trim();
}

/** Self and inclusive milliseconds per function (recursion counted once per sample). */
export function summarizeProfile(profile: Profile): { key: string; self: number; total: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000; // delta to the next sample, µs → ms
    let id: number | undefined = profile.samples[i];
    const leaf = byId.get(id);
    if (!leaf) continue;
    const k = frameKey(leaf.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    while (id !== undefined) {
      const n = byId.get(id);
      if (!n) break;
      const key = frameKey(n.callFrame);
      if (!seen.has(key)) {
        seen.add(key);
        total.set(key, (total.get(key) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  return [...self.entries()].map(([key, s]) => ({ key, self: s, total: total.get(key) ?? s })).sort((a, b) => b.self - a.self);
}

async function main(): Promise<void> {
  const text = file ? readFileSync(file, 'utf8') : generatePython().text;
  const language = file ? languageOf(file) : 'python';
  const { analyze } = (await import('../src/core/index.js')) as { analyze: (t: string, l: Language) => AnalysisResult };
  type Inc = new (l: Language) => { update(t: string, c?: { from: number; to: number; insert: string }[]): AnalysisResult };
  const IncrementalAnalyzer = incremental ? ((await import('../src/core/analysis/incremental.js')) as unknown as { IncrementalAnalyzer: Inc }).IncrementalAnalyzer : null;

  let work: () => void;
  if (IncrementalAnalyzer) {
    const inc = new IncrementalAnalyzer(language);
    let current = text;
    inc.update(current);
    const at = file ? Math.floor(text.length / 2) : middleSite(generatePython(), 'body').offset + 2;
    let i = 0;
    work = () => {
      const change = i++ % 2 === 0 ? { from: at, to: at, insert: 'x' } : { from: at, to: at + 1, insert: '' };
      current = current.slice(0, change.from) + change.insert + current.slice(change.to);
      inc.update(current, [change]);
    };
  } else {
    work = () => analyze(text, language);
  }
  for (let i = 0; i < Math.min(5, runs); i++) work(); // warm up the JIT before profiling

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const start = performance.now();
  for (let i = 0; i < runs; i++) work();
  const elapsed = performance.now() - start;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();

  const dir = join(here, 'profiles');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${incremental ? 'incremental' : 'analyze'}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));

  const rows = summarizeProfile(profile);
  const sampled = rows.reduce((s, r) => s + r.self, 0);
  console.log(`${runs} × ${incremental ? 'update() after a one-character edit' : 'analyze()'} of ${text.length} chars (${language}): ${(elapsed / runs).toFixed(2)} ms each`);
  console.log(`profile: ${relative(process.cwd(), out)}\n`);
  console.log('  self ms   self %   total %  function');
  for (const r of rows.slice(0, Number(process.env.PROFILE_TOP ?? 30))) {
    console.log(`${r.self.toFixed(1).padStart(8)}  ${((100 * r.self) / sampled).toFixed(1).padStart(6)}%  ${((100 * r.total) / sampled).toFixed(1).padStart(6)}%  ${r.key}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
