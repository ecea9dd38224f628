import { describe, expect, it } from 'vitest';
import { channelStatistics } from './channel-statistics.js';
import type { LabeledImages } from './labeled-images.js';

describe('channelStatistics', () => {
  it('gives per-channel mean and std, and 1 for a constant channel', () => {
    const set: LabeledImages = { images: Float32Array.from([0, 5, 1, 5]), labels: Int32Array.from([0, 1]), count: 2, height: 1, width: 1, channels: 2, classNames: ['a', 'b'] };
    expect(channelStatistics(set)).toEqual({ mean: [0.5, 5], std: [0.5, 1] });
  });
});
