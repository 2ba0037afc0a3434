/**
 * How the real-code corpus splits into units (src/core/analysis/units.ts): per file, the number
 * of units and the share of its parsed non-import text in the largest one. An on-type keystroke
 * re-interprets the unit it falls in, so this share is the part of a file a keystroke re-runs.
 *
 *   node --import tsx bench/units.ts [FILE...]   (default: every Python file of test/wild)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PythonParser } from '../src/core/parse/python.js';
import { pythonRelevance } from '../src/core/frameworks/python/relevance.js';
import { partition } from '../src/core/analysis/units.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) pythonFiles(p, out);
    else if (e.endsWith('.py')) out.push(p);
  }
  return out;
}

const files = process.argv.length > 2 ? process.argv.slice(2) : pythonFiles(join(root, 'test', 'wild'));
let parsed = 0;
let largestSum = 0;
let all = 0;
let single = 0;
const len = (cs: readonly { text: string }[]) => cs.reduce((s, c) => s + c.text.length, 0);
for (const path of files) {
  const text = readFileSync(path, 'utf8');
  const mod = new PythonParser(pythonRelevance).parse(text);
  const { globals, units } = partition(mod.chunks);
  const rel = len(mod.chunks) - len(globals);
  const largest = Math.max(0, ...units.map(len));
  parsed += rel;
  largestSum += largest;
  all += text.length;
  if (units.length === 1) single++;
  console.log(`${((100 * largest) / Math.max(1, rel)).toFixed(0).padStart(4)}%  ${String(units.length).padStart(3)} unit(s)  ${relative(root, path)}`);
}
console.log(`\n${files.length} files, ${single} of them one unit; the largest unit holds ${((100 * largestSum) / Math.max(1, parsed)).toFixed(0)}% of the parsed non-import text; parsed non-import text is ${((100 * parsed) / Math.max(1, all)).toFixed(0)}% of all text`);
