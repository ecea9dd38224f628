import { describe, expect, it } from 'vitest';
import { effectiveRankOf, measureCollapse } from './collapse.js';
import { gaussianSampler } from './test-blobs.js';

/** `[rows, dim]` isotropic Gaussian data in a random `rank`-dimensional linear subspace. */
function subspaceData(rows: number, dim: number, rank: number, seed: number): Float32Array {
  const gauss = gaussianSampler(seed);
  const basis = Float64Array.from({ length: rank * dim }, gauss);
  for (let r = 0; r < rank; r++) {
    // Gram-Schmidt: orthonormal basis rows.
    for (let q = 0; q < r; q++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += basis[r * dim + j]! * basis[q * dim + j]!;
      for (let j = 0; j < dim; j++) basis[r * dim + j] -= dot * basis[q * dim + j]!;
    }
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += basis[r * dim + j]! ** 2;
    for (let j = 0; j < dim; j++) basis[r * dim + j] /= Math.sqrt(norm);
  }
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const code = Array.from({ length: rank }, gauss);
    for (let j = 0; j < dim; j++) {
      let v = 0;
      for (let r = 0; r < rank; r++) v += code[r]! * basis[r * dim + j]!;
      out[i * dim + j] = v;
    }
  }
  return out;
}

describe('effectiveRankOf', () => {
  it('is exp(entropy) of the normalised singular values', () => {
    expect(effectiveRankOf([1, 1, 1, 1])).toBeCloseTo(4, 12);
    expect(effectiveRankOf([5, 0, 0])).toBeCloseTo(1, 12);
    // sigma = [2, 1] -> p = [2/3, 1/3]
    const entropy = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3);
    expect(effectiveRankOf([4, 1])).toBeCloseTo(Math.exp(entropy), 12);
    expect(effectiveRankOf([0, 0])).toBe(0);
    expect(effectiveRankOf([1, -1e-20, 1e-30])).toBeCloseTo(1, 12);
  });
});

describe('measureCollapse', () => {
  it('gives an effective rank near k for data in a k-dimensional subspace', () => {
    const dim = 24;
    for (const rank of [1, 3, 6]) {
      const report = measureCollapse(subspaceData(3000, dim, rank, rank), dim);
      // Sampling noise spreads the k nonzero singular values a little: just below k, never above.
      expect(report.effectiveRank).toBeGreaterThan(0.98 * rank);
      expect(report.effectiveRank).toBeLessThanOrEqual(rank + 1e-6);
      expect(report.eigenvalues[rank]! / report.eigenvalues[0]!).toBeLessThan(1e-9);
    }
  });

  it('reports zero spread for identical rows: rank 0 centred, 1 uncentred', () => {
    const row = [0.1, -2, 3.5, 7, 0];
    const features = Float32Array.from({ length: 50 * row.length }, (_, k) => row[k % row.length]!);
    const report = measureCollapse(features, row.length);
    expect(report).toMatchObject({
      samples: 50,
      dims: 5,
      meanStd: 0,
      minStd: 0,
      maxStd: 0,
      deadFraction: 1,
      effectiveRank: 0,
    });
    expect(measureCollapse(features, row.length, { centered: false }).effectiveRank).toBeCloseTo(1, 9);
  });

  it('gives an effective rank close to D for isotropic Gaussian features', () => {
    const dim = 32;
    const gauss = gaussianSampler(11);
    const features = Float32Array.from({ length: 4000 * dim }, gauss);
    const report = measureCollapse(features, dim);
    expect(report.effectiveRank).toBeGreaterThan(0.97 * dim);
    expect(report.effectiveRank).toBeLessThanOrEqual(dim);
    expect(report.meanStd).toBeCloseTo(1, 1);
    expect(report.minStd).toBeGreaterThan(0.9);
    expect(report.deadFraction).toBe(0);
  });

  it('counts dead dimensions relative to the largest std', () => {
    const dim = 4;
    const gauss = gaussianSampler(2);
    const features = new Float32Array(500 * dim);
    for (let i = 0; i < 500; i++) {
      features[i * dim] = 10 * gauss();
      features[i * dim + 1] = gauss();
      features[i * dim + 2] = 1e-6 * gauss(); // below 1e-4 * 10
      features[i * dim + 3] = 3; // constant
    }
    const report = measureCollapse(features, dim);
    expect(report.deadFraction).toBe(0.5);
    expect(report.minStd).toBe(0);
    expect(report.maxStd).toBeGreaterThan(9);
  });

  it('uses the n x n Gram matrix when n < D and agrees with the D x D path', () => {
    const dim = 30;
    const gauss = gaussianSampler(4);
    const few = Float32Array.from({ length: 12 * dim }, gauss);
    const viaGram = measureCollapse(few, dim);
    expect(viaGram.eigenvalues.length).toBe(12);
    // Same rows repeated 3 times: rows >= D, same covariance up to the (n - 1) divisor.
    const repeated = new Float32Array(36 * dim);
    for (let r = 0; r < 3; r++) repeated.set(few, r * few.length);
    const viaCovariance = measureCollapse(repeated, dim);
    expect(viaGram.effectiveRank).toBeCloseTo(viaCovariance.effectiveRank, 8);
    expect(viaGram.effectiveRank).toBeLessThanOrEqual(11 + 1e-6); // centring removes one direction
  });

  it('says what is wrong with its input', () => {
    expect(() => measureCollapse(new Float32Array(10), 3)).toThrow(/10 floats, which is not a multiple of dim=3/);
    expect(() => measureCollapse(new Float32Array(0), 3)).toThrow(/no rows/);
    expect(() => measureCollapse(new Float32Array(6), 3, { deadThreshold: 2 })).toThrow(
      /deadThreshold must be in \[0, 1\)/
    );
  });
});
