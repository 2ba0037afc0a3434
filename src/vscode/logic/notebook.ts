/**
 * Notebook cells analysed together: code cells are joined in order with '\n'
 * between them, so imports in cell 1 apply to layers in cell 3; offsets in the
 * joined text map back to (cell, offset in cell). IPython magics are blanked
 * (same length) by the engine's `blankMagics`, so offsets stay aligned.
 * (src/core/notebook.ts does the same for .ipynb *files*; an open notebook in
 * VS Code gives us cell documents instead of the JSON, hence this small layer.)
 */
import { blankMagics } from '../../core/notebook.js';

export interface JoinedCells {
  text: string;
  /** Offset of each cell's first character in `text`. */
  starts: number[];
  /** Length of each cell. */
  lengths: number[];
}

export function joinCells(cells: readonly string[], python = true): JoinedCells {
  const starts: number[] = [];
  const lengths: number[] = [];
  let offset = 0;
  for (const cell of cells) {
    starts.push(offset);
    lengths.push(cell.length);
    offset += cell.length + 1;
  }
  const text = cells.map((c) => (python ? blankMagics(c) : c)).join('\n');
  return { text, starts, lengths };
}

/**
 * The cell holding `offset` of the joined text and the offset inside it. The
 * separator after a cell belongs to that cell's end. Returns null for an empty
 * notebook.
 */
export function locate(joined: JoinedCells, offset: number): { cell: number; offset: number } | null {
  const { starts, lengths } = joined;
  if (starts.length === 0) return null;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  const inCell = Math.max(0, offset - starts[lo]!);
  return { cell: lo, offset: Math.min(inCell, lengths[lo]!) };
}

/** A span of the joined text in one cell, or null when it crosses cells. */
export function locateSpan(
  joined: JoinedCells,
  from: number,
  to: number,
): { cell: number; from: number; to: number } | null {
  const a = locate(joined, from);
  if (!a) return null;
  const cellEnd = joined.starts[a.cell]! + joined.lengths[a.cell]!;
  if (to > cellEnd) return null;
  return { cell: a.cell, from: a.offset, to: Math.max(a.offset, to - joined.starts[a.cell]!) };
}

/**
 * A span of the analysed text as (document, offsets in it): the document itself
 * for a plain file (`joined` null), else the cell holding the span; null when it
 * crosses cells. Generic over the document type (VS Code's, the language server's).
 */
export function locateInDocs<D>(
  docs: readonly D[],
  joined: JoinedCells | null,
  from: number,
  to: number,
): { doc: D; from: number; to: number } | null {
  if (!joined) return docs[0] === undefined ? null : { doc: docs[0], from, to };
  const at = locateSpan(joined, from, to);
  if (!at) return null;
  const doc = docs[at.cell];
  return doc === undefined ? null : { doc, from: at.from, to: at.to };
}

/** An offset in cell `cell` (-1: not analysed) → an offset in the analysed text; plain files map to themselves. */
export function toJoinedOffset(joined: JoinedCells | null, cell: number, offset: number): number | null {
  if (!joined) return offset;
  return cell === -1 ? null : joined.starts[cell]! + offset;
}
