import type { LatentLevel } from './latent-level.js';
import { LatentLevelTrainable } from './latent-level-trainable.js';
import type { LatentLevelTrainingOptions, LatentTrajectories } from './latent-level-training-options.js';

export type { LatentLevelTrainingOptions, LatentTrajectories } from './latent-level-training-options.js';

/** What {@link trainLatentLevel} did. */
export interface LatentLevelTrainingResult {
  /** The loss of every update, in order. */
  readonly losses: number[];
  /** Wall-clock seconds of the training. */
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
