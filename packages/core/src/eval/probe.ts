import type { LabelledFeatures } from './labelled-features.js';

/**
 * A classifier trained on frozen features. Every probe kind (linear today, attentive later)
 * implements this, so evaluation protocols such as {@link lowShotProbe} and {@link fullProbe}
 * work with any of them.
 */
export interface Probe {
  /** Which probe this is, e.g. `'linear'`. */
  readonly kind: string;
  /** Floats per example the probe expects. */
  readonly dim: number;
  /** Classes it predicts, ids `[0, numClasses)`. */
  readonly numClasses: number;
  /** Predicted class per row of `features` `[n, dim]`. */
  predict(features: Float32Array): Int32Array;
  /** Fraction of rows of `features` `[n, dim]` whose prediction equals `labels` `[n]`. */
  accuracy(features: Float32Array, labels: Int32Array): number;
  /** Frees whatever the probe holds (tensors, for tfjs-based probes). Optional. */
  dispose?(): void;
}

/** What a protocol tells a trainer besides the data. */
export interface ProbeTrainingContext {
  /** Seed for anything random inside training (splits, initialisation), derived per draw. */
  readonly seed: number;
  /** Classes in the task; may exceed `1 + max(train.labels)` in low-shot subsets. */
  readonly numClasses: number;
}

/**
 * Trains one probe kind on a labelled set. Async so that tfjs-based probes (which may read back
 * from a GPU) fit the same slot as synchronous host-array probes.
 */
export type ProbeTrainer = (train: LabelledFeatures, context: ProbeTrainingContext) => Probe | Promise<Probe>;

/** Fraction of equal entries of `predicted` and `labels`; throws for empty or mismatched arrays. */
export function accuracyOf(predicted: Int32Array, labels: Int32Array): number {
  if (predicted.length !== labels.length) {
    throw new RangeError(`accuracyOf: ${predicted.length} predictions for ${labels.length} labels; they must match.`);
  }
  if (labels.length === 0) {
    throw new RangeError('accuracyOf: no labels to score; pass at least one example.');
  }
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}
