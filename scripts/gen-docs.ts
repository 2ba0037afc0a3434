/**
 * Writes docs/rules.md from the rule registry (src/core/analysis/rules).
 * `--check` fails when the file on disk is out of date (run by the tests).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { renderRulesDoc } from '../src/core/analysis/rules/docs.js';

export { renderRulesDoc };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'rules.md');
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderRulesDoc();
  if (process.argv.includes('--check')) {
    let cur = '';
    try {
      cur = readFileSync(target, 'utf8');
    } catch {
      /* missing */
    }
    if (cur !== text) {
      console.error('docs/rules.md is out of date: run `node --import tsx scripts/gen-docs.ts`');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
}
