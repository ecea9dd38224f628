/**
 * The JEPA building blocks, browser-safe: token-grid contracts (encoders, predictors with a
 * condition, attention masks), transformer layers with PyTorch names, ViT sizes, multi-block masks,
 * the JEPA objective and its NaN-guarded update, AdamW, EMA, schedules, the trainable skeleton and
 * training loop, seeded randomness, image data, safetensors and `torch.save` readers over bytes,
 * probes and backends. Files, folders and the trainer's run folder are in `@jepa/core/node`.
 *
 * An explicit barrel; docs/architecture.md maps the folders.
 *
 * @module @jepa/core
 */

// tensors and ops
export { matMul2d, matMul2dBias, matMul2dBiasGelu, batchMatMul } from './ops/mat-mul.js';
export { fusedSelfAttention, selfAttentionFuses } from './ops/fused-attention.js';
export { gatherRows, gatherTokens } from './ops/gather-rows.js';
export { patchify2d } from './ops/patchify.js';
export { patchify3d } from './ops/patchify-3d.js';

// layers
export { Module, type Parameter, type StateDict } from './nn/module.js';
export { PLAIN, LINEAR, torchShape, toTorchLayout, fromTorchLayout, type ParameterLayout } from './nn/parameter-layout.js';
export { StateDictMismatchError, type StateDictReport, type ShapeMismatch } from './nn/state-dict-mismatch-error.js';
export { diffStateDict, loadPrefixedStrict, type StateDictHolder } from './nn/state-dict-diff.js';
export { truncatedNormal, uniformInit, withInitSeed } from './nn/init.js';
export { GruCell } from './nn/gru-cell.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { LayerNorm, layerNorm } from './nn/layer-norm.js';
export { gelu } from './nn/gelu.js';
export { Mlp } from './nn/mlp.js';
export { Attention } from './nn/attention.js';
export { blockCausalMask, checkAttentionMask } from './nn/attention-mask.js';
export { TransformerBlock, ModuleList, type TransformerBlockOptions } from './nn/transformer-block.js';
export { AttentivePooler, CrossAttention, CrossAttentionBlock } from './nn/cross-attention-pool.js';
export { sincos1d, sincos2d, sincos3d, sincosTable } from './pos-embed/sincos.js';

// models over token grids
export type { Encoder, EncodeOptions, Predictor, Grid, TokenGrid, TokenIndex } from './model/contracts.js';
export type { TokenEmbedding } from './model/token-embedding.js';
export { TransformerEncoder, type TransformerEncoderOptions } from './model/transformer-encoder.js';
export { LinearTokenEmbedding } from './model/linear-token-embedding.js';
export type { WorldModel } from './model/world-model.js';
export type { Plan, PlanCost, Planner, PlanningProblem } from './planning/planner.js';
export { JepaPredictor, maskTokenPerGenerator, type JepaPredictorCondition, type JepaPredictorOptions, type PredictorCondition } from './model/jepa-predictor.js';
export { rescaleResidualBranches } from './model/residual-init.js';
export { jepaCheckpointParts, jepaModuleState, type JepaModuleSet } from './model/jepa-modules.js';
export { VIT_PRESETS, matchVitPreset, resolveVitSize, type VitPresetName, type VitSize } from './model/vit-presets.js';
export { createVitEncoder, type VitEncoderOptions } from './model/vit-encoder.js';

// objective and optimisation
export { globalNorm, clipGradientsPerModule } from './objective/gradient-clipping.js';
export { guardedUpdate, namedGradients, NonFiniteLossError, type GuardedUpdateOptions, type GuardedUpdateResult, type NamedVariables, type UpdateHyperParameters } from './objective/guarded-update.js';
export { Jepa, type JepaParts, type JepaForward, type MaskSet, type StepHyperParameters } from './objective/jepa.js';
export { emaTargetUpdate, frozenTargetUpdate, TARGET_UPDATES, type TargetUpdate, type TargetUpdateHyperParameters, type TargetUpdateName } from './objective/target-update.js';
export { assembleJepa, type AssembledJepa, type JepaAssembly } from './objective/assemble-jepa.js';
export { smoothL1Loss, l1Loss, LOSSES, type LossName, type RegressionLoss } from './objective/losses.js';
export * from './objective/regularizers/index.js';
export type { Optimizer } from './optim/optimizer.js';
export { AdamW, decaysByDefault, type AdamWOptions } from './optim/adamw.js';
export { emaUpdate } from './optim/ema.js';
export { warmupCosineLr, cosineWeightDecay, linearMomentum, type WarmupCosineOptions, type CosineWeightDecayOptions, type LinearMomentumOptions } from './optim/schedules.js';

// randomness, data, masks, IO, evaluation, interop
export * from './random/index.js';
export * from './data/index.js';
export * from './masks/index.js';
export * from './io/index.js';

// backends
export { initBackend, BACKEND_PREFERENCE, BROWSER_BACKEND_PREFERENCE, type BackendChoice, type BackendInfo, type BackendRuntime, type InitBackendOptions } from './backend/init-backend.js';
export * from './eval/index.js';
export * from './interop/index.js';
export * from './train/index.js';
