/**
 * InitLens settings as plain data, and their translation into engine options.
 * The adapter (src/vscode/settings.ts) is the only reader of the VS Code
 * configuration; everything here is pure and unit-tested.
 *
 * Recipe for a new setting: schema in package.json (+ package.nls*.json), the
 * field here with its default, the read in `settingsFromConfig`, then use it.
 */
import type { AnalysisOptions, Framework, Language, RuleCode, Severity } from '../../core/types.js';
import type { Overrides } from '../../core/config/discover.js';
import { RULE_CODES } from '../../core/index.js';

export type RuleSeverity = Severity | 'off' | 'default';
export type RunMode = 'onType' | 'onSave';

export interface InitLensSettings {
  enable: boolean;
  languages: Record<Language, boolean>;
  frameworks: Record<Framework, boolean>;
  severity: Partial<Record<RuleCode, RuleSeverity>>;
  distribution: 'normal' | 'uniform';
  run: RunMode;
  /** Debounce delay for on-type analysis, milliseconds. */
  debounceMs: number;
  pytorchDefaultIsFinding: boolean;
  exclude: string[];
  /** Files larger than this (UTF-16 code units) are not analysed. */
  maxFileSize: number;
  /** Offer "Ignore ILxxx for this line / file" quick fixes. */
  disableRuleComment: boolean;
  /** Show the "Simulate variance" CodeLens above models. */
  codeLens: boolean;
  /** Offer "Show documentation for ILxxx". */
  showDocumentation: boolean;
  /** Settings the user set (in any scope): only these override the project configuration file. */
  userSet: { distribution: boolean; pytorchDefaultIsFinding: boolean };
}

const LANGUAGES: readonly Language[] = ['python', 'typescript', 'javascript'];
const FRAMEWORKS: readonly Framework[] = ['keras', 'pytorch', 'flax', 'tfjs'];
const SEVERITIES: readonly RuleSeverity[] = ['error', 'warning', 'info', 'hint', 'off', 'default'];

export const defaultSettings: InitLensSettings = {
  enable: true,
  languages: { python: true, typescript: true, javascript: true },
  frameworks: { keras: true, pytorch: true, flax: true, tfjs: true },
  severity: {},
  distribution: 'normal',
  run: 'onType',
  debounceMs: 300,
  pytorchDefaultIsFinding: true,
  exclude: ['**/node_modules/**', '**/.venv/**', '**/site-packages/**', '**/dist/**'],
  maxFileSize: 1_000_000,
  disableRuleComment: true,
  codeLens: true,
  showDocumentation: true,
  userSet: { distribution: false, pytorchDefaultIsFinding: false },
};

/** Reads settings through a getter (`section.get(key)`), tolerating bad values. */
export function settingsFromConfig(get: (key: string) => unknown, isSet: (key: string) => boolean = () => false): InitLensSettings {
  const bool = (key: string, fallback: boolean): boolean => {
    const v = get(key);
    return typeof v === 'boolean' ? v : fallback;
  };
  const num = (key: string, fallback: number, min: number): number => {
    const v = get(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= min ? v : fallback;
  };
  const pick = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = get(key);
    return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
  };
  const record = (key: string): Record<string, unknown> => {
    const v = get(key);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  };

  const languagesIn = record('languages');
  const languages = { ...defaultSettings.languages };
  for (const l of LANGUAGES) if (typeof languagesIn[l] === 'boolean') languages[l] = languagesIn[l] as boolean;

  const frameworksIn = record('frameworks');
  const frameworks = { ...defaultSettings.frameworks };
  for (const f of FRAMEWORKS) if (typeof frameworksIn[f] === 'boolean') frameworks[f] = frameworksIn[f] as boolean;

  const severityIn = record('severity');
  const severity: Partial<Record<RuleCode, RuleSeverity>> = {};
  for (const code of RULE_CODES) {
    const v = severityIn[code];
    if (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) severity[code] = v as RuleSeverity;
  }

  const excludeIn = get('exclude');
  const exclude = Array.isArray(excludeIn)
    ? excludeIn.filter((g): g is string => typeof g === 'string' && g.trim() !== '')
    : [...defaultSettings.exclude];

  return {
    enable: bool('enable', defaultSettings.enable),
    languages,
    frameworks,
    severity,
    distribution: pick('distribution', ['normal', 'uniform'] as const, defaultSettings.distribution),
    run: pick('run', ['onType', 'onSave'] as const, defaultSettings.run),
    debounceMs: num('debounceMs', defaultSettings.debounceMs, 0),
    pytorchDefaultIsFinding: bool('pytorchDefaultIsFinding', defaultSettings.pytorchDefaultIsFinding),
    exclude,
    maxFileSize: num('maxFileSize', defaultSettings.maxFileSize, 1),
    disableRuleComment: bool('codeAction.disableRuleComment', defaultSettings.disableRuleComment),
    codeLens: bool('codeLens', defaultSettings.codeLens),
    showDocumentation: bool('codeAction.showDocumentation', defaultSettings.showDocumentation),
    userSet: { distribution: isSet('distribution'), pytorchDefaultIsFinding: isSet('pytorchDefaultIsFinding') },
  };
}

/**
 * What the user set in VS Code, as overrides of the project configuration
 * (pyproject.toml / initlens.toml): per-rule severities they wrote, and the
 * distribution / PyTorch-default switches only when set in some scope.
 */
export function settingsOverrides(settings: InitLensSettings): Overrides {
  const severity: Partial<Record<RuleCode, Severity | 'off'>> = {};
  for (const [code, value] of Object.entries(settings.severity) as [RuleCode, RuleSeverity][]) {
    if (value !== 'default') severity[code] = value;
  }
  return {
    severity,
    distribution: settings.userSet.distribution ? settings.distribution : undefined,
    pytorchDefaultIsFinding: settings.userSet.pytorchDefaultIsFinding ? settings.pytorchDefaultIsFinding : undefined,
  };
}

/** Engine options for these settings. 'default' severities are left to the rule. */
export function toAnalysisOptions(settings: InitLensSettings): Partial<AnalysisOptions> {
  const severity: Partial<Record<RuleCode, Severity | 'off'>> = {};
  for (const [code, value] of Object.entries(settings.severity) as [RuleCode, RuleSeverity][]) {
    if (value !== 'default') severity[code] = value;
  }
  return {
    distribution: settings.distribution,
    pytorchDefaultIsFinding: settings.pytorchDefaultIsFinding,
    severity,
  };
}

/** VS Code language id → engine language, or null when InitLens does not handle it. */
export function engineLanguage(languageId: string): Language | null {
  switch (languageId) {
    case 'python':
      return 'python';
    case 'typescript':
    case 'typescriptreact':
      return 'typescript';
    case 'javascript':
    case 'javascriptreact':
      return 'javascript';
    default:
      return null;
  }
}

/** Why a document is not analysed, or null when it is. */
export type SkipReason = 'disabled' | 'language' | 'excluded' | 'tooLarge';

export function skipReason(
  settings: InitLensSettings,
  doc: { languageId: string; length: number; excluded: boolean },
): SkipReason | null {
  if (!settings.enable) return 'disabled';
  const lang = engineLanguage(doc.languageId);
  if (lang === null || !settings.languages[lang]) return 'language';
  if (doc.excluded) return 'excluded';
  if (doc.length > settings.maxFileSize) return 'tooLarge';
  return null;
}
