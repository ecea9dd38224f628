import type { LabeledImages } from './labeled-images.js';

/** Per-channel mean and standard deviation of a set's pixels (e.g. to normalise an image folder), rounded to 6 decimals. */
export function channelStatistics(dataset: LabeledImages): {
  /** Mean of each channel. */
  mean: number[];
  /** Standard deviation of each channel. */
  std: number[];
} {
  const { images, channels } = dataset;
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < images.length; i++) {
    const c = i % channels;
    const v = images[i]!;
    sum[c] += v;
    squares[c] += v * v;
  }
  const n = images.length / channels;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(squares, (s, c) => Math.sqrt(Math.max(s / n - mean[c]! ** 2, 0)));
  // A constant channel would divide by zero: leave it unscaled.
  return { mean: mean.map((m) => Number(m.toFixed(6))), std: std.map((s) => (s > 1e-6 ? Number(s.toFixed(6)) : 1)) };
}
