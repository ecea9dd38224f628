import * as tf from '@tensorflow/tfjs';
import { AdamW, guardedUpdate, loadModelTrainingState, Rng, saveModelTrainingState, warmupCosineLr, type HostTensor, type StepMetrics, type Trainable, type TrainableState } from '@jepa/core';
import { sumMacroActions } from '../planning/macro-actions.js';
import type { LatentLevel } from './latent-level.js';
import type { LatentLevelTrainingOptions, LatentTrajectories } from './latent-level-training-options.js';

/** The kind of a level's checkpoints (`meta.kind`) and of `jepa train level` runs. */
export const LATENT_LEVEL_KIND = 'level';

/**
 * A {@link LatentLevel}'s training as a core `Trainable` (the trainer checkpoints and resumes it
 * exactly): each update samples windows of `rolloutSteps * stepSkip` actions from random
 * trajectories (drawn from `Rng(seed)` derived per step, so a resumed run draws the same), aggregates
 * each `stepSkip` actions into a macro-action (`sumMacroActions`, divided by `stepSkip` for `mean`),
 * rolls the level's predictor out from the window's first latent and regresses every prediction
 * onto the lower latent at the end of its macro-step (mean squared error; AdamW, linear warm-up then
 * cosine). Nothing below is trained. `options.steps` is the schedule's length.
 *
 * The checkpoint holds `predictor.*`, the AdamW moments, and `meta.config` (`options` without
 * `onStep`, as `training`, and the level's options, as `model`).
 */
export class LatentLevelTrainable implements Trainable {
  private readonly optimizer: AdamW;
  private readonly parameters: Array<[string, tf.Variable]>;
  private readonly root: Rng;
  private readonly starts: Float32Array;
  private readonly macro: Float32Array;
  private readonly targets: Float32Array;

  constructor(
    /** The level being trained (its predictor's weights change). */
    readonly level: LatentLevel,
    private readonly data: LatentTrajectories,
    /** Updates, batch, rollout length and learning-rate schedule. */
    readonly options: LatentLevelTrainingOptions,
  ) {
    const where = 'LatentLevelTrainable';
    const { trajectories, steps: actionsPerTrajectory, latents, actions } = data;
    const D = level.latentDim;
    const A = level.actionDim;
    const k = level.stepSkip;
    const M = options.rolloutSteps;
    const B = options.batchSize;
    if (!Number.isInteger(trajectories) || trajectories < 1) throw new Error(`${where}: trajectories must be a positive integer, got ${String(trajectories)}.`);
    if (latents.length !== trajectories * (actionsPerTrajectory + 1) * D) {
      throw new Error(`${where}: latents hold ${latents.length} values, not [${trajectories}, ${actionsPerTrajectory + 1}, ${D}] (the level's latentDim is ${D}).`);
    }
    if (actions.length !== trajectories * actionsPerTrajectory * A) {
      throw new Error(`${where}: actions hold ${actions.length} values, not [${trajectories}, ${actionsPerTrajectory}, ${A}].`);
    }
    for (const [name, value] of Object.entries({ steps: options.steps, batchSize: B, rolloutSteps: M })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${String(value)}.`);
    }
    if (M * k > actionsPerTrajectory) {
      throw new Error(`${where}: a window of ${M} macro-steps of ${k} actions needs ${M * k} actions, but trajectories have ${actionsPerTrajectory}; lower rolloutSteps or use longer trajectories.`);
    }
    this.parameters = level.trainableParameters();
    this.optimizer = new AdamW(this.parameters);
    this.root = new Rng(options.seed).derive('latent-level-windows');
    this.starts = new Float32Array(B * D);
    this.macro = new Float32Array(B * M * A);
    this.targets = new Float32Array(B * M * D);
  }

  /** The learning rate of update `step` (1-based): warm-up (default 10 % of `steps`) from 0, then cosine to `finalLr` (default `lr / 100`). */
  learningRate(step: number): number {
    const { steps, lr } = this.options;
    return warmupCosineLr(step - 1, { totalSteps: steps, warmupSteps: this.options.warmupSteps ?? Math.round(steps / 10), refLr: lr, startLr: 0, finalLr: this.options.finalLr ?? lr / 100 });
  }

  trainStep(step: number): StepMetrics {
    const { trajectories, steps: T, latents, actions } = this.data;
    const D = this.level.latentDim;
    const A = this.level.actionDim;
    const k = this.level.stepSkip;
    const M = this.options.rolloutSteps;
    const B = this.options.batchSize;
    const span = M * k;
    const scale = this.level.macroAction === 'mean' ? 1 / k : 1;
    const rng = this.root.derive(`batch-${step}`);
    for (let b = 0; b < B; b++) {
      const trajectory = Math.floor(rng.uniform() * trajectories);
      const first = Math.floor(rng.uniform() * (T - span + 1));
      const frame = (t: number) => (trajectory * (T + 1) + t) * D;
      this.starts.set(latents.subarray(frame(first), frame(first) + D), b * D);
      const sums = sumMacroActions(actions.subarray((trajectory * T + first) * A, (trajectory * T + first + span) * A), A, k);
      for (let i = 0; i < sums.length; i++) this.macro[b * M * A + i] = sums[i]! * scale;
      for (let m = 0; m < M; m++) {
        const end = frame(first + (m + 1) * k);
        this.targets.set(latents.subarray(end, end + D), (b * M + m) * D);
      }
    }
    const lr = this.learningRate(step);
    const clipGradNorm = this.options.clipGradNorm === undefined ? 2 : this.options.clipGradNorm;
    const z0 = tf.tensor3d(this.starts, [B, 1, D]);
    const macroActions = tf.tensor3d(this.macro, [B, M, A]);
    const target = tf.tensor4d(this.targets, [B, M, 1, D]);
    try {
      const { loss, gradNorm } = guardedUpdate(() => tf.mean(tf.squaredDifference(this.level.rollout(z0, macroActions), target)) as tf.Scalar, {
        parameters: this.parameters,
        optimizer: this.optimizer,
        lr,
        weightDecay: this.options.weightDecay ?? 1e-5,
        ...(clipGradNorm === null ? {} : { clipGradNorm }),
      });
      return { loss, gradNorm, lr };
    } finally {
      tf.dispose([z0, macroActions, target]);
    }
  }

  saveState(): TrainableState {
    const { onStep: _onStep, ...training } = this.options;
    return saveModelTrainingState(LATENT_LEVEL_KIND, { model: this.level.options, training }, this.level, this.optimizer);
  }

  loadState(tensors: Map<string, HostTensor>, meta: Record<string, unknown>, source = 'checkpoint'): void {
    loadModelTrainingState(LATENT_LEVEL_KIND, this.level, this.optimizer, tensors, meta, source, this.parameters);
  }

  /** Frees the optimizer's moments; the level stays its owner's. */
  disposeOptimizer(): void {
    this.optimizer.dispose();
  }
}
