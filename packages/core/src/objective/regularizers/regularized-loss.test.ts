import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { regularizedLoss } from './regularized-loss.js';

describe('regularizedLoss', () => {
  it('adds weighted terms and hands back the unweighted parts by name', () => {
    const prediction = tf.scalar(0.5);
    const variance = tf.scalar(0.25);
    const covariance = tf.scalar(2);
    const { total, parts } = regularizedLoss([
      { name: 'prediction', weight: 1, value: prediction },
      { name: 'variance', weight: 16, value: variance },
      { name: 'covariance', weight: 8, value: covariance },
    ]);
    expect(total.dataSync()[0]).toBeCloseTo(0.5 + 16 * 0.25 + 8 * 2, 6);
    expect(Object.keys(parts)).toEqual(['prediction', 'variance', 'covariance']);
    expect(parts.variance).toBe(variance);
    tf.dispose([total, prediction, variance, covariance]);
  });

  it('logs a weight-0 term without letting it into the total, even when it is NaN', () => {
    const loss = tf.scalar(3);
    const broken = tf.scalar(Number.NaN);
    const { total, parts } = regularizedLoss([
      { name: 'prediction', weight: 1, value: loss },
      { name: 'sigreg', weight: 0, value: broken },
    ]);
    expect(total.dataSync()[0]).toBe(3);
    expect(Number.isNaN(parts.sigreg!.dataSync()[0])).toBe(true);
    tf.dispose([total, loss, broken]);
  });

  it('is 0 without terms', () => {
    const { total, parts } = regularizedLoss([]);
    expect(total.dataSync()[0]).toBe(0);
    expect(parts).toEqual({});
    total.dispose();
  });

  it('passes gradients through every weighted term and makes only the total', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const before = tf.memory().numTensors;
    const grad = tf.grad((t) =>
      regularizedLoss([
        { name: 'sum', weight: 2, value: tf.sum(t) as tf.Scalar },
        { name: 'squares', weight: 0.5, value: tf.sum(tf.square(t)) as tf.Scalar },
      ]).total,
    )(x);
    expect(Array.from(grad.dataSync())).toEqual([3, 4, 5]); // 2 + 0.5 * 2x
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('refuses unnamed, duplicate, unweighted or non-scalar terms, saying what to fix', () => {
    const a = tf.scalar(1);
    const v = tf.tensor1d([1, 2]);
    expect(() => regularizedLoss([{ name: '', weight: 1, value: a }])).toThrow(/term 0 needs a non-empty name/);
    expect(() => regularizedLoss([{ name: 'x', weight: 1, value: a }, { name: 'x', weight: 2, value: a }])).toThrow(/two terms are named 'x'/);
    expect(() => regularizedLoss([{ name: 'x', weight: Number.POSITIVE_INFINITY, value: a }])).toThrow(/weights must be finite numbers/);
    expect(() => regularizedLoss([{ name: 'x', weight: 1, value: v as unknown as tf.Scalar }])).toThrow(/scalar value, got \[2\].*tf\.mean/);
    tf.dispose([a, v]);
  });
});
