import type * as tf from '@tensorflow/tfjs';
import { measureCollapse, type Encoder, type LabeledImages } from '@jepa/core';
import { extractFeatures, type Normalization, normalizeBatch, type ProbeEvaluation, probeFeatures } from '@jepa/vision';
import type { TextStream } from '../../cli-io.js';

/** Representation-collapse diagnostics of features on the held-out images. */
export interface CollapseSummary {
  /** RankMe effective rank of the centred features, in `[1, dim]` (higher: more directions used). */
  readonly effectiveRank: number;
  /** Mean over dimensions of the per-dimension std (near 0: collapsed). */
  readonly featureStdMean: number;
  /** Smallest per-dimension std. */
  readonly featureStdMin: number;
  /** Fraction of dimensions with (almost) no spread. */
  readonly deadFraction: number;
  /** Feature rows measured. */
  readonly samples: number;
  /** Feature dimensions. */
  readonly dim: number;
}

/** One row of the probe table: what was probed and how well a linear probe reads the labels from it. */
export interface ProbeRow extends ProbeEvaluation {
  /** Human-readable name, e.g. `I-JEPA target encoder`. */
  readonly label: string;
  /** Seconds spent computing the features of the train and held-out images. */
  readonly featureSeconds: number;
  /** Collapse diagnostics of the same features. */
  readonly collapse: CollapseSummary;
}

/** Settings shared by every row of a probe table. */
export interface ProbeSuiteOptions {
  readonly shotsPerClass: number;
  readonly draws: number;
  /** Also train the full-label probe (every train image). */
  readonly full: boolean;
  /** Seed of the low-shot draws and probe training. */
  readonly seed: number;
  readonly normalization: Normalization;
  /** Where to say what is being computed (one line per row). */
  readonly log?: TextStream;
}

const round = (value: number, digits = 6) => Number(value.toFixed(digits));

function collapseOf(features: Float32Array, dim: number): CollapseSummary {
  const report = measureCollapse(features, dim);
  return {
    effectiveRank: round(report.effectiveRank, 3),
    featureStdMean: round(report.meanStd),
    featureStdMin: round(report.minStd),
    deadFraction: round(report.deadFraction, 4),
    samples: report.samples,
    dim,
  };
}

async function probeRow(
  name: string,
  label: string,
  dim: number,
  features: (set: LabeledImages) => Promise<Float32Array>,
  train: LabeledImages,
  heldOut: LabeledImages,
  options: ProbeSuiteOptions,
): Promise<ProbeRow> {
  options.log?.write(`probing ${label}: features of ${train.count} train + ${heldOut.count} held-out images...\n`);
  const started = performance.now();
  const trainFeatures = await features(train);
  const heldOutFeatures = await features(heldOut);
  const featureSeconds = (performance.now() - started) / 1000;
  const evaluation = await probeFeatures(
    name,
    { features: trainFeatures, labels: train.labels, dim },
    { features: heldOutFeatures, labels: heldOut.labels, dim },
    { shotsPerClass: options.shotsPerClass, draws: options.draws, seed: options.seed, lowShotOnly: !options.full },
  );
  return { ...evaluation, label, featureSeconds: round(featureSeconds, 3), seconds: round(evaluation.seconds, 3), collapse: collapseOf(heldOutFeatures, dim) };
}

/** Probes an encoder's average-pooled tokens (the I-JEPA evaluation protocol). */
export function probeEncoderRow(name: string, label: string, encoder: Encoder<tf.Tensor4D>, train: LabeledImages, heldOut: LabeledImages, options: ProbeSuiteOptions): Promise<ProbeRow> {
  const features = (set: LabeledImages) => extractFeatures(encoder, set, { normalization: options.normalization });
  return probeRow(name, label, encoder.embedDim, features, train, heldOut, options);
}

/** The raw-pixel baseline: the same probes on normalised pixels. */
export function probePixelsRow(train: LabeledImages, heldOut: LabeledImages, options: ProbeSuiteOptions): Promise<ProbeRow> {
  const dim = train.height * train.width * train.channels;
  const features = async (set: LabeledImages) => normalizeBatch(set.images, set.count, set.height, set.width, set.channels, options.normalization);
  return probeRow('pixels', 'raw pixels', dim, features, train, heldOut, options);
}
