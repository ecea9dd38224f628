import * as tf from '@tensorflow/tfjs';

/**
 * Temporal similarity (eb_jepa `losses.py: TemporalSimilarityLoss`): keeps consecutive latents of a
 * sequence close. loss = mean over (b, t, d) of `(z[b, t+1, d] - z[b, t, d])^2`, an elementwise mean
 * over B x (T - 1) x D (eb_jepa's code; its README sums over D and t instead).
 *
 * eb_jepa takes `[T, B, D]`; this takes batch first. A sequence of one step has no pair: the loss is
 * 0 there, as in eb_jepa (kept connected to `sequence`, so its gradient is zeros, not missing).
 *
 * @param sequence `[B, T, D]`
 * @returns scalar
 */
export function temporalSimilarityLoss(sequence: tf.Tensor3D): tf.Scalar {
  if (sequence.rank !== 3) {
    throw new Error(
      `temporalSimilarityLoss: sequence must be [B, T, D] (batch, time, width), got shape [${sequence.shape.join(', ')}]; ` +
        'add a batch axis with tf.expandDims(z, 0) for one [T, D] sequence, or transpose eb_jepa-style [T, B, D] with tf.transpose(z, [1, 0, 2]).',
    );
  }
  const [batch, time, width] = sequence.shape;
  if (batch < 1 || time < 1 || width < 1) {
    throw new Error(`temporalSimilarityLoss: sequence [B, T, D] has an empty axis, got shape [${sequence.shape.join(', ')}]; pass at least one step of one sequence.`);
  }
  return tf.tidy(() => {
    if (time < 2) return tf.mul(tf.mean(tf.square(sequence)), 0) as tf.Scalar; // +0, never -0
    const next = tf.slice(sequence, [0, 1, 0], [batch, time - 1, width]);
    const previous = tf.slice(sequence, [0, 0, 0], [batch, time - 1, width]);
    return tf.mean(tf.squaredDifference(next, previous)) as tf.Scalar;
  });
}
