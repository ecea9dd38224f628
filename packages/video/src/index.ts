/**
 * V-JEPA, browser-safe: tubelet embedding, the video ViT and V-JEPA model on token volumes
 * `[T', H', W']`, its schedules and training run over any clip source, clip sampling, decoded clips
 * and clip features, Moving MNIST clips in memory, official V-JEPA checkpoints (from bytes). ffmpeg,
 * video files and folders, the decode thread and Moving MNIST files are in `@jepa/video/node`.
 *
 * @module @jepa/video
 */
export { TubeletEmbed, fanInTubeletInitStd, type TubeletEmbedOptions } from './model/tubelet-embed.js';
export { createVideoTransformer, type VideoTransformer, type VideoTransformerOptions } from './model/video-transformer.js';
export { toTokenVolume } from './model/token-volume.js';
export { createVJepa, resolveVJepaConfig, VJEPA_DEFAULTS, type CreateVJepaOptions, type VJepaModel, type VJepaModelConfig, type VJepaResolvedConfig } from './model/vjepa.js';
export { vjepaStepHyperParameters, type VJepaSchedule } from './model/vjepa-schedule.js';
export { pairedMaskSets } from './model/paired-mask-sets.js';
export {
  VJEPA_MODULES, VJEPA_KEY_PREFIXES, splitVJepaWeights, inferVideoVitArchitecture, inferVJepaPredictorArchitecture,
  inferVJepaArchitecture, vjepaConfigFromArchitecture, loadVJepaWeights, createVJepaFromCheckpoint,
  createVideoEncoderFromCheckpoint, MissingClipFramesError, type VJepaModuleName, type VJepaModuleWeights, type VideoVitArchitecture,
  type VJepaPredictorArchitecture, type VJepaArchitecture, type VJepaCheckpointOptions, type VJepaFromCheckpoint,
  type VideoEncoderFromCheckpointOptions,
} from './interop/official-vjepa-checkpoint.js';

// clips, clip sampling and the decoding errors (decoding itself, through ffmpeg, and the datasets of
// video files are in @jepa/video/node)
export { VideoDecodeError, type VideoDecodeFailure } from './decode/video-decode-error.js';
export { createVideoClip, clipFrame, stackClips, type VideoClip, type VideoBatchData } from './decode/video-clip.js';
export { sampleClipIndices, resolveFrameStep, validateClipSamplerOptions, ShortVideoError, type ClipPlacement, type ShortVideoPolicy, type ClipSpacing, type ClipSamplerOptions, type ClipPlan, type SampleClipContext } from './decode/clip-sampler.js';
export { prefetch, type PrefetchOptions, type PrefetchLoad } from './decode/prefetch.js';
export { generateMovingMnistClip, movingMnistClips, directionClass, MOVING_MNIST_SIZE, MOVING_MNIST_DIRECTIONS_8, MOVING_MNIST_DIRECTIONS_4, type MovingMnistOptions, type MovingMnistClip, type MovingMnistClipsOptions } from './data/moving-mnist.js';

// training on decoded clips
export { decodeDatasetClips, subsetDecodedClips, clipStatistics, normalizeClipData, type DecodedClips, type DecodeDatasetClipsOptions, type DecodedClipsResult } from './training/decoded-clips.js';
export { extractClipFeatures, type ExtractClipFeaturesOptions } from './training/clip-features.js';
export { decodedClipSource, isClipBatchSource, type ClipBatchSource } from './training/clip-batch-source.js';
export { VJepaTrainable, validateVJepaTrainingConfig, type VJepaTrainingConfig, type VJepaOptimizationConfig } from './training/vjepa-trainable.js';
export { MOVING_MNIST_VJEPA_RECIPE, MOVING_MNIST_VJEPA_DATA } from './training/moving-mnist-recipe.js';
