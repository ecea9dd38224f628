import { checkFeatureMatrix } from './labelled-features.js';
import { symmetricEigenvalues } from './symmetric-eigenvalues.js';
import { columnMoments } from './column-moments.js';

/** Settings of {@link measureCollapse}; every field is optional. */
export interface CollapseConfig {
  /**
   * Compute the spectrum of the covariance (centred features, default `true`). With `false` it is
   * the spectrum of the raw second moment `ZᵀZ / n`, i.e. the singular values of the embedding
   * matrix `Z` itself, exactly as RankMe defines it; a constant offset then counts as one
   * direction.
   */
  readonly centered?: boolean;
  /** A dimension is "dead" when its std is below this fraction of the largest std. Default 1e-4. */
  readonly deadThreshold?: number;
}

/** Defaults of {@link CollapseConfig}. */
export const COLLAPSE_DEFAULTS = {
  /** {@inheritDoc CollapseConfig.centered} */
  centered: true,
  /** {@inheritDoc CollapseConfig.deadThreshold} */
  deadThreshold: 1e-4,
} as const satisfies Required<CollapseConfig>;

/** Representation-collapse diagnostics of a feature matrix `[n, D]`. */
export interface CollapseReport {
  /** `n`. */
  readonly samples: number;
  /** `D`. */
  readonly dims: number;
  /** Mean over dimensions of the per-dimension std (unbiased, `n - 1`; 0 when `n = 1`). */
  readonly meanStd: number;
  /** Smallest per-dimension std. */
  readonly minStd: number;
  /** Largest per-dimension std. */
  readonly maxStd: number;
  /** Fraction of dimensions whose std is below `deadThreshold * maxStd` (all of them when `maxStd = 0`). */
  readonly deadFraction: number;
  /**
   * RankMe effective rank (Garrido et al., 2023): `exp(-Σ p_k log p_k)` with `p_k = σ_k / Σ σ`,
   * `σ_k` the singular values (square roots of the eigenvalues of the covariance, or of the
   * second moment when `centered: false`). In `[1, min(n, D)]`; 0 when the spectrum is all zero
   * (every row identical, centred). Eigenvalues below `D * ε * λ_max` count as zero.
   */
  readonly effectiveRank: number;
  /** Eigenvalues of the (centred) covariance / second moment, descending, `[min(n, D)]`. */
  readonly eigenvalues: Float64Array;
}

/**
 * Measures collapse of frozen features `features` `[n, D]` (row-major): per-dimension spread and
 * the effective rank of their spectrum. Float64 throughout; when `n < D` the `n x n` Gram matrix
 * (same nonzero spectrum) replaces the `D x D` covariance. Costs `n D² / 2` multiply-adds for the
 * covariance plus about `4/3 D³` for the eigenvalues.
 */
export function measureCollapse(features: Float32Array, dim: number, config: CollapseConfig = {}): CollapseReport {
  const { centered, deadThreshold } = { ...COLLAPSE_DEFAULTS, ...config };
  if (typeof centered !== 'boolean') {
    throw new TypeError(`measureCollapse: centered must be a boolean; got ${String(centered)}.`);
  }
  if (!(deadThreshold >= 0 && deadThreshold < 1)) {
    throw new RangeError(`measureCollapse: deadThreshold must be in [0, 1); got ${deadThreshold}.`);
  }
  const rows = checkFeatureMatrix(features, dim, 'measureCollapse');
  if (rows === 0) throw new RangeError('measureCollapse: no rows; pass features of shape [n, D] with n >= 1.');

  const { mean, squaredDeviations: variance } = columnMoments(features, rows, dim);
  let sumStd = 0;
  let minStd = Infinity;
  let maxStd = 0;
  const stds = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    const std = rows > 1 ? Math.sqrt(variance[j]! / (rows - 1)) : 0;
    stds[j] = std;
    sumStd += std;
    minStd = Math.min(minStd, std);
    maxStd = Math.max(maxStd, std);
  }
  let dead = 0;
  for (let j = 0; j < dim; j++) if (maxStd === 0 || stds[j]! < deadThreshold * maxStd) dead++;

  const eigenvalues = spectrum(features, rows, dim, centered ? mean : null);
  return {
    samples: rows,
    dims: dim,
    meanStd: sumStd / dim,
    minStd,
    maxStd,
    deadFraction: dead / dim,
    effectiveRank: effectiveRankOf(eigenvalues),
    eigenvalues,
  };
}

