import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { clipGradientsPerModule, globalNorm } from './gradient-clipping.js';

describe('clipGradientsPerModule', () => {
  it('clips each module to maxNorm on its own, as torch clip_grad_norm_ called per module', () => {
    const before = tf.memory().numTensors;
    const grads: Record<string, tf.Tensor> = {
      'encoder.a': tf.tensor1d([3, 0]),
      'encoder.b': tf.tensor1d([0, 4]), // encoder norm 5
      'predictor.c': tf.tensor1d([0.3, 0.4]), // predictor norm 0.5
    };
    const norms = clipGradientsPerModule(grads, 1);
    expect(norms.encoder).toBeCloseTo(5, 6);
    expect(norms.predictor).toBeCloseTo(0.5, 6);
    // torch: clip_coef = 1 / (5 + 1e-6); the predictor is under the limit and keeps its values.
    expect(Array.from(grads['encoder.a']!.dataSync())).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(Array.from(grads['encoder.b']!.dataSync())).toEqual([0, expect.closeTo(0.8, 6)]);
    expect(Array.from(grads['predictor.c']!.dataSync())).toEqual([expect.closeTo(0.3, 7), expect.closeTo(0.4, 7)]);
    expect(globalNorm([grads['encoder.a']!, grads['encoder.b']!])).toBeCloseTo(1, 5);
    tf.dispose(Object.values(grads));
    expect(tf.memory().numTensors).toBe(before); // the replaced tensors were disposed
    expect(() => clipGradientsPerModule({}, 0)).toThrow(/maxNorm must be positive/);
  });
});
