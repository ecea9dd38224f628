import { uniformInt, type UniformSource } from '@jepa/core';

/**
 * Where a clip starts in its segment:
 * - `random`: a random start (training; the official `random_clip_sampling=True`);
 * - `center`: the window in the middle of the segment (evaluation);
 * - `start`: the first window (the official loader's choice when `random_clip_sampling=False`).
 */
export type ClipPlacement = 'random' | 'center' | 'start';

/**
 * A video with fewer than `numFrames * frameStep` frames:
 * - `pad` (default, the official loader's default): spread `floor(length / frameStep)` frames over
 *   the whole video and repeat the last frame up to `numFrames`;
 * - `skip`: drop the video (the official `filter_short_videos=True`); datasets list it as skipped;
 * - `error`: throw a {@link ShortVideoError} naming the file.
 */
export type ShortVideoPolicy = 'pad' | 'skip' | 'error';

/**
 * How frame numbers are spaced inside a window of `numFrames * frameStep` frames:
 * - `linspace` (default, as the official `np.linspace(start, end, num=numFrames)` then truncation):
 *   the spacing is `numFrames * frameStep / (numFrames - 1)`, a bit more than `frameStep`
 *   (16 frames, step 4: 0, 4, 8, 12, 17, 21, ..., 59, 63);
 * - `stride`: exactly `start + k * frameStep`.
 */
export type ClipSpacing = 'linspace' | 'stride';

/** How clips are cut from a video (the official `frames_per_clip`, `frame_step`, `num_clips`, `duration`). */
export interface ClipSamplerOptions {
  /** Frames per clip (`frames_per_clip`; official default 16). */
  readonly numFrames: number;
  /** Frames between picked frames (`frame_step`, a.k.a. `sampling_rate`). Default 4. */
  readonly frameStep?: number;
  /**
   * Alternative to `frameStep`: pick frames at about this rate; the step becomes
   * `max(1, round(videoFps / targetFps))`. Needs the video's fps.
   */
  readonly targetFps?: number;
  /**
   * Alternative to `frameStep`, the official `duration`: a clip spans this many seconds;
   * the step becomes `max(1, floor(durationSeconds * videoFps / numFrames))`.
   */
  readonly durationSeconds?: number;
  /** Clips per video, each from its own equal segment (`num_clips`). Default 1. */
  readonly numClips?: number;
  /** Default `pad` (the official behaviour). */
  readonly shortVideo?: ShortVideoPolicy;
  /** Default `linspace` (the official behaviour). */
  readonly spacing?: ClipSpacing;
}

/** Frame numbers of the clips cut from one video. */
export interface ClipPlan {
  /** `[numClips][numFrames]` frame numbers (repeats where a short video is padded). */
  readonly clips: readonly (readonly number[])[];
  /** The frame step used (from `frameStep`, `targetFps` or `durationSeconds`). */
  readonly frameStep: number;
  /** `numFrames * frameStep`: frames one clip window spans. */
  readonly clipLength: number;
  /** True when the video is shorter than one clip window (and was padded). */
  readonly short: boolean;
}

/** A video is shorter than one clip and the policy is `error`. */
export class ShortVideoError extends Error {
  constructor(
    /** The video file. */
    readonly path: string,
    /** Frames in the video. */
    readonly frameCount: number,
    /** Frames one clip spans (`numFrames x frameStep`). */
    readonly clipLength: number,
  ) {
    super(
      `${path}: too short: ${frameCount} frame(s), but a clip spans ${clipLength} (numFrames x frameStep). ` +
        "Fix: pass shortVideo: 'pad' (repeat the last frame, as the official loader does), shortVideo: 'skip', " +
        'or a smaller numFrames/frameStep.',
    );
    this.name = 'ShortVideoError';
  }
}

const isPositiveInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** Checks the options once; throws saying which option is off. */
export function validateClipSamplerOptions(options: ClipSamplerOptions): void {
  const where = 'ClipSamplerOptions';
  if (!isPositiveInt(options.numFrames)) throw new RangeError(`${where}: numFrames must be a positive integer, got ${options.numFrames}.`);
  const ways = [options.frameStep, options.targetFps, options.durationSeconds].filter((v) => v !== undefined).length;
  if (ways > 1) {
    throw new RangeError(`${where}: give at most one of frameStep, targetFps and durationSeconds (got ${ways}).`);
  }
  if (options.frameStep !== undefined && !isPositiveInt(options.frameStep)) {
    throw new RangeError(`${where}: frameStep must be a positive integer, got ${options.frameStep}.`);
  }
  if (options.targetFps !== undefined && !(options.targetFps > 0 && Number.isFinite(options.targetFps))) {
    throw new RangeError(`${where}: targetFps must be a positive number, got ${options.targetFps}.`);
  }
  if (options.durationSeconds !== undefined && !(options.durationSeconds > 0 && Number.isFinite(options.durationSeconds))) {
    throw new RangeError(`${where}: durationSeconds must be a positive number, got ${options.durationSeconds}.`);
  }
  if (options.numClips !== undefined && !isPositiveInt(options.numClips)) {
    throw new RangeError(`${where}: numClips must be a positive integer, got ${options.numClips}.`);
  }
  if (options.shortVideo !== undefined && !['pad', 'skip', 'error'].includes(options.shortVideo)) {
    throw new RangeError(`${where}: shortVideo must be 'pad', 'skip' or 'error', got ${JSON.stringify(options.shortVideo)}.`);
  }
  if (options.spacing !== undefined && !['linspace', 'stride'].includes(options.spacing)) {
    throw new RangeError(`${where}: spacing must be 'linspace' or 'stride', got ${JSON.stringify(options.spacing)}.`);
  }
}

