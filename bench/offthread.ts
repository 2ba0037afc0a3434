/**
 * How long the extension host is blocked per update of a large document, analysed in its own
 * thread (`AnalysisService.analyze`) and off it (`analyzeRemote` through the worker thread of
 * src/vscode/offThread.ts, dist/scanWorker.cjs), interleaved: the pathological file of
 * bench/scale.ts (240 KB, 3,000 layers in one class), one character typed at a new place of the
 * big class per update. In-thread the block is the analysis; off-thread it is the longest stall of
 * the host's event loop while the update is under way (`monitorEventLoopDelay`: receiving the
 * result, mapping it, the findings; on a loaded machine it includes waiting for a core).
 *
 *   npm run build && node --import tsx bench/offthread.ts [updates=8]
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { IncrementalAnalyzer } from '../src/core/index.js';
import { holdBrokenModels, isGood } from '../src/core/analysis/hold.js';
import { defaultSettings } from '../src/vscode/logic/settings.js';
import { startOffThread } from '../src/vscode/offThread.js';
import { AnalysisService } from '../src/vscode/service.js';
import { pathologicalPython } from './scale.js';

const script = join(import.meta.dirname, '..', 'dist', 'scanWorker.cjs');
if (!existsSync(script)) throw new Error('dist/scanWorker.cjs is missing: run `npm run build` first');
const UPDATES = Number(process.argv[2] ?? 8);
const engine = { IncrementalAnalyzer, holdBrokenModels, isGood };
const off = startOffThread({ script, workerOptions: { execArgv: [] } })!;
const { text } = pathologicalPython();
const here = new AnalysisService();
const there = new AnalysisService();
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
let cur = text;
const inThread: number[] = [];
const offBlock: number[] = [];
const offWall: number[] = [];
console.log(`large document: ${(text.length / 1000).toFixed(0)} KB, ${UPDATES} updates each way, interleaved; load ${loadavg()[0].toFixed(1)}`);
for (let u = -1; u < UPDATES; u++) {
  if (u >= 0) {
    const at = cur.indexOf(`self.fc${100 + u * 250}(x)`);
    cur = cur.slice(0, at) + '1' + cur.slice(at);
  }
  const t = { key: 'big', language: 'python' as const, text: cur, version: String(u + 2) };
  let t0 = performance.now();
  here.analyze(engine, t, defaultSettings);
  const a = performance.now() - t0;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  t0 = performance.now();
  const r = await there.analyzeRemote(engine, t, defaultSettings, (tx, l, o) => off.analyze('big', tx, l, o));
  const w = performance.now() - t0;
  delay.disable();
  if (!r) throw new Error('the worker did not answer');
  if (u < 0) continue; // the first analysis of each side: warm-up
  inThread.push(a);
  offBlock.push(delay.max / 1e6);
  offWall.push(w);
}
await off.dispose();
console.log(`in the host thread: blocked ${med(inThread).toFixed(0)} ms per update (median; max ${Math.max(...inThread).toFixed(0)})`);
console.log(`off the host: longest event-loop stall ${med(offBlock).toFixed(1)} ms per update (median; max ${Math.max(...offBlock).toFixed(1)}), result after ${med(offWall).toFixed(0)} ms`);
console.log(`load at the end ${loadavg()[0].toFixed(1)}`);
