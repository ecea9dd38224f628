import * as tf from '@tensorflow/tfjs';
import { matMul2d } from '../../ops/mat-mul.js';
import { EPPS_PULLEY_DEFAULTS, eppsPulley, eppsPulleyQuadrature, type EppsPulleyOptions } from './epps-pulley.js';
import { randomUnitDirections, type NormalSource } from './random-unit-directions.js';
import { checkFeatures } from './regularizer-checks.js';

/** Directions given by the caller: `[D, K]`, used as they are (pass unit columns). */
export interface GivenSigregDirections {
  /** The `[D, K]` unit directions the features are projected on. */
  readonly directions: tf.Tensor2D;
}

/** Directions drawn for this call with {@link randomUnitDirections}. */
export interface DrawnSigregDirections {
  /** Source of the normal draws the directions are made from. */
  readonly rng: NormalSource;
  /** K, the number of random directions. Default 256 (MINIMAL.md's SIGReg; the README's quick start uses 1024). */
  readonly numDirections?: number;
}

/** Options of {@link sigregLoss}: where the directions come from (given `directions` win over an `rng`), and the Epps-Pulley quadrature. */
export type SigregOptions = (GivenSigregDirections | DrawnSigregDirections) & EppsPulleyOptions;

/** Defaults of {@link sigregLoss}, as the LeJEPA reference (MINIMAL.md's `SIGReg`, `EppsPulley`). */
export const SIGREG_DEFAULTS = {
  /** Random directions the features are projected on. */
  numDirections: 256,
  ...EPPS_PULLEY_DEFAULTS,
} as const;

/**
 * SIGReg, Sketched Isotropic Gaussian Regularization (LeJEPA, Balestriero & LeCun 2025): pulls the
 * distribution of the features toward the isotropic standard Gaussian N(0, I) by testing K random
 * 1-D projections against N(0, 1).
 *
 * Follows rbalestr-lab/lejepa at eddffdd857a19726342ef6526e01021fb3c32cae:
 * `lejepa/multivariate/slicing.py: SlicingUnivariateTest` (random Gaussian directions, unit
 * columns, `x @ A`, mean of the statistics over the directions) around
 * `lejepa/univariate/epps_pulley.py: EppsPulley` (see {@link eppsPulley}: trapezoid on
 * `[0, 3]` with 17 knots, weights doubled for `t < 0`, weight function `exp(-t^2 / 2)`, projections
 * not standardised, statistic scaled by M); the same computation as the `SIGReg` class of the
 * repository's MINIMAL.md (256 directions there).
 *
 * loss = `mean_k EppsPulley(features @ a_k)`. Its null expectation (N(0, I) features) is about
 * 1.06 with the defaults whatever M; collapsed or anisotropic features give values that grow
 * like M.
 *
 * @param features `[M, D]`, M >= 2 samples (the reference applies it per view; pool samples into M)
 * @param options `{ rng, numDirections? }` to draw fresh directions, or `{ directions }` (`[D, K]`);
 *   plus `tMax`, `numKnots`
 * @returns scalar
 */
export function sigregLoss(features: tf.Tensor2D, options: SigregOptions): tf.Scalar {
  checkFeatures('sigregLoss', features, 2);
  const width = features.shape[1];
  const given = 'directions' in options && options.directions !== undefined;
  if (given) {
    const directions = (options as GivenSigregDirections).directions;
    if (directions.rank !== 2 || directions.shape[0] !== width || directions.shape[1] < 1) {
      throw new Error(
        `sigregLoss: directions must be [D, K] with D = ${width} (the features' width) and K >= 1, got shape [${directions.shape.join(', ')}]; ` +
          'draw them with randomUnitDirections(D, K, rng), or pass { rng } instead.',
      );
    }
  } else {
    const drawn = options as Partial<DrawnSigregDirections>;
    if (drawn.rng === undefined || typeof drawn.rng.normal !== 'function') {
      throw new Error('sigregLoss: pass either { directions } ([D, K] unit columns) or { rng } (e.g. root.derive(`sigreg-${step}`)) to draw the random directions.');
    }
    const count = drawn.numDirections ?? SIGREG_DEFAULTS.numDirections;
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`sigregLoss: numDirections must be a positive integer, got ${String(count)}; the reference default is 256.`);
    }
  }
  eppsPulleyQuadrature(options); // validates tMax and numKnots before any draw
  return tf.tidy(() => {
    const directions = given
      ? (options as GivenSigregDirections).directions
      : randomUnitDirections(width, (options as DrawnSigregDirections).numDirections ?? SIGREG_DEFAULTS.numDirections, (options as DrawnSigregDirections).rng);
    return tf.mean(eppsPulley(matMul2d(features, directions), options)) as tf.Scalar;
  });
}
