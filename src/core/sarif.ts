/**
 * SARIF 2.1.0 output (`initlens check --format sarif`) for GitHub code scanning
 * and other SARIF viewers. Pure: callers pass artifact URIs (see toArtifactUri)
 * and the analysed texts.
 *
 * Columns are UTF-16 code units (`columnKind: utf16CodeUnits`), 1-based, with an
 * exclusive end column. Notebook findings are reported at their position inside
 * the .ipynb file itself (the JSON string holding the code), so viewers that open
 * the file land on the right line; fixes are only given for plain source files.
 */
import type { Log, ReportingDescriptor, Result, Fix as SarifFix, Region } from 'sarif';
import type { AnalysisResult, Finding, Severity, Span } from './types.js';
import { LineIndex } from './text.js';
import { toFileOffset, type Notebook } from './notebook.js';
import { where } from './workspace/analyze.js';
import { allRules } from './analysis/rules/index.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const DEFAULT_REPOSITORY_URL = 'https://github.com/initlens/initlens';

/** The rule metadata SARIF needs (a subset of the registry's entries). */
export interface SarifRuleMeta {
  code: string;
  name: string;
  title: string;
  severity: Severity;
  docs: { whatItDoes: string; whyBad?: string };
}

export interface SarifFileInput {
  /** Artifact URI relative to the source root, forward slashes (toArtifactUri). */
  uri: string;
  /** The analysed text (for notebooks: notebook.text). */
  text: string;
  result: AnalysisResult;
  notebook?: Notebook | null;
  /**
   * The artifact URI of another file a finding depends on (`Finding.dependsOn`, paths
   * relative to the project root): those places become the result's `relatedLocations`.
   */
  originUri?: (file: string) => string;
}

export interface SarifOptions {
  /** semanticVersion of the tool (package.json version). */
  version: string;
  /** Repository URL used for informationUri and rule helpUri. */
  repositoryUrl?: string;
  /** Rule metadata; defaults to the engine's registry. */
  rules?: readonly SarifRuleMeta[];
  /**
   * Files that could not be analysed (skipped, unreadable). When given, the run
   * gets an `invocations` entry listing them as tool execution notifications.
   */
  notifications?: readonly { uri: string; message: string; level: 'error' | 'warning' }[];
}

export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/**
 * A relative URI reference for `path` (absolute, or relative to `cwd`) against
 * `cwd`: forward slashes, each segment percent-encoded. Paths outside cwd keep
 * `..` segments. Pure string work; handles POSIX and Windows-style paths.
 */
export function toArtifactUri(path: string, cwd: string): string {
  const norm = (p: string): string[] => p.replace(/\\/g, '/').split('/');
  const isAbs = (p: string): boolean => p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p);
  const resolve = (segments: string[]): string[] => {
    const out: string[] = [];
    for (const s of segments) {
      if (s === '' || s === '.') continue;
      if (s === '..') {
        if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
        else out.push('..');
      } else out.push(s);
    }
    return out;
  };
  const base = resolve(norm(cwd));
  const target = resolve(isAbs(path) ? norm(path) : [...norm(cwd), ...norm(path)]);
  const caseInsensitive = /^[A-Za-z]:$/.test(base[0] ?? '');
  const same = (a: string | undefined, b: string | undefined): boolean =>
    caseInsensitive ? a?.toLowerCase() === b?.toLowerCase() : a === b;
  let i = 0;
  while (i < base.length && i < target.length && same(base[i], target[i])) i++;
  const rel = [...base.slice(i).map(() => '..'), ...target.slice(i)];
  return rel.map((s) => (s === '..' ? s : encodeURIComponent(s))).join('/');
}

/** 64-bit FNV-1a over UTF-16 code units, as 16 hex digits (stable across runs and platforms). */
export function fingerprintHash(text: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, '0');
}

class RegionMapper {
  private readonly index: LineIndex;
  private readonly fileIndex: LineIndex | null;
  constructor(
    private readonly text: string,
    private readonly notebook: Notebook | null,
  ) {
    this.index = new LineIndex(text);
    this.fileIndex = notebook ? new LineIndex(notebook.fileText) : null;
  }
  private point(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(this.text.length, offset));
    if (this.notebook && this.fileIndex) {
      const f = toFileOffset(this.notebook, o);
      const lc = this.fileIndex.lineCol(f ?? 0);
      return { line: lc.line + 1, column: lc.column + 1 };
    }
    const lc = this.index.lineCol(o);
    return { line: lc.line + 1, column: lc.column + 1 };
  }
  region(span: Span): Region {
    const s = this.point(span.from);
    const e = this.point(Math.max(span.from, span.to));
    return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
  }
}

