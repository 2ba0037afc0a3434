/**
 * The rule registry. Settings, the CLI, SARIF and the docs all read `allRules`.
 * Order is precedence: once a rule reports a layer, later rules skip it.
 */
import type { Rule } from './common.js';
import { factoryNotCalled } from './il007-factory-not-called.js';
import { constantWeights } from './il002-constant-weights.js';
import { explicitScale } from './il003-explicit-scale.js';
import { seluWithoutLecun } from './il006-selu-without-lecun.js';
import { initActivationMismatch } from './il001-init-activation-mismatch.js';
import { recurrentNotOrthogonal } from './il005-recurrent-not-orthogonal.js';
import { deepPlainStack } from './il004-deep-plain-stack.js';

export type { Rule, RuleDocs } from './common.js';

/** Precedence order (most specific first). */
export const rulesInPrecedence: readonly Rule[] = [factoryNotCalled, constantWeights, explicitScale, seluWithoutLecun, initActivationMismatch, recurrentNotOrthogonal, deepPlainStack];

/** By code, for docs and settings. */
export const allRules: readonly Rule[] = [...rulesInPrecedence].sort((a, b) => a.code.localeCompare(b.code));

export function ruleByCode(code: string): Rule | undefined {
  return allRules.find((r) => r.code === code);
}
