import type { MacroActionKind } from './latent-level.js';

/** How a {@link LatentLevel} is built and trained (`trainLatentLevel`), as a recipe or a run records it. */
export interface LatentLevelRecipe {
  /** Lower-level steps per step of the level. */
  readonly stepSkip: number;
  /** How a window's primitive actions become its macro-action. */
  readonly macroAction: MacroActionKind;
  /** Width of the predictor's action embedding. */
  readonly actionEmbedDim: number;
  /** Updates. */
  readonly steps: number;
  /** Windows per update. */
  readonly batchSize: number;
  /** Macro-steps rolled out per window. */
  readonly rolloutSteps: number;
  /** Peak learning rate (warm-up, then cosine). */
  readonly lr: number;
  /** Seed of the weights and of the window sampling. */
  readonly seed: number;
}

/**
 * The default level recipe (`jepa train level`): 15 lower steps per step, the mean of a window's
 * actions as its macro-action (the same bounds as a primitive action), a 64-wide action embedding,
 * 6,000 updates of 64 windows of 5 macro-steps at 2e-3 (about 150 s on two CPU cores over the
 * 128-wide latents of the Two Rooms recipe).
 */
export const LATENT_LEVEL_RECIPE = {
  /** 15 lower steps per step. */
  stepSkip: 15,
  /** The mean of a window's actions: the same bounds as a primitive action. */
  macroAction: 'mean',
  /** {@inheritDoc LatentLevelRecipe.actionEmbedDim} */
  actionEmbedDim: 64,
  /** {@inheritDoc LatentLevelRecipe.steps} */
  steps: 6000,
  /** {@inheritDoc LatentLevelRecipe.batchSize} */
  batchSize: 64,
  /** {@inheritDoc LatentLevelRecipe.rolloutSteps} */
  rolloutSteps: 5,
  /** {@inheritDoc LatentLevelRecipe.lr} */
  lr: 2e-3,
  /** {@inheritDoc LatentLevelRecipe.seed} */
  seed: 1,
} as const satisfies LatentLevelRecipe;
