// Levels above a trained world model: latent levels over frozen lower latents, and their training.
export { LatentLevel, type LatentLevelOptions, type MacroActionKind } from './latent-level.js';
export { trainLatentLevel, type LatentLevelTrainingOptions, type LatentLevelTrainingResult, type LatentTrajectories } from './train-latent-level.js';
export { encodeTrajectoryLatents, type TrajectoryFrames } from './encode-trajectory-latents.js';
