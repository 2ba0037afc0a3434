/**
 * Project configuration: `[tool.initlens]` in pyproject.toml, or the top level
 * of initlens.toml, parsed with smol-toml and validated key by key. Pure: it is
 * given the file's text. A TOML syntax error makes the whole file count as
 * absent (defaults); a bad key or value is reported and only that key falls
 * back to its default. Never throws.
 *
 * ```toml
 * [tool.initlens]
 * select = ["IL001", "IL003"]      # codes or prefixes ("IL00"), "ALL"
 * ignore = ["IL004"]
 * pytorch-default = false           # do not report PyTorch's default init
 * distribution = "uniform"          # what fixes write: normal | uniform
 *
 * [tool.initlens.severity]
 * IL003 = "error"                   # error | warning | info | hint | off
 *
 * [tool.initlens.per-file-ignores]
 * "tests/**" = ["ALL"]
 * "legacy/*.py" = ["IL001"]
 * ```
 */
import { parse, TomlError } from 'smol-toml';
import type { RuleCode, Severity } from '../types.js';

export const CONFIG_RULE_CODES: readonly RuleCode[] = ['IL001', 'IL002', 'IL003', 'IL004', 'IL005', 'IL006', 'IL007'];
const SEVERITIES: readonly (Severity | 'off')[] = ['error', 'warning', 'info', 'hint', 'off'];
export const CONFIG_KEYS = ['select', 'ignore', 'severity', 'per-file-ignores', 'pytorch-default', 'distribution'] as const;

export type ConfigKind = 'pyproject' | 'initlens';

export interface ProjectConfig {
  /** The file it was read from ('/'-separated). */
  path: string;
  /** Its directory: per-file-ignores patterns are relative to it. */
  root: string;
  select?: RuleCode[];
  ignore?: RuleCode[];
  severity?: Partial<Record<RuleCode, Severity | 'off'>>;
  perFileIgnores?: { pattern: string; codes: RuleCode[] }[];
  pytorchDefault?: boolean;
  distribution?: 'normal' | 'uniform';
}

export interface ConfigProblem {
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  /** The key, dotted from the InitLens section ("severity.IL009"), null for a syntax error. */
  key: string | null;
  message: string;
}

export interface ParsedConfig {
  /** null: the file has no InitLens section (pyproject.toml without [tool.initlens]) or does not parse. */
  config: ProjectConfig | null;
  problems: ConfigProblem[];
}

