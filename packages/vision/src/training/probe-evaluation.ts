import type * as tf from '@tensorflow/tfjs';
import { fullProbe, lowShotProbe, type Encoder, type LabelledFeatures } from '@jepa/core';
import type { LabeledImages } from '@jepa/core';
import { extractFeatures, normalizeBatch, type Normalization } from './image-features.js';

/** Settings of a probe evaluation (the I-JEPA low-shot protocol on frozen features). */
export interface ProbeEvaluationOptions {
  /** Labelled examples per class in each low-shot draw (default 10). */
  readonly shotsPerClass?: number;
  /** Low-shot draws (default 5). */
  readonly draws?: number;
  /** Seed of the low-shot draws and the probes (default 0). */
  readonly seed?: number;
  /** Per-channel normalisation applied to the images before the encoder (and to the pixel baseline). */
  readonly normalization?: Normalization;
  /** Skip the full-label probe (e.g. for quick diagnostics). */
  readonly lowShotOnly?: boolean;
}

/** Accuracy of linear probes on one kind of features. */
export interface ProbeEvaluation {
  /** What was probed, e.g. `ijepa`, `pixels`, `random-encoder`. */
  readonly name: string;
  /** Feature dimensions. */
  readonly dim: number;
  /** The low-shot probe. */
  readonly lowShot: {
    /** Labelled examples per class in each draw. */
    readonly shotsPerClass: number;
    /** Mean test accuracy over the draws, in 0..1. */
    readonly mean: number;
    /** Standard deviation of the test accuracy over the draws. */
    readonly std: number;
    /** Test accuracy of each draw. */
    readonly accuracies: number[];
  };
  /** The full-label probe (absent with `lowShotOnly`). */
  readonly full?: {
    /** Test accuracy, in 0..1. */
    readonly accuracy: number;
  };
  /** Seconds spent probing. */
  readonly seconds: number;
}

/** Probes features `[n, dim]` of a train and a test set. */
export async function probeFeatures(name: string, train: LabelledFeatures, test: LabelledFeatures, options: ProbeEvaluationOptions = {}): Promise<ProbeEvaluation> {
  const started = performance.now();
  const shotsPerClass = options.shotsPerClass ?? 10;
  const low = await lowShotProbe(train, test, { shotsPerClass, draws: options.draws ?? 5, seed: options.seed ?? 0 });
  const full = options.lowShotOnly ? undefined : await fullProbe(train, test, { seed: options.seed ?? 0 });
  full?.probe.dispose?.();
  return {
    name,
    dim: train.dim,
    lowShot: { shotsPerClass, mean: low.mean, std: low.std, accuracies: low.accuracies },
    full: full ? { accuracy: full.accuracy } : undefined,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Probes an encoder's average-pooled tokens (the paper's protocol). */
export async function probeEncoder(name: string, encoder: Encoder<tf.Tensor4D>, train: LabeledImages, test: LabeledImages, options: ProbeEvaluationOptions = {}): Promise<ProbeEvaluation> {
  const norm = options.normalization;
  const trainFeatures = await extractFeatures(encoder, train, { normalization: norm });
  const testFeatures = await extractFeatures(encoder, test, { normalization: norm });
  const dim = encoder.embedDim;
  return probeFeatures(name, { features: trainFeatures, labels: train.labels, dim }, { features: testFeatures, labels: test.labels, dim }, options);
}

/** The raw-pixel baseline: the same probes on normalised pixels. */
export async function probePixels(train: LabeledImages, test: LabeledImages, options: ProbeEvaluationOptions = {}): Promise<ProbeEvaluation> {
  const dim = train.height * train.width * train.channels;
  const pixels = (set: LabeledImages) => options.normalization
    ? normalizeBatch(set.images, set.count, set.height, set.width, set.channels, options.normalization)
    : set.images;
  return probeFeatures('pixels', { features: pixels(train), labels: train.labels, dim }, { features: pixels(test), labels: test.labels, dim }, options);
}
