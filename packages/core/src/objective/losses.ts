import * as tf from '@tensorflow/tfjs';

/** A regression loss between predictions and targets of the same shape, reduced to a scalar. */
export type RegressionLoss = (prediction: tf.Tensor, target: tf.Tensor) => tf.Scalar;

/**
 * Smooth-L1 (Huber, beta 1) averaged over all elements, as `F.smooth_l1_loss` (I-JEPA).
 * Written as `m = min(|x|, 1); 0.5 m^2 + |x| - m`, which equals the piecewise form and has a
 * gradient on every backend (no `where`).
 */
export const smoothL1Loss: RegressionLoss = (prediction, target) =>
  tf.tidy(() => {
    const a = tf.abs(tf.sub(prediction, target));
    const m = tf.minimum(a, 1);
    return tf.mean(tf.add(tf.mul(tf.square(m), 0.5), tf.sub(a, m))) as tf.Scalar;
  });

/** Mean absolute error over all elements (V-JEPA, `loss_exp = 1`). */
export const l1Loss: RegressionLoss = (prediction, target) =>
  tf.tidy(() => tf.mean(tf.abs(tf.sub(prediction, target))) as tf.Scalar);

/** Losses by name, for configs. */
export const LOSSES = {
  /** {@link smoothL1Loss} (I-JEPA). */
  smooth_l1: smoothL1Loss,
  /** {@link l1Loss} (V-JEPA). */
  l1: l1Loss,
} as const;

/** The name of a built-in loss: `smooth_l1` or `l1`. */
export type LossName = keyof typeof LOSSES;
