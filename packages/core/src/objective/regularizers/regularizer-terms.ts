import * as tf from '@tensorflow/tfjs';
import { covarianceLoss } from './covariance-loss.js';
import type { EppsPulleyOptions } from './epps-pulley.js';
import type { NormalSource } from './random-unit-directions.js';
import type { LossTerm } from './regularized-loss.js';
import { sigregLoss } from './sigreg-loss.js';
import { temporalSimilarityLoss } from './temporal-similarity-loss.js';
import { varianceHingeLoss, type VarianceHingeOptions } from './variance-hinge-loss.js';

/**
 * Which anti-collapse regularisers to add, and with which weights; a missing key adds nothing.
 * Defaults of the inner options are those of each loss.
 */
export interface RegularizerConfig {
  /** {@link varianceHingeLoss}; eb_jepa `std_coeff`. */
  readonly variance?: {
    /** Weight of the term in the total loss. */
    readonly weight: number;
  } & VarianceHingeOptions;
  /** {@link covarianceLoss}; eb_jepa `cov_coeff`. */
  readonly covariance?: {
    /** Weight of the term in the total loss. */
    readonly weight: number;
  };
  /** {@link temporalSimilarityLoss} (needs `[B, T, D]` latents); eb_jepa `sim_coeff_t`. */
  readonly temporal?: {
    /** Weight of the term in the total loss. */
    readonly weight: number;
  };
  /** {@link sigregLoss} with directions drawn from the `rng` passed to {@link regularizerTerms}; LeJEPA's lambda. */
  readonly sigreg?: {
    /** Weight of the term in the total loss. */
    readonly weight: number;
    /** Random directions drawn per call (default 256). */
    readonly numDirections?: number;
  } & EppsPulleyOptions;
}

/**
 * eb_jepa's Two Rooms AC-JEPA coefficients (`train.yaml`: std_coeff 16, cov_coeff 8, sim_coeff_t 12;
 * std margin 1). Its inverse-dynamics term (idm_coeff 1) needs a model and is the world model's own.
 */
export const EB_JEPA_TWO_ROOMS_REGULARIZERS = {
  /** `std_coeff` 16, std margin 1. */
  variance: {
    /** `std_coeff`. */
    weight: 16,
    /** The std margin. */
    target: 1,
  },
  /** `cov_coeff` 8. */
  covariance: {
    /** `cov_coeff`. */
    weight: 8,
  },
  /** `sim_coeff_t` 12. */
  temporal: {
    /** `sim_coeff_t`. */
    weight: 12,
  },
} as const satisfies RegularizerConfig;

/** The names {@link regularizerTerms} gives its terms, in this order. */
export const REGULARIZER_NAMES = ['variance', 'covariance', 'temporal', 'sigreg'] as const;

/**
 * The configured regularisers of `latents` as named, weighted terms for {@link regularizedLoss}.
 *
 * For `[B, T, D]` latents the variance, covariance and SIGReg terms treat the B x T latents as
 * samples (eb_jepa pools batch and time: `spatial_as_samples=False`, `first_t_only=False`), and the
 * temporal term uses the sequence. `[M, D]` features take every term but `temporal`.
 *
 * @param latents `[M, D]` or `[B, T, D]`
 * @param rng draws SIGReg's directions; required when `config.sigreg` is set (pass a stream derived
 *   for the step, e.g. `root.derive(\`sigreg-${step}\`)`, so runs resume exactly)
 */
export function regularizerTerms(latents: tf.Tensor2D | tf.Tensor3D, config: RegularizerConfig, rng?: NormalSource): LossTerm[] {
  if (latents.rank !== 2 && latents.rank !== 3) {
    throw new Error(`regularizerTerms: latents must be [M, D] or [B, T, D], got shape [${latents.shape.join(', ')}]; flatten other axes into M first.`);
  }
  if (config.temporal && latents.rank !== 3) {
    throw new Error(`regularizerTerms: config.temporal needs [B, T, D] sequences, got [${latents.shape.join(', ')}]; drop temporal or pass the latents with their time axis.`);
  }
  if (config.sigreg && rng === undefined) {
    throw new Error('regularizerTerms: config.sigreg draws random directions: pass an rng (e.g. root.derive(`sigreg-${step}`)) as the third argument.');
  }
  const width = latents.shape[latents.rank - 1]!;
  const needsSamples = config.variance !== undefined || config.covariance !== undefined || config.sigreg !== undefined;
  const samples = needsSamples ? (latents.rank === 2 ? latents : tf.reshape(latents, [-1, width])) as tf.Tensor2D : undefined;
  const terms: LossTerm[] = [];
  try {
    if (config.variance) {
      const { weight, ...options } = config.variance;
      terms.push({ name: 'variance', weight, value: varianceHingeLoss(samples!, options) });
    }
    if (config.covariance) terms.push({ name: 'covariance', weight: config.covariance.weight, value: covarianceLoss(samples!) });
    if (config.temporal) terms.push({ name: 'temporal', weight: config.temporal.weight, value: temporalSimilarityLoss(latents as tf.Tensor3D) });
    if (config.sigreg) {
      const { weight, ...options } = config.sigreg;
      terms.push({ name: 'sigreg', weight, value: sigregLoss(samples!, { ...options, rng: rng! }) });
    }
  } catch (error) {
    tf.dispose(terms.map((term) => term.value));
    throw error;
  } finally {
    if (samples !== undefined && samples !== latents) samples.dispose();
  }
  return terms;
}
