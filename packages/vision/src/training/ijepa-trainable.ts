import * as tf from '@tensorflow/tfjs';
import {
  cosineWeightDecay,
  JepaTrainable,
  linearMomentum,
  MultiBlockMaskSampler,
  warmupCosineLr,
  type MultiBlockMaskConfig,
  type StepHyperParameters,
  type StepMetrics,
} from '@jepa/core';
import { sampleBatch } from '../data/batches.js';
import type { LabeledImages } from '@jepa/core';
import { randomResizedCrop } from '../data/transforms.js';
import { extractFeatures, normalizeBatch, type Normalization } from './image-features.js';
import { createIJepa, IJEPA_DEFAULTS, type IJepaModel, type IJepaModelConfig } from '../model/ijepa.js';

/** Optimisation settings, in steps (the official configs count epochs; we convert). */
export interface IJepaOptimizationConfig {
  /** Optimizer updates of the run. */
  readonly steps: number;
  /** Images per update. */
  readonly batchSize: number;
  /** Updates of the linear learning-rate warm-up from `startLr` to `lr`. */
  readonly warmupSteps: number;
  /** Learning rate at the start of the warm-up. */
  readonly startLr: number;
  /** Peak learning rate, reached at the end of the warm-up. */
  readonly lr: number;
  /** Learning rate at the last update (cosine decay from `lr`). */
  readonly finalLr: number;
  /** Weight decay at the first update (cosine towards `finalWeightDecay`). */
  readonly weightDecay: number;
  /** Weight decay at the last update. */
  readonly finalWeightDecay: number;
  /** EMA momentum from `[0]` to `[1]` over the run. */
  readonly ema: readonly [number, number];
  /** AdamW `[beta1, beta2]` (default PyTorch's `[0.9, 0.999]`). */
  readonly betas?: readonly [number, number];
  /** Clip the gradient norm of each module (encoder, predictor) to this; off when absent. */
  readonly clipGradNorm?: number;
}

/** Everything that defines an I-JEPA training run. JSON-serialisable (it is saved with checkpoints). */
export interface IJepaTrainingConfig {
  /** The model's sizes. */
  readonly model: IJepaModelConfig;
  /** The multi-block mask settings (the grid follows from the model). */
  readonly masks: Omit<MultiBlockMaskConfig, 'grid'>;
  /** Updates, batch, schedules. */
  readonly optimization: IJepaOptimizationConfig;
  /** The random crops applied to every training image. */
  readonly augmentation: {
    /** RandomResizedCrop scale range (official 0.3..1.0); null turns cropping off. */
    readonly cropScale: readonly [number, number] | null;
    /** RandomResizedCrop aspect-ratio range (default torchvision's `[3/4, 4/3]`). */
    readonly cropRatio?: readonly [number, number];
  };
  /** Per-channel mean and std applied to the images. */
  readonly normalization: Normalization;
  /** Seed of the initial weights, the batch order, the crops and the masks. */
  readonly seed: number;
}

/** Official optimisation defaults expressed for a run of `steps` updates. */
export function officialOptimization(steps: number, batchSize: number): IJepaOptimizationConfig {
  const o = IJEPA_DEFAULTS.optimization;
  return {
    steps,
    batchSize,
    warmupSteps: Math.round((steps * o.warmupEpochs) / o.epochs),
    startLr: o.startLr,
    lr: o.lr,
    finalLr: o.finalLr,
    weightDecay: o.weightDecay,
    finalWeightDecay: o.finalWeightDecay,
    ema: o.ema,
    betas: o.betas,
  };
}

/** Validates a training config up front, naming the field to change. */
export function validateTrainingConfig(config: IJepaTrainingConfig, dataset: LabeledImages): void {
  const o = config.optimization;
  const problems: string[] = [];
  if (!Number.isInteger(o.steps) || o.steps <= 0) problems.push(`optimization.steps must be a positive integer (got ${o.steps})`);
  if (!Number.isInteger(o.batchSize) || o.batchSize <= 0) problems.push(`optimization.batchSize must be a positive integer (got ${o.batchSize})`);
  if (o.batchSize > dataset.count) problems.push(`optimization.batchSize ${o.batchSize} exceeds the ${dataset.count} training images`);
  if (!(o.warmupSteps >= 0 && o.warmupSteps <= o.steps)) problems.push(`optimization.warmupSteps must be in [0, steps] (got ${o.warmupSteps})`);
  if (!(o.lr > 0)) problems.push(`optimization.lr must be > 0 (got ${o.lr})`);
  const m = config.model;
  if (dataset.channels !== (m.inChannels ?? 3)) problems.push(`model.inChannels is ${m.inChannels ?? 3} but the images have ${dataset.channels} channels`);
  if (dataset.height !== m.imageSize || dataset.width !== m.imageSize) problems.push(`model.imageSize is ${m.imageSize} but the images are ${dataset.height}x${dataset.width}; resize them or change imageSize`);
  if (problems.length) throw new Error(`Invalid I-JEPA training config:\n  - ${problems.join('\n  - ')}`);
}

