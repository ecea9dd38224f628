import * as tf from '@tensorflow/tfjs';
import {
  AdamW,
  collapseMetrics,
  guardedUpdate,
  loadModelTrainingState,
  Rng,
  saveModelTrainingState,
  warmupCosineLr,
  type HostTensor,
  type StepMetrics,
  type Trainable,
  type TrainableState,
} from '@jepa/core';
import type { ActionConditionedWorldModel } from '../model/action-conditioned-world-model.js';
import { createWorldModel, type WorldModelConfig } from '../model/create-world-model.js';
import type { FrameSequenceSource } from './frame-sequence-source.js';
import { worldModelLoss, type WorldModelLossConfig } from './world-model-loss.js';

/** Optimisation of a world model (eb_jepa: AdamW lr 1e-3, wd 1e-5, 10 % linear warm-up then cosine to 1e-5, clip 2). */
export interface WorldModelOptimizationConfig {
  /** Optimizer updates of the run. */
  readonly steps: number;
  /** Windows per update. */
  readonly batchSize: number;
  /** Peak learning rate (after the warm-up). */
  readonly lr: number;
  /** Learning rate at step 0 of the warm-up. Default 0. */
  readonly startLr?: number;
  /** Learning rate at the last update (cosine decay). */
  readonly finalLr: number;
  /** Updates of the linear warm-up from `startLr` to `lr`. */
  readonly warmupSteps: number;
  /** AdamW decoupled weight decay (constant). */
  readonly weightDecay: number;
  /** Clip the gradient norm of each module (encoder, predictor, inverse dynamics) to this; null: off. */
  readonly clipGradNorm: number | null;
  /** AdamW `[beta1, beta2]` (default PyTorch's `[0.9, 0.999]`). */
  readonly betas?: readonly [number, number];
}

/** Everything that defines a world-model training run. JSON-serialisable (saved with checkpoints). */
export interface WorldModelTrainingConfig {
  /** The architecture. */
  readonly model: WorldModelConfig;
  /** The objective: prediction steps, regularisers, inverse dynamics weight. */
  readonly loss: WorldModelLossConfig;
  /** Frames per training window (eb_jepa: 17). */
  readonly windowLength: number;
  /** Updates, batch, learning-rate schedule, decay and clipping. */
  readonly optimization: WorldModelOptimizationConfig;
  /** Seed of the initial weights and of every batch draw. */
  readonly seed: number;
}

/** The checkpoint kind of world-model runs. */
export const WORLD_MODEL_KIND = 'world-model';

/** Validates a training config against its data source up front, naming the field to change. */
export function validateWorldModelTrainingConfig(config: WorldModelTrainingConfig, source: FrameSequenceSource): void {
  const o = config.optimization;
  const problems: string[] = [];
  const positive = (value: number) => Number.isInteger(value) && value > 0;
  if (!positive(o.steps)) problems.push(`optimization.steps must be a positive integer (got ${o.steps})`);
  if (!positive(o.batchSize)) problems.push(`optimization.batchSize must be a positive integer (got ${o.batchSize})`);
  if (!(o.warmupSteps >= 0 && o.warmupSteps <= o.steps)) problems.push(`optimization.warmupSteps must be in [0, steps] (got ${o.warmupSteps})`);
  if (!(o.lr > 0)) problems.push(`optimization.lr must be > 0 (got ${o.lr})`);
  if (!Number.isInteger(config.windowLength) || config.windowLength < 2) problems.push(`windowLength must be an integer >= 2 (got ${config.windowLength})`);
  if (config.loss.predictionSteps >= config.windowLength) problems.push(`loss.predictionSteps ${config.loss.predictionSteps} needs windows longer than that (windowLength ${config.windowLength})`);
  const [height, width, channels] = source.frameShape;
  const m = config.model;
  if (height !== m.imageSize || width !== m.imageSize || channels !== m.inChannels) {
    problems.push(`model takes ${m.imageSize} x ${m.imageSize} x ${m.inChannels} frames but the data are ${height} x ${width} x ${channels}; change model.imageSize/inChannels or the rendering`);
  }
  if (source.actionDim !== m.actionDim) problems.push(`model.actionDim is ${m.actionDim} but the data's actions have ${source.actionDim} values`);
  if (problems.length) throw new Error(`Invalid world-model training config:\n  - ${problems.join('\n  - ')}`);
}

