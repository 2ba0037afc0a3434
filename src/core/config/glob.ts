/**
 * A small glob matcher for `initlens.exclude` and `per-file-ignores` (works the same in the browser
 * build, where VS Code's own glob helpers are not exposed). Supports `**`, `*`,
 * `?`, `[...]` and `{a,b}`; paths use `/`. A pattern without `/` matches a base
 * name anywhere (`*.gen.py`), like VS Code's files.exclude.
 */
export type PathMatcher = (path: string) => boolean;

function globToRegExpSource(glob: string): string {
  let out = '';
  let i = 0;
  let braceDepth = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` anything.
        i += 2;
        if (glob[i] === '/') {
          i++;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
        continue;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) out += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        out += '[' + body.replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else if (c === '{') {
      braceDepth++;
      out += '(?:';
    } else if (c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
    } else if (c === ',' && braceDepth > 0) {
      out += '|';
    } else if ('\\^$.|+()'.includes(c) || c === '}' || c === ']') {
      out += '\\' + c;
    } else {
      out += c;
    }
    i++;
  }
  return out;
}

export function compileGlobs(globs: readonly string[]): PathMatcher {
  const res = globs
    .map((g) => g.trim().replace(/\\/g, '/'))
    .filter((g) => g !== '')
    .map((g) => {
      const anchored = g.includes('/') ? g.replace(/^\.\//, '') : '**/' + g;
      return new RegExp('^' + globToRegExpSource(anchored) + '$');
    });
  return (path: string) => {
    const p = path.replace(/\\/g, '/');
    const trimmed = p.replace(/^\/+/, '');
    return res.some((re) => re.test(p) || re.test(trimmed));
  };
}