/**
 * RankMe effective rank from eigenvalues `λ` of `ZᵀZ` (or of a covariance): the exponential of
 * the entropy of `σ / Σσ` with `σ = sqrt(λ)`. Negative values and values below
 * `length * ε * max(λ)` (round-off) count as zero; an all-zero spectrum gives 0.
 */
export function effectiveRankOf(eigenvalues: ArrayLike<number>): number {
  let largest = 0;
  for (let k = 0; k < eigenvalues.length; k++) largest = Math.max(largest, eigenvalues[k]!);
  if (largest === 0) return 0;
  const floor = eigenvalues.length * Number.EPSILON * largest;
  let total = 0;
  const singular: number[] = [];
  for (let k = 0; k < eigenvalues.length; k++) {
    const s = eigenvalues[k]! > floor ? Math.sqrt(eigenvalues[k]!) : 0;
    singular.push(s);
    total += s;
  }
  let entropy = 0;
  for (const s of singular) {
    if (s === 0) continue;
    const p = s / total;
    entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

/**
 * Eigenvalues (descending) of `XcᵀXc / (n - 1)` (or `XᵀX / n` when `mean` is null), computed from
 * whichever of the `D x D` and `n x n` products is smaller.
 */
function spectrum(features: Float32Array, rows: number, dim: number, mean: Float64Array | null): Float64Array {
  const divisor = mean ? Math.max(rows - 1, 1) : rows;
  const row = new Float64Array(dim);
  const load = (i: number, into: Float64Array, offset: number) => {
    const start = i * dim;
    for (let j = 0; j < dim; j++) into[offset + j] = features[start + j]! - (mean ? mean[j]! : 0);
  };
  let product: Float64Array;
  let size: number;
  if (rows >= dim) {
    size = dim;
    product = new Float64Array(dim * dim);
    // Four rows per pass over the upper triangle: each product entry is loaded and stored once
    // per four rows (about 3x faster than row by row).
    const block = new Float64Array(4 * dim);
    const r1 = dim;
    const r2 = 2 * dim;
    const r3 = 3 * dim;
    let i = 0;
    for (; i + 4 <= rows; i += 4) {
      for (let k = 0; k < 4; k++) load(i + k, block, k * dim);
      for (let j = 0; j < dim; j++) {
        const v0 = block[j]!;
        const v1 = block[r1 + j]!;
        const v2 = block[r2 + j]!;
        const v3 = block[r3 + j]!;
        const base = j * dim;
        for (let k = j; k < dim; k++) {
          product[base + k] += v0 * block[k]! + v1 * block[r1 + k]! + (v2 * block[r2 + k]! + v3 * block[r3 + k]!);
        }
      }
    }
    for (; i < rows; i++) {
      load(i, row, 0);
      for (let j = 0; j < dim; j++) {
        const v = row[j]!;
        const base = j * dim;
        for (let k = j; k < dim; k++) product[base + k] += v * row[k]!;
      }
    }
  } else {
    size = rows;
    const centred = new Float64Array(rows * dim);
    for (let i = 0; i < rows; i++) load(i, centred, i * dim);
    product = new Float64Array(rows * rows);
    for (let i = 0; i < rows; i++) {
      for (let k = i; k < rows; k++) {
        let sum = 0;
        for (let j = 0; j < dim; j++) sum += centred[i * dim + j]! * centred[k * dim + j]!;
        product[i * rows + k] = sum;
      }
    }
  }
  for (let j = 0; j < size; j++) {
    for (let k = j; k < size; k++) {
      const v = product[j * size + k]! / divisor;
      product[j * size + k] = v;
      product[k * size + j] = v;
    }
  }
  return symmetricEigenvalues(product, size);
}
