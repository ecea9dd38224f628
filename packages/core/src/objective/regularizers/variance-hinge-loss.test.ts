import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackendForThisFile } from '../../testing/use-backend.js';
import { normalMatrix, numericGradient, relativeError, varianceHinge64, type Matrix } from './float64-reference.js';
import { varianceHingeLoss } from './variance-hinge-loss.js';

useBackendForThisFile('cpu');

/** Columns with stds around 0.2 ... 3, so some hinges are active and some are not. */
function mixedScales(rows: number, seed: number): Matrix {
  const scales = [0.2, 0.5, 0.9, 1.5, 3];
  return normalMatrix(rows, scales.length, seed).map((row) => row.map((v, j) => 0.7 + v * scales[j]!));
}

function value(x: Matrix, options?: Parameters<typeof varianceHingeLoss>[1]): number {
  return tf.tidy(() => varianceHingeLoss(tf.tensor2d(x), options).dataSync()[0]!);
}

describe('varianceHingeLoss', () => {
  it('equals the float64 hand computation (unbiased variance, eps 1e-4, target 1)', () => {
    const x = mixedScales(12, 1);
    const expected = varianceHinge64(x);
    expect(expected).toBeGreaterThan(0.05); // some hinges are active
    expect(relativeError([value(x)], [expected])).toBeLessThan(1e-5);
  });

  it('follows target and eps', () => {
    const x = mixedScales(9, 2);
    expect(relativeError([value(x, { target: 2, eps: 1e-2 })], [varianceHinge64(x, 2, 1e-2)])).toBeLessThan(1e-5);
    expect(value(x, { target: 2 })).toBeGreaterThan(value(x));
  });

  it('is 0 when every feature has a std above the target', () => {
    const x = normalMatrix(64, 4, 3, 3); // stds near 3
    expect(value(x)).toBe(0);
  });

  it('is target - sqrt(eps) for collapsed (constant) features', () => {
    const x = Array.from({ length: 8 }, () => [0.5, -2, 7]);
    expect(value(x)).toBeCloseTo(1 - Math.sqrt(1e-4), 6);
  });

  it('has a finite gradient that matches finite differences of the float64 loss', () => {
    const x = mixedScales(6, 4);
    const grad = tf.tidy(() => tf.grad((t) => varianceHingeLoss(t as tf.Tensor2D))(tf.tensor2d(x)).arraySync() as Matrix);
    const expected = numericGradient((m) => varianceHinge64(m), x);
    expect(grad.flat().every(Number.isFinite)).toBe(true);
    expect(relativeError(grad, expected)).toBeLessThan(1e-3);
  });

  it('keeps the gradient finite for a fully collapsed batch', () => {
    const grad = tf.tidy(() => tf.grad((t) => varianceHingeLoss(t as tf.Tensor2D))(tf.ones([4, 3])).arraySync() as Matrix);
    expect(grad.flat().every(Number.isFinite)).toBe(true);
  });

  it('leaks no tensors', () => {
    const x = tf.tensor2d(mixedScales(6, 5));
    const before = tf.memory().numTensors;
    varianceHingeLoss(x).dispose();
    tf.grad((t) => varianceHingeLoss(t as tf.Tensor2D))(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('refuses what it cannot compute, saying what to fix', () => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    const cube = tf.zeros([2, 3, 4]) as unknown as tf.Tensor2D;
    const single = tf.zeros([1, 3]) as tf.Tensor2D;
    expect(() => varianceHingeLoss(cube)).toThrow(/\[M, D\].*tf\.reshape/);
    expect(() => varianceHingeLoss(single)).toThrow(/at least 2 samples/);
    expect(() => varianceHingeLoss(x, { eps: 0 })).toThrow(/eps must be a finite number > 0/);
    expect(() => varianceHingeLoss(x, { target: Number.NaN })).toThrow(/target must be a finite number/);
    tf.dispose([x, cube, single]);
  });
});
