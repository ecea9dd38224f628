import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackendForThisFile } from '../../testing/use-backend.js';
import { normalMatrix, numericGradient, relativeError, temporal64, type Matrix } from './float64-reference.js';
import { temporalSimilarityLoss } from './temporal-similarity-loss.js';

useBackendForThisFile('cpu');

/** `[B][T][D]` normal draws. */
function sequences(batch: number, time: number, width: number, seed: number): number[][][] {
  const flat = normalMatrix(batch * time, width, seed);
  return Array.from({ length: batch }, (_, b) => flat.slice(b * time, (b + 1) * time));
}

function value(z: number[][][]): number {
  return tf.tidy(() => temporalSimilarityLoss(tf.tensor3d(z)).dataSync()[0]!);
}

describe('temporalSimilarityLoss', () => {
  it('equals the float64 hand computation (mean over b, t, d of squared steps)', () => {
    const z = sequences(3, 5, 4, 1);
    expect(relativeError([value(z)], [temporal64(z)])).toBeLessThan(1e-5);
  });

  it('compares steps within each sequence, never across the batch', () => {
    // Two constant sequences at different levels: no step changes, however far apart they are.
    const z = [Array.from({ length: 4 }, () => [1, 2]), Array.from({ length: 4 }, () => [-5, 9])];
    expect(value(z)).toBe(0);
    // A single jump of 2 in one of 2 x 3 x 2 step entries: 4 / 12.
    const jump = z.map((s) => s.map((r) => r.slice()));
    jump[1]![2]![0] = -3;
    expect(value(jump)).toBeCloseTo(2 * 4 / 12, 6);
  });

  it('is 0 for a single step, with a zero (not missing) gradient, as eb_jepa', () => {
    const z = tf.tensor3d(sequences(2, 1, 3, 2));
    expect(temporalSimilarityLoss(z).dataSync()[0]).toBe(0);
    const grad = tf.grad((t) => temporalSimilarityLoss(t as tf.Tensor3D))(z);
    expect(Array.from(grad.dataSync(), Math.abs)).toEqual([0, 0, 0, 0, 0, 0]);
    tf.dispose([z, grad]);
  });

  it('has a gradient that matches finite differences of the float64 loss', () => {
    const z = sequences(2, 4, 3, 3);
    const grad = tf.tidy(() => tf.grad((t) => temporalSimilarityLoss(t as tf.Tensor3D))(tf.tensor3d(z)).arraySync() as number[][][]);
    // Differentiate with respect to the [B * T, D] view.
    const asMatrix = z.flat();
    const expected = numericGradient((m: Matrix) => temporal64([m.slice(0, 4), m.slice(4, 8)]), asMatrix);
    expect(relativeError(grad.flat(), expected)).toBeLessThan(1e-3);
  });

  it('leaks no tensors', () => {
    const z = tf.tensor3d(sequences(2, 4, 3, 4));
    const before = tf.memory().numTensors;
    temporalSimilarityLoss(z).dispose();
    tf.grad((t) => temporalSimilarityLoss(t as tf.Tensor3D))(z).dispose();
    expect(tf.memory().numTensors).toBe(before);
    z.dispose();
  });

  it('refuses latents without a time axis, saying how to add one', () => {
    expect(() => temporalSimilarityLoss(tf.zeros([4, 3]) as unknown as tf.Tensor3D)).toThrow(/\[B, T, D\].*expandDims/);
    expect(() => temporalSimilarityLoss(tf.zeros([0, 3, 2]) as tf.Tensor3D)).toThrow(/empty axis/);
  });
});
