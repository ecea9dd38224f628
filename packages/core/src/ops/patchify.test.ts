import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { patchify2d } from './patchify.js';

describe('patchify2d', () => {
  it('cuts channels-last images into [P, P, C] rows in token raster order', () => {
    // 1 image 4 x 4 x 2, patch 2: token 1 is the top-right 2 x 2 block.
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(Float32Array.from({ length: 32 }, (_, i) => i), [1, 4, 4, 2]);
    const patches = patchify2d(x, 2);
    expect(patches.shape).toEqual([1, 4, 8]);
    const pixel = (y: number, xx: number, c: number) => (y * 4 + xx) * 2 + c;
    expect(Array.from(patches.dataSync().subarray(8, 16))).toEqual([pixel(0, 2, 0), pixel(0, 2, 1), pixel(0, 3, 0), pixel(0, 3, 1), pixel(1, 2, 0), pixel(1, 2, 1), pixel(1, 3, 0), pixel(1, 3, 1)]);
    tf.dispose([x, patches]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a patch size that does not divide the image, saying how to fix it', () => {
    const x = tf.zeros([1, 5, 4, 1]) as tf.Tensor4D;
    expect(() => patchify2d(x, 2)).toThrow(/not divisible by patch size 2; resize or crop/);
    x.dispose();
  });
});
