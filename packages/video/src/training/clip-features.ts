import * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@jepa/core';
import { normalizeClipData, type DecodedClips } from './decoded-clips.js';

/** Options of {@link extractClipFeatures}. */
export interface ExtractClipFeaturesOptions {
  /** Clips per forward pass. Default 32. */
  readonly batchSize?: number;
  /** Per-channel normalisation applied before encoding (default: none). */
  readonly normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Frozen features of every clip: the encoder's tokens averaged over the whole tubelet grid
 * (the V-JEPA frozen-evaluation input, pooled).
 *
 * @returns `[n, D]` row-major
 */
export async function extractClipFeatures(encoder: Encoder<tf.Tensor5D>, clips: DecodedClips, options: ExtractClipFeaturesOptions = {}): Promise<Float32Array> {
  const batchSize = options.batchSize ?? 32;
  const { count, numFrames, height, width, channels } = clips;
  const dim = encoder.embedDim;
  const per = numFrames * height * width * channels;
  const out = new Float32Array(count * dim);
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const input = normalizeClipData(clips.data.subarray(start * per, (start + n) * per), channels, options.normalization);
    const pooled = tf.tidy(() => tf.mean(encoder.encode(tf.tensor5d(input, [n, numFrames, height, width, channels])), 1));
    try {
      out.set((await pooled.data()) as Float32Array, start * dim);
    } finally {
      pooled.dispose();
    }
    options.onProgress?.(start + n, count);
  }
  return out;
}
