/**
 * Where the panel gets its network spec and its analytic curves: the
 * simulator's builder and mean-field series (src/core/sim), the same ones the
 * CLI's `simulate` and the tests use.
 */
export { buildNetwork, withLines } from '../../core/sim/network.js';
export { analyticResult } from '../../core/sim/analytic.js';
