/**
 * What gets analysed for a document: the document itself, or — for a notebook
 * cell — all Python code cells of its notebook joined together.
 */
import * as vscode from 'vscode';
import type { Language } from '../core/types.js';
import { engineLanguage } from './logic/settings.js';
import { joinCells, locateInDocs, toJoinedOffset, type JoinedCells } from './logic/notebook.js';

export interface Target {
  /** Cache key: the document's or the notebook's URI. */
  key: string;
  uri: vscode.Uri;
  language: Language;
  languageId: string;
  text: string;
  /** Changes whenever any analysed text changes. */
  version: string;
  /** The document, or the notebook's analysed code cells in order. */
  docs: vscode.TextDocument[];
  joined: JoinedCells | null;
  notebook: vscode.NotebookDocument | null;
}

export function notebookOf(doc: vscode.TextDocument): vscode.NotebookDocument | null {
  if (doc.uri.scheme !== 'vscode-notebook-cell') return null;
  for (const nb of vscode.workspace.notebookDocuments) {
    if (nb.getCells().some((c) => c.document === doc)) return nb;
  }
  return null;
}

export function notebookTarget(nb: vscode.NotebookDocument): Target | null {
  const docs = nb
    .getCells()
    .filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python')
    .map((c) => c.document);
  if (docs.length === 0) return null;
  const joined = joinCells(docs.map((d) => d.getText()));
  return {
    key: nb.uri.toString(),
    uri: nb.uri,
    language: 'python',
    languageId: 'python',
    text: joined.text,
    version: docs.map((d) => `${d.uri.fragment}:${d.version}`).join(','),
    docs,
    joined,
    notebook: nb,
  };
}

/** Read-only views of other content (diffs, output, search editors): not analysed. */
const IGNORED_SCHEMES = new Set(['git', 'output', 'debug', 'vscode-scm', 'search-editor', 'gitlens', 'pr', 'review', 'conflictResolution']);

export function targetFor(doc: vscode.TextDocument): Target | null {
  if (IGNORED_SCHEMES.has(doc.uri.scheme)) return null;
  const nb = notebookOf(doc);
  if (nb) return notebookTarget(nb);
  if (doc.uri.scheme === 'vscode-notebook-cell') return null;
  const language = engineLanguage(doc.languageId);
  if (!language) return null;
  return {
    key: doc.uri.toString(),
    uri: doc.uri,
    language,
    languageId: doc.languageId,
    text: doc.getText(),
    version: String(doc.version),
    docs: [doc],
    joined: null,
    notebook: null,
  };
}

/** A span of the analysed text as (document, offsets in that document), null when it crosses cells. */
export function locateInTarget(target: Target, from: number, to: number): { doc: vscode.TextDocument; from: number; to: number } | null {
  return locateInDocs(target.docs, target.joined, from, to);
}

/** Offset in `doc` → offset in the analysed text. */
export function toTargetOffset(target: Target, doc: vscode.TextDocument, offset: number): number | null {
  return toJoinedOffset(target.joined, target.docs.indexOf(doc), offset);
}
