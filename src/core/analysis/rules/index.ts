/**
 * The rule registry. The rule codes the CLI and the settings accept (`RULE_CODES`), SARIF's rule
 * table and the docs all come from `allRules`; `analyze` runs `rulesInPrecedence`.
 */
import type { RuleCode } from '../../types.js';
import type { Rule } from './common.js';
import { factoryNotCalled } from './il007-factory-not-called.js';
import { constantWeights } from './il002-constant-weights.js';
import { explicitScale } from './il003-explicit-scale.js';
import { seluWithoutLecun } from './il006-selu-without-lecun.js';
import { initActivationMismatch } from './il001-init-activation-mismatch.js';
import { recurrentNotOrthogonal } from './il005-recurrent-not-orthogonal.js';
import { deepPlainStack } from './il004-deep-plain-stack.js';

export type { Rule, RuleDocs } from './common.js';

/**
 * Precedence order (most specific first): a rule that `claimsKernel` skips a layer whose kernel
 * initializer an earlier such rule already reported.
 */
export const rulesInPrecedence: readonly Rule[] = [factoryNotCalled, constantWeights, explicitScale, seluWithoutLecun, initActivationMismatch, recurrentNotOrthogonal, deepPlainStack];

/** By code, for docs and settings. */
export const allRules: readonly Rule[] = [...rulesInPrecedence].sort((a, b) => a.code.localeCompare(b.code));

/** Every rule code, sorted: what `--select`, `--ignore` and the severity settings accept. */
export const RULE_CODES: readonly RuleCode[] = allRules.map((r) => r.code);

export function ruleByCode(code: string): Rule | undefined {
  return allRules.find((r) => r.code === code);
}
