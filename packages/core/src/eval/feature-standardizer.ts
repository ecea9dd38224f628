import { checkFeatureMatrix } from './labelled-features.js';
import { columnMoments } from './column-moments.js';

/**
 * Per-dimension standardisation `(x - mean) / std` with statistics fitted on a training set and
 * reused unchanged on every other set (validation, test), as probes must.
 */
export class FeatureStandardizer {
  /**
   * @param mean per-dimension mean `[D]`.
   * @param scale per-dimension `1 / std` `[D]`; 1 for (near-)constant dimensions, which are only
   *   centred.
   */
  constructor(readonly mean: Float64Array, readonly scale: Float64Array) {
    if (mean.length !== scale.length || mean.length === 0) {
      throw new RangeError(
        `FeatureStandardizer: mean has ${mean.length} entries and scale ${scale.length}; both must have D > 0 entries.`
      );
    }
  }

  /** Floats per example. */
  get dim(): number {
    return this.mean.length;
  }

  /**
   * Fits mean and population std per dimension of `features` `[n, D]` (two passes, Float64).
   * A dimension whose std is 0 or below float32 resolution of its mean (`1e-7 * |mean|`) is
   * treated as constant: it is centred, not scaled.
   */
  static fit(features: Float32Array, dim: number): FeatureStandardizer {
    const rows = checkFeatureMatrix(features, dim, 'FeatureStandardizer.fit');
    if (rows === 0) {
      throw new RangeError('FeatureStandardizer.fit: no rows to fit; pass at least one example.');
    }
    const { mean, squaredDeviations: variance } = columnMoments(features, rows, dim);
    const scale = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      const std = Math.sqrt(variance[j]! / rows);
      scale[j] = std > 0 && std > 1e-7 * Math.abs(mean[j]!) ? 1 / std : 1;
    }
    return new FeatureStandardizer(mean, scale);
  }

  /** Standardised copy `[n, D]` of `features` `[n, D]`, in Float64. */
  transform(features: Float32Array): Float64Array {
    const dim = this.dim;
    const rows = checkFeatureMatrix(features, dim, 'FeatureStandardizer.transform');
    const out = new Float64Array(rows * dim);
    for (let i = 0; i < rows; i++) {
      const row = i * dim;
      for (let j = 0; j < dim; j++) out[row + j] = (features[row + j]! - this.mean[j]!) * this.scale[j]!;
    }
    return out;
  }
}
