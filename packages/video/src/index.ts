// @jepa/video public API: V-JEPA on token volumes [T', H', W'].
export { TubeletEmbed, fanInTubeletInitStd, type TubeletEmbedOptions } from './model/tubelet-embed.js';
export { createVideoTransformer, type VideoTransformer, type VideoTransformerOptions } from './model/video-transformer.js';
export { toTokenVolume } from './model/token-volume.js';
export { createVJepa, resolveVJepaConfig, VJEPA_DEFAULTS, type CreateVJepaOptions, type VJepaModel, type VJepaModelConfig, type VJepaResolvedConfig } from './model/vjepa.js';
export { vjepaStepHyperParameters, type VJepaSchedule } from './model/vjepa-schedule.js';
export { pairedMaskSets } from './model/paired-mask-sets.js';
export {
  VJEPA_MODULES, VJEPA_KEY_PREFIXES, splitVJepaWeights, inferVideoVitArchitecture, inferVJepaPredictorArchitecture,
  inferVJepaArchitecture, vjepaConfigFromArchitecture, loadVJepaWeights, createVJepaFromCheckpoint, readVJepaCheckpoint,
  createVideoEncoderFromCheckpoint, MissingClipFramesError, type VJepaModuleName, type VJepaModuleWeights, type VideoVitArchitecture,
  type VJepaPredictorArchitecture, type VJepaArchitecture, type VJepaCheckpointOptions, type VJepaFromCheckpoint,
  type VideoEncoderFromCheckpointOptions,
} from './interop/official-vjepa-checkpoint.js';

// decoding (ffmpeg behind one adapter) and datasets
export { resolveFfmpegPath, FfmpegNotFoundError, type FfmpegBinary, type FfmpegSource, type ResolveFfmpegOptions } from './decode/ffmpeg-path.js';
export { probeVideo, decodeFrames, encodeVideo, clipToRawFrames, listVideoEncoders, defaultVideoEncoder, type VideoProbe, type ProbeVideoOptions, type FrameSize, type FrameSelection, type PixelFormat, type ResizeMode, type DecodeFramesOptions, type DecodedFrames, type EncodeVideoOptions, type EncodedVideo } from './decode/ffmpeg-adapter.js';
export { VideoDecodeError, type VideoDecodeFailure } from './decode/video-decode-error.js';
export { createVideoClip, clipFrame, stackClips, type VideoClip, type VideoBatchData } from './decode/video-clip.js';
export { sampleClipIndices, resolveFrameStep, validateClipSamplerOptions, ShortVideoError, type ClipPlacement, type ShortVideoPolicy, type ClipSpacing, type ClipSamplerOptions, type ClipPlan, type SampleClipContext } from './decode/clip-sampler.js';
export { readVideoClips, type ClipDecodeOptions, type VideoClipOptions, type ReadVideoClipsContext, type VideoClips } from './decode/read-video-clips.js';
export { prefetch, type PrefetchOptions, type PrefetchLoad } from './decode/prefetch.js';
export { ClipDecodeThread, type ClipDecodeThreadOptions, type ClipDecodeThreadRead, type ClipDecodeThreadResult } from './decode/clip-decode-thread.js';
export { measureDecodeThroughput, type DecodeThroughputOptions, type DecodeThroughput } from './decode/decode-throughput.js';
export { writePatternVideo, patternFrame, patternByte, type PatternVideoOptions } from './decode/pattern-video.js';
export { VideoClipDataset, type VideoSample, type SkippedVideo, type VideoDatasetOptions, type LabeledVideoClips, type LoadVideoOptions, type VideoClipIterationOptions, type VideoBatchOptions, type VideoBatch } from './data/video-dataset.js';
export { loadVideoFolder, DEFAULT_VIDEO_EXTENSIONS, type LoadVideoFolderOptions } from './data/video-folder-dataset.js';
export { loadVideoIndex, parseVideoIndex, type VideoIndex, type ParseVideoIndexOptions, type LoadVideoIndexOptions } from './data/video-index-dataset.js';
export { generateMovingMnistClip, movingMnistClips, writeMovingMnistDataset, directionClass, MOVING_MNIST_SIZE, MOVING_MNIST_DIRECTIONS_8, MOVING_MNIST_DIRECTIONS_4, type MovingMnistOptions, type MovingMnistClip, type MovingMnistClipsOptions, type WriteMovingMnistOptions, type MovingMnistRecord, type MovingMnistDataset } from './data/moving-mnist.js';

// training on decoded clips
export { decodeDatasetClips, subsetDecodedClips, clipStatistics, normalizeClipData, type DecodedClips, type DecodeDatasetClipsOptions, type DecodedClipsResult } from './training/decoded-clips.js';
export { extractClipFeatures, type ExtractClipFeaturesOptions } from './training/clip-features.js';
export { decodedClipSource, isClipBatchSource, type ClipBatchSource } from './training/clip-batch-source.js';
export { streamDatasetClips, type StreamDatasetClipsOptions, type StreamedClips, type StreamedClipsStats } from './training/streamed-clips.js';
export { VJepaTrainable, validateVJepaTrainingConfig, type VJepaTrainingConfig, type VJepaOptimizationConfig } from './training/vjepa-trainable.js';
export { MOVING_MNIST_VJEPA_RECIPE, MOVING_MNIST_VJEPA_DATA } from './training/moving-mnist-recipe.js';
