/**
 * The documents the client has open: plain text documents and LSP 3.17 notebook
 * documents (their cells arrive through notebookDocument/* messages, not
 * textDocument/*). Incremental changes are applied with
 * vscode-languageserver-textdocument; a single change is also recorded as an
 * offset range for the on-type analyzer (the same `noteChanges` the extension
 * feeds). What gets analysed for a URI is a `ServerTarget`: the document itself,
 * or every Python code cell of its notebook joined (src/vscode/logic/notebook.ts,
 * the mapping the extension uses).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  DidChangeNotebookDocumentParams,
  DidChangeTextDocumentParams,
  DidCloseNotebookDocumentParams,
  DidOpenNotebookDocumentParams,
  NotebookCell,
  TextDocumentContentChangeEvent,
  TextDocumentItem,
} from 'vscode-languageserver';
import type { Language } from '../core/types.js';
import { engineLanguage } from '../vscode/logic/settings.js';
import { joinCells, locateInDocs, toJoinedOffset, type JoinedCells } from '../vscode/logic/notebook.js';
import type { AnalysisTarget } from '../vscode/service.js';

/** LSP NotebookCellKind.Code. */
const CODE_CELL = 2;

export interface NotebookState {
  uri: string;
  notebookType: string;
  version: number;
  /** Cells in order: their kind and their text document's URI. */
  cells: { kind: number; document: string }[];
}

export interface ServerTarget extends AnalysisTarget {
  /** The document URI, or the notebook URI. */
  uri: string;
  languageId: string;
  /** The document, or the notebook's analysed code cells in order. */
  docs: TextDocument[];
  joined: JoinedCells | null;
  notebook: NotebookState | null;
}

/** One change event → what the analyzer can use (offsets in the text before the change). */
export interface OffsetChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

const EXTENSION_LANGUAGE: Record<string, string> = {
  py: 'python',
  pyi: 'python',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescriptreact',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascriptreact',
};

