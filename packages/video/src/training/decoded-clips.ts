import type { VideoClipDataset } from '../data/video-dataset.js';
import type { VideoClipOptions } from '../decode/read-video-clips.js';

/** Clips decoded once and held in memory: `data` is `[count, T, H, W, C]` float32 in `0..1`. */
export interface DecodedClips {
  /** `count * numFrames * height * width * channels` values, channels last. */
  readonly data: Float32Array;
  /** Clips `n`. */
  readonly count: number;
  /** Frames `T` per clip. */
  readonly numFrames: number;
  /** Rows `H` of a frame. */
  readonly height: number;
  /** Columns `W` of a frame. */
  readonly width: number;
  /** Channels `C` of a frame (1 grey, 3 RGB). */
  readonly channels: number;
  /** `[count]` class of each clip (the dataset's labels). */
  readonly labels: Int32Array;
  /** `[count]` the dataset sample each clip came from. */
  readonly sampleIndices: Int32Array;
  /** The file of each clip. */
  readonly paths: readonly string[];
}

/** Options of {@link decodeDatasetClips}. */
export interface DecodeDatasetClipsOptions {
  /** Samples to decode, in this order (default: all, in order). */
  readonly indices?: ArrayLike<number>;
  /** ffmpeg processes at once. Default 2. */
  readonly concurrency?: number;
  /** Stops decoding: running ffmpeg processes are killed. */
  readonly signal?: AbortSignal;
  /** Called after each decoded clip. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What {@link decodeDatasetClips} returns: the clips and the decode time. */
export interface DecodedClipsResult {
  /** The decoded clips. */
  readonly clips: DecodedClips;
  /** Wall-clock seconds of the decoding. */
  readonly seconds: number;
  /** Decoded frames per second (wall clock, probes included). */
  readonly framesPerSecond: number;
}

/**
 * Decodes one centred clip per sample of `dataset` (through ffmpeg, prefetched) into one
 * `[n, T, H, W, C]` buffer, for training runs small enough to keep every clip in memory. Skipped
 * samples (see `VideoClipDataset.skipped`) are left out. The dataset's `numClips` must be 1.
 */
export async function decodeDatasetClips(dataset: VideoClipDataset, options: DecodeDatasetClipsOptions = {}): Promise<DecodedClipsResult> {
  const clipOptions: VideoClipOptions = dataset.options;
  if ((clipOptions.numClips ?? 1) !== 1) throw new RangeError(`decodeDatasetClips: ${dataset.source} reads ${clipOptions.numClips} clips per video; use numClips 1.`);
  const total = options.indices?.length ?? dataset.length;
  const started = performance.now();
  const chunks: Float32Array[] = [];
  const labels: number[] = [];
  const sampleIndices: number[] = [];
  const paths: string[] = [];
  let shape: { numFrames: number; height: number; width: number; channels: number } | null = null;
  for await (const sample of dataset.clips({ indices: options.indices, placement: 'center', concurrency: options.concurrency, signal: options.signal })) {
    const clip = sample.clips[0]!;
    if (!shape) shape = { numFrames: clip.frames, height: clip.height, width: clip.width, channels: clip.channels };
    else if (clip.frames !== shape.numFrames || clip.height !== shape.height || clip.width !== shape.width || clip.channels !== shape.channels) {
      throw new Error(`decodeDatasetClips: ${sample.path} decoded to ${clip.frames}x${clip.height}x${clip.width}x${clip.channels}, not ${shape.numFrames}x${shape.height}x${shape.width}x${shape.channels}; pass a decode size.`);
    }
    chunks.push(clip.data);
    labels.push(sample.label);
    sampleIndices.push(sample.index);
    paths.push(sample.path);
    options.onProgress?.(chunks.length, total);
  }
  if (!shape) throw new Error(`decodeDatasetClips: no clip could be decoded from ${dataset.source}.`);
  const per = chunks[0]!.length;
  const data = new Float32Array(chunks.length * per);
  chunks.forEach((chunk, i) => data.set(chunk, i * per));
  const seconds = (performance.now() - started) / 1000;
  return {
    clips: { data, count: chunks.length, ...shape, labels: Int32Array.from(labels), sampleIndices: Int32Array.from(sampleIndices), paths },
    seconds,
    framesPerSecond: (chunks.length * shape.numFrames) / Math.max(seconds, 1e-9),
  };
}

/** The clips at `indices` (copied), labels replaced by `labels` when given. */
export function subsetDecodedClips(clips: DecodedClips, indices: ArrayLike<number>): DecodedClips {
  const per = clips.numFrames * clips.height * clips.width * clips.channels;
  const data = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= clips.count) throw new RangeError(`subsetDecodedClips: index ${k} is outside 0..${clips.count - 1}.`);
    data.set(clips.data.subarray(k * per, (k + 1) * per), i * per);
  }
  return {
    ...clips,
    data,
    count: indices.length,
    labels: Int32Array.from(indices, (k) => clips.labels[k]!),
    sampleIndices: Int32Array.from(indices, (k) => clips.sampleIndices[k]!),
    paths: Array.from(indices, (k) => clips.paths[k]!),
  };
}

/** Per-channel mean and std of clips in `0..1` (for normalisation). */
export function clipStatistics(clips: DecodedClips): {
  /** Mean of each channel. */
  mean: number[];
  /** Standard deviation of each channel. */
  std: number[];
} {
  const c = clips.channels;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < clips.data.length; i++) {
    const v = clips.data[i]!;
    sum[i % c] += v;
    sq[i % c] += v * v;
  }
  const n = clips.data.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, k) => Math.sqrt(Math.max(s / n - mean[k]! ** 2, 1e-12)));
  return { mean, std };
}

/** `(x - mean) / std` per channel for a channels-last buffer (returns a new array). */
export function normalizeClipData(data: Float32Array, channels: number, normalization?: { readonly mean: readonly number[]; readonly std: readonly number[] }): Float32Array {
  if (!normalization) return data;
  const out = new Float32Array(data.length);
  const { mean, std } = normalization;
  for (let i = 0; i < data.length; i++) {
    const k = i % channels;
    out[i] = (data[i]! - mean[k]!) / std[k]!;
  }
  return out;
}
