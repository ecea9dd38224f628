import * as tf from '@tensorflow/tfjs';
import { checkFeatures, checkNumber } from './regularizer-checks.js';

/** Options of {@link varianceHingeLoss}. */
export interface VarianceHingeOptions {
  /** The standard deviation each feature should reach (eb_jepa `std_margin`, VICReg gamma). Default 1. */
  readonly target?: number;
  /** Added to the variance before the square root, which keeps the gradient finite for a collapsed feature. Default 1e-4. */
  readonly eps?: number;
}

/** Defaults of {@link varianceHingeLoss}, as eb_jepa `HingeStdLoss` (and VICReg). */
export const VARIANCE_HINGE_DEFAULTS = {
  /** Target standard deviation of each feature. */
  target: 1,
  /** Added to the variance before the square root. */
  eps: 1e-4,
} as const;

/**
 * Variance hinge (VICReg; eb_jepa `losses.py: HingeStdLoss`): pushes the standard deviation of
 * every feature over the samples up to `target`.
 *
 * `std_j = sqrt(var_j + eps)` with the unbiased variance (divides by M - 1, as `torch.var`);
 * loss = `mean_j relu(target - std_j)`. 0 once every feature's std exceeds the target; a fully
 * collapsed feature contributes `target - sqrt(eps)`.
 *
 * A pure tensor function: call it inside your `tf.tidy` / `variableGrads`. Its gradient uses only
 * kernels the wasm backend has.
 *
 * @param features `[M, D]`, M >= 2 samples (pool batch and time into M, as eb_jepa does)
 * @returns scalar
 */
export function varianceHingeLoss(features: tf.Tensor2D, options: VarianceHingeOptions = {}): tf.Scalar {
  const target = options.target ?? VARIANCE_HINGE_DEFAULTS.target;
  const eps = options.eps ?? VARIANCE_HINGE_DEFAULTS.eps;
  checkFeatures('varianceHingeLoss', features, 2);
  checkNumber('varianceHingeLoss', 'target', target);
  checkNumber('varianceHingeLoss', 'eps', eps, 'positive', 'it keeps the gradient of sqrt finite when a feature collapses (default 1e-4)');
  const samples = features.shape[0];
  return tf.tidy(() => {
    const centred = tf.sub(features, tf.mean(features, 0, true));
    const variance = tf.div(tf.sum(tf.square(centred), 0), samples - 1);
    const std = tf.sqrt(tf.add(variance, eps));
    return tf.mean(tf.relu(tf.sub(target, std))) as tf.Scalar;
  });
}