/** The language id to use: the client's, or one guessed from the file name when the client's is unknown to us. */
export function languageIdFor(uri: string, languageId: string): string {
  if (engineLanguage(languageId)) return languageId;
  const name = uri.split(/[?#]/)[0]!.split('/').pop() ?? '';
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return EXTENSION_LANGUAGE[ext] ?? languageId;
}

export class DocumentStore {
  private readonly texts = new Map<string, TextDocument>();
  /** Cell text documents, by cell URI. */
  private readonly cellDocs = new Map<string, TextDocument>();
  private readonly notebooks = new Map<string, NotebookState>();
  /** Cell URI → notebook URI. */
  private readonly cellOwner = new Map<string, string>();

  // --- text documents -------------------------------------------------------

  open(item: TextDocumentItem): void {
    this.texts.set(item.uri, TextDocument.create(item.uri, languageIdFor(item.uri, item.languageId), item.version, item.text));
  }

  /** Applies the changes; returns the single offset change when there was exactly one range change. */
  change(params: DidChangeTextDocumentParams): OffsetChange[] | null {
    const doc = this.texts.get(params.textDocument.uri);
    if (!doc) return null;
    const offsets = offsetChanges(doc, params.contentChanges);
    this.texts.set(doc.uri, TextDocument.update(doc, params.contentChanges, params.textDocument.version));
    return offsets;
  }

  close(uri: string): boolean {
    return this.texts.delete(uri);
  }

  text(uri: string): TextDocument | undefined {
    return this.texts.get(uri) ?? this.cellDocs.get(uri);
  }

  textUris(): string[] {
    return [...this.texts.keys()];
  }

  // --- notebooks ------------------------------------------------------------

  openNotebook(params: DidOpenNotebookDocumentParams): void {
    const nb = params.notebookDocument;
    this.notebooks.set(nb.uri, { uri: nb.uri, notebookType: nb.notebookType, version: nb.version, cells: nb.cells.map(cellRef) });
    for (const item of params.cellTextDocuments) this.openCell(nb.uri, item);
  }

  changeNotebook(params: DidChangeNotebookDocumentParams): boolean {
    const nb = this.notebooks.get(params.notebookDocument.uri);
    if (!nb) return false;
    nb.version = params.notebookDocument.version;
    const cells = params.change.cells;
    if (!cells) return true;
    if (cells.structure) {
      const { array, didOpen, didClose } = cells.structure;
      const start = Math.max(0, Math.min(array.start, nb.cells.length));
      nb.cells.splice(start, array.deleteCount, ...(array.cells ?? []).map(cellRef));
      for (const id of didClose ?? []) {
        this.cellDocs.delete(id.uri);
        this.cellOwner.delete(id.uri);
      }
      for (const item of didOpen ?? []) this.openCell(nb.uri, item);
    }
    for (const data of cells.data ?? []) {
      const i = nb.cells.findIndex((c) => c.document === data.document);
      if (i !== -1) nb.cells[i] = cellRef(data);
    }
    for (const content of cells.textContent ?? []) {
      const doc = this.cellDocs.get(content.document.uri);
      if (doc) this.cellDocs.set(doc.uri, TextDocument.update(doc, content.changes, content.document.version));
    }
    return true;
  }

  closeNotebook(params: DidCloseNotebookDocumentParams): NotebookState | null {
    const nb = this.notebooks.get(params.notebookDocument.uri);
    if (!nb) return null;
    this.notebooks.delete(nb.uri);
    for (const c of nb.cells) {
      this.cellDocs.delete(c.document);
      this.cellOwner.delete(c.document);
    }
    for (const id of params.cellTextDocuments) {
      this.cellDocs.delete(id.uri);
      this.cellOwner.delete(id.uri);
    }
    return nb;
  }

  notebook(uri: string): NotebookState | null {
    return this.notebooks.get(uri) ?? null;
  }

  notebookUris(): string[] {
    return [...this.notebooks.keys()];
  }

  notebookOfCell(cellUri: string): NotebookState | null {
    const owner = this.cellOwner.get(cellUri);
    return owner ? this.notebooks.get(owner) ?? null : null;
  }

  private openCell(notebook: string, item: TextDocumentItem): void {
    this.cellDocs.set(item.uri, TextDocument.create(item.uri, item.languageId, item.version, item.text));
    this.cellOwner.set(item.uri, notebook);
  }

  // --- targets --------------------------------------------------------------

  /** What is analysed for `uri` (a document, a notebook or one of its cells), or null. */
  target(uri: string): ServerTarget | null {
    const nb = this.notebooks.get(uri) ?? this.notebookOfCell(uri);
    if (nb) return this.notebookTarget(nb);
    const doc = this.texts.get(uri);
    if (!doc) return null;
    const language = engineLanguage(doc.languageId);
    if (!language) return null;
    return {
      key: doc.uri,
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

  notebookTarget(nb: NotebookState): ServerTarget | null {
    const docs = nb.cells
      .filter((c) => c.kind === CODE_CELL)
      .map((c) => this.cellDocs.get(c.document))
      .filter((d): d is TextDocument => !!d && d.languageId === 'python');
    if (docs.length === 0) return null;
    const joined = joinCells(docs.map((d) => d.getText()));
    const language: Language = 'python';
    return {
      key: nb.uri,
      uri: nb.uri,
      language,
      languageId: 'python',
      text: joined.text,
      version: docs.map((d) => `${d.uri}#${d.version}`).join(','),
      docs,
      joined,
      notebook: nb,
    };
  }
}

function cellRef(cell: NotebookCell): { kind: number; document: string } {
  return { kind: cell.kind, document: cell.document };
}

/** The changes as offset ranges in the text each applies to, or null for a full replacement. */
function offsetChanges(doc: TextDocument, changes: readonly TextDocumentContentChangeEvent[]): OffsetChange[] | null {
  if (changes.length !== 1) return null;
  const c = changes[0]!;
  if (!('range' in c) || !c.range) return null;
  const from = doc.offsetAt(c.range.start);
  const to = doc.offsetAt(c.range.end);
  return [{ rangeOffset: from, rangeLength: Math.max(0, to - from), text: c.text }];
}

/** A span of the analysed text as (document, offsets in that document), null when it crosses cells. */
export function locateInTarget(target: ServerTarget, from: number, to: number): { doc: TextDocument; from: number; to: number } | null {
  return locateInDocs(target.docs, target.joined, from, to);
}

/** An offset in `doc` → an offset in the analysed text, or null when `doc` is not analysed with it. */
export function toTargetOffset(target: ServerTarget, doc: TextDocument, offset: number): number | null {
  return toJoinedOffset(target.joined, target.docs.findIndex((d) => d.uri === doc.uri), offset);
}
