/** Project configuration (pyproject.toml `[tool.initlens]`, initlens.toml): parse, discover, merge. Pure. */
export { parseConfig, expandCode, dirOf, CONFIG_KEYS, type ProjectConfig, type ConfigProblem, type ParsedConfig, type ConfigKind } from './parse.js';
export { ConfigResolver, ancestors, optionsFor, relativeTo, formatProblem, CONFIG_FILES, type ReadText, type ResolvedConfig, type Overrides } from './discover.js';
export { compileGlobs, type PathMatcher } from './glob.js';
