/**
 * Localization seam for the host logic. The adapters pass `vscode.l10n.t`;
 * tests and the CLI use `format`, which only fills `{0}`-style placeholders.
 */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

export const format: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
