/** Everything that needs the parsers, loaded lazily through engine.ts. */
export { analyze, fixAll, LineIndex } from '../core/index.js';
export { IncrementalAnalyzer } from '../core/analysis/incremental.js';
export { parseNotebook, toFileOffset } from '../core/notebook.js';
export { quickFixes, fixAllQuickFix, sourceFixAll, minimalEdits } from './logic/actions.js';
export { hoverMarkdown } from './logic/variance.js';
export { panelModel, recommendedEdits, modelKey, findModel } from './logic/panel.js';
export { closedFileDiagnostics } from './logic/closedFile.js';
export { ruleDocPage } from '../core/analysis/rules/docs.js';
export { allRules } from '../core/analysis/rules/index.js';
export { holdBrokenModels, isGood } from '../core/analysis/hold.js';
export { WorkspaceIndex, indexableText, inSkippedFolder } from '../core/workspace/index.js';
export { WorkspaceAnalyzer, affectedBy, analyzeInWorkspace, prepareInWorkspace } from '../core/workspace/analyze.js';
