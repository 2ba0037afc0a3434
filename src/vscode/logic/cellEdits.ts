/**
 * Fix-all in a notebook: the engine fixes the joined text of the code cells and
 * returns the whole new text; an editor needs edits that each lie in one cell.
 * The old and new texts are compared line by line (Myers' O(ND) diff: fixes
 * change few lines); each changed line becomes one edit (a run that changes the
 * number of lines: one edit for the run), trimmed to the characters that
 * differ; the host places each edit in its cell (`locateInTarget`) and gives up
 * when one still crosses cells. Shared by the extension and the language server.
 */
import type { TextEdit } from '../../core/types.js';
import { applyEdits } from '../../core/index.js';
import { locateSpan, type JoinedCells } from './notebook.js';

/** Line starts of `text` (offsets), and the lines without their '\n'. */
function split(text: string): { lines: string[]; starts: number[] } {
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  return { lines, starts };
}

/** Pairs (i, j) of equal lines of a and b in order, a longest common subsequence (Myers). */
function commonLines(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? v[max + k + 1]! : v[max + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[max + k] = x;
      if (x >= n && y >= m) return backtrack(trace, v, d, n, m, max);
    }
  }
  return [];
}

function backtrack(trace: Int32Array[], last: Int32Array, dEnd: number, n: number, m: number, max: number): [number, number][] {
  const pairs: [number, number][] = [];
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d]!; // the state before step d
    const k = x - y;
    const prevK = k === -d || (k !== d && v[max + k - 1]! < v[max + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[max + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) pairs.push([--x, --y]);
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) pairs.push([--x, --y]);
  void last;
  return pairs.reverse();
}

/** The smallest edit turning `before[from, to)` into `after`, as an edit of the whole text. */
function trimmed(before: string, from: number, to: number, after: string): TextEdit | null {
  let start = 0;
  const old = before.slice(from, to);
  const max = Math.min(old.length, after.length);
  while (start < max && old.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endOld = old.length;
  let endNew = after.length;
  while (endOld > start && endNew > start && old.charCodeAt(endOld - 1) === after.charCodeAt(endNew - 1)) {
    endOld--;
    endNew--;
  }
  if (start === endOld && start === endNew) return null;
  return { from: from + start, to: from + endOld, newText: after.slice(start, endNew) };
}

/** Edits (in `before`'s offsets, in order, not overlapping) that turn `before` into `after`, one per changed run of lines. */
export function lineEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const a = split(before);
  const b = split(after);
  const pairs = commonLines(a.lines, b.lines);
  const out: TextEdit[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [a.lines.length, b.lines.length] as [number, number]]) {
    if (pi > i || pj > j) {
      // Old lines [i, pi) became new lines [j, pj). Replace from the start of line i to the end of
      // line pi - 1 (its '\n' kept); an insertion goes before line i with its own '\n'.
      const newLines = b.lines.slice(j, pj);
      let edit: TextEdit | null;
      if (pi - i === pj - j) {
        // As many lines as before (fixes edit lines in place): one edit per line, so that a run over
        // the last line of a cell and the first of the next still gives edits inside each cell.
        for (let k = 0; k < pi - i; k++) {
          const from = a.starts[i + k]!;
          const e = trimmed(before, from, from + a.lines[i + k]!.length, newLines[k]!);
          if (e) out.push(e);
        }
        edit = null;
      } else if (pi > i) {
        const from = a.starts[i]!;
        const to = a.starts[pi - 1]! + a.lines[pi - 1]!.length;
        edit = trimmed(before, from, to, newLines.join('\n'));
      } else if (i < a.lines.length) {
        edit = { from: a.starts[i]!, to: a.starts[i]!, newText: newLines.join('\n') + '\n' };
      } else {
        edit = { from: before.length, to: before.length, newText: '\n' + newLines.join('\n') };
      }
      if (edit) out.push(edit);
    }
    i = pi + 1;
    j = pj + 1;
  }
  return out;
}

/**
 * Engine edits of an analysed text, as edits that each lie in one cell: the same
 * edits for a plain document (`joined` null) or when each already does, else
 * (fix-all's whole-text edit) one edit per changed run of lines.
 */
export function editsForCells(text: string, joined: JoinedCells | null, edits: readonly TextEdit[]): readonly TextEdit[] {
  if (!joined || edits.every((e) => locateSpan(joined, e.from, e.to) !== null)) return edits;
  return lineEdits(text, applyEdits(text, edits));
}
