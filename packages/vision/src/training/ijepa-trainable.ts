import * as tf from '@tensorflow/tfjs';
import {
  AdamW,
  cosineWeightDecay,
  linearMomentum,
  collapseMetrics,
  loadModelTrainingState,
  MultiBlockMaskSampler,
  Rng,
  saveModelTrainingState,
  warmupCosineLr,
  type HostTensor,
  type MultiBlockMaskConfig,
  type StepMetrics,
  type Trainable,
  type TrainableState,
} from '@jepa/core';
import { sampleBatch } from '../data/batches.js';
import type { LabeledImages } from '@jepa/core';
import { randomResizedCrop } from '../data/transforms.js';
import { extractFeatures, normalizeBatch, type Normalization } from './image-features.js';
import { createIJepa, IJEPA_DEFAULTS, type IJepaModel, type IJepaModelConfig } from '../model/ijepa.js';

/** Optimisation settings, in steps (the official configs count epochs; we convert). */
export interface IJepaOptimizationConfig {
  readonly steps: number;
  readonly batchSize: number;
  readonly warmupSteps: number;
  readonly startLr: number;
  readonly lr: number;
  readonly finalLr: number;
  readonly weightDecay: number;
  readonly finalWeightDecay: number;
  /** EMA momentum from `[0]` to `[1]` over the run. */
  readonly ema: readonly [number, number];
  readonly betas?: readonly [number, number];
  readonly clipGradNorm?: number;
}

/** Everything that defines an I-JEPA training run. JSON-serialisable (it is saved with checkpoints). */
export interface IJepaTrainingConfig {
  readonly model: IJepaModelConfig;
  readonly masks: Omit<MultiBlockMaskConfig, 'grid'>;
  readonly optimization: IJepaOptimizationConfig;
  readonly augmentation: {
    /** RandomResizedCrop scale range (official 0.3..1.0); null turns cropping off. */
    readonly cropScale: readonly [number, number] | null;
    readonly cropRatio?: readonly [number, number];
  };
  readonly normalization: Normalization;
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
 * One I-JEPA training run as a {@link Trainable}: every random choice of update `s` (batch
 * order, crops, masks) comes from streams derived from `(seed, s)`, so a resumed run repeats an
 * uninterrupted one exactly. Its state is the three modules and the AdamW moments.
 */
export class IJepaTrainable implements Trainable {
  readonly model: IJepaModel;
  readonly optimizer: AdamW;
  readonly sampler: MultiBlockMaskSampler;
  private readonly root: Rng;
  private readonly stepsPerEpoch: number;
  private epochOrder: { epoch: number; order: Int32Array } | null = null;

  constructor(readonly config: IJepaTrainingConfig, readonly dataset: LabeledImages, readonly probeSet?: LabeledImages) {
    validateTrainingConfig(config, dataset);
    this.model = createIJepa(config.model, { seed: config.seed });
    const o = config.optimization;
    this.optimizer = new AdamW(this.model.jepa.trainableParameters(), { beta1: o.betas?.[0], beta2: o.betas?.[1] });
    this.sampler = new MultiBlockMaskSampler({ ...config.masks, grid: this.model.contextEncoder.grid });
    this.root = new Rng(config.seed);
    this.stepsPerEpoch = Math.floor(dataset.count / o.batchSize);
  }

  /** The epoch (0-based) update `step` (1-based) belongs to. */
  epochOf(step: number): number {
    return Math.floor((step - 1) / this.stepsPerEpoch);
  }

  /** Learning rate, weight decay and EMA momentum of update `step`. */
  hyperParameters(step: number) {
    const o = this.config.optimization;
    return {
      lr: warmupCosineLr(step, { warmupSteps: o.warmupSteps, totalSteps: o.steps, startLr: o.startLr, refLr: o.lr, finalLr: o.finalLr }),
      weightDecay: cosineWeightDecay(step, { totalSteps: o.steps, refWeightDecay: o.weightDecay, finalWeightDecay: o.finalWeightDecay }),
      momentum: linearMomentum(step, { totalSteps: o.steps, start: o.ema[0], end: o.ema[1] }),
    };
  }

  /** The images of update `step`, augmented and normalised: `[B, H, W, C]`. */
  batchFor(step: number): Float32Array {
    const { batchSize } = this.config.optimization;
    const epoch = this.epochOf(step);
    if (this.epochOrder?.epoch !== epoch) {
      this.epochOrder = { epoch, order: this.root.derive(`epoch-${epoch}`).shuffle(Int32Array.from({ length: this.dataset.count }, (_, i) => i)) };
    }
    const position = ((step - 1) % this.stepsPerEpoch) * batchSize;
    const indices = this.epochOrder.order.subarray(position, position + batchSize);
    const rng = this.root.derive(`augment-${step}`);
    const { cropScale, cropRatio } = this.config.augmentation;
    const { height, width, channels } = this.dataset;
    const batch = sampleBatch(this.dataset, indices, {
      augment: cropScale ? (image) => randomResizedCrop(image, { height, width }, rng, { scale: [...cropScale] as [number, number], ratio: cropRatio ? ([...cropRatio] as [number, number]) : undefined }) : undefined,
    });
    return normalizeBatch(batch.images, batch.batchSize, height, width, channels, this.config.normalization);
  }

  trainStep(step: number): StepMetrics {
    const { batchSize } = this.config.optimization;
    const { height, width, channels } = this.dataset;
    const pixels = this.batchFor(step);
    const masks = this.sampler.sample(batchSize, this.root.derive(`masks-${step}`));
    const images = tf.tensor4d(pixels, [batchSize, height, width, channels]);
    const hyper = this.hyperParameters(step);
    try {
      const { loss, gradNorm } = this.model.jepa.step(images, masks, this.optimizer, { ...hyper, clipGradNorm: this.config.optimization.clipGradNorm });
      return { loss, gradNorm, lr: hyper.lr, weightDecay: hyper.weightDecay, momentum: hyper.momentum, epoch: this.epochOf(step) };
    } finally {
      tf.dispose([images, ...masks.context, ...masks.target]);
    }
  }

  /** Representation-collapse diagnostic of the target encoder on the probe set. */
  async diagnostics(): Promise<Record<string, number>> {
    if (!this.probeSet) return {};
    const features = await extractFeatures(this.model.targetEncoder, this.probeSet, { normalization: this.config.normalization });
    return collapseMetrics(features, this.model.targetEncoder.embedDim);
  }

  saveState(): TrainableState {
    return saveModelTrainingState('ijepa', this.config, this.model, this.optimizer);
  }

  loadState(tensors: Map<string, HostTensor>, meta: Record<string, unknown>, source = 'checkpoint'): void {
    loadModelTrainingState('ijepa', this.model, this.optimizer, tensors, meta, source);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
