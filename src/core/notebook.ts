/**
 * Jupyter notebooks (.ipynb) as analysable text.
 *
 * The code cells are joined with "\n" so that every cell starts on a new line of
 * the joined text; the engine analyses that text and positions are mapped back
 * to cells here. IPython magics (`%matplotlib inline`, `!pip install x`, cell
 * magics such as `%%bash`) are replaced by spaces of the same length, so offsets
 * stay aligned while the parser sees plain Python.
 *
 * Write-back never re-serialises the whole notebook: only the `source` values of
 * the cells that changed are replaced in the original JSON text, in the style the
 * file already uses (list of lines or one string, indentation). Everything else,
 * key order and trailing newline included, is kept byte for byte.
 *
 * Pure: no I/O, never throws.
 */
import type { Language, TextEdit } from './types.js';

// ---------------------------------------------------------------------------
// A JSON scanner that records where every value sits in the text.

type JsonNode =
  | { kind: 'object'; from: number; to: number; entries: { key: string; value: JsonNode }[] }
  | { kind: 'array'; from: number; to: number; items: JsonNode[] }
  | { kind: 'string'; from: number; to: number; value: string }
  | { kind: 'other'; from: number; to: number; value: unknown };

const MAX_DEPTH = 400;

/** Scans text that JSON.parse already accepted; returns null if it cannot (too deep). */
function scanJson(text: string): JsonNode | null {
  let pos = 0;
  const ws = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const str = (): JsonNode & { kind: 'string' } => {
    const from = pos;
    pos++; // opening quote
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos++; // closing quote
    let value = '';
    try {
      value = JSON.parse(text.slice(from, pos)) as string;
    } catch {
      value = '';
    }
    return { kind: 'string', from, to: pos, value };
  };
  const value = (depth: number): JsonNode | null => {
    if (depth > MAX_DEPTH) return null;
    ws();
    const from = pos;
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries: { key: string; value: JsonNode }[] = [];
      ws();
      if (text[pos] === '}') {
        pos++;
        return { kind: 'object', from, to: pos, entries };
      }
      for (;;) {
        ws();
        const key = str();
        ws();
        pos++; // ':'
        const v = value(depth + 1);
        if (!v) return null;
        entries.push({ key: key.value, value: v });
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        pos++; // '}'
        return { kind: 'object', from, to: pos, entries };
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonNode[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return { kind: 'array', from, to: pos, items };
      }
      for (;;) {
        const v = value(depth + 1);
        if (!v) return null;
        items.push(v);
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        pos++; // ']'
        return { kind: 'array', from, to: pos, items };
      }
    }
    if (c === '"') return str();
    while (pos < text.length && !',]} \n\r\t'.includes(text[pos] as string)) pos++;
    let v: unknown = null;
    try {
      v = JSON.parse(text.slice(from, pos));
    } catch {
      v = null;
    }
    return { kind: 'other', from, to: pos, value: v };
  };
  return value(0);
}

function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!node || node.kind !== 'object') return undefined;
  for (let i = node.entries.length - 1; i >= 0; i--) {
    const e = node.entries[i];
    if (e && e.key === key) return e.value; // last duplicate wins, like JSON.parse
  }
  return undefined;
}

function stringAt(node: JsonNode | undefined, ...path: string[]): string | undefined {
  let n = node;
  for (const key of path) n = member(n, key);
  return n && n.kind === 'string' ? n.value : undefined;
}

// ---------------------------------------------------------------------------
// The notebook model.

export interface NotebookCell {
  /** Index among all cells (markdown and raw cells included). */
  index: number;
  /** `cell_type` as written ('code', 'markdown', 'raw', ...). */
  kind: string;
  /** The cell's source, list-of-lines joined. */
  source: string;
  /** How `source` is stored in the file; 'invalid' sources are treated as empty and never rewritten. */
  sourceForm: 'list' | 'string' | 'invalid';
}

/** Where one code cell sits in the joined text. */
export interface CodeCellSlice {
  /** Index among all cells. */
  cell: number;
  /** Offset of the cell's first character in the joined text. */
  start: number;
  /** Offset just after the cell's last character (exclusive). */
  end: number;
  /** 0-based line of the joined text on which the cell starts. */
  startLine: number;
  /** Number of lines of the cell (an empty cell counts as one). */
  lineCount: number;
  /**
   * Edits may not start before this offset (joined text): the end of a cell
   * magic's first line (`%%time`), or `end + 1` for a cell that is not analysed
   * at all (`%%bash`, another language). Equal to `start` otherwise.
   */
  editableFrom: number;
}

