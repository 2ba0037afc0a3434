/**
 * `initlens check <dir> --format sarif` on the corpus: the log validates against
 * the official SARIF 2.1.0 JSON schema (vendored in test/fixtures/sarif, see its
 * README) and carries what GitHub code scanning needs to show each alert.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Log } from 'sarif';
import { checkJson, listCorpus, runCli, ROOT } from '../scripts/eval.js';

function sarifValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8'));
  // Draft-04 `id` is draft-06+ `$id`; the schema uses no other draft-04-only keyword.
  assert.equal(typeof schema.id, 'string');
  assert.ok(!JSON.stringify(schema).includes('"exclusiveMinimum":true'));
  delete schema.id;
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function runSarif(): Log {
  const run = runCli(['check', 'test/corpus', '--format', 'sarif']);
  assert.notEqual(run.status, null, `CLI did not finish: ${run.stderr}`);
  assert.ok(run.stdout.trim().startsWith('{'), `no SARIF on stdout (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  return JSON.parse(run.stdout) as Log;
}

const log = (() => {
  try {
    return { value: runSarif(), error: null };
  } catch (e) {
    return { value: null, error: e as Error };
  }
})();

function theLog(): Log {
  if (log.error) throw log.error;
  return log.value!;
}

test('the validator rejects a log that breaks the schema', () => {
  const validate = sarifValidator();
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [] }] }), true);
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), false);
  assert.equal(validate({ version: '2.0.0', runs: [] }), false);
});

test('SARIF output of check on the corpus validates against the SARIF 2.1.0 schema', () => {
  const sarif = theLog();
  const validate = sarifValidator();
  const ok = validate(sarif);
  assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 10), null, 2));
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs.length, 1);
});

test('SARIF results carry what GitHub code scanning needs', () => {
  const sarif = theLog();
  const run = sarif.runs[0]!;
  const driver = run.tool.driver;
  assert.equal(driver.name.toLowerCase(), 'initlens');
  const rules = driver.rules ?? [];
  for (const code of ['IL001', 'IL002', 'IL003', 'IL004', 'IL005', 'IL006', 'IL007']) {
    const rule = rules.find((r) => r.id === code);
    assert.ok(rule, `rule ${code} missing from tool.driver.rules`);
    assert.ok(rule.shortDescription?.text, `${code}: shortDescription.text`);
    assert.match(rule.helpUri ?? '', /^https:\/\//, `${code}: helpUri`);
  }

  const results = run.results ?? [];
  const expectedFindings = listCorpus().reduce((n, f) => n + f.expected.findings.length, 0);
  assert.ok(results.length >= expectedFindings * 0.8, `${results.length} results for ${expectedFindings} labelled findings`);
  const corpusFiles = new Set(listCorpus().map((f) => f.rel));
  for (const r of results) {
    assert.ok(r.ruleId && rules.some((rule) => rule.id === r.ruleId), `result with unknown ruleId ${r.ruleId}`);
    if (r.ruleIndex !== undefined) assert.equal(rules[r.ruleIndex]?.id, r.ruleId);
    assert.ok(r.message.text && r.message.text.length > 0, 'message.text');
    assert.ok(['error', 'warning', 'note'].includes(r.level ?? 'warning'), `level ${r.level}`);
    const loc = r.locations?.[0]?.physicalLocation;
    assert.ok(loc, `${r.ruleId}: no physicalLocation`);
    const uri = loc.artifactLocation?.uri ?? '';
    assert.ok(!/^[a-z]+:\/\//i.test(uri) && !uri.startsWith('/'), `uri must be relative: ${uri}`);
    assert.ok(corpusFiles.has(decodeURI(uri)), `uri ${uri} is not a corpus file`);
    assert.ok(Number.isInteger(loc.region?.startLine) && loc.region!.startLine! >= 1, `${uri}: region.startLine`);
  }
});

test('SARIF results are the JSON report\'s findings, at the same lines', () => {
  const sarif = theLog();
  const results = sarif.runs[0]!.results ?? [];
  const files = listCorpus();
  const json = checkJson(files.map((f) => f.rel));
  const key = (uri: string, code: string, line: number): string => `${uri}|${code}|${line}`;
  const inSarif = results.map((r) =>
    key(
      decodeURI(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''),
      r.ruleId ?? '',
      r.locations?.[0]?.physicalLocation?.region?.startLine ?? 0,
    ),
  );
  let total = 0;
  const missing: string[] = [];
  for (const f of files) {
    const report = json.get(f.rel);
    assert.ok(report, `no JSON report for ${f.rel}`);
    total += report.findings.length;
    // Notebook results are placed inside the .ipynb JSON text, so their lines differ from the code-cell lines.
    if (f.rel.endsWith('.ipynb')) {
      const n = results.filter((r) => decodeURI(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '') === f.rel).length;
      if (n !== report.findings.length) missing.push(`${f.rel}: ${report.findings.length} findings in JSON, ${n} SARIF results`);
      continue;
    }
    for (const finding of report.findings) {
      if (!inSarif.includes(key(f.rel, finding.code, finding.line))) missing.push(`${f.rel}:${finding.line} ${finding.code}`);
    }
  }
  assert.ok(total > 0, 'the corpus produced no findings at all');
  assert.equal(results.length, total, 'one SARIF result per finding');
  assert.deepEqual(missing, []);
});

test('notebook results point at the layer inside the .ipynb file', () => {
  const results = theLog().runs[0]!.results ?? [];
  const notebooks = listCorpus().filter((f) => f.rel.endsWith('.ipynb'));
  let seen = 0;
  for (const nb of notebooks) {
    const lines = readFileSync(nb.abs, 'utf8').split('\n');
    const names = nb.expected.layers.map((l) => `${l.layer}(`);
    for (const r of results) {
      const loc = r.locations?.[0]?.physicalLocation;
      if (decodeURI(loc?.artifactLocation?.uri ?? '') !== nb.rel) continue;
      seen++;
      const text = lines[(loc?.region?.startLine ?? 0) - 1] ?? '';
      assert.ok(names.some((n) => text.includes(n)), `${nb.rel}:${loc?.region?.startLine} (${r.ruleId}) is not a layer line: ${text.trim()}`);
    }
  }
  assert.ok(seen > 0, 'no SARIF result in any notebook');
});
