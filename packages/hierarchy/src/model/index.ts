export type { ActionCondition, ActionPredictor } from './action-predictor.js';
export { ActionConditionedWorldModel, type FrameObservation, type WorldModelParts } from './action-conditioned-world-model.js';
export { BlockCausalActionPredictor, type BlockCausalActionPredictorOptions } from './block-causal-action-predictor.js';
export { createWorldModel, type WorldModelConfig, type WorldModelPredictorConfig } from './create-world-model.js';
export { GruActionPredictor, type GruActionPredictorOptions } from './gru-action-predictor.js';
export { InverseDynamicsModel } from './inverse-dynamics-model.js';
export { PatchConvEncoder, type PatchConvEncoderOptions } from './patch-conv-encoder.js';
