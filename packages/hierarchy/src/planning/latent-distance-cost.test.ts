import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { latentDistanceCost } from './latent-distance-cost.js';

describe('latentDistanceCost (the reference repr_dist cost)', () => {
  // S = 2 samples, H = 2 steps, N = 2 tokens, D = 1.
  const predicted = () => tf.tensor4d([[[[1], [3]], [[0], [2]]], [[[2], [2]], [[4], [0]]]], [2, 2, 2, 1]);
  const goal = () => tf.tensor3d([[[1], [1]]]);
  const start = () => tf.tensor3d([[[3], [1]]]);

  it('sums over the horizon the per-step mean squared difference over the N*D elements', () => {
    const [p, g, s] = [predicted(), goal(), start()];
    const cost = latentDistanceCost()(p, g, s);
    // sample 0: step 0 (0 + 4) / 2 = 2, step 1 (1 + 1) / 2 = 1; sample 1: (1 + 1) / 2 = 1, (9 + 1) / 2 = 5.
    expect(Array.from(cost.dataSync())).toEqual([3, 6]);
    tf.dispose([p, g, s, cost]);
  });

  it("'final' scores only the last predicted state", () => {
    const [p, g, s] = [predicted(), goal(), start()];
    const cost = latentDistanceCost({ reduction: 'final' })(p, g, s);
    expect(Array.from(cost.dataSync())).toEqual([1, 5]);
    tf.dispose([p, g, s, cost]);
  });

  it("includeStart adds the start state's term, the same for every sample", () => {
    const [p, g, s] = [predicted(), goal(), start()];
    const cost = latentDistanceCost({ includeStart: true })(p, g, s);
    // start term (4 + 0) / 2 = 2.
    expect(Array.from(cost.dataSync())).toEqual([5, 8]);
    tf.dispose([p, g, s, cost]);
  });

  it('refuses includeStart with final, and a goal of another shape', () => {
    expect(() => latentDistanceCost({ reduction: 'final', includeStart: true })).toThrow(/reduction 'sum'/);
    expect(() => latentDistanceCost({ reduction: 'last' as 'final' })).toThrow(/'sum' or 'final'/);
    const [p, s] = [predicted(), start()];
    const wrong = tf.zeros([1, 2, 2]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    expect(() => latentDistanceCost()(p, wrong, s)).toThrow(/goal must be \[1, 2, 1\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([p, s, wrong]);
  });
});