/**
 * One world-model training run as a core `Trainable`: every update draws its windows from
 * `source` with `Rng(seed).derive('batch-<step>')` (and SIGReg directions from `sigreg-<step>`),
 * so a resumed run repeats an uninterrupted one exactly; its state is the model and the AdamW
 * moments under the kind `world-model`.
 */
export class WorldModelTrainable implements Trainable {
  /** The checkpoint kind, `world-model`. */
  readonly kind = WORLD_MODEL_KIND;
  /** The world model being trained. */
  readonly model: ActionConditionedWorldModel;
  /** AdamW over the model's trainable parameters. */
  readonly optimizer: AdamW;
  private readonly root: Rng;
  private readonly parameters: Array<[string, tf.Variable]>;

  /**
   * @param config What to build and how to train it; validated against `source` first.
   * @param source Where every update's windows come from.
   * @param probe Frames whose latents the collapse diagnostic measures (optional).
   */
  constructor(
    readonly config: WorldModelTrainingConfig,
    readonly source: FrameSequenceSource,
    readonly probe?: {
      /** `[M, H, W, C]` frame values. */
      readonly frames: Float32Array;
      /** Number of frames `M`. */
      readonly count: number;
    },
  ) {
    validateWorldModelTrainingConfig(config, source);
    this.model = createWorldModel(config.model, { seed: config.seed });
    try {
      this.parameters = this.model.trainableParameters();
      const betas = config.optimization.betas;
      this.optimizer = new AdamW(this.parameters, { beta1: betas?.[0], beta2: betas?.[1] });
    } catch (error) {
      this.model.dispose();
      throw error;
    }
    this.root = new Rng(config.seed);
  }

  /** Learning rate of update `step` (1-based): linear warm-up, then cosine to `finalLr`. */
  learningRate(step: number): number {
    const o = this.config.optimization;
    return warmupCosineLr(step, { warmupSteps: o.warmupSteps, totalSteps: o.steps, startLr: o.startLr ?? 0, refLr: o.lr, finalLr: o.finalLr });
  }

  trainStep(step: number): StepMetrics {
    const { batchSize } = this.config.optimization;
    const windowLength = this.config.windowLength;
    const [height, width, channels] = this.source.frameShape;
    const batch = this.source.sample(batchSize, windowLength, this.root.derive(`batch-${step}`));
    const frames = tf.tensor4d(batch.frames, [batchSize * windowLength, height, width, channels]);
    const actions = tf.tensor3d(batch.actions, [batchSize, windowLength, this.source.actionDim]);
    const sigregRng = this.root.derive(`sigreg-${step}`);
    const kept: Record<string, tf.Scalar> = {};
    const lr = this.learningRate(step);
    const o = this.config.optimization;
    try {
      const { loss, gradNorm } = guardedUpdate(
        () => {
          const { total, parts } = worldModelLoss(this.model, frames, actions, this.config.loss, sigregRng);
          for (const [name, value] of Object.entries(parts)) kept[name] = tf.keep(value);
          return total;
        },
        { parameters: this.parameters, optimizer: this.optimizer, lr, weightDecay: o.weightDecay, ...(o.clipGradNorm !== null ? { clipGradNorm: o.clipGradNorm } : {}) },
      );
      const parts = Object.fromEntries(Object.entries(kept).map(([name, value]) => [name, value.dataSync()[0]!]));
      return { loss, ...parts, gradNorm, lr };
    } finally {
      tf.dispose([frames, actions, ...Object.values(kept)]);
    }
  }

  /** Representation-collapse diagnostic of the encoder on the probe frames. */
  async diagnostics(): Promise<Record<string, number>> {
    if (!this.probe) return {};
    const [height, width, channels] = this.source.frameShape;
    const latents = tf.tidy(() => tf.reshape(this.model.encode(tf.tensor4d(this.probe!.frames, [this.probe!.count, height, width, channels])), [this.probe!.count, -1]));
    try {
      return collapseMetrics((await latents.data()) as Float32Array, this.model.latentDim);
    } finally {
      latents.dispose();
    }
  }

  saveState(): TrainableState {
    return saveModelTrainingState(WORLD_MODEL_KIND, this.config, this.model, this.optimizer);
  }

  loadState(tensors: Map<string, HostTensor>, meta: Record<string, unknown>, source = 'checkpoint'): void {
    loadModelTrainingState(WORLD_MODEL_KIND, this.model, this.optimizer, tensors, meta, source, this.parameters);
  }

  /** Disposes the optimizer state and the model. */
  dispose(): void {
    this.optimizer.dispose();
    this.model.dispose();
  }
}
