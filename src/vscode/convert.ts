/**
 * The one place where engine offsets become vscode positions and ranges (and
 * engine severities become vscode severities). Offsets are UTF-16 offsets into
 * a document's text, which is what `TextDocument.positionAt` takes.
 */
import * as vscode from 'vscode';
import type { Severity, TextEdit } from '../core/types.js';

export function toRange(doc: vscode.TextDocument, from: number, to: number): vscode.Range {
  return new vscode.Range(doc.positionAt(from), doc.positionAt(Math.max(from, to)));
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error':
      return vscode.DiagnosticSeverity.Error;
    case 'warning':
      return vscode.DiagnosticSeverity.Warning;
    case 'info':
      return vscode.DiagnosticSeverity.Information;
    case 'hint':
      return vscode.DiagnosticSeverity.Hint;
  }
}

export function toTextEdit(doc: vscode.TextDocument, e: TextEdit): vscode.TextEdit {
  return new vscode.TextEdit(toRange(doc, e.from, e.to), e.newText);
}

/** For text that is not open in an editor (workspace scan): offsets through the engine's LineIndex. */
export function toRangeIn(index: { lineCol(offset: number): { line: number; column: number } }, from: number, to: number): vscode.Range {
  const a = index.lineCol(from);
  const b = index.lineCol(Math.max(from, to));
  return new vscode.Range(a.line, a.column, b.line, b.column);
}
