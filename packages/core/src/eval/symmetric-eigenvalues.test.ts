import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from './symmetric-eigenvalues.js';
import { gaussianSampler } from './test-blobs.js';

/** A random orthogonal `[n, n]` matrix (modified Gram-Schmidt of a Gaussian matrix). */
function randomOrthogonal(n: number, seed: number): Float64Array {
  const gauss = gaussianSampler(seed);
  const q = Float64Array.from({ length: n * n }, gauss);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += q[i * n + j]! * q[k * n + j]!;
      for (let j = 0; j < n; j++) q[i * n + j] -= dot * q[k * n + j]!;
    }
    let norm = 0;
    for (let j = 0; j < n; j++) norm += q[i * n + j]! ** 2;
    for (let j = 0; j < n; j++) q[i * n + j] /= Math.sqrt(norm);
  }
  return q;
}

/** `Qᵀ diag(values) Q` with Q's rows as eigenvectors. */
function withSpectrum(values: number[], seed: number): Float64Array {
  const n = values.length;
  const q = randomOrthogonal(n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += q[k * n + i]! * values[k]! * q[k * n + j]!;
      a[i * n + j] = sum;
      a[j * n + i] = sum;
    }
  }
  return a;
}

describe('symmetricEigenvalues', () => {
  it('recovers a prescribed spectrum (with repeats, zeros and negatives) from a rotated matrix', () => {
    const values = [9, 5, 5, 5, 2.5, 1, 0, 0, -0.75, -3, 1e-3, 7];
    const a = withSpectrum(values, 3);
    const copy = Float64Array.from(a);
    const result = symmetricEigenvalues(a, values.length);
    const expected = [...values].sort((x, y) => y - x);
    result.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 10));
    expect(a).toEqual(copy);
  });

  it('solves a 2 x 2 case in closed form and handles trivial sizes', () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 and 1.
    expect(Array.from(symmetricEigenvalues(Float64Array.from([2, 1, 1, 2]), 2))).toEqual(
      [3, 1].map((v) => expect.closeTo(v, 12))
    );
    expect(Array.from(symmetricEigenvalues(Float64Array.from([-4]), 1))).toEqual([-4]);
    expect(symmetricEigenvalues(new Float64Array(0), 0).length).toBe(0);
    expect(Array.from(symmetricEigenvalues(new Float64Array(9), 3))).toEqual([0, 0, 0]);
  });

  it('keeps trace and Frobenius norm of a random 40 x 40 matrix', () => {
    const n = 40;
    const gauss = gaussianSampler(5);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = gauss();
    const values = symmetricEigenvalues(a, n);
    let trace = 0;
    let frobenius = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i]!;
    for (const v of a) frobenius += v * v;
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 9);
    expect(values.reduce((s, v) => s + v * v, 0)).toBeCloseTo(frobenius, 8);
    for (let k = 1; k < n; k++) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
  });

  it('finishes a 192 x 192 matrix well under a second', () => {
    const values = Array.from({ length: 192 }, (_, k) => 1 / (k + 1));
    const a = withSpectrum(values, 9);
    const started = performance.now();
    const result = symmetricEigenvalues(a, 192);
    expect(performance.now() - started).toBeLessThan(500);
    expect(result[0]).toBeCloseTo(1, 10);
    expect(result[191]).toBeCloseTo(1 / 192, 10);
  });

  it('says what is wrong with a bad matrix', () => {
    expect(() => symmetricEigenvalues(new Float64Array(5), 2)).toThrow(/has 5 entries; a \[2, 2\] matrix needs 4/);
    expect(() => symmetricEigenvalues(Float64Array.from([1, 2, 3, 4]), 2)).toThrow(/must be symmetric/);
    expect(() => symmetricEigenvalues(Float64Array.from([1, Number.NaN, Number.NaN, 4]), 2)).toThrow(/\[0, 1\] is NaN/);
  });
});
