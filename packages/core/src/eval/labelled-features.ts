/**
 * Frozen features with integer class labels, as host arrays: the input of every probe here.
 *
 * `features` holds `n` examples of `dim` floats each, row-major (`[n, dim]`), with
 * `n = labels.length`. A probe over token grids (e.g. an attentive probe over `[n, N, D]`) can use
 * the same container with `dim = N * D` and read its own token count from its config.
 */
export interface LabelledFeatures {
  /** `[n, dim]` row-major. */
  readonly features: Float32Array;
  /** `[n]` class ids in `[0, numClasses)`. */
  readonly labels: Int32Array;
  /** Floats per example (the `D` of `[n, D]`). */
  readonly dim: number;
}

/**
 * Checks that `features` holds `rows * dim` finite floats and returns `rows`.
 * `where` names the argument in error messages (e.g. `'lowShotProbe(test)'`).
 */
export function checkFeatureMatrix(features: Float32Array, dim: number, where: string): number {
  if (!(features instanceof Float32Array)) {
    throw new TypeError(
      `${where}: features must be a Float32Array of shape [n, dim] (row-major); got ${describe(features)}.`
    );
  }
  if (!Number.isInteger(dim) || dim < 1) {
    throw new RangeError(`${where}: dim must be a positive integer (floats per example); got ${dim}.`);
  }
  if (features.length % dim !== 0) {
    throw new RangeError(
      `${where}: features has ${features.length} floats, which is not a multiple of dim=${dim}; ` +
        `pass features of shape [n, ${dim}] flattened row-major, or fix dim.`
    );
  }
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i]!)) {
      throw new RangeError(
        `${where}: features[${i}] (row ${Math.floor(i / dim)}, column ${i % dim}) is ${features[i]}; ` +
          'probes need finite features: check the encoder output for NaN/Infinity.'
      );
    }
  }
  return features.length / dim;
}

/**
 * Validates a labelled set: shapes agree, features are finite, labels are integers in
 * `[0, numClasses)` when `numClasses` is given (else merely non-negative). Returns `n`.
 */
export function checkLabelledFeatures(set: LabelledFeatures, where: string, numClasses?: number): number {
  if (set === null || typeof set !== 'object') {
    throw new TypeError(
      `${where}: expected { features: Float32Array, labels: Int32Array, dim: number }; got ${describe(set)}.`
    );
  }
  const rows = checkFeatureMatrix(set.features, set.dim, where);
  checkLabels(set.labels, rows, where, numClasses);
  return rows;
}

/** Validates `labels` against `rows` examples (and `numClasses` when given). */
export function checkLabels(labels: Int32Array, rows: number, where: string, numClasses?: number): void {
  if (!(labels instanceof Int32Array)) {
    throw new TypeError(`${where}: labels must be an Int32Array of class ids; got ${describe(labels)}.`);
  }
  if (labels.length !== rows) {
    throw new RangeError(
      `${where}: ${labels.length} labels for ${rows} feature rows; pass one label per row (features is [n, dim] row-major).`
    );
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0 || (numClasses !== undefined && label >= numClasses)) {
      const range = numClasses === undefined ? '>= 0' : `in [0, ${numClasses})`;
      throw new RangeError(`${where}: labels[${i}] = ${label}; class ids must be ${range}.`);
    }
  }
}

/** `1 + max(labels)`: the class count implied by a label array (0 when empty). */
export function inferNumClasses(labels: Int32Array): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  return max + 1;
}

/** Copies the rows `indices` (in that order) of a labelled set into a new one. */
export function selectRows(set: LabelledFeatures, indices: ArrayLike<number>): LabelledFeatures {
  const { dim } = set;
  const features = new Float32Array(indices.length * dim);
  const labels = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const source = indices[r]!;
    features.set(set.features.subarray(source * dim, (source + 1) * dim), r * dim);
    labels[r] = set.labels[source]!;
  }
  return { features, labels, dim };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}
