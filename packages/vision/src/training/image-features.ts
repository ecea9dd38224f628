import * as tf from '@tensorflow/tfjs';
import type { Encoder } from '@jepa/core';
import type { LabeledImages } from '@jepa/core';
import { normalize } from '../data/transforms.js';

/** Per-channel mean and std applied to images with values 0..1. */
export interface Normalization {
  /** Mean of each channel, subtracted. */
  readonly mean: readonly number[];
  /** Standard deviation of each channel, divided by. */
  readonly std: readonly number[];
}

/** Normalises a channels-last batch `[n, H, W, C]` per channel (returns a new array). */
export function normalizeBatch(pixels: Float32Array, n: number, height: number, width: number, channels: number, norm: Normalization): Float32Array {
  // A batch is an image n*H rows tall as far as per-channel normalisation is concerned.
  return normalize({ data: pixels, height: n * height, width, channels }, norm.mean, norm.std).data;
}

/** Options of {@link extractFeatures}. */
export interface ExtractFeaturesOptions {
  /** Images per forward pass (default 256). */
  readonly batchSize?: number;
  /** Per-channel normalisation applied before encoding (default: none). */
  readonly normalization?: Normalization;
  /** Called after each batch with the number of images done. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Frozen features for every image: the encoder's tokens averaged over the grid (the I-JEPA
 * paper's evaluation protocol uses the target encoder's average-pooled output).
 *
 * @returns `[n, D]` row-major
 */
export async function extractFeatures(encoder: Encoder<tf.Tensor4D>, dataset: LabeledImages, options: ExtractFeaturesOptions = {}): Promise<Float32Array> {
  const batchSize = options.batchSize ?? 256;
  const { count, height, width, channels } = dataset;
  const dim = encoder.embedDim;
  const out = new Float32Array(count * dim);
  const perImage = height * width * channels;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const pixels = dataset.images.subarray(start * perImage, (start + n) * perImage);
    const input = options.normalization ? normalizeBatch(pixels, n, height, width, channels, options.normalization) : pixels;
    const pooled = tf.tidy(() => tf.mean(encoder.encode(tf.tensor4d(input, [n, height, width, channels])), 1));
    try {
      out.set(await pooled.data() as Float32Array, start * dim);
    } finally {
      pooled.dispose();
    }
    options.onProgress?.(start + n, count);
  }
  return out;
}
