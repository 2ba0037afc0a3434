/**
 * Every number a user reads agrees: for each finding of every example and
 * corpus file, the factor in the message equals the hover's numbers, the
 * variance panel's table and `initlens simulate` (JSON); the "compounds to ×F"
 * clause is the model's last cumulative in the table and in simulate; and
 * applying the preferred fix gives a layer whose gain, computed by the engine,
 * is within 5% of what the message promised.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, applyEdits } from '../../src/core/index.js';
import type { AnalysisResult, Finding, Language, Layer } from '../../src/core/types.js';
import { layerNumbers } from '../../src/core/analysis/numbers.js';
import { r2 } from '../../src/core/analysis/rules/common.js';
import { layerVariance, modelTable } from '../../src/vscode/logic/variance.js';
import { parseNotebook } from '../../src/core/notebook.js';
import { run } from '../../src/cli/main.js';

function files(): string[] {
  const roots = ['examples', 'test/corpus'];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) walk(p);
      else if (/\.(py|ipynb|ts|js)$/.test(n.name) && !n.name.endsWith('.d.ts')) out.push(p);
    }
  };
  roots.forEach(walk);
  return out.sort();
}

function load(path: string): { text: string; language: Language } | null {
  const raw = readFileSync(path, 'utf8');
  if (path.endsWith('.ipynb')) {
    const nb = parseNotebook(raw).notebook;
    return nb && nb.language ? { text: nb.text, language: nb.language } : null;
  }
  return { text: raw, language: path.endsWith('.py') ? 'python' : path.endsWith('.ts') ? 'typescript' : 'javascript' };
}

/** The number after a phrase in a message, as written (r2 format). */
function after(message: string, phrase: RegExp): string | null {
  const m = phrase.exec(message);
  return m ? m[1]! : null;
}

const NUM = '(-?[0-9]+(?:\\.[0-9]+)?(?:e-?[0-9]+)?)';

/** `initlens simulate --method analytic` (JSON): the per-layer table's current-init second moment after the last layer. */
async function simulateLast(path: string, modelIndex: number): Promise<number | null | undefined> {
  let out = '';
  const code = await run(['simulate', path, '--format', 'json', '--method', 'analytic', '--model', String(modelIndex), '--isolated'], { stdout: (s: string) => { out += s; }, stderr: () => {} });
  if (code !== 0) return undefined;
  const json = JSON.parse(out) as { layers: { current: { forward: number | null } }[] };
  return json.layers[json.layers.length - 1]?.current.forward ?? null;
}

test('message factor = hover = panel table = simulate, the compound = the last cumulative, and the preferred fix keeps its promise (within 5%)', async () => {
  let checked = 0;
  let compounds = 0;
  let fixes = 0;
  const problems: string[] = [];
  for (const path of files()) {
    const src = load(path);
    if (!src) continue;
    const result: AnalysisResult = analyze(src.text, src.language);
    for (const f of result.findings) {
      if (f.layer === null || !['IL001', 'IL003', 'IL006'].includes(f.code)) continue;
      const layer = result.layers.find((l) => l.id === f.layer)!;
      const where = `${path}: ${f.code} ${layer.layer}`;
      const hover = layerVariance(layer, 'normal');
      const cur = layerNumbers(layer, layer.init);
      // 1. The per-layer factor stated = the hover's gain (and fan_in·Var(W) = the hover's variance × fan_in).
      const gain = after(f.message, new RegExp(`(?:scales|multiplies) the (?:signal|gradient)'s second moment by ≈${NUM}`));
      if (gain !== null && !/gradient/.test(f.message.split(';')[0]!)) {
        if (gain !== r2(hover.current.factor ?? NaN)) problems.push(`${where}: message ≈${gain}, hover ${hover.current.factor}`);
        checked++;
      }
      const coeff = after(f.message, new RegExp(`^[^;]*?fan_in·Var\\(W\\) = ${NUM}`));
      if (coeff !== null && hover.current.variance !== null) {
        const fanIn = layer.fanIn ?? layer.fanOut ?? 256;
        if (coeff !== r2(hover.current.variance * fanIn) && coeff !== r2(cur.coeff ?? NaN)) problems.push(`${where}: fan_in·Var(W) ${coeff} vs hover ${hover.current.variance * fanIn}`);
        checked++;
      }
      // 2. The panel's table row of this layer shows the hover's numbers.
      if (layer.model !== null) {
        const table = modelTable(result, layer.model, 'normal', 'f')!;
        const row = table.rows.find((r) => r.offset === layer.span.from)!;
        if (row.current.factor !== hover.current.factor || row.recommended.factor !== hover.recommended.factor) problems.push(`${where}: table ${row.current.factor}/${row.recommended.factor} vs hover ${hover.current.factor}/${hover.recommended.factor}`);
        // 3. The compound clause = the table's last cumulative = simulate's last forward.
        const comp = after(f.message, new RegExp(`compounds to ×${NUM}`));
        if (comp !== null) {
          const last = table.rows[table.rows.length - 1]!.current.cumulative;
          if (comp !== r2(last ?? NaN)) problems.push(`${where}: compound ×${comp}, table ${last}`);
          if (!path.endsWith('.ipynb')) {
            const index = result.models.findIndex((m) => m.id === layer.model);
            const simLast = await simulateLast(path, index);
            if (simLast === undefined || comp !== r2(simLast ?? NaN)) problems.push(`${where}: compound ×${comp}, simulate ${simLast}`);
          }
          compounds++;
        }
      }
      // 4. The preferred fix gives what the message promised.
      const promise = promised(f);
      const fix = f.fixes[0];
      if (promise !== null && fix) {
        const fixed = applyEdits(src.text, fix.edits);
        const shift = fix.edits.filter((e) => e.to <= layer.span.from).reduce((d, e) => d + e.newText.length - (e.to - e.from), 0);
        const again = analyze(fixed, src.language).layers.find((l: Layer) => l.span.from === layer.span.from + shift);
        if (!again) {
          problems.push(`${where}: layer not found after the fix`);
          continue;
        }
        const n = layerNumbers(again, again.init);
        const got = promise.what === 'coeff' ? n.coeff : n.forward;
        if (got === null || Math.abs(got - promise.value) > 0.05 * promise.value) problems.push(`${where}: fix "${fix.description}" gives ${got}, message promised ${promise.value} (${promise.what})`);
        fixes++;
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 60, `numbers checked: ${checked}`);
  assert.ok(compounds >= 10, `compound clauses checked: ${compounds}`);
  assert.ok(fixes >= 40, `fixes checked: ${fixes}`);
});

/** What the message says the recommended init gives. */
function promised(f: Finding): { value: number; what: 'forward' | 'coeff' } | null {
  const m = f.message;
  if (f.code === 'IL006') return { value: 1, what: 'coeff' };
  if (/gradient's second moment/.test(m.split(';')[0]!)) return null; // judged on the backward pass
  const c = new RegExp(`\\(fan_in·Var\\(W\\) ≈ ${NUM}\\) suits`).exec(m) ?? new RegExp(`gives fan_in·Var\\(W\\) ≈ ${NUM}`).exec(m);
  if (c) return { value: Number(c[1]), what: 'coeff' };
  const g = new RegExp(`(?:keeps it|gives) ≈${NUM}`).exec(m);
  return g ? { value: Number(g[1]), what: 'forward' } : null;
}
