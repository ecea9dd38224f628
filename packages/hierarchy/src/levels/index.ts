// Levels above a lower level: latent levels over frozen world-model latents, temporal JEPA levels over any per-step latents, and their training.
export { LatentLevel, type LatentLevelOptions, type MacroActionKind } from './latent-level.js';
export { trainLatentLevel, type LatentLevelTrainingOptions, type LatentLevelTrainingResult, type LatentTrajectories } from './train-latent-level.js';
export { TemporalLevel, TemporalPredictor, type TemporalLevelOptions, type TemporalLevelEncoderChoice } from './temporal-level.js';
export { TemporalWindowEncoder, type TemporalWindowEncoderOptions, type WindowPooling } from './temporal-window-encoder.js';
export { trainTemporalLevel, TEMPORAL_LEVEL_REGULARIZERS, type LatentSequences, type TemporalLevelTrainingOptions, type TemporalLevelTrainingResult } from './train-temporal-level.js';
export { encodeTrajectoryLatents, type TrajectoryFrames } from './encode-trajectory-latents.js';
export { LATENT_LEVEL_RECIPE, type LatentLevelRecipe } from './latent-level-recipe.js';
export { LATENT_LEVEL_KIND, LatentLevelTrainable } from './latent-level-trainable.js';