/**
 * One I-JEPA training run as a core `Trainable`, on the {@link JepaTrainable} skeleton (root
 * `Rng(seed)`, shuffled epochs, masks, the update, diagnostics, strict save/load as kind `ijepa`).
 * What is I-JEPA's own: the images of update `s` (the epoch's shuffled batch, random resized crops
 * from `root.derive('augment-<s>')`, normalisation), the warm-up cosine learning rate, cosine
 * weight decay and linear EMA momentum, and every target block predicted from the context block.
 */
export class IJepaTrainable extends JepaTrainable<tf.Tensor4D, IJepaModel, IJepaTrainingConfig, MultiBlockMaskSampler> {
  /**
   * @param config What to build and how to train it; validated against `dataset` first.
   * @param dataset The training images.
   * @param probeSet Held-out images whose target-encoder features the collapse diagnostic measures (optional).
   */
  constructor(config: IJepaTrainingConfig, readonly dataset: LabeledImages, readonly probeSet?: LabeledImages) {
    validateTrainingConfig(config, dataset);
    const o = config.optimization;
    super({
      kind: 'ijepa',
      config,
      seed: config.seed,
      batchSize: o.batchSize,
      sampleCount: dataset.count,
      model: createIJepa(config.model, { seed: config.seed }),
      createSampler: (built) => new MultiBlockMaskSampler({ ...config.masks, grid: built.contextEncoder.grid }),
      optimizer: { beta1: o.betas?.[0], beta2: o.betas?.[1] },
    });
  }

  /** Learning rate, weight decay and EMA momentum of update `step`, and `clipGradNorm` when the config sets one. */
  hyperParameters(step: number): StepHyperParameters {
    const o = this.config.optimization;
    return {
      lr: warmupCosineLr(step, { warmupSteps: o.warmupSteps, totalSteps: o.steps, startLr: o.startLr, refLr: o.lr, finalLr: o.finalLr }),
      weightDecay: cosineWeightDecay(step, { totalSteps: o.steps, refWeightDecay: o.weightDecay, finalWeightDecay: o.finalWeightDecay }),
      momentum: linearMomentum(step, { totalSteps: o.steps, start: o.ema[0], end: o.ema[1] }),
      ...(o.clipGradNorm !== undefined ? { clipGradNorm: o.clipGradNorm } : {}),
    };
  }

  /** The images of update `step`, augmented and normalised: `[B, H, W, C]`. */
  batchFor(step: number): Float32Array {
    const indices = this.batchIndices(step);
    const rng = this.root.derive(`augment-${step}`);
    const { cropScale, cropRatio } = this.config.augmentation;
    const { height, width, channels } = this.dataset;
    const batch = sampleBatch(this.dataset, indices, {
      augment: cropScale ? (image) => randomResizedCrop(image, { height, width }, rng, { scale: [...cropScale] as [number, number], ratio: cropRatio ? ([...cropRatio] as [number, number]) : undefined }) : undefined,
    });
    return normalizeBatch(batch.images, batch.batchSize, height, width, channels, this.config.normalization);
  }

  /** One update on the images of {@link batchFor} (synchronous). */
  override trainStep(step: number): StepMetrics {
    return super.trainStep(step) as StepMetrics;
  }

  protected inputFor(step: number): tf.Tensor4D {
    const { height, width, channels } = this.dataset;
    return tf.tensor4d(this.batchFor(step), [this.batchSize, height, width, channels]);
  }

  protected async probeFeatures(): Promise<Float32Array | undefined> {
    if (!this.probeSet) return undefined;
    return extractFeatures(this.model.targetEncoder, this.probeSet, { normalization: this.config.normalization });
  }
}
