/**
 * The math of multinomial logistic (softmax) regression on host arrays, in Float64.
 *
 * Parameters live in one `Float64Array` of length `C * D + C`: the weights `[C, D]` row-major
 * (one row per class, so every dot product runs over contiguous memory) followed by the bias `[C]`.
 * Legend: `n` examples, `D` features, `C` classes.
 */

/** Problem data for {@link softmaxRegressionLoss}. */
export interface SoftmaxRegressionData {
  /** `[n, D]` row-major, already standardised. */
  readonly features: Float64Array | Float32Array;
  /** `[n]` class ids in `[0, C)`. */
  readonly labels: Int32Array;
  readonly dim: number;
  readonly numClasses: number;
}

/** Number of parameters for `dim` features and `numClasses` classes: `C * D + C`. */
export function softmaxParameterCount(dim: number, numClasses: number): number {
  return numClasses * dim + numClasses;
}

/**
 * Mean cross-entropy plus `l2 / 2 * ||W||²` (the bias is not penalised). Writes the gradient into
 * `gradient` when given. Accumulates in Float64 and uses the max-shifted log-sum-exp.
 *
 * Rows are processed four at a time so that each weight load serves four rows and each gradient
 * store sums four rows' contributions (about 2.5x faster than row by row in V8).
 */
export function softmaxRegressionLoss(
  parameters: Float64Array,
  data: SoftmaxRegressionData,
  l2: number,
  gradient?: Float64Array
): number {
  const { features: x, labels, dim, numClasses } = data;
  const rows = labels.length;
  const biasOffset = numClasses * dim;
  const block = new Float64Array(4 * numClasses);
  if (gradient) gradient.fill(0);
  const invRows = rows > 0 ? 1 / rows : 0;
  let loss = 0;

  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const r0 = i * dim;
    const r1 = r0 + dim;
    const r2 = r1 + dim;
    const r3 = r2 + dim;
    for (let c = 0; c < numClasses; c++) {
      const w = c * dim;
      const bias = parameters[biasOffset + c]!;
      let z0 = bias;
      let z1 = bias;
      let z2 = bias;
      let z3 = bias;
      for (let j = 0; j < dim; j++) {
        const weight = parameters[w + j]!;
        z0 += weight * x[r0 + j]!;
        z1 += weight * x[r1 + j]!;
        z2 += weight * x[r2 + j]!;
        z3 += weight * x[r3 + j]!;
      }
      block[c] = z0;
      block[numClasses + c] = z1;
      block[2 * numClasses + c] = z2;
      block[3 * numClasses + c] = z3;
    }
    for (let k = 0; k < 4; k++) loss += logitsToResiduals(block, k * numClasses, numClasses, labels[i + k]!, invRows);
    if (!gradient) continue;
    for (let c = 0; c < numClasses; c++) {
      const a = block[c]!;
      const b = block[numClasses + c]!;
      const e = block[2 * numClasses + c]!;
      const f = block[3 * numClasses + c]!;
      gradient[biasOffset + c] += a + b + e + f;
      const w = c * dim;
      for (let j = 0; j < dim; j++)
        gradient[w + j] += a * x[r0 + j]! + b * x[r1 + j]! + (e * x[r2 + j]! + f * x[r3 + j]!);
    }
  }
  for (; i < rows; i++) {
    const row = i * dim;
    for (let c = 0; c < numClasses; c++) {
      const w = c * dim;
      let z = parameters[biasOffset + c]!;
      for (let j = 0; j < dim; j++) z += parameters[w + j]! * x[row + j]!;
      block[c] = z;
    }
    loss += logitsToResiduals(block, 0, numClasses, labels[i]!, invRows);
    if (!gradient) continue;
    for (let c = 0; c < numClasses; c++) {
      const residual = block[c]!;
      gradient[biasOffset + c] += residual;
      const w = c * dim;
      for (let j = 0; j < dim; j++) gradient[w + j] += residual * x[row + j]!;
    }
  }
  loss *= invRows;

  let squaredNorm = 0;
  for (let k = 0; k < biasOffset; k++) {
    const w = parameters[k]!;
    squaredNorm += w * w;
    if (gradient) gradient[k] += l2 * w;
  }
  return loss + 0.5 * l2 * squaredNorm;
}

/**
 * Turns the logits `buffer[offset .. offset + C)` of one example into its scaled residuals
 * `scale * (softmax - onehot(label))` in place; returns its cross-entropy.
 */
function logitsToResiduals(
  buffer: Float64Array,
  offset: number,
  numClasses: number,
  label: number,
  scale: number
): number {
  let max = -Infinity;
  for (let c = 0; c < numClasses; c++) if (buffer[offset + c]! > max) max = buffer[offset + c]!;
  const labelLogit = buffer[offset + label]!;
  let sum = 0;
  for (let c = 0; c < numClasses; c++) {
    const e = Math.exp(buffer[offset + c]! - max);
    buffer[offset + c] = e;
    sum += e;
  }
  const factor = scale / sum;
  for (let c = 0; c < numClasses; c++) buffer[offset + c] *= factor;
  buffer[offset + label] -= scale;
  return Math.log(sum) + max - labelLogit;
}

/** Logits `[n, C]` (row-major) of `features` `[n, D]` under `parameters`. */
export function softmaxRegressionLogits(
  parameters: Float64Array,
  features: Float64Array | Float32Array,
  dim: number,
  numClasses: number
): Float64Array {
  const rows = features.length / dim;
  const biasOffset = numClasses * dim;
  const out = new Float64Array(rows * numClasses);
  for (let i = 0; i < rows; i++) {
    const row = i * dim;
    for (let c = 0; c < numClasses; c++) {
      const w = c * dim;
      let z = parameters[biasOffset + c]!;
      for (let j = 0; j < dim; j++) z += parameters[w + j]! * features[row + j]!;
      out[i * numClasses + c] = z;
    }
  }
  return out;
}

/** Row-wise argmax of `[n, C]` scores; ties go to the lowest class id. */
export function argmaxRows(scores: Float64Array, numClasses: number): Int32Array {
  const rows = scores.length / numClasses;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestScore = scores[i * numClasses]!;
    for (let c = 1; c < numClasses; c++) {
      const s = scores[i * numClasses + c]!;
      if (s > bestScore) {
        best = c;
        bestScore = s;
      }
    }
    out[i] = best;
  }
  return out;
}
