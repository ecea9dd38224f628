/**
 * Per-column mean and sum of squared deviations of a row-major matrix `[n, D]`, in two Float64
 * passes (stable for float32 features). Divide `squaredDeviations` by `n` or `n - 1` for a variance.
 */
export function columnMoments(features: Float32Array, rows: number, dim: number): { mean: Float64Array; squaredDeviations: Float64Array } {
  const mean = new Float64Array(dim);
  for (let i = 0; i < rows; i++) {
    const row = i * dim;
    for (let j = 0; j < dim; j++) mean[j] += features[row + j]!;
  }
  for (let j = 0; j < dim; j++) mean[j] /= rows;
  const squaredDeviations = new Float64Array(dim);
  for (let i = 0; i < rows; i++) {
    const row = i * dim;
    for (let j = 0; j < dim; j++) {
      const centred = features[row + j]! - mean[j]!;
      squaredDeviations[j] += centred * centred;
    }
  }
  return { mean, squaredDeviations };
}
