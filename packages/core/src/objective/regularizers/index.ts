// Anti-collapse regularisers: pure tensor functions to add to a JEPA or world-model loss.
export { varianceHingeLoss, VARIANCE_HINGE_DEFAULTS, type VarianceHingeOptions } from './variance-hinge-loss.js';
export { covarianceLoss } from './covariance-loss.js';
export { temporalSimilarityLoss } from './temporal-similarity-loss.js';
export { eppsPulley, eppsPulleyQuadrature, EPPS_PULLEY_DEFAULTS, type EppsPulleyOptions, type EppsPulleyQuadrature } from './epps-pulley.js';
export { randomUnitDirections, type NormalSource } from './random-unit-directions.js';
export { sigregLoss, SIGREG_DEFAULTS, type DrawnSigregDirections, type GivenSigregDirections, type SigregOptions } from './sigreg-loss.js';
export { regularizedLoss, type LossTerm, type RegularizedLoss } from './regularized-loss.js';
export { regularizerTerms, EB_JEPA_TWO_ROOMS_REGULARIZERS, REGULARIZER_NAMES, type RegularizerConfig } from './regularizer-terms.js';
