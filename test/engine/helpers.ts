import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { analyze, fixAll, type AnalysisResult, type Language, type Layer } from '../../src/core/index.js';

export function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Compact view of a layer for table-style assertions. */
export interface LayerView {
  line: number;
  layer: string;
  act: string;
  init: string;
  norm?: string | null;
  name?: string | null;
  fanIn?: number | null;
  fanOut?: number | null;
  residual?: boolean;
  recInit?: string;
}

export function view(text: string, l: Layer): LayerView {
  return {
    line: lineOf(text, l.span.from),
    layer: l.layer,
    act: l.activation.name,
    init: l.init.name,
    norm: l.normalization,
    name: l.name,
    fanIn: l.fanIn,
    fanOut: l.fanOut,
    residual: l.residual,
    recInit: l.recurrentInit?.name,
  };
}

/** Assert the layers (subset of keys per expected entry) and the finding codes per line. */
export function check(text: string, expected: { layers?: Partial<LayerView>[]; findings?: string[] }, lang: Language = 'python', options = {}): AnalysisResult {
  const res = analyze(text, lang, options);
  if (expected.layers) {
    const got = res.layers.map((l) => view(text, l));
    assert.equal(got.length, expected.layers.length, `layer count: ${JSON.stringify(got, null, 1)}`);
    expected.layers.forEach((e, i) => {
      const g = got[i] as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(e)) assert.deepEqual(g[k], v, `layer ${i} (${g.layer} line ${g.line}) ${k}: ${JSON.stringify(got[i])}`);
    });
  }
  if (expected.findings) {
    const got = res.findings.map((f) => `${f.code}@${lineOf(text, f.span.from)}`);
    assert.deepEqual(got, expected.findings, res.findings.map((f) => f.message).join('\n'));
  }
  return res;
}

const PY = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'pass']).status === 0) ?? 'python3';

/** CPython's own parser must accept the text. */
export function assertPythonParses(text: string): void {
  const r = spawnSync(PY, ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: text, encoding: 'utf8' });
  assert.equal(r.status, 0, `python rejected the fixed file:\n${r.stderr}\n---\n${text}`);
}

/** fixAll, then: the result parses, has no fixable finding left, and a second fixAll is a no-op. */
export function fixAndCheck(text: string, lang: Language = 'python', options = {}): string {
  const once = fixAll(text, lang, options);
  if (lang === 'python') assertPythonParses(once.text);
  const twice = fixAll(once.text, lang, options);
  assert.equal(twice.text, once.text, 'second fix-all changed the text');
  const after = analyze(once.text, lang, options);
  for (const f of after.findings) {
    assert.ok(!f.fixes.some((x) => x.safety === 'safe'), `a safe fix remains after fix-all: ${f.code} ${f.message}`);
  }
  return once.text;
}