function ruleDescriptor(rule: SarifRuleMeta, repositoryUrl: string): ReportingDescriptor {
  return {
    id: rule.code,
    name: rule.name,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.docs.whatItDoes || rule.title },
    helpUri: `${repositoryUrl}/blob/main/docs/rules.md#${rule.code.toLowerCase()}`,
    help: { text: [rule.docs.whatItDoes, rule.docs.whyBad].filter(Boolean).join('\n\n') || rule.title },
    defaultConfiguration: { level: sarifLevel(rule.severity) },
  };
}

/** A SARIF 2.1.0 log with one run holding every finding of `files`. */
export function buildSarif(files: readonly SarifFileInput[], options: SarifOptions): Log {
  const repositoryUrl = options.repositoryUrl ?? DEFAULT_REPOSITORY_URL;
  const registry: readonly SarifRuleMeta[] = options.rules ?? (allRules as readonly SarifRuleMeta[]);
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (meta: SarifRuleMeta): number => {
    const known = ruleIndex.get(meta.code);
    if (known !== undefined) return known;
    rules.push(ruleDescriptor(meta, repositoryUrl));
    ruleIndex.set(meta.code, rules.length - 1);
    return rules.length - 1;
  };
  for (const r of [...registry].sort((a, b) => a.code.localeCompare(b.code))) addRule(r);

  const results: Result[] = [];
  for (const file of files) {
    const notebook = file.notebook ?? null;
    const mapper = new RegionMapper(file.text, notebook);
    const layers = new Map(file.result.layers.map((l) => [l.id, l] as const));
    const seen = new Map<string, number>();
    const findings = [...file.result.findings].sort((a, b) => a.span.from - b.span.from || a.code.localeCompare(b.code));
    for (const f of findings) {
      const index =
        ruleIndex.get(f.code) ??
        addRule({ code: f.code, name: f.code, title: f.code, severity: f.severity, docs: { whatItDoes: f.code } });
      const layer = f.layer === null ? undefined : layers.get(f.layer);
      const anchor = layer ? layer.span : f.span;
      const key = `${file.uri}\u0000${f.code}\u0000${file.text.slice(anchor.from, anchor.to)}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      const result: Result = {
        ruleId: f.code,
        ruleIndex: index,
        level: sarifLevel(f.severity),
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: file.uri, uriBaseId: '%SRCROOT%' },
              region: mapper.region(f.span),
            },
          },
        ],
        partialFingerprints: { 'initlens/v1': `${fingerprintHash(key)}:${n}` },
      };
      // The other files the finding depends on, then the layer, the activation, the init code in
      // this file (where the squiggle is not): SARIF viewers link them.
      const related: NonNullable<Result['relatedLocations']> = [];
      if (f.dependsOn?.length && file.originUri) {
        for (const o of f.dependsOn) {
          related.push({
            message: { text: where(o) },
            physicalLocation: {
              artifactLocation: { uri: file.originUri!(o.file), uriBaseId: '%SRCROOT%' },
              // a notebook's place is a cell and a line in it (in the message), not a line of the .ipynb file
              ...(o.line > 0 ? { region: { startLine: o.line } } : {}),
            },
          });
        }
      }
      for (const r of f.related ?? []) {
        related.push({ physicalLocation: { artifactLocation: { uri: file.uri, uriBaseId: '%SRCROOT%' }, region: mapper.region(r.span) }, message: { text: r.message } });
      }
      if (related.length) result.relatedLocations = related.map((r, i) => ({ id: i + 1, ...r }));
      const fix = notebook ? undefined : sarifFix(f, file.uri, mapper);
      if (fix) result.fixes = [fix];
      results.push(result);
    }
  }

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'InitLens',
            informationUri: repositoryUrl,
            semanticVersion: options.version,
            version: options.version,
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        ...(options.notifications
          ? {
              invocations: [
                {
                  executionSuccessful: !options.notifications.some((n) => n.level === 'error'),
                  toolExecutionNotifications: options.notifications.map((n) => ({
                    level: n.level,
                    message: { text: n.message },
                    locations: [{ physicalLocation: { artifactLocation: { uri: n.uri, uriBaseId: '%SRCROOT%' } } }],
                  })),
                },
              ],
            }
          : {}),
        results,
      },
    ],
  };
}

function sarifFix(f: Finding, uri: string, mapper: RegionMapper): SarifFix | undefined {
  const fix = f.fixes[0];
  if (!fix || fix.edits.length === 0) return undefined;
  return {
    description: { text: fix.description },
    artifactChanges: [
      {
        artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
        replacements: [...fix.edits]
          .sort((a, b) => a.from - b.from)
          .map((e) => ({ deletedRegion: mapper.region(e), insertedContent: { text: e.newText } })),
      },
    ],
  };
}
