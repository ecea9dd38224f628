import * as tf from '@tensorflow/tfjs';

/**
 * Cuts a channels-last image `[B, H, W, C]` into non-overlapping `p x p` patches flattened in
 * `(row, col, channel)` order: `[B, N, p * p * C]` with patches in raster order. Written with
 * reshape/transpose so the gradient needs no conv backprop kernel (missing on wasm).
 */
export function patchify2d(x: tf.Tensor4D, patch: number): tf.Tensor3D {
  const [batch, height, width, channels] = x.shape;
  if (height % patch !== 0 || width % patch !== 0) {
    throw new Error(`patchify2d: image ${height}x${width} is not divisible by patch size ${patch}; resize or crop to a multiple of ${patch}.`);
  }
  const gh = height / patch;
  const gw = width / patch;
  return tf.tidy(() => {
    const r = tf.reshape(x, [batch, gh, patch, gw, patch, channels]);
    const t = tf.transpose(r, [0, 1, 3, 2, 4, 5]);
    return tf.reshape(t, [batch, gh * gw, patch * patch * channels]);
  });
}