export interface Notebook {
  cells: NotebookCell[];
  /** Language the code cells are analysed as, or null when the kernel's language is not supported. */
  language: Language | null;
  /** Kernel language as written in the metadata ('python' when absent). */
  languageName: string;
  /** Code cells joined with "\n", magics blanked with spaces; this is what the engine analyses. */
  text: string;
  /** Code cells joined with "\n", exactly as written. Same length as `text`. */
  rawText: string;
  /** One entry per code cell, in order. */
  slices: CodeCellSlice[];
  /** The .ipynb file text this model was parsed from. */
  fileText: string;
  /** @internal */
  readonly tree: JsonNode;
}

export type NotebookParseResult = { notebook: Notebook; error: null } | { notebook: null; error: string };

function languageOf(name: string): Language | null {
  const n = name.toLowerCase();
  if (n === 'python' || n === 'python3' || n === 'python2' || n === 'ipython' || n === 'ipython3') return 'python';
  if (n === 'javascript' || n === 'js') return 'javascript';
  if (n === 'typescript' || n === 'ts') return 'typescript';
  return null;
}

/** Cell magics whose body is still Python: only their first line is blanked. */
const PYTHON_BODY_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'pypy', 'python', 'python3', 'px']);

function blank(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    out += ch === '\n' || ch === '\r' ? ch : ' ';
  }
  return out;
}

/**
 * Replaces IPython-only lines with spaces of the same length (line breaks kept);
 * an indented one becomes the statement `0` padded with spaces, so that the
 * block holding it keeps a body.
 * Line magics (`%x`), shell escapes (`!x`), their `\` continuations, and whole
 * cells under a non-Python cell magic (`%%bash`, `%%writefile f.py`, ...).
 * Known limit: a Python continuation line that starts with `%` (modulo) inside
 * brackets is blanked too.
 */
export function blankMagics(source: string): string {
  const lines = source.split('\n');
  const firstCode = lines.findIndex((l) => l.trim() !== '');
  if (firstCode >= 0) {
    const first = (lines[firstCode] as string).trimStart();
    if (first.startsWith('%%')) {
      let end = 2;
      while (end < first.length && first[end] !== ' ' && first[end] !== '\t' && first[end] !== '\r') end++;
      const name = first.slice(2, end);
      if (!PYTHON_BODY_CELL_MAGICS.has(name)) return blank(source);
    }
  }
  let continuing = false;
  /** The last line of Python code: its indentation, and whether it opens a block. */
  let last = { lead: 0, opens: false };
  const out = lines.map((line) => {
    const t = line.trimStart();
    const isMagic = continuing || t.startsWith('%') || t.startsWith('!');
    const body = line.endsWith('\r') ? line.slice(0, -1) : line;
    const first = isMagic && !continuing;
    continuing = isMagic && body.endsWith('\\');
    const lead = line.length - t.length;
    if (!isMagic) {
      const code = t.split('#')[0]!.trimEnd();
      if (code !== '') last = { lead, opens: code.endsWith(':') };
      return line;
    }
    // IPython runs an indented magic as a call (`if colab:\n  %load_ext x`): a `0` in its place
    // keeps the block a block, where spaces alone would leave it without a body.
    if (first && lead > 0 && (last.opens ? lead > last.lead : lead === last.lead)) return line.slice(0, lead) + '0' + blank(line.slice(lead + 1));
    return blank(line);
  });
  return out.join('\n');
}

