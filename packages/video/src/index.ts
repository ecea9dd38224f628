// @jepa/video public API: V-JEPA on token volumes [T', H', W'].
export { TubeletEmbed, type TubeletEmbedOptions } from './model/tubelet-embed.js';
export { createVideoTransformer, type VideoTransformer, type VideoTransformerOptions } from './model/video-transformer.js';
export { toTokenVolume } from './model/token-volume.js';
export { createVJepa, resolveVJepaConfig, VJEPA_DEFAULTS, type CreateVJepaOptions, type VJepaModel, type VJepaModelConfig, type VJepaResolvedConfig } from './model/vjepa.js';
export { vjepaStepHyperParameters, type VJepaSchedule } from './model/vjepa-schedule.js';
export { pairedMaskSets } from './model/paired-mask-sets.js';
export {
  VJEPA_MODULES, VJEPA_KEY_PREFIXES, splitVJepaWeights, inferVideoVitArchitecture, inferVJepaPredictorArchitecture,
  inferVJepaArchitecture, vjepaConfigFromArchitecture, loadVJepaWeights, createVJepaFromCheckpoint, readVJepaCheckpoint,
  createVideoEncoderFromCheckpoint, type VJepaModuleName, type VJepaModuleWeights, type VideoVitArchitecture,
  type VJepaPredictorArchitecture, type VJepaArchitecture, type VJepaCheckpointOptions, type VJepaFromCheckpoint,
  type VideoEncoderFromCheckpointOptions,
} from './interop/official-vjepa-checkpoint.js';
