import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.js';
import { useBackendForThisFile } from '../../testing/use-backend.js';
import { eppsPulley, eppsPulleyQuadrature } from './epps-pulley.js';
import { eppsPulley64, normalMatrix, numericGradient, relativeError, type Matrix } from './float64-reference.js';

useBackendForThisFile('cpu');

function statistic(x: Matrix, options?: Parameters<typeof eppsPulley>[1]): number[] {
  return tf.tidy(() => Array.from(eppsPulley(tf.tensor2d(x), options).dataSync()));
}

function columns(x: Matrix): number[][] {
  return x[0]!.map((_, k) => x.map((row) => row[k]!));
}

/** Three columns: N(0, 1), uniform on [0, 1), N(0.5, 2^2). */
function mixedColumns(rows: number, seed: number): Matrix {
  const rng = new Rng(seed);
  return Array.from({ length: rows }, () => [rng.normal(), rng.uniform(), rng.normal(0.5, 2)]);
}

describe('eppsPulleyQuadrature', () => {
  it('is the reference grid: linspace(0, 3, 17), trapezoid weights doubled inside, times exp(-t^2/2)', () => {
    const { knots, gaussian, weights } = eppsPulleyQuadrature();
    const dt = 3 / 16;
    expect(knots.length).toBe(17);
    expect(knots[1]).toBeCloseTo(dt, 15);
    expect(knots[16]).toBe(3);
    expect(gaussian[16]).toBeCloseTo(Math.exp(-4.5), 15);
    expect(weights[0]).toBeCloseTo(dt, 15);
    expect(weights[8]).toBeCloseTo(2 * dt * Math.exp(-0.5 * 1.5 * 1.5), 15);
    expect(weights[16]).toBeCloseTo(dt * Math.exp(-4.5), 15);
    // The weights integrate exp(-t^2/2) over [-3, 3]: sqrt(2 pi) erf(3 / sqrt 2) = 2.49986.
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(2.49986, 2);
  });

  it('refuses an even number of knots or a non-positive tMax', () => {
    expect(() => eppsPulleyQuadrature({ numKnots: 16 })).toThrow(/odd integer >= 3.*17/);
    expect(() => eppsPulleyQuadrature({ tMax: 0 })).toThrow(/tMax must be a finite number > 0/);
  });
});

describe('eppsPulley', () => {
  it('equals the float64 statistic over the symmetric grid, column by column', () => {
    const x = mixedColumns(24, 1);
    expect(relativeError(statistic(x), columns(x).map((c) => eppsPulley64(c)))).toBeLessThan(1e-5);
  });

  it('follows tMax and numKnots', () => {
    const x = mixedColumns(16, 2);
    const options = { tMax: 5, numKnots: 21 };
    expect(relativeError(statistic(x, options), columns(x).map((c) => eppsPulley64(c, 5, 21)))).toBeLessThan(1e-5);
  });

  it('is M * sum_i w_i (1 - phi_i)^2 for samples all at 0 (cos = 1, sin = 0)', () => {
    const { gaussian, weights } = eppsPulleyQuadrature();
    const perSample = weights.reduce((s, w, i) => s + w * (1 - gaussian[i]!) ** 2, 0);
    const [value] = statistic(Array.from({ length: 50 }, () => [0]));
    expect(relativeError([value!], [50 * perSample])).toBeLessThan(1e-5);
  });

  it('averages its null expectation sum_i w_i (1 - phi_i^2) on N(0, 1) samples, and grows with M otherwise', () => {
    const { gaussian, weights } = eppsPulleyQuadrature();
    const nullExpectation = weights.reduce((s, w, i) => s + w * (1 - gaussian[i]! ** 2), 0);
    expect(nullExpectation).toBeCloseTo(1.06, 1);
    const gaussianColumns = statistic(normalMatrix(4096, 48, 3));
    const mean = gaussianColumns.reduce((s, v) => s + v, 0) / gaussianColumns.length;
    expect(mean).toBeGreaterThan(0.7 * nullExpectation);
    expect(mean).toBeLessThan(1.3 * nullExpectation);
    // The same scale, wrong shape: uniform on [-sqrt 3, sqrt 3) has mean 0 and variance 1 and the
    // characteristic function sin(sqrt(3) t) / (sqrt(3) t); the statistic is about M times the
    // integrated squared gap to exp(-t^2/2), here 0.0161 (plus the O(1) sampling term).
    const gapPerSample = weights.reduce((s, w, i) => {
      const t = (3 * i) / 16;
      const uniformCf = t === 0 ? 1 : Math.sin(Math.sqrt(3) * t) / (Math.sqrt(3) * t);
      return s + w * (uniformCf - gaussian[i]!) ** 2;
    }, 0);
    expect(gapPerSample).toBeCloseTo(0.0161, 3);
    const rng = new Rng(4);
    const uniform = Array.from({ length: 8192 }, () => [Math.sqrt(3) * (2 * rng.uniform() - 1)]);
    const large = statistic(uniform)[0]!;
    expect(large).toBeGreaterThan(100 * nullExpectation);
    expect(large / (8192 * gapPerSample)).toBeGreaterThan(0.85);
    expect(large / (8192 * gapPerSample)).toBeLessThan(1.2);
  });

  it('has a gradient that matches finite differences of the float64 statistic', () => {
    const x = mixedColumns(5, 5);
    const grad = tf.tidy(() => tf.grad((t) => tf.sum(eppsPulley(t as tf.Tensor2D)))(tf.tensor2d(x)).arraySync() as Matrix);
    const expected = numericGradient((m) => columns(m).reduce((s, c) => s + eppsPulley64(c), 0), x);
    expect(grad.flat().every(Number.isFinite)).toBe(true);
    expect(relativeError(grad, expected)).toBeLessThan(1e-3);
  });

  it('leaks no tensors', () => {
    const x = tf.tensor2d(mixedColumns(8, 6));
    const before = tf.memory().numTensors;
    eppsPulley(x).dispose();
    tf.grad((t) => tf.sum(eppsPulley(t as tf.Tensor2D)))(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('refuses samples that are not [M, K]', () => {
    const x = tf.zeros([4]);
    expect(() => eppsPulley(x as unknown as tf.Tensor2D)).toThrow(/\[M, K\].*tf\.reshape\(x, \[-1, 1\]\)/);
    x.dispose();
  });
});