/** Parses .ipynb text. Never throws; bad JSON or a missing `cells` array give an error message. */
export function parseNotebook(fileText: string): NotebookParseResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fileText);
  } catch (e) {
    return { notebook: null, error: `invalid notebook JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { notebook: null, error: 'invalid notebook: the top-level JSON value is not an object' };
  }
  const tree = scanJson(fileText);
  if (!tree || tree.kind !== 'object') return { notebook: null, error: 'invalid notebook: JSON nested too deeply' };
  const cellsNode = member(tree, 'cells');
  if (!cellsNode || cellsNode.kind !== 'array') {
    if (member(tree, 'worksheets')) {
      return { notebook: null, error: 'unsupported notebook: nbformat 3 (worksheets); convert it with `jupyter nbconvert --to notebook`' };
    }
    return { notebook: null, error: 'invalid notebook: missing "cells" array' };
  }
  const metadata = member(tree, 'metadata');
  const languageName =
    stringAt(metadata, 'kernelspec', 'language') ?? stringAt(metadata, 'language_info', 'name') ?? 'python';
  const language = languageOf(languageName);

  const cells: NotebookCell[] = [];
  const slices: CodeCellSlice[] = [];
  let text = '';
  let rawText = '';
  let line = 0;
  cellsNode.items.forEach((cellNode, index) => {
    const kind = stringAt(cellNode, 'cell_type') ?? 'unknown';
    const src = member(cellNode, 'source');
    let source = '';
    let sourceForm: NotebookCell['sourceForm'] = 'invalid';
    if (src?.kind === 'string') {
      source = src.value;
      sourceForm = 'string';
    } else if (src?.kind === 'array' && src.items.every((i) => i.kind === 'string')) {
      source = src.items.map((i) => (i.kind === 'string' ? i.value : '')).join('');
      sourceForm = 'list';
    }
    cells.push({ index, kind, source, sourceForm });
    if (kind !== 'code') return;
    if (slices.length > 0) {
      text += '\n';
      rawText += '\n';
      line++;
    }
    const cellLang = stringAt(cellNode, 'metadata', 'vscode', 'languageId');
    const analysable = language !== null && (cellLang === undefined || languageOf(cellLang) === language);
    const start = rawText.length;
    rawText += source;
    const shown = !analysable ? blank(source) : language === 'python' ? blankMagics(source) : source;
    text += shown;
    let editableFrom = start;
    const lead = source.length - source.trimStart().length;
    if (source.trim() !== '' && shown.trim() === '' && (!analysable || source.trimStart().startsWith('%%'))) {
      editableFrom = start + source.length + 1; // nothing in this cell is Python
    } else if (source.startsWith('%%', lead)) {
      const nl = source.indexOf('\n', lead);
      editableFrom = start + (nl < 0 ? source.length : nl + 1);
    }
    let lineCount = 1;
    // Line breaks as LineIndex counts them: \n, \r\n, and a lone \r.
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) lineCount++;
    }
    slices.push({ cell: index, start, end: rawText.length, startLine: line, lineCount, editableFrom });
    line += lineCount - 1;
  });
  return { notebook: { cells, language, languageName, text, rawText, slices, fileText, tree }, error: null };
}

// ---------------------------------------------------------------------------
// Position mapping.

/** Joined-text offset → the code cell holding it and the offset inside that cell's source. */
export function toCellOffset(nb: Notebook, offset: number): { cell: number; offset: number } | null {
  for (const s of nb.slices) {
    if (offset >= s.start && offset <= s.end) return { cell: s.cell, offset: offset - s.start };
  }
  return null;
}

/** Offset inside a code cell's source → joined-text offset (null for non-code cells or out of range). */
export function toGlobalOffset(nb: Notebook, cell: number, offset: number): number | null {
  const s = nb.slices.find((x) => x.cell === cell);
  if (!s || offset < 0 || offset > s.end - s.start) return null;
  return s.start + offset;
}

/** 0-based line of the joined text → cell index (among all cells) and 0-based line in the cell. */
export function lineToCell(nb: Notebook, line: number): { cell: number; line: number } | null {
  for (const s of nb.slices) {
    if (line >= s.startLine && line < s.startLine + s.lineCount) return { cell: s.cell, line: line - s.startLine };
  }
  return null;
}

/** Maps an index into a decoded JSON string to an offset in its raw token (quotes included). */
function decodedToRaw(fileText: string, node: { from: number; to: number }, index: number): number {
  let raw = node.from + 1;
  let decoded = 0;
  while (decoded < index && raw < node.to - 1) {
    if (fileText[raw] === '\\') raw += fileText[raw + 1] === 'u' ? 6 : 2;
    else raw++;
    decoded++;
  }
  return raw;
}

/**
 * Joined-text offset → offset in the .ipynb file text (inside the JSON string that
 * holds that character), for tools that report positions in the file itself
 * (SARIF). Null when the offset is not inside a code cell.
 */
export function toFileOffset(nb: Notebook, offset: number): number | null {
  const at = toCellOffset(nb, offset);
  if (!at) return null;
  const cells = member(nb.tree, 'cells');
  if (!cells || cells.kind !== 'array') return null;
  const src = member(cells.items[at.cell], 'source');
  if (!src) return null;
  if (src.kind === 'string') return decodedToRaw(nb.fileText, src, at.offset);
  if (src.kind !== 'array') return null;
  let rest = at.offset;
  for (let i = 0; i < src.items.length; i++) {
    const item = src.items[i];
    if (!item || item.kind !== 'string') return null;
    const last = i === src.items.length - 1;
    if (rest < item.value.length || (last && rest === item.value.length)) return decodedToRaw(nb.fileText, item, rest);
    rest -= item.value.length;
  }
  return src.from + 1;
}

// ---------------------------------------------------------------------------
// Edits.

function applyLocalEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.from - a.from || b.to - a.to);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.from) + e.newText + out.slice(e.to);
  return out;
}

/** Splits text into lines that keep their "\n", the way Jupyter stores `source` lists. */
export function splitSourceLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      lines.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function lineIndentAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n') start--;
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/** The indentation unit of a pretty-printed JSON file ("\t", or 1, 2, 4... spaces). */
export function detectIndent(fileText: string): string {
  const nl = fileText.indexOf('\n');
  if (nl < 0) return '';
  const indent = lineIndentAt(fileText, nl + 1);
  return indent.length > 0 ? indent : ' ';
}

function serializeSource(nb: Notebook, node: JsonNode, source: string): string {
  if (node.kind === 'string') return JSON.stringify(source);
  const items = splitSourceLines(source).map((l) => JSON.stringify(l));
  if (items.length === 0) return '[]';
  const original = nb.fileText.slice(node.from, node.to);
  const compactFile = !nb.fileText.trimEnd().includes('\n');
  if (compactFile || (node.kind === 'array' && node.items.length > 0 && !original.includes('\n'))) {
    const sep = original.includes(', ') || (compactFile && nb.fileText.includes(', ')) ? ', ' : ',';
    return `[${items.join(sep)}]`;
  }
  const unit = detectIndent(nb.fileText);
  const first = node.kind === 'array' ? node.items[0] : undefined;
  const itemIndent = first ? lineIndentAt(nb.fileText, first.from) : lineIndentAt(nb.fileText, node.from) + unit;
  const closeIndent =
    node.kind === 'array' && node.items.length > 0 ? lineIndentAt(nb.fileText, node.to - 1) : lineIndentAt(nb.fileText, node.from);
  return `[\n${items.map((i) => itemIndent + i).join(',\n')}\n${closeIndent}]`;
}

export type NotebookEditResult = { text: string; cells: number[]; error: null } | { text: null; cells: null; error: string };

/**
 * Applies edits expressed in joined-text offsets to the notebook's cells and
 * returns the new .ipynb text (only changed `source` values are rewritten).
 * Refuses an edit that spans two cells or falls outside the code cells.
 */
export function applyEditsToNotebook(notebook: Notebook | string, edits: TextEdit[]): NotebookEditResult {
  let nb: Notebook;
  if (typeof notebook === 'string') {
    const parsed = parseNotebook(notebook);
    if (!parsed.notebook) return { text: null, cells: null, error: parsed.error };
    nb = parsed.notebook;
  } else nb = notebook;

  const perCell = new Map<number, TextEdit[]>();
  for (const e of edits) {
    if (!(e.from <= e.to)) return { text: null, cells: null, error: `invalid edit range ${e.from}..${e.to}` };
    const slice = nb.slices.find((s) => e.from >= s.start && e.from <= s.end);
    if (!slice) return { text: null, cells: null, error: `edit at offset ${e.from} is outside the notebook's code cells` };
    if (e.to > slice.end) {
      return { text: null, cells: null, error: `edit at offset ${e.from}..${e.to} spans more than one cell (cell ${slice.cell}); refused` };
    }
    if (e.from < slice.editableFrom) {
      return { text: null, cells: null, error: `edit at offset ${e.from} would change a cell magic or a non-Python cell (cell ${slice.cell}); refused` };
    }
    const list = perCell.get(slice.cell) ?? [];
    list.push({ from: e.from - slice.start, to: e.to - slice.start, newText: e.newText });
    perCell.set(slice.cell, list);
  }
  for (const [cell, list] of perCell) {
    const sorted = [...list].sort((a, b) => a.from - b.from || a.to - b.to);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as TextEdit;
      const cur = sorted[i] as TextEdit;
      if (cur.from < prev.to) return { text: null, cells: null, error: `overlapping edits in cell ${cell}; refused` };
    }
  }

  const cellsNode = member(nb.tree, 'cells');
  if (!cellsNode || cellsNode.kind !== 'array') return { text: null, cells: null, error: 'invalid notebook: missing "cells" array' };
  const replacements: { from: number; to: number; text: string }[] = [];
  const changed: number[] = [];
  for (const [cell, list] of perCell) {
    const info = nb.cells[cell];
    const srcNode = member(cellsNode.items[cell], 'source');
    if (!info || !srcNode || info.sourceForm === 'invalid') {
      return { text: null, cells: null, error: `cell ${cell} has no editable source; refused` };
    }
    const next = applyLocalEdits(info.source, list);
    if (next === info.source) continue;
    changed.push(cell);
    replacements.push({ from: srcNode.from, to: srcNode.to, text: serializeSource(nb, srcNode, next) });
  }
  replacements.sort((a, b) => b.from - a.from);
  let out = nb.fileText;
  for (const r of replacements) out = out.slice(0, r.from) + r.text + out.slice(r.to);
  changed.sort((a, b) => a - b);
  return { text: out, cells: changed, error: null };
}
