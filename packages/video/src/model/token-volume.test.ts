import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { toTokenVolume } from './token-volume.js';

describe('toTokenVolume', () => {
  it('lays raster-ordered tokens out on [T\', H\', W\']', () => {
    const tokens = tf.tidy(() => tf.reshape(tf.range(0, 2 * 12 * 3), [2, 12, 3]) as tf.Tensor3D);
    const volume = toTokenVolume(tokens, [2, 3, 2]);
    expect(volume.shape).toEqual([2, 2, 3, 2, 3]);
    // Token (t'=1, h'=2, w'=0) of sample 1 is raster index 1 * 6 + 2 * 2 + 0 = 10.
    const got = tf.tidy(() => Array.from(tf.slice(volume, [1, 1, 2, 0, 0], [1, 1, 1, 1, 3]).dataSync()));
    expect(got).toEqual([(12 + 10) * 3, (12 + 10) * 3 + 1, (12 + 10) * 3 + 2]);
    tf.dispose([tokens, volume]);
  });

  it('refuses masked outputs and non-video grids', () => {
    const tokens = tf.zeros([1, 6, 4]) as tf.Tensor3D;
    expect(() => toTokenVolume(tokens, [2, 2, 2])).toThrow(/6 tokens do not fill the grid \[2, 2, 2\] \(8 tokens\)/);
    expect(() => toTokenVolume(tokens, [2, 3])).toThrow(/grid \[2, 3\] is not \[T', H', W'\]/);
    tokens.dispose();
  });
});
