/**
 * Public API of the InitLens engine: analysis, fixes, the incremental analyzer, the rule codes.
 * The extension (node and web), the CLI and the webview go through it. A few other core modules
 * are imported by name from outside: report.ts and sarif.ts (the CLI's JSON and SARIF output),
 * notebook.ts (cells ↔ joined text), math/ (the CLI's simulate) and analysis/incremental.ts.
 */
export * from './types.js';
export { analyze } from './analysis/analyze.js';
export { applyEdits, fixAll } from './fixes/apply.js';
export { LineIndex } from './text.js';
export { WorkspaceIndex, indexableText, summarizeFile, languageOfPath, inSkippedFolder, normalizePath, DEFAULT_MAX_FILE_SIZE, SKIPPED_FOLDERS, type WorkspaceLanguage, type CellStart, type FileSummary } from './workspace/index.js';
export { analyzeInWorkspace, prepareInWorkspace, WorkspaceAnalyzer, affectedBy, linkSignature, where } from './workspace/analyze.js';
export { IncrementalAnalyzer, type TextChange } from './analysis/incremental.js';
export { RULE_CODES } from './analysis/rules/index.js';
