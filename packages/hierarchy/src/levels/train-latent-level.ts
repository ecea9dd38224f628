import * as tf from '@tensorflow/tfjs';
import { AdamW, guardedUpdate, Rng, warmupCosineLr } from '@jepa/core';
import { sumMacroActions } from '../planning/macro-actions.js';
import type { LatentLevel } from './latent-level.js';

/** Trajectories as the level below sees them: its latent of every frame and the primitive actions between frames. */
export interface LatentTrajectories {
  /** Number of trajectories `N`. */
  readonly trajectories: number;
  /** Actions per trajectory `T` (latents: `T + 1`). */
  readonly steps: number;
  /** `[N, T + 1, D]`: the lower level's one-token latent of every frame. */
  readonly latents: Float32Array;
  /** `[N, T, A]`: action `t` moves frame `t` to frame `t + 1`. */
  readonly actions: Float32Array;
}

/** How {@link trainLatentLevel} trains. */
export interface LatentLevelTrainingOptions {
  /** Updates. */
  readonly steps: number;
  /** Windows per update. */
  readonly batchSize: number;
  /** Macro-steps rolled out per window (the loss covers each); a window spans `rolloutSteps * stepSkip` actions. */
  readonly rolloutSteps: number;
  readonly lr: number;
  /** Linear warm-up from 0 over these updates, then cosine to `finalLr`. Default 10 % of `steps`. */
  readonly warmupSteps?: number;
  /** Default `lr / 100`. */
  readonly finalLr?: number;
  /** Default 1e-5. */
  readonly weightDecay?: number;
  /** Default 2; null: off. */
  readonly clipGradNorm?: number | null;
  /** Seed of the window sampling. */
  readonly seed: number;
  /** Called after every update. */
  readonly onStep?: (step: number, loss: number) => void;
}

/** What {@link trainLatentLevel} did. */
export interface LatentLevelTrainingResult {
  /** The loss of every update, in order. */
  readonly losses: number[];
  readonly seconds: number;
}

/**
 * Trains a {@link LatentLevel}'s predictor on a frozen level below: each update samples windows of
 * `rolloutSteps * stepSkip` actions from random trajectories, aggregates each `stepSkip` actions into
 * a macro-action (`sumMacroActions`, divided by `stepSkip` for `mean`), rolls the level's predictor
 * out from the window's first latent and regresses every prediction onto the lower latent at the end
 * of its macro-step (mean squared error; AdamW, warm-up then cosine). Nothing below is trained.
 * Every tensor made here is disposed.
 */
export function trainLatentLevel(level: LatentLevel, data: LatentTrajectories, options: LatentLevelTrainingOptions): LatentLevelTrainingResult {
  const where = 'trainLatentLevel';
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
  const span = M * k;
  if (span > actionsPerTrajectory) {
    throw new Error(`${where}: a window of ${M} macro-steps of ${k} actions needs ${span} actions, but trajectories have ${actionsPerTrajectory}; lower rolloutSteps or use longer trajectories.`);
  }
  const started = performance.now();
  const parameters = level.trainableParameters();
  const optimizer = new AdamW(parameters);
  const rng = new Rng(options.seed).derive('latent-level-windows');
  const warmupSteps = options.warmupSteps ?? Math.round(options.steps / 10);
  const finalLr = options.finalLr ?? options.lr / 100;
  const scale = level.macroAction === 'mean' ? 1 / k : 1;
  const clipGradNorm = options.clipGradNorm === undefined ? 2 : options.clipGradNorm;
  const losses: number[] = [];
  const starts = new Float32Array(B * D);
  const macro = new Float32Array(B * M * A);
  const targets = new Float32Array(B * M * D);
  try {
    for (let step = 0; step < options.steps; step++) {
      for (let b = 0; b < B; b++) {
        const trajectory = Math.floor(rng.uniform() * trajectories);
        const first = Math.floor(rng.uniform() * (actionsPerTrajectory - span + 1));
        const frame = (t: number) => (trajectory * (actionsPerTrajectory + 1) + t) * D;
        starts.set(latents.subarray(frame(first), frame(first) + D), b * D);
        const windowActions = actions.subarray((trajectory * actionsPerTrajectory + first) * A, (trajectory * actionsPerTrajectory + first + span) * A);
        const sums = sumMacroActions(windowActions, A, k);
        for (let i = 0; i < sums.length; i++) macro[b * M * A + i] = sums[i]! * scale;
        for (let m = 0; m < M; m++) {
          const end = frame(first + (m + 1) * k);
          targets.set(latents.subarray(end, end + D), (b * M + m) * D);
        }
      }
      const lr = warmupCosineLr(step, { totalSteps: options.steps, warmupSteps, refLr: options.lr, startLr: 0, finalLr });
      const z0 = tf.tensor3d(starts, [B, 1, D]);
      const macroActions = tf.tensor3d(macro, [B, M, A]);
      const target = tf.tensor4d(targets, [B, M, 1, D]);
      try {
        const { loss } = guardedUpdate(() => tf.mean(tf.squaredDifference(level.rollout(z0, macroActions), target)) as tf.Scalar, {
          parameters,
          optimizer,
          lr,
          weightDecay: options.weightDecay ?? 1e-5,
          ...(clipGradNorm === null ? {} : { clipGradNorm }),
        });
        losses.push(loss);
        options.onStep?.(step + 1, loss);
      } finally {
        tf.dispose([z0, macroActions, target]);
      }
    }
  } finally {
    optimizer.dispose();
  }
  return { losses, seconds: (performance.now() - started) / 1000 };
}
