import * as tf from '@tensorflow/tfjs';

/**
 * `a @ b` for 2-D matrices whose gradient multiplies explicitly transposed operands.
 *
 * The stock MatMul gradient calls matMul with `transposeA/B`, which the wasm backend runs about
 * five times slower than an untransposed product (measured in ARCHITECTURE.md). Transposing first
 * and multiplying untransposed gives the same numbers through the fast kernel.
 *
 * @param a `[M, K]`
 * @param b `[K, N]`
 * @returns `[M, N]`
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
    save([x, y]);
    return {
      value: tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [tf.matMul(dy as tf.Tensor2D, tf.transpose(ys)), tf.matMul(tf.transpose(xs), dy as tf.Tensor2D)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(a, b) as tf.Tensor2D;
}

/**
 * Batched `a @ b` (`transposeB` optional) over a leading batch dimension, with a gradient that only
 * uses untransposed batched products (see {@link matMul2d}).
 *
 * @param a `[B, M, K]`
 * @param b `[B, K, N]`, or `[B, N, K]` when `transposeB`
 * @returns `[B, M, N]`
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, transposeB = false): tf.Tensor3D {
  const op = tf.customGrad(((x: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
    const yt = transposeB ? tf.transpose(y, [0, 2, 1]) : y;
    save([x, yt]);
    return {
      value: tf.matMul(x as tf.Tensor3D, yt as tf.Tensor3D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ys] = saved as [tf.Tensor3D, tf.Tensor3D];
        const dx = tf.matMul(dy as tf.Tensor3D, tf.transpose(ys, [0, 2, 1]));
        const dyt = tf.matMul(tf.transpose(xs, [0, 2, 1]), dy as tf.Tensor3D);
        return [dx, transposeB ? tf.transpose(dyt, [0, 2, 1]) : dyt];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(a, b) as tf.Tensor3D;
}
