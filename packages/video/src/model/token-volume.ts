import * as tf from '@tensorflow/tfjs';
import type { Grid } from '@jepa/core';

/**
 * Per-token outputs `[B, N, D]` of a video encoder laid out on its tubelet grid:
 * `[B, T', H', W', D]` (tokens are in raster order of `[T', H', W']`, so this is a reshape).
 *
 * @param tokens `[B, N, D]` with `N = T' * H' * W'`
 * @param grid the encoder's `[T', H', W']`
 */
export function toTokenVolume(tokens: tf.Tensor3D, grid: Grid): tf.Tensor5D {
  if (grid.length !== 3) throw new Error(`toTokenVolume: grid [${grid.join(', ')}] is not [T', H', W']; pass a video encoder's grid.`);
  const [batch, count, dim] = tokens.shape;
  const expected = grid[0]! * grid[1]! * grid[2]!;
  if (count !== expected) {
    throw new Error(`toTokenVolume: ${count} tokens do not fill the grid [${grid.join(', ')}] (${expected} tokens); pass the full encoder output, not masked tokens.`);
  }
  return tf.reshape(tokens, [batch, grid[0]!, grid[1]!, grid[2]!, dim]);
}
