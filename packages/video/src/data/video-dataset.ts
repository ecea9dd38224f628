import { Rng } from '@jepa/core';
import { shuffledIndices, type UniformSource } from '@jepa/core';
import { resolveFrameStep, ShortVideoError, validateClipSamplerOptions, type ClipPlacement } from '../decode/clip-sampler.js';
import { probeVideo, type VideoProbe } from '../decode/ffmpeg-adapter.js';
import { prefetch } from '../decode/prefetch.js';
import { readVideoClips, type VideoClipOptions, type VideoClips } from '../decode/read-video-clips.js';
import { stackClips, type VideoBatchData } from '../decode/video-clip.js';
import { VideoDecodeError } from '../decode/video-decode-error.js';
import type { ClipDecodeThread } from '../decode/clip-decode-thread.js';

/** One video file and its class index. */
export interface VideoSample {
  /** Absolute path of the video. */
  readonly path: string;
  /** Index of its class in `classNames`. */
  readonly label: number;
}

/** A video that a dataset skipped, and why. */
export interface SkippedVideo {
  /** The video file. */
  readonly path: string;
  /** Why it was skipped (the decode error's message). */
  readonly reason: string;
}

/** Options shared by the video datasets. */
export interface VideoDatasetOptions extends VideoClipOptions {
  /**
   * Skip videos that cannot be read (missing, corrupt, truncated, unsupported) and list them in
   * `skipped`, instead of throwing an error naming the file. Default false. (The official loader
   * silently retries another random video; here every skip is counted and listed.)
   */
  readonly skipCorrupt?: boolean;
}

/** The clips of one sample, with its label. */
export interface LabeledVideoClips extends VideoClips {
  /** The sample's class index. */
  readonly label: number;
  /** The sample's index in the dataset. */
  readonly index: number;
}

/** Options for {@link VideoClipDataset.load}. */
export interface LoadVideoOptions {
  /** Default `random` when `rng` is given, else `center`. */
  readonly placement?: ClipPlacement;
  /** Draws the random clip starts. */
  readonly rng?: UniformSource;
  /** Alternative to `rng`: seeds the clip-start draw with `new Rng(seed)` (the same clip in-process and on a thread). */
  readonly seed?: number;
  /** Decode on this worker thread instead of the calling one (see {@link ClipDecodeThread}). */
  readonly thread?: ClipDecodeThread;
  /** Cancels the read. */
  readonly signal?: AbortSignal;
}

/** Options for {@link VideoClipDataset.clips}. */
export interface VideoClipIterationOptions {
  /** Default `random` when `rng` is given, else `center`. */
  readonly placement?: ClipPlacement;
  /**
   * Shuffles the order (when `shuffle` is not false) and draws random clip starts. One draw per
   * sample seeds that sample's own generator, in order, so results do not depend on concurrency.
   */
  readonly rng?: UniformSource;
  /** Default true when `rng` is given. */
  readonly shuffle?: boolean;
  /** Samples to visit, in this order (default: all, shuffled or in order). */
  readonly indices?: ArrayLike<number>;
  /** Clips decoded ahead (see `prefetch`). Default 4. */
  readonly ahead?: number;
  /** ffmpeg processes at once. Default 2. */
  readonly concurrency?: number;
  /** Decode on this worker thread (see {@link ClipDecodeThread}); its own concurrency then applies too. */
  readonly thread?: ClipDecodeThread;
  /** Stops the iteration: running decodes are killed. */
  readonly signal?: AbortSignal;
}

/** Options for {@link VideoClipDataset.batches}. */
export interface VideoBatchOptions extends VideoClipIterationOptions {
  /** Clips per batch. */
  readonly batchSize: number;
  /** Drop a last batch smaller than `batchSize`. Default false. */
  readonly dropLast?: boolean;
}

/**
 * A batch: `data` is `[B, T, H, W, C]`. With `numClips > 1` each sample contributes `numClips`
 * consecutive entries (so `B = samples * numClips`), with its label repeated.
 */
export interface VideoBatch extends VideoBatchData {
  /** `[B]` labels. */
  readonly labels: Int32Array;
  /** `[B]` sample index of each entry. */
  readonly sampleIndices: Int32Array;
  /** `[B]` file of each entry. */
  readonly paths: readonly string[];
}