/** The frame step for a video of `fps` frames per second. */
export function resolveFrameStep(options: ClipSamplerOptions, fps: number, path = 'video'): number {
  if (options.targetFps === undefined && options.durationSeconds === undefined) return options.frameStep ?? 4;
  if (!(fps > 0) || !Number.isFinite(fps)) {
    throw new RangeError(
      `${path}: its frame rate is unknown (${fps}), so targetFps/durationSeconds cannot set the frame step. Fix: pass frameStep instead.`,
    );
  }
  if (options.targetFps !== undefined) return Math.max(1, Math.round(fps / options.targetFps));
  return Math.max(1, Math.floor((options.durationSeconds! * fps) / options.numFrames));
}

/** `np.linspace(start, stop, num)` (endpoint included), in float64 as numpy computes it. */
function linspace(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  if (num === 1) return [start];
  const step = (stop - start) / (num - 1);
  const out = Array.from({ length: num }, (_, k) => start + k * step);
  out[num - 1] = stop;
  return out;
}

const clipTrunc = (values: number[], low: number, high: number) =>
  values.map((v) => Math.trunc(Math.min(Math.max(v, low), high)));

/** Context for {@link sampleClipIndices}. */
export interface SampleClipContext {
  /** Default `random` when `rng` is given, else `center`. */
  readonly placement?: ClipPlacement;
  /** Source of the random start; required for `random`. */
  readonly rng?: UniformSource;
  /** The video's frame rate (needed with `targetFps`/`durationSeconds`). */
  readonly fps?: number;
  /** Names the video in errors. */
  readonly path?: string;
}

/**
 * Frame numbers of the clips to cut from a video of `frameCount` frames, as the official V-JEPA
 * loader (`src/datasets/video_dataset.py`, `loadvideo_decord`) picks them: the video is split into
 * `numClips` equal segments, and each clip is a window of `numFrames * frameStep` frames inside its
 * segment (random start for training), with `numFrames` frames spaced by `linspace`. A segment no
 * longer than the window spreads `floor(length / frameStep)` frames over the segment and repeats
 * its last frame (the official `allow_clip_overlap=False` path).
 *
 * Returns null when the video is shorter than one window and `shortVideo` is `skip`; throws a
 * {@link ShortVideoError} when it is `error`. A video with no frames (or fewer than `numClips`) is
 * always an error.
 */
export function sampleClipIndices(frameCount: number, options: ClipSamplerOptions, context: SampleClipContext = {}): ClipPlan | null {
  validateClipSamplerOptions(options);
  const path = context.path ?? 'video';
  if (!Number.isInteger(frameCount) || frameCount < 0) throw new RangeError(`${path}: frameCount must be a non-negative integer, got ${frameCount}.`);
  const numFrames = options.numFrames;
  const numClips = options.numClips ?? 1;
  const frameStep = resolveFrameStep(options, context.fps ?? Number.NaN, path);
  const clipLength = numFrames * frameStep;
  const placement = context.placement ?? (context.rng ? 'random' : 'center');
  if (placement === 'random' && !context.rng) {
    throw new RangeError(`${path}: placement 'random' needs an rng (e.g. new Rng(seed) from @jepa/core); pass one, or placement 'center'.`);
  }
  const partition = Math.floor(frameCount / numClips);
  if (partition === 0) {
    throw new ShortVideoError(path, frameCount, clipLength);
  }
  const short = frameCount < clipLength;
  if (short && options.shortVideo === 'skip') return null;
  if (short && options.shortVideo === 'error') throw new ShortVideoError(path, frameCount, clipLength);

  const clips: number[][] = [];
  for (let i = 0; i < numClips; i++) {
    let indices: number[];
    if (partition > clipLength) {
      let end = clipLength;
      if (placement === 'random') end = uniformInt(context.rng!, clipLength, partition);
      else if (placement === 'center') end = clipLength + Math.floor((partition - clipLength) / 2);
      const start = end - clipLength;
      indices =
        options.spacing === 'stride'
          ? Array.from({ length: numFrames }, (_, k) => start + k * frameStep)
          : clipTrunc(linspace(start, end, numFrames), start, end - 1);
    } else {
      const spread = Math.floor(partition / frameStep);
      const head =
        options.spacing === 'stride'
          ? Array.from({ length: spread }, (_, k) => k * frameStep)
          : linspace(0, partition, spread);
      indices = clipTrunc([...head, ...new Array<number>(numFrames - spread).fill(partition)], 0, partition - 1);
    }
    clips.push(indices.map((index) => index + i * partition));
  }
  return { clips, frameStep, clipLength, short };
}
