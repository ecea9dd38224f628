import * as tf from '@tensorflow/tfjs';
import type { TokenGrid } from '../model/contracts.js';
import type { Rng } from '../random/rng.js';

/**
 * Index masks for one batch, as the official collators return them: one entry per context block and
 * one per target block, each an int32 `[B, K]` tensor of raster token indices, ascending within a
 * row (what `torch.nonzero` gives). `K` is the same for every entry of one list (each mask kind is
 * cut to its batch minimum) but may differ between `context` and `target`.
 *
 * Pairing: I-JEPA predicts every target block from every context block (`applyMasks` over both
 * lists plus `repeatInterleaveBatch`); V-JEPA pairs `context[i]` with `target[i]` (one pair per mask
 * generator). The sampler that made the masks documents which.
 */
export interface Masks {
  /** One int32 `[B, K]` tensor per context block. */
  readonly context: tf.Tensor2D[];
  /** One int32 `[B, K]` tensor per target block. */
  readonly target: tf.Tensor2D[];
}

/**
 * The same masks on the host, with no tensors: `context[block][sample]` is that sample's `[K]`
 * int32 index row (same `K` for every row of one kind).
 */
export interface MaskIndices {
  /** `context[block][sample]`: the `[K]` token indices of that context block. */
  readonly context: Int32Array[][];
  /** `target[block][sample]`: the `[K]` token indices of that target block. */
  readonly target: Int32Array[][];
}

/** Samples index masks over a token grid. */
export interface MaskSampler {
  /** The token grid the indices refer to (raster order). */
  readonly grid: TokenGrid;
  /** Masks for `batchSize` samples; the caller owns (and disposes) the returned tensors. */
  sample(batchSize: number, rng: Rng): Masks;
}

/** A {@link MaskSampler} that can also give its masks as host arrays (no tensors created). */
export interface HostMaskSampler extends MaskSampler {
  /** The same masks as {@link MaskSampler.sample} would give for the same `rng` state, as host arrays. */
  sampleIndices(batchSize: number, rng: Rng): MaskIndices;
}

/**
 * Packs host rows into `[B, K]` int32 tensors.
 *
 * @param rows `[B]` rows of equal length `K`
 * @returns `[B, K]` int32
 */
export function indexRowsToTensor(rows: readonly Int32Array[]): tf.Tensor2D {
  if (rows.length === 0) throw new Error('indexRowsToTensor: no rows; a mask needs at least one sample.');
  const kept = rows[0]!.length;
  const data = new Int32Array(rows.length * kept);
  rows.forEach((row, b) => {
    if (row.length !== kept) {
      throw new Error(`indexRowsToTensor: row ${b} has ${row.length} indices but row 0 has ${kept}; cut rows to a common length first.`);
    }
    data.set(row, b * kept);
  });
  return tf.tensor2d(data, [rows.length, kept], 'int32');
}

/** Host masks -> tensor masks (the caller owns the result). */
export function maskIndicesToMasks(indices: MaskIndices): Masks {
  return {
    context: indices.context.map(indexRowsToTensor),
    target: indices.target.map(indexRowsToTensor),
  };
}

/** Disposes every tensor of `masks`. */
export function disposeMasks(masks: Masks): void {
  for (const m of masks.context) m.dispose();
  for (const m of masks.target) m.dispose();
}

/** Cuts every row to the shortest row's length, keeping the first (lowest raster) indices. */
export function truncateToShortest(rows: Int32Array[][], cap = Infinity): Int32Array[][] {
  let shortest = cap;
  for (const block of rows) for (const row of block) shortest = Math.min(shortest, row.length);
  return rows.map((block) => block.map((row) => (row.length === shortest ? row : row.slice(0, shortest))));
}
