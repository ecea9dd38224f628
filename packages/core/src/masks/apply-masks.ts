import * as tf from '@tensorflow/tfjs';
import { gatherTokens } from '../ops/gather-rows.js';

/**
 * The official `apply_masks`: keeps the tokens each mask picks and stacks the masks along the
 * batch axis, mask-major: rows `[m * B, (m + 1) * B)` of the result come from `masks[m]`.
 * Differentiable with respect to `x` on every backend (through `gatherTokens`).
 *
 * Indices must lie in `[0, N)`; they are not read back to check (that would stall the device).
 *
 * @param x `[B, N, D]`
 * @param masks each int32 `[B, K]` (same `K` for all)
 * @returns `[B * masks.length, K, D]`
 */
export function applyMasks(x: tf.Tensor3D, masks: readonly tf.Tensor2D[]): tf.Tensor3D {
  if (x.rank !== 3) {
    throw new Error(`applyMasks: tokens must be [B, N, D], got shape [${x.shape.join(', ')}].`);
  }
  if (masks.length === 0) {
    throw new Error('applyMasks: no masks given; pass at least one int32 [B, K] index tensor.');
  }
  const [batch] = x.shape;
  const kept = masks[0]!.shape[1];
  masks.forEach((m, i) => {
    if (m.rank !== 2 || m.shape[0] !== batch) {
      throw new Error(`applyMasks: masks[${i}] has shape [${m.shape.join(', ')}] but the tokens have batch ${batch}; each mask must be [${batch}, K].`);
    }
    if (m.shape[1] !== kept) {
      throw new Error(`applyMasks: masks[${i}] keeps ${m.shape[1]} tokens but masks[0] keeps ${kept}; masks stacked together must be cut to one length (the samplers do this).`);
    }
    if (m.dtype !== 'int32') {
      throw new Error(`applyMasks: masks[${i}] has dtype ${m.dtype}; token indices must be int32.`);
    }
  });
  if (masks.length === 1) return gatherTokens(x, masks[0]!);
  return tf.tidy(() => tf.concat(masks.map((m) => gatherTokens(x, m)), 0));
}

/**
 * The official `repeat_interleave_batch(x, B, repeat)`: splits the leading axis into consecutive
 * groups of `batchSize` rows and repeats each whole group `times` times in place:
 * `[g0, g1] -> [g0, g0, ..., g1, g1, ...]`. The I-JEPA objective uses it to line the target
 * tokens (`[B * numTargetBlocks, ...]`) up with predictions made once per context block.
 *
 * @param x `[G * B, ...]`
 * @returns `[G * times * B, ...]`
 */
export function repeatInterleaveBatch<T extends tf.Tensor>(x: T, batchSize: number, times: number): T {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`repeatInterleaveBatch: batchSize must be a positive integer, got ${batchSize}.`);
  }
  if (!Number.isInteger(times) || times < 1) {
    throw new Error(`repeatInterleaveBatch: times must be a positive integer, got ${times}.`);
  }
  if (x.rank < 1 || x.shape[0]! % batchSize !== 0) {
    throw new Error(`repeatInterleaveBatch: leading size of shape [${x.shape.join(', ')}] is not a multiple of batchSize ${batchSize}; pass [G * B, ...].`);
  }
  if (times === 1) return x.clone();
  const groups = x.shape[0]! / batchSize;
  const rest = x.shape.slice(1);
  const groupSize = x.size / groups;
  return tf.tidy(() => {
    // Flatten each group to one axis: tile's gradient only handles rank <= 4.
    const grouped = tf.reshape(x, [groups, 1, groupSize]);
    const tiled = tf.tile(grouped, [1, times, 1]);
    return tf.reshape(tiled, [groups * times * batchSize, ...rest]) as T;
  });
}
