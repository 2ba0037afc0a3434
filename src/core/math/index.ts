/**
 * InitLens numerics: Gaussian expectations, activation moments and gains,
 * the variance each framework really draws, and analytic propagation.
 *
 * Architecture invariant: pure functions, no I/O, no throwing; unknown inputs give null.
 */
export {
  normalPdf,
  normalCdf,
  erf,
  normalExpectation,
  truncatedStdNormalVariance,
  TRUNC2_VARIANCE,
  quadratureSize,
} from './gauss.js';
export type { MathActivation, KnownActivation } from './activations.js';
export {
  SELU_LAMBDA,
  SELU_ALPHA,
  DEFAULT_LEAKY_SLOPE,
  DEFAULT_ELU_ALPHA,
  isKnownActivation,
  activationFn,
  activationDeriv,
  secondMoment,
  derivSecondMoment,
  varianceGain,
  torchCalculateGain,
} from './activations.js';
export type { LayerKind, InitRecommendation } from './variance.js';
export {
  isConstantInit,
  uniformVariance,
  truncNormalVariance,
  weightVariance,
  embeddingDefaultVariance,
  pytorchDefaultBiasVariance,
  forwardFactor,
  backwardFactor,
  recommendedVariance,
  recommendInit,
} from './variance.js';
export type { PropagationLayer, PropagationStep, PropagationOptions } from './propagate.js';
export { propagate, propagationLayerOf, propagateLayers } from './propagate.js';
