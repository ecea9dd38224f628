import * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@jepa/core';
import { normalizeClipData, type DecodedClips } from './decoded-clips.js';

/** Options of {@link extractClipFeatures}. */
export interface ExtractClipFeaturesOptions {
  /** Clips per forward pass. Default 32. */
  readonly batchSize?: number;
  /** Per-channel normalisation applied before encoding (default: none). */
  readonly normalization?: {
    /** Mean of each channel, subtracted. */
    readonly mean: readonly number[];
    /** Standard deviation of each channel, divided by. */
    readonly std: readonly number[];
  };
  /**
   * `mean` (default): tokens averaged over the whole tubelet grid, `[n, D]`. `tokens`: every token
   * kept, `[n, N * D]` in raster order of the grid (the input of an attentive probe).
   */
  readonly pooling?: 'mean' | 'tokens';
  /** Called after each batch with the clips done and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Frozen features of every clip: the encoder's tokens averaged over the whole tubelet grid
 * (the V-JEPA frozen-evaluation input, pooled), or all tokens with `pooling: 'tokens'`.
 *
 * @returns `[n, D]` (or `[n, N * D]`) row-major
 */
export async function extractClipFeatures(encoder: Encoder<tf.Tensor5D>, clips: DecodedClips, options: ExtractClipFeaturesOptions = {}): Promise<Float32Array> {
  const batchSize = options.batchSize ?? 32;
  const { count, numFrames, height, width, channels } = clips;
  const tokens = options.pooling === 'tokens';
  const dim = encoder.embedDim * (tokens ? encoder.grid.reduce((a, b) => a * b, 1) : 1);
  const per = numFrames * height * width * channels;
  const out = new Float32Array(count * dim);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const input = normalizeClipData(clips.data.subarray(start * per, (start + n) * per), channels, options.normalization);
    const pooled = tf.tidy(() => {
      const encoded = encoder.encode(tf.tensor5d(input, [n, numFrames, height, width, channels]));
      return tokens ? encoded : tf.mean(encoded, 1);
    });
    try {
      out.set((await pooled.data()) as Float32Array, start * dim);
    } finally {
      pooled.dispose();
    }
    options.onProgress?.(start + n, count);
  }
  return out;
}
