/**
 * Public API of the InitLens engine. The extension (node and web), the CLI and
 * the webview all go through these functions; nothing else in src/core is
 * imported from outside it except types.
 */
export * from './types.js';
export { analyze } from './analysis/analyze.js';
export { applyEdits, fixAll } from './fixes/apply.js';
export { LineIndex } from './text.js';
export { WorkspaceIndex, indexableText, languageOfPath, inSkippedFolder, normalizePath, DEFAULT_MAX_FILE_SIZE, SKIPPED_FOLDERS, type WorkspaceLanguage } from './workspace/index.js';
export { analyzeInWorkspace, WorkspaceAnalyzer, affectedBy, linkSignature, where } from './workspace/analyze.js';
export { IncrementalAnalyzer, type TextChange } from './analysis/incremental.js';
