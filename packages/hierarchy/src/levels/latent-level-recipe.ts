import type { MacroActionKind } from './latent-level.js';

/** How a {@link LatentLevel} is built and trained (`trainLatentLevel`), as a recipe or a run records it. */
export interface LatentLevelRecipe {
  /** Lower-level steps per step of the level. */
  readonly stepSkip: number;
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
