import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.js';
import { useBackendForThisFile } from '../../testing/use-backend.js';
import { eppsPulleyQuadrature } from './epps-pulley.js';
import { normalMatrix, numericGradient, relativeError, sigreg64, type Matrix } from './float64-reference.js';
import { randomUnitDirections } from './random-unit-directions.js';
import { SIGREG_DEFAULTS, sigregLoss } from './sigreg-loss.js';

useBackendForThisFile('cpu');

function directionsFrom(seed: number, width: number, count: number): Matrix {
  return tf.tidy(() => randomUnitDirections(width, count, new Rng(seed)).arraySync());
}

function withDirections(x: Matrix, directions: Matrix): number {
  return tf.tidy(() => sigregLoss(tf.tensor2d(x), { directions: tf.tensor2d(directions) }).dataSync()[0]!);
}

/** E[EppsPulley] for N(0, 1) samples: sum_i w_i (1 - phi_i^2), about 1.06. */
function nullExpectation(): number {
  const { gaussian, weights } = eppsPulleyQuadrature();
  return weights.reduce((s, w, i) => s + w * (1 - gaussian[i]! ** 2), 0);
}

describe('sigregLoss', () => {
  it('has the reference defaults: 256 directions, t in [0, 3], 17 knots', () => {
    expect(SIGREG_DEFAULTS).toEqual({ numDirections: 256, tMax: 3, numKnots: 17 });
  });

  it('equals the float64 sliced Epps-Pulley statistic for given directions', () => {
    const x = normalMatrix(16, 4, 1).map((row) => row.map((v, d) => 0.3 * d + v * (d + 1) * 0.5));
    const directions = directionsFrom(2, 4, 6);
    expect(relativeError([withDirections(x, directions)], [sigreg64(x, directions)])).toBeLessThan(1e-5);
  });

  it('draws its directions from the rng (256 by default), a fresh set per call', () => {
    const x = normalMatrix(32, 5, 3);
    const features = tf.tensor2d(x);
    const rng = new Rng(4);
    const first = sigregLoss(features, { rng });
    const second = sigregLoss(features, { rng });
    const defaults = directionsFrom(4, 5, 256);
    expect(first.dataSync()[0]).toBe(withDirections(x, defaults));
    expect(second.dataSync()[0]).not.toBe(first.dataSync()[0]);
    const few = sigregLoss(features, { rng: new Rng(5), numDirections: 3 });
    expect(relativeError([few.dataSync()[0]!], [sigreg64(x, directionsFrom(5, 5, 3))])).toBeLessThan(1e-5);
    tf.dispose([features, first, second, few]);
  });

  it('stays near its O(1) null expectation on N(0, I) samples and is far larger for collapsed or anisotropic ones', () => {
    const expectedNull = nullExpectation();
    const directions = directionsFrom(6, 8, 64);
    const gaussian = normalMatrix(2048, 8, 7);
    const gaussianValue = withDirections(gaussian, directions);
    expect(gaussianValue).toBeGreaterThan(0.5 * expectedNull);
    expect(gaussianValue).toBeLessThan(2 * expectedNull);
    expect(gaussianValue / 2048).toBeLessThan(1e-3); // per sample it vanishes

    const collapsed = gaussian.map(() => [0.5, -0.2, 0.1, 0, 0.3, 0, -0.4, 0.2]);
    expect(withDirections(collapsed, directions)).toBeGreaterThan(100 * gaussianValue);
    const scales = [3, 0.1, 1, 1, 1, 1, 1, 1];
    const anisotropic = gaussian.map((row) => row.map((v, d) => v * scales[d]!));
    expect(withDirections(anisotropic, directions)).toBeGreaterThan(10 * gaussianValue);
    const lowRank = gaussian.map((row) => [row[0]!, row[0]!, row[1]!, row[1]!, row[2]!, row[2]!, row[3]!, row[3]!].map((v) => v / Math.SQRT2));
    expect(withDirections(lowRank, directions)).toBeGreaterThan(10 * gaussianValue);
  });

  it('decreases steadily as collapsed samples move toward the Gaussian', () => {
    const directions = directionsFrom(8, 6, 32);
    const gaussian = normalMatrix(2048, 6, 9);
    const point = [0.5, 0.5, -0.5, 0.5, 0, 0.5];
    const path = [0, 0.25, 0.5, 0.75, 1].map((alpha) =>
      withDirections(gaussian.map((row) => row.map((v, d) => (1 - alpha) * point[d]! + alpha * v)), directions),
    );
    for (let i = 1; i < path.length; i++) expect(path[i]).toBeLessThan(path[i - 1]!);
    expect(path[4]).toBeLessThan(path[0]! / 100); // about 1130 -> 2.3 here
  });

  it('has a gradient that matches finite differences of the float64 loss', () => {
    const x = normalMatrix(6, 3, 10, 1.5);
    const directions = directionsFrom(11, 3, 4);
    const grad = tf.tidy(() => {
      const a = tf.tensor2d(directions);
      return tf.grad((t) => sigregLoss(t as tf.Tensor2D, { directions: a }))(tf.tensor2d(x)).arraySync() as Matrix;
    });
    expect(grad.flat().every(Number.isFinite)).toBe(true);
    expect(relativeError(grad, numericGradient((m) => sigreg64(m, directions), x))).toBeLessThan(1e-3);
  });

  it('leaks no tensors, drawn directions included', () => {
    const x = tf.tensor2d(normalMatrix(8, 3, 12));
    const before = tf.memory().numTensors;
    sigregLoss(x, { rng: new Rng(1), numDirections: 5 }).dispose();
    tf.grad((t) => sigregLoss(t as tf.Tensor2D, { rng: new Rng(1), numDirections: 5 }))(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('refuses options it cannot use, saying what to pass', () => {
    const x = tf.zeros([4, 3]) as tf.Tensor2D;
    const wrong = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(() => sigregLoss(x, { directions: wrong })).toThrow(/directions must be \[D, K\] with D = 3/);
    expect(() => sigregLoss(x, {} as never)).toThrow(/either \{ directions \}.*or \{ rng \}/);
    expect(() => sigregLoss(x, { rng: new Rng(0), numDirections: 0 })).toThrow(/numDirections must be a positive integer/);
    expect(() => sigregLoss(x, { rng: new Rng(0), numKnots: 4 })).toThrow(/odd integer/);
    expect(() => sigregLoss(tf.zeros([1, 3]) as tf.Tensor2D, { rng: new Rng(0) })).toThrow(/at least 2 samples/);
    tf.dispose([x, wrong]);
  });
});
