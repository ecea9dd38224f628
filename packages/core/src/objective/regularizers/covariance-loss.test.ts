import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackendForThisFile } from '../../testing/use-backend.js';
import { covarianceLoss } from './covariance-loss.js';
import { covariance64, normalMatrix, numericGradient, relativeError, type Matrix } from './float64-reference.js';

useBackendForThisFile('cpu');

function value(x: Matrix): number {
  return tf.tidy(() => covarianceLoss(tf.tensor2d(x)).dataSync()[0]!);
}

/** Correlated columns: a random mix of 3 latent factors into 5 features, plus an offset. */
function correlated(rows: number, seed: number): Matrix {
  const factors = normalMatrix(rows, 3, seed);
  const mix = normalMatrix(3, 5, seed + 100);
  return factors.map((f) => mix[0]!.map((_, j) => 0.3 + f.reduce((s, v, k) => s + v * mix[k]![j]!, 0)));
}

describe('covarianceLoss', () => {
  it('equals the float64 hand computation (centred, / (M - 1), off-diagonal / (D (D - 1)))', () => {
    const x = correlated(10, 1);
    const expected = covariance64(x);
    expect(expected).toBeGreaterThan(0.1);
    expect(relativeError([value(x)], [expected])).toBeLessThan(1e-5);
  });

  it('is 0 for decorrelated features (an orthogonal design), whatever their scales', () => {
    // Columns 2..4 of the 4 x 4 Hadamard matrix: zero mean and mutually orthogonal.
    const hadamard = [
      [1, 1, 1],
      [-1, 1, -1],
      [1, -1, -1],
      [-1, -1, 1],
    ];
    const scaled = hadamard.map((row) => [row[0]! * 3 + 5, row[1]! * 0.1, row[2]! * 7 - 1]);
    expect(value(scaled)).toBe(0);
    // ... and positive once two columns share a direction.
    const tied = hadamard.map((row) => [row[0]!, row[1]!, row[0]! + 0.5 * row[2]!]);
    expect(value(tied)).toBeCloseTo(covariance64(tied), 6);
    expect(covariance64(tied)).toBeGreaterThan(0.1);
  });

  it('has a finite gradient that matches finite differences of the float64 loss', () => {
    const x = correlated(6, 2);
    const grad = tf.tidy(() => tf.grad((t) => covarianceLoss(t as tf.Tensor2D))(tf.tensor2d(x)).arraySync() as Matrix);
    expect(grad.flat().every(Number.isFinite)).toBe(true);
    expect(relativeError(grad, numericGradient(covariance64, x))).toBeLessThan(1e-3);
  });

  it('leaks no tensors', () => {
    const x = tf.tensor2d(correlated(6, 3));
    const before = tf.memory().numTensors;
    covarianceLoss(x).dispose();
    tf.grad((t) => covarianceLoss(t as tf.Tensor2D))(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('refuses a single sample or a single feature', () => {
    expect(() => covarianceLoss(tf.zeros([1, 3]) as tf.Tensor2D)).toThrow(/at least 2 samples/);
    expect(() => covarianceLoss(tf.zeros([5, 1]) as tf.Tensor2D)).toThrow(/width D of at least 2/);
  });
});
