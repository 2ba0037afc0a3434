/** The glob matcher lives in the engine (project configuration's per-file-ignores use it too). */
export { compileGlobs, type PathMatcher } from '../../core/config/glob.js';
