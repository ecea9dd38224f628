import * as tf from '@tensorflow/tfjs';

/**
 * Picks rows of a 2-D tensor by index, with a gradient that scatters back through `scatterND`
 * (which sums duplicate indices). The stock gather gradient needs `UnsortedSegmentSum`, which the
 * wasm backend lacks.
 *
 * @param x `[R, D]`
 * @param indices `[K]` int32 row indices
 * @returns `[K, D]`
 */
export function gatherRows(x: tf.Tensor2D, indices: tf.Tensor1D): tf.Tensor2D {
  const [rows, width] = x.shape;
  // The indices are an input (not a closure capture) so the tape keeps them alive until backprop.
  const op = tf.customGrad(((source: tf.Tensor, index: tf.Tensor, save: tf.GradSaveFunc) => {
    save([index]);
    return {
      value: tf.gather(source, index),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const idx = saved[0]!;
        return [tf.scatterND(tf.expandDims(idx, 1), dy, [rows, width]), tf.zerosLike(idx)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, indices) as tf.Tensor2D;
}

/**
 * Gathers tokens per sample: `out[b, k] = x[b, index[b, k]]`.
 *
 * @param x `[B, N, D]`
 * @param index `[B, K]` int32 token indices in `[0, N)`
 * @returns `[B, K, D]`
 */
export function gatherTokens(x: tf.Tensor3D, index: tf.Tensor2D): tf.Tensor3D {
  const [batch, tokens, width] = x.shape;
  if (index.shape[0] !== batch) {
    throw new Error(`gatherTokens: index has ${index.shape[0]} rows but the tokens have batch ${batch}; give one index row per sample.`);
  }
  const kept = index.shape[1];
  return tf.tidy(() => {
    const offsets = tf.mul(tf.range(0, batch, 1, 'int32'), tf.scalar(tokens, 'int32'));
    const flatIndex = tf.reshape(tf.add(index.toInt(), tf.expandDims(offsets, 1)), [batch * kept]) as tf.Tensor1D;
    const rows = gatherRows(tf.reshape(x, [batch * tokens, width]), flatIndex);
    return tf.reshape(rows, [batch, kept, width]);
  });
}
