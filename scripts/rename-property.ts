/**
 * Renames a property (a union's tag, for instance) everywhere the TypeScript language service
 * finds it in the project of tsconfig.json: declarations, reads, object literals. Mechanical and
 * type-checked, so a rename can be redone in one command after a merge instead of resolving
 * conflicts by hand.
 *
 *   node --import tsx scripts/rename-property.ts FILE ANCHOR PROP NEW [--dry-run]
 *
 * FILE: where the property is declared; ANCHOR: a text in FILE just before the declaration (the
 * first PROP after it is the one renamed). Type-level spellings the language service does not
 * follow (`Extract<Val, { t: 'obj' }>`) are left: `tsc --noEmit` lists them. Example (done):
 *   node --import tsx scripts/rename-property.ts src/core/frameworks/python/eval/values.ts 'export type Val =' t kind
 */
import ts from 'typescript';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const [file, anchor, prop, newName] = args.filter((a) => a !== '--dry-run') as [string, string, string, string];
if (!file || !anchor || !prop || !newName) {
  console.error('usage: rename-property.ts FILE ANCHOR PROP NEW [--dry-run]');
  process.exit(2);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cfgPath = join(root, 'tsconfig.json');
const cfg = ts.parseJsonConfigFileContent(ts.readConfigFile(cfgPath, ts.sys.readFile).config, ts.sys, root);
const files = new Map<string, string>();
const host: ts.LanguageServiceHost = {
  getScriptFileNames: () => cfg.fileNames,
  getScriptVersion: () => '1',
  getScriptSnapshot: (f) => {
    if (!ts.sys.fileExists(f)) return undefined;
    const t = files.get(f) ?? readFileSync(f, 'utf8');
    files.set(f, t);
    return ts.ScriptSnapshot.fromString(t);
  },
  getCurrentDirectory: () => root,
  getCompilationSettings: () => cfg.options,
  getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: ts.sys.fileExists,
  readFile: ts.sys.readFile,
};
const service = ts.createLanguageService(host, ts.createDocumentRegistry());
const abs = join(root, file);
const text = readFileSync(abs, 'utf8');
const at = text.indexOf(anchor);
if (at < 0) {
  console.error(`anchor not found in ${file}`);
  process.exit(2);
}
const pos = text.indexOf(prop, at + anchor.length);
const locs = service.findRenameLocations(abs, pos, false, false, { providePrefixAndSuffixTextForRename: true }) ?? [];
const byFile = new Map<string, ts.RenameLocation[]>();
for (const l of locs) {
  if (l.fileName.includes('/node_modules/')) continue;
  byFile.set(l.fileName, [...(byFile.get(l.fileName) ?? []), l]);
}
let n = 0;
for (const [f, places] of byFile) {
  let t = readFileSync(f, 'utf8');
  for (const l of [...places].sort((a, b) => b.textSpan.start - a.textSpan.start)) {
    const old = t.slice(l.textSpan.start, l.textSpan.start + l.textSpan.length);
    if (old !== prop && old !== `'${prop}'`) { console.error('skip', f, old); continue; }
    t = t.slice(0, l.textSpan.start) + (l.prefixText ?? '') + newName + (l.suffixText ?? '') + t.slice(l.textSpan.start + l.textSpan.length);
    n++;
  }
  if (!dryRun) writeFileSync(f, t);
}
console.log(`${dryRun ? 'would rename' : 'renamed'} ${n} places in ${byFile.size} files`);
