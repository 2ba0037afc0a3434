/** Text-edit helpers every framework's fixes use. */

/** The leading whitespace of the line holding `pos`. */
export function indentOf(text: string, pos: number): string {
  const ls = text.lastIndexOf('\n', pos - 1) + 1;
  let i = ls;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text.slice(ls, i);
}