const isSkippable = (error: unknown): error is VideoDecodeError | ShortVideoError =>
  (error instanceof VideoDecodeError && error.failure !== 'aborted') || error instanceof ShortVideoError;

const firstLine = (error: Error) => {
  const detail = error instanceof VideoDecodeError ? `${error.failure}: ${error.detail}` : error.message;
  return detail.split('\n')[0];
};

/**
 * Labelled videos read as clips through ffmpeg: the shared core of `loadVideoFolder` and
 * `loadVideoIndex`. Probes are cached per file; clips are decoded on demand (prefetched by
 * {@link clips} and {@link batches}).
 */
export class VideoClipDataset {
  /** Every video and its label, in dataset order. */
  readonly samples: readonly VideoSample[];
  /** Class names, index = label. */
  readonly classNames: readonly string[];
  /** The clip options every read uses (frames, step or fps, size, channels, ...). */
  readonly options: VideoDatasetOptions;
  /** Where the samples came from (a folder or an index file), for messages. */
  readonly source: string;
  private readonly probes = new Map<number, Promise<VideoProbe>>();
  private readonly skippedByIndex = new Map<number, SkippedVideo>();
  /** Files dropped before any decoding (e.g. missing files of an index, with skipCorrupt). */
  private readonly preSkipped: readonly SkippedVideo[];

  constructor(samples: readonly VideoSample[], classNames: readonly string[], options: VideoDatasetOptions, source: string, skipped: readonly SkippedVideo[] = []) {
    validateClipSamplerOptions(options);
    samples.forEach((sample, i) => {
      if (!Number.isInteger(sample.label) || sample.label < 0 || sample.label >= classNames.length) {
        throw new RangeError(`${source}: sample ${i} (${sample.path}) has label ${sample.label}, outside 0..${classNames.length - 1}.`);
      }
    });
    this.samples = samples;
    this.classNames = classNames;
    this.options = options;
    this.source = source;
    this.preSkipped = skipped;
  }

  /** Number of samples (skipped ones included until they are found out). */
  get length(): number {
    return this.samples.length;
  }