export function dirOf(path: string): string {
  const p = path.replace(/\\/g, '/');
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

/** Rule codes from a code, a prefix of codes ("IL00") or "ALL"; null when it matches none. */
export function expandCode(x: string): RuleCode[] | null {
  const s = x.trim().toUpperCase();
  if (s === 'ALL') return [...CONFIG_RULE_CODES];
  if (s === '') return null;
  const out = CONFIG_RULE_CODES.filter((c) => c.startsWith(s));
  return out.length > 0 ? out : null;
}

export function parseConfig(text: string, path: string, kind: ConfigKind): ParsedConfig {
  const file = path.replace(/\\/g, '/');
  const problems: ConfigProblem[] = [];
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split('\n')[0] ?? 'invalid TOML';
      problems.push({ file, line: e.line, column: e.column, key: null, message: `invalid TOML: ${first.replace(/^Invalid TOML document: /, '')}` });
    } else {
      problems.push({ file, line: 1, column: 1, key: null, message: `invalid TOML: ${e instanceof Error ? e.message : String(e)}` });
    }
    return { config: null, problems };
  }
  const base = kind === 'pyproject' ? ['tool', 'initlens'] : [];
  let section: unknown = doc;
  for (const k of base) section = isTable(section) ? section[k] : undefined;
  if (section === undefined) return { config: null, problems };
  const config: ProjectConfig = { path: file, root: dirOf(file) };
  const where = new KeyLocator(text);
  const bad = (key: string[], message: string) => {
    const at = where.find([...base, ...key]);
    problems.push({ file, line: at.line, column: at.column, key: key.join('.'), message });
  };
  if (!isTable(section)) {
    bad([], `[${base.join('.')}] must be a table`);
    return { config, problems };
  }
  for (const [key, value] of Object.entries(section)) {
    switch (key) {
      case 'select':
      case 'ignore': {
        const codes = codeList(value, (m) => bad([key], m));
        if (codes) config[key] = codes;
        break;
      }
      case 'severity': {
        if (!isTable(value)) {
          bad([key], 'expected a table of rule code = "error" | "warning" | "info" | "hint" | "off"');
          break;
        }
        const sev: Partial<Record<RuleCode, Severity | 'off'>> = {};
        for (const [code, v] of Object.entries(value)) {
          const codes = expandCode(code);
          if (!codes) {
            bad([key, code], `unknown rule code '${code}' (expected ${CONFIG_RULE_CODES[0]}…${CONFIG_RULE_CODES[CONFIG_RULE_CODES.length - 1]}, a prefix or ALL)`);
            continue;
          }
          if (typeof v !== 'string' || !(SEVERITIES as readonly string[]).includes(v)) {
            bad([key, code], `expected one of ${SEVERITIES.map((s) => `"${s}"`).join(', ')}, got ${show(v)}`);
            continue;
          }
          for (const c of codes) sev[c] = v as Severity | 'off';
        }
        config.severity = sev;
        break;
      }
      case 'per-file-ignores': {
        if (!isTable(value)) {
          bad([key], 'expected a table of "glob" = ["IL001", ...]');
          break;
        }
        const list: { pattern: string; codes: RuleCode[] }[] = [];
        for (const [pattern, v] of Object.entries(value)) {
          const codes = codeList(v, (m) => bad([key, pattern], m));
          if (codes) list.push({ pattern, codes });
        }
        config.perFileIgnores = list;
        break;
      }
      case 'pytorch-default':
        if (typeof value === 'boolean') config.pytorchDefault = value;
        else bad([key], `expected true or false, got ${show(value)}`);
        break;
      case 'distribution':
        if (value === 'normal' || value === 'uniform') config.distribution = value;
        else bad([key], `expected "normal" or "uniform", got ${show(value)}`);
        break;
      default:
        bad([key], `unknown key '${key}' (known: ${CONFIG_KEYS.join(', ')})`);
    }
  }
  return { config, problems };
}

function codeList(value: unknown, bad: (m: string) => void): RuleCode[] | null {
  if (!Array.isArray(value)) {
    bad(`expected a list of rule codes like ["IL001", "IL003"], got ${show(value)}`);
    return null;
  }
  const out = new Set<RuleCode>();
  for (const v of value) {
    const codes = typeof v === 'string' ? expandCode(v) : null;
    if (!codes) {
      bad(`unknown rule code ${show(v)} (expected ${CONFIG_RULE_CODES[0]}…${CONFIG_RULE_CODES[CONFIG_RULE_CODES.length - 1]}, a prefix or ALL)`);
      continue;
    }
    for (const c of codes) out.add(c);
  }
  return [...out];
}

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (isTable(v)) return 'a table';
  return String(v);
}

/**
 * Where a key is written, for messages: a line scanner that follows table
 * headers (`[tool.initlens.severity]`) and finds `key =` (or a dotted
 * `severity.IL003 =`) in the right table. Falls back to the table's header,
 * then to line 1. Only used to point at a line; the values come from smol-toml.
 */
class KeyLocator {
  private readonly lines: string[];
  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }

  find(path: string[]): { line: number; column: number } {
    // Try the full path, then shorter ones (a key inside an inline table is reported at its parent).
    for (let n = path.length; n > 0; n--) {
      const hit = this.findExact(path.slice(0, n));
      if (hit) return hit;
    }
    return { line: 1, column: 1 };
  }

  private findExact(path: string[]): { line: number; column: number } | null {
    let table: string[] = [];
    for (let i = 0; i < this.lines.length; i++) {
      const raw = this.lines[i]!;
      const line = raw.trim();
      if (line.startsWith('[')) {
        const inner = line.replace(/^\[+/, '').split(']')[0] ?? '';
        table = splitKey(inner);
        if (same(table, path)) return { line: i + 1, column: raw.indexOf('[') + 1 };
        continue;
      }
      const eq = line.indexOf('=');
      if (eq <= 0 || line.startsWith('#')) continue;
      const full = [...table, ...splitKey(line.slice(0, eq))];
      if (same(full, path) || (full.length >= path.length && same(full.slice(0, path.length), path))) {
        return { line: i + 1, column: raw.length - raw.trimStart().length + 1 };
      }
    }
    return null;
  }
}

function splitKey(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (const c of s) {
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '.') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out.filter((k) => k !== '');
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
