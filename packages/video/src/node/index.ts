/**
 * What needs Node: ffmpeg (through fluent-ffmpeg), the decode thread (worker_threads), video files
 * and folders, Moving MNIST written as videos, checkpoints by path.
 *
 * @module @jepa/video/node
 */
export { readVJepaCheckpoint } from '../interop/read-vjepa-checkpoint.js';
export { resolveFfmpegPath, FfmpegNotFoundError, type FfmpegBinary, type FfmpegSource, type ResolveFfmpegOptions } from '../decode/ffmpeg-path.js';
export { probeVideo, decodeFrames, encodeVideo, clipToRawFrames, listVideoEncoders, defaultVideoEncoder, type VideoProbe, type ProbeVideoOptions, type FrameSize, type FrameSelection, type PixelFormat, type ResizeMode, type DecodeFramesOptions, type DecodedFrames, type EncodeVideoOptions, type EncodedVideo } from '../decode/ffmpeg-adapter.js';
export { readVideoClips, type ClipDecodeOptions, type VideoClipOptions, type ReadVideoClipsContext, type VideoClips } from '../decode/read-video-clips.js';
export { ClipDecodeThread, type ClipDecodeThreadOptions, type ClipDecodeThreadRead, type ClipDecodeThreadResult } from '../decode/clip-decode-thread.js';
export { measureDecodeThroughput, type DecodeThroughputOptions, type DecodeThroughput } from '../decode/decode-throughput.js';
export { writePatternVideo, patternFrame, patternByte, type PatternVideoOptions } from '../decode/pattern-video.js';
export { VideoClipDataset, type VideoSample, type SkippedVideo, type VideoDatasetOptions, type LabeledVideoClips, type LoadVideoOptions, type VideoClipIterationOptions, type VideoBatchOptions, type VideoBatch } from '../data/video-dataset.js';
export { loadVideoFolder, DEFAULT_VIDEO_EXTENSIONS, type LoadVideoFolderOptions } from '../data/video-folder-dataset.js';
export { loadVideoIndex, parseVideoIndex, type VideoIndex, type ParseVideoIndexOptions, type LoadVideoIndexOptions } from '../data/video-index-dataset.js';
export { streamDatasetClips, type StreamDatasetClipsOptions, type StreamedClips, type StreamedClipsStats } from '../training/streamed-clips.js';
export { writeMovingMnistDataset, type WriteMovingMnistOptions, type MovingMnistRecord, type MovingMnistDataset } from '../data/moving-mnist-files.js';
