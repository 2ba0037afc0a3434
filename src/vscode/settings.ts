/** The single reader of the `initlens.*` configuration (see logic/settings.ts for the recipe). */
import * as vscode from 'vscode';
import { settingsFromConfig, type InitLensSettings } from './logic/settings.js';

export function readSettings(scope?: vscode.ConfigurationScope): InitLensSettings {
  const config = vscode.workspace.getConfiguration('initlens', scope);
  return settingsFromConfig(
    (key) => config.get(key),
    (key) => {
      const i = config.inspect(key);
      return !!i && (i.globalValue !== undefined || i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined || i.globalLanguageValue !== undefined || i.workspaceLanguageValue !== undefined || i.workspaceFolderLanguageValue !== undefined);
    },
  );
}
