import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { analyze } from './src/core/index.js';
import { parseNotebook } from './src/core/notebook.js';
const files = execSync("find /tmp/heldout/google+flax -name '*.py' -size -2M", { encoding: 'utf8' }).trim().split('\n');
const rows: [number, string, number][] = [];
for (const f of files) {
  const t = readFileSync(f, 'utf8');
  analyze(t, 'python');
  const t0 = performance.now();
  analyze(t, 'python');
  rows.push([performance.now() - t0, f, t.length]);
}
rows.sort((a, b) => b[0] - a[0]);
let tot = 0; for (const r of rows) tot += r[0];
console.log('total', tot.toFixed(0), 'ms over', rows.length);
for (const r of rows.slice(0, 8)) console.log(r[0].toFixed(1), 'ms', (r[2] / 1024).toFixed(0), 'KB', r[1]);
