// @jepa/vision public API.
export { fanInPatchInitStd, PatchEmbed2d, type PatchEmbedOptions } from './patch-embed.js';
export { VIT_PRESETS, createVisionTransformer, resolveVitSize, type VisionTransformer, type VisionTransformerOptions, type VitPresetName, type VitSize } from './vit.js';
export { createIJepa, IJEPA_DEFAULTS, type CreateIJepaOptions, type IJepaModel, type IJepaModelConfig } from './ijepa.js';
export { IJepaTrainable, officialOptimization, validateTrainingConfig, type IJepaTrainingConfig, type IJepaOptimizationConfig } from './ijepa-training.js';
export { extractFeatures, normalizeBatch, type ExtractFeaturesOptions, type Normalization } from './features.js';
export * from './data/index.js';
export { probeEncoder, probeFeatures, probePixels, type ProbeEvaluation, type ProbeEvaluationOptions } from './probe-evaluation.js';
export { MNIST_IJEPA_RECIPE, MNIST_IJEPA_WARMUP_FRACTION, IJEPA_EVALUATION_DEFAULTS } from './mnist-recipe.js';
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
  matchVitPreset,
  MissingHeadsError,
  recordedHeads,
  requireHeads,
  checkHeadsOptions,
  resolveHeads,
  type ResolvedHeads,
  splitModuleWeights,
  type EncoderChoice,
  type EncoderFromCheckpoint,
  type EncoderFromCheckpointOptions,
  type HeadsOptions,
  type HeadsSource,
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
  exportOfficialSafetensors,
  OFFICIAL_EXPORT_FORMAT,
  officialStateDict,
  type ConvertCheckpointOptions,
  type ConvertedCheckpoint,
  type ExportSource,
  type OfficialExport,
  type OfficialExportOptions,
} from './interop/export-official.js';