  /** Every video skipped so far (missing, unreadable or too short), each once. */
  get skipped(): readonly SkippedVideo[] {
    return [...this.preSkipped, ...[...this.skippedByIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, skip]) => skip)];
  }

  private sample(index: number): VideoSample {
    if (!Number.isInteger(index) || index < 0 || index >= this.samples.length) {
      throw new RangeError(`${this.source}: sample index ${index} is outside 0..${this.samples.length - 1}.`);
    }
    return this.samples[index];
  }

  /** The probe of sample `index` (cached; a failed probe is retried next time). */
  probe(index: number, signal?: AbortSignal): Promise<VideoProbe> {
    const { path } = this.sample(index);
    let probe = this.probes.get(index);
    if (!probe) {
      probe = probeVideo(path, { signal });
      this.probes.set(index, probe);
      probe.catch(() => this.probes.delete(index));
    }
    return probe;
  }

  /**
   * The clips of sample `index`. Returns null when the sample is skipped: unreadable with
   * `skipCorrupt`, or too short with `shortVideo: 'skip'` (listed in {@link skipped} either way).
   * Otherwise an unreadable file throws a `VideoDecodeError` naming it.
   */
  async load(index: number, options: LoadVideoOptions = {}): Promise<LabeledVideoClips | null> {
    const { path, label } = this.sample(index);
    if (this.skippedByIndex.has(index)) return null;
    try {
      const seed = options.seed ?? (options.thread && options.rng ? Math.floor(options.rng.uniform() * 4294967296) : undefined);
      const rng = seed === undefined ? options.rng : new Rng(seed);
      const placement = options.placement ?? (rng ? 'random' : 'center');
      let clips: VideoClips | null;
      let probe: VideoProbe;
      if (options.thread) {
        // A probe this dataset already made (validate) is passed on, so the thread does not probe again.
        const known = this.probes.has(index) ? await this.probe(index, options.signal) : undefined;
        ({ clips, probe } = await options.thread.read(path, this.options, { seed, placement, signal: options.signal, probe: known }));
      } else {
        probe = await this.probe(index, options.signal);
        clips = await readVideoClips(path, this.options, { probe, rng, placement, signal: options.signal });
      }
      if (!clips) {
        const clipLength = this.options.numFrames * resolveFrameStep(this.options, probe.fps, path);
        this.skippedByIndex.set(index, { path, reason: `too short: ${probe.frameCount} frame(s), a clip spans ${clipLength} (shortVideo: 'skip')` });
        return null;
      }
      return { ...clips, label, index };
    } catch (error) {
      if (this.options.skipCorrupt && isSkippable(error)) {
        this.skippedByIndex.set(index, { path, reason: firstLine(error) });
        return null;
      }
      throw error;
    }
  }

  /**
   * Probes every file (`concurrency` at once) so that unreadable ones are found before training:
   * with `skipCorrupt` they are listed in {@link skipped}, else the first one throws naming the file.
   * Returns the skipped list.
   */
  async validate(options: { concurrency?: number; signal?: AbortSignal } = {}): Promise<readonly SkippedVideo[]> {
    const concurrency = options.concurrency ?? 2;
    const indices = this.samples.map((_, i) => i);
    for await (const _ of prefetch(
      indices,
      async (index, signal) => {
        if (this.skippedByIndex.has(index)) return;
        try {
          await this.probe(index, signal);
        } catch (error) {
          if (this.options.skipCorrupt && isSkippable(error)) {
            this.skippedByIndex.set(index, { path: this.samples[index].path, reason: firstLine(error) });
            return;
          }
          throw error;
        }
      },
      { ahead: 2 * concurrency, concurrency, signal: options.signal },
    )) {
      // probing only
    }
    return this.skipped;
  }

  /** The visiting order and one seed per visit, drawn in order from `rng`. */
  private plan(options: VideoClipIterationOptions): Array<{ index: number; seed?: number }> {
    let order: ArrayLike<number>;
    if (options.indices) order = options.indices;
    else if (options.rng && options.shuffle !== false) order = shuffledIndices(this.samples.length, options.rng);
    else order = Int32Array.from(this.samples.keys());
    return Array.from(order, (index) => ({ index, seed: options.rng ? Math.floor(options.rng.uniform() * 4294967296) : undefined }));
  }

  /**
   * Clips of the samples in order (shuffled when `rng` is given), decoded ahead with bounded
   * concurrency. Skipped samples are left out (see {@link skipped}).
   */
  async *clips(options: VideoClipIterationOptions = {}): AsyncGenerator<LabeledVideoClips, void, undefined> {
    const placement = options.placement ?? (options.rng ? 'random' : 'center');
    const visits = this.plan(options);
    const concurrency = options.concurrency ?? 2;
    for await (const clips of prefetch(
      visits,
      (visit, signal) => this.load(visit.index, { placement, seed: visit.seed, thread: options.thread, signal }),
      { ahead: options.ahead ?? 4, concurrency, signal: options.signal },
    )) {
      if (clips) yield clips;
    }
  }

  /** Batches of clips stacked as `[B, T, H, W, C]` (see {@link VideoBatch}). */
  async *batches(options: VideoBatchOptions): AsyncGenerator<VideoBatch, void, undefined> {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`${this.source}: batchSize must be a positive integer, got ${batchSize}.`);
    let pending: LabeledVideoClips[] = [];
    const emit = (group: LabeledVideoClips[]): VideoBatch => {
      const entries = group.flatMap((sample) => sample.clips.map((clip) => ({ clip, sample })));
      const stacked = stackClips(entries.map((entry) => entry.clip));
      return {
        ...stacked,
        labels: Int32Array.from(entries, (entry) => entry.sample.label),
        sampleIndices: Int32Array.from(entries, (entry) => entry.sample.index),
        paths: entries.map((entry) => entry.sample.path),
      };
    };
    for await (const sample of this.clips(options)) {
      pending.push(sample);
      if (pending.length === batchSize) {
        yield emit(pending);
        pending = [];
      }
    }
    if (pending.length > 0 && !options.dropLast) yield emit(pending);
  }
}
