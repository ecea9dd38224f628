/** One image's nearest neighbours among the others, best first. */
export interface Neighbour {
  readonly index: number;
  /** Cosine similarity of the two feature vectors, in [-1, 1]. */
  readonly similarity: number;
}

/**
 * Cosine nearest neighbours of every row of `features` (`[n, dim]` row-major) among the other rows:
 * `k` per row (fewer when there are fewer other rows), most similar first, ties by index. A zero
 * vector has similarity 0 with everything.
 */
export function cosineNeighbours(features: Float32Array, n: number, dim: number, k: number): Neighbour[][] {
  if (features.length !== n * dim) throw new RangeError(`cosineNeighbours: ${features.length} values are not ${n} rows of ${dim}.`);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += features[i * dim + d]! ** 2;
    norms[i] = Math.sqrt(sum);
  }
  const similarity = (i: number, j: number): number => {
    if (norms[i] === 0 || norms[j] === 0) return 0;
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += features[i * dim + d]! * features[j * dim + d]!;
    return dot / (norms[i]! * norms[j]!);
  };
  return Array.from({ length: n }, (_, i) => {
    const others: Neighbour[] = [];
    for (let j = 0; j < n; j++) if (j !== i) others.push({ index: j, similarity: similarity(i, j) });
    others.sort((a, b) => b.similarity - a.similarity || a.index - b.index);
    return others.slice(0, k);
  });
}
