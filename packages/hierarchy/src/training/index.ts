export type { FrameSequenceBatch, FrameSequenceSource } from './frame-sequence-source.js';
export { worldModelLoss, type WorldModelLossConfig } from './world-model-loss.js';
export {
  validateWorldModelTrainingConfig,
  WORLD_MODEL_KIND,
  WorldModelTrainable,
  type WorldModelOptimizationConfig,
  type WorldModelTrainingConfig,
} from './world-model-trainable.js';
