import * as tf from '@tensorflow/tfjs';
import { matMul2d } from '../../ops/mat-mul.js';
import { checkFeatures } from './regularizer-checks.js';

/**
 * Covariance penalty (VICReg; eb_jepa `losses.py: CovarianceLoss`): decorrelates the features.
 *
 * With centred features `Xc`, `C = Xc^T Xc / (M - 1)` (`[D, D]`) and
 * loss = `sum_{i != j} C_ij^2 / (D (D - 1))`, the mean of the squared off-diagonal entries (eb_jepa
 * divides by D (D - 1); VICReg by D). 0 for decorrelated features whatever their variances.
 *
 * The off-diagonal entries are kept by multiplying with a constant `1 - I` mask (exact zeros on the
 * diagonal, no `where`); the product uses {@link matMul2d}, whose gradient is fast on wasm.
 *
 * @param features `[M, D]`, M >= 2 samples, D >= 2 features
 * @returns scalar
 */
export function covarianceLoss(features: tf.Tensor2D): tf.Scalar {
  checkFeatures('covarianceLoss', features, 2, 2);
  const [samples, width] = features.shape;
  return tf.tidy(() => {
    const centred = tf.sub(features, tf.mean(features, 0, true)) as tf.Tensor2D;
    const covariance = tf.div(matMul2d(tf.transpose(centred), centred), samples - 1);
    const offDiagonal = tf.sub(1, tf.eye(width));
    return tf.div(tf.sum(tf.square(tf.mul(covariance, offDiagonal))), width * (width - 1)) as tf.Scalar;
  });
}
