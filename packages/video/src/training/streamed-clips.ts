import { Rng } from '@jepa/core';
import type { VideoClipDataset } from '../data/video-dataset.js';
import { ClipDecodeThread } from '../decode/clip-decode-thread.js';
import { allowManyAbortListeners } from './abort-listeners.js';
import type { ClipBatchSource } from './clip-batch-source.js';

/** Options of {@link streamDatasetClips}. */
export interface StreamDatasetClipsOptions {
  /** Seeds the random clip starts: the clip of position `i` of update `s` comes from `(seed, s, i)`. */
  readonly seed: number;
  /** Batches decoded ahead of the one being trained on. Default 2. */
  readonly prefetchBatches?: number;
  /** ffmpeg processes the decode thread runs at once. Default 2. */
  readonly concurrency?: number;
  /** Samples to train on (default: all). Numbered `0..n-1` in this order by the source. */
  readonly indices?: ArrayLike<number>;
  /** Stops probing and decoding. */
  readonly signal?: AbortSignal;
}

/** Decode statistics of a {@link StreamedClips} source so far. */
export interface StreamedClipsStats {
  /** Clips decoded so far. */
  readonly clips: number;
  /** Frames decoded so far. */
  readonly frames: number;
  /** Clips replaced by the next readable sample (with `skipCorrupt`). */
  readonly replaced: number;
  /** Seconds from the first decode request to the latest decoded clip. */
  readonly seconds: number;
  /** `frames / seconds`: decoded frames per second of wall time, while training ran alongside. */
  readonly framesPerSecond: number;
}

/** A {@link ClipBatchSource} that decodes random clips of a dataset on a worker thread while training runs. */
export interface StreamedClips extends ClipBatchSource {
  /** The dataset sample behind each source sample. */
  readonly sampleIndices: Int32Array;
  /** `[count]` label of each source sample. */
  readonly labels: Int32Array;
  /** The decode statistics so far. */
  stats(): StreamedClipsStats;
  close(): Promise<void>;
}

/** Frame height and width a dataset decodes to (its `size` option, which streaming needs). */
function decodedSize(dataset: VideoClipDataset): { height: number; width: number } {
  const size = dataset.options.size;
  if (size === undefined) throw new RangeError(`streamDatasetClips: ${dataset.source} has no decode size; pass size (the model's image size) when loading the dataset, so that every clip has the same shape.`);
  return typeof size === 'number' ? { height: size, width: size } : { height: size.height, width: size.width };
}

/**
 * Training clips decoded while training runs: every update gets fresh random clips (random start,
 * the official training sampling) decoded through ffmpeg on a {@link ClipDecodeThread}, requested
 * `prefetchBatches` updates ahead, so decoding overlaps the synchronous training steps. Clip starts
 * come from `(seed, step, position)`, so a resumed run decodes the same clips as an uninterrupted one.
 *
 * Every file is probed first: unreadable ones throw naming the file, or with the dataset's
 * `skipCorrupt` are left out (see `dataset.skipped`). A file that fails later (with `skipCorrupt`) is
 * replaced by the next readable sample and counted in `stats().replaced`. Call {@link StreamedClips.close}
 * when done: it kills running ffmpeg processes and ends the thread.
 */
export async function streamDatasetClips(dataset: VideoClipDataset, options: StreamDatasetClipsOptions): Promise<StreamedClips> {
  if ((dataset.options.numClips ?? 1) !== 1) throw new RangeError(`streamDatasetClips: ${dataset.source} reads ${dataset.options.numClips} clips per video; use numClips 1.`);
  const prefetchBatches = options.prefetchBatches ?? 2;
  if (!Number.isInteger(prefetchBatches) || prefetchBatches < 0) throw new RangeError(`streamDatasetClips: prefetchBatches must be a non-negative integer, got ${prefetchBatches}.`);
  const { height, width } = decodedSize(dataset);
  const channels = dataset.options.pixelFormat === 'gray' ? 1 : 3;
  const { numFrames } = dataset.options;

  const wanted = options.indices ? Array.from(options.indices) : Array.from({ length: dataset.length }, (_, i) => i);
  await dataset.validate({ concurrency: options.concurrency, signal: options.signal });
  const skipped = new Set(dataset.skipped.map((s) => s.path));
  const kept = Int32Array.from(wanted.filter((k) => !skipped.has(dataset.samples[k]!.path)));
  if (kept.length === 0) throw new Error(`streamDatasetClips: none of the ${wanted.length} videos of ${dataset.source} can be read (${dataset.skipped.length} skipped).`);

  const thread = await ClipDecodeThread.start({ concurrency: options.concurrency });
  const root = new Rng(options.seed);
  const per = numFrames * height * width * channels;
  let clips = 0;
  let replaced = 0;
  let first: number | undefined;
  let last = 0;

  const loadOne = async (step: number, position: number, start: number, signal: AbortSignal): Promise<Float32Array> => {
    const seed = root.derive(`clip-${step}-${position}`).nextUint32();
    for (let attempt = 0; attempt < kept.length; attempt++) {
      const sample = kept[(start + attempt) % kept.length]!;
      const result = await dataset.load(sample, { seed, placement: 'random', thread, signal });
      if (!result) {
        replaced++;
        continue;
      }
      const clip = result.clips[0]!;
      if (clip.frames !== numFrames || clip.height !== height || clip.width !== width || clip.channels !== channels) {
        throw new Error(`streamDatasetClips: ${result.path} decoded to ${clip.frames}x${clip.height}x${clip.width}x${clip.channels}, not ${numFrames}x${height}x${width}x${channels}.`);
      }
      clips++;
      last = performance.now();
      return clip.data;
    }
    throw new Error(`streamDatasetClips: no video of ${dataset.source} could be decoded any more (${dataset.skipped.length} skipped).`);
  };

  return {
    count: kept.length,
    numFrames,
    height,
    width,
    channels,
    prefetchBatches,
    sampleIndices: kept,
    labels: Int32Array.from(kept, (k) => dataset.samples[k]!.label),
    async load(step, indices, signal) {
      first ??= performance.now();
      const stop = options.signal ? AbortSignal.any([signal, options.signal]) : signal;
      allowManyAbortListeners(stop); // one listener per clip of the batch
      const decoded = await Promise.all(Array.from(indices, (k, i) => loadOne(step, i, k, stop)));
      const batch = new Float32Array(indices.length * per);
      decoded.forEach((data, i) => batch.set(data, i * per));
      return batch;
    },
    stats() {
      const seconds = first === undefined ? 0 : Math.max(0, last - first) / 1000;
      return { clips, frames: clips * numFrames, replaced, seconds, framesPerSecond: seconds > 0 ? (clips * numFrames) / seconds : 0 };
    },
    close: () => thread.close(),
  };
}
