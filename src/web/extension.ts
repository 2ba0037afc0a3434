/**
 * Web extension entry (vscode.dev, github.dev): the same extension, bundled for
 * the browser. Nothing in it uses Node built-ins; files are read through
 * vscode.workspace.fs, so virtual workspaces work too.
 */
export { activate, deactivate } from '../vscode/extension.js';
