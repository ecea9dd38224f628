import type { LatentLevel } from './latent-level.js';
import { LatentLevelTrainable } from './latent-level-trainable.js';

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
 * Trains a {@link LatentLevel}'s predictor on a frozen level below, `options.steps` updates of
 * {@link LatentLevelTrainable} (see it for the objective) in memory, without checkpoints; `jepa
 * train level` runs the same trainable under the core trainer. The level stays the caller's.
 */
export function trainLatentLevel(level: LatentLevel, data: LatentTrajectories, options: LatentLevelTrainingOptions): LatentLevelTrainingResult {
  const started = performance.now();
  const trainable = new LatentLevelTrainable(level, data, options);
  const losses: number[] = [];
  try {
    for (let step = 1; step <= options.steps; step++) {
      const { loss } = trainable.trainStep(step);
      losses.push(loss);
      options.onStep?.(step, loss);
    }
  } finally {
    trainable.disposeOptimizer();
  }
  return { losses, seconds: (performance.now() - started) / 1000 };
}
