import * as tf from '@tensorflow/tfjs';

/** One named, weighted scalar of a loss. */
export interface LossTerm {
  /** How the part is logged, e.g. `prediction`, `variance`; unique within one call. */
  readonly name: string;
  /** Its coefficient in the total; a term with weight 0 is logged but left out of the total. */
  readonly weight: number;
  /** The unweighted value. */
  readonly value: tf.Scalar;
}

/** A total loss and the unweighted parts it was made of, for a trainer to log. */
export interface RegularizedLoss {
  /** `sum_i weight_i * value_i` over the terms with a non-zero weight (0 when there are none). */
  readonly total: tf.Scalar;
  /** Each term's unweighted `value` by name: the very tensors passed in, not copies. */
  readonly parts: Readonly<Record<string, tf.Scalar>>;
}

/**
 * Adds weighted loss terms: `total = sum_i weight_i * value_i`, and `parts[name_i] = value_i`.
 *
 * `total` is a new tensor; the parts are the caller's tensors. Inside `tf.variableGrads(f)`, `f`
 * returns `total`: read the parts (or `tf.keep` them) before `f` returns, since tensors made
 * inside `f` are disposed afterwards.
 *
 * @example
 * const { total, parts } = regularizedLoss([
 *   { name: 'prediction', weight: 1, value: predictionLoss },
 *   ...regularizerTerms(latents, EB_JEPA_TWO_ROOMS_REGULARIZERS),
 * ]);
 */
export function regularizedLoss(terms: readonly LossTerm[]): RegularizedLoss {
  const parts: Record<string, tf.Scalar> = {};
  for (const [index, term] of terms.entries()) {
    if (typeof term.name !== 'string' || term.name === '') {
      throw new Error(`regularizedLoss: term ${index} needs a non-empty name (it is the key under which the part is logged).`);
    }
    if (Object.prototype.hasOwnProperty.call(parts, term.name)) {
      throw new Error(`regularizedLoss: two terms are named '${term.name}'; give each term its own name (e.g. 'variance.level0', 'variance.level1').`);
    }
    if (!Number.isFinite(term.weight)) {
      throw new Error(`regularizedLoss: term '${term.name}' has weight ${String(term.weight)}; weights must be finite numbers (use 0 to log a term without training on it).`);
    }
    if (!(term.value instanceof tf.Tensor) || term.value.rank !== 0) {
      const shape = term.value instanceof tf.Tensor ? `[${term.value.shape.join(', ')}]` : typeof term.value;
      throw new Error(`regularizedLoss: term '${term.name}' must have a scalar value, got ${shape}; reduce it first (e.g. tf.mean).`);
    }
    parts[term.name] = term.value;
  }
  const total = tf.tidy(() => {
    const weighted = terms.filter((term) => term.weight !== 0).map((term) => tf.mul(term.value, term.weight));
    if (weighted.length === 0) return tf.scalar(0);
    return (weighted.length === 1 ? weighted[0]! : tf.addN(weighted)) as tf.Scalar;
  });
  return { total, parts };
}
