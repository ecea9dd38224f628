// @jepa/vision public API.
export { PatchEmbed2d, type PatchEmbedOptions } from './patch-embed.js';
export { VIT_PRESETS, createVisionTransformer, resolveVitSize, type VisionTransformer, type VisionTransformerOptions, type VitPresetName, type VitSize } from './vit.js';
export { createIJepa, IJEPA_DEFAULTS, type CreateIJepaOptions, type IJepaModel, type IJepaModelConfig } from './ijepa.js';
export { IJepaTrainable, officialOptimization, validateTrainingConfig, type IJepaTrainingConfig, type IJepaOptimizationConfig } from './ijepa-training.js';
export { extractFeatures, normalizeBatch, type ExtractFeaturesOptions, type Normalization } from './features.js';
export * from './data/index.js';
export { probeEncoder, probeFeatures, probePixels, type ProbeEvaluation, type ProbeEvaluationOptions } from './probe-evaluation.js';
export { MNIST_IJEPA_RECIPE, MNIST_IJEPA_WARMUP_FRACTION, IJEPA_EVALUATION_DEFAULTS } from './mnist-recipe.js';
