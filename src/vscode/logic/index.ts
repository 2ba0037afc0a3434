/** The vscode-free host logic (unit-tested with node:test). */
export * from './settings.js';
export * from './present.js';
export * from './actions.js';
export * from './suppress.js';
export * from './scheduler.js';
export * from './glob.js';
export * from './notebook.js';
export * from './variance.js';
export * from './l10n.js';
