import type { ImageData32 } from '@jepa/core';

/**
 * A clip of `T` frames in one buffer, channels-last: `data` is `[T, H, W, C]`,
 * `data[((t * height + y) * width + x) * channels + c]`, values `0..1` as decoded (normalise later).
 */
export interface VideoClip {
  /** `frames * height * width * channels` values, channels last. */
  readonly data: Float32Array;
  /** Frames `T`. */
  readonly frames: number;
  /** Rows `H` of a frame. */
  readonly height: number;
  /** Columns `W` of a frame. */
  readonly width: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: number;
}

/** A batch of clips: `data` is `[B, T, H, W, C]` float32 (`shape` spells it out). */
export interface VideoBatchData {
  /** `B * T * H * W * C` values, channels last. */
  readonly data: Float32Array;
  /** `[B, T, H, W, C]`. */
  readonly shape: readonly [number, number, number, number, number];
}

const isPositiveInt = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** Makes a `[T, H, W, C]` clip, zero-filled unless `data` is given (used as is). Checks sizes. */
export function createVideoClip(frames: number, height: number, width: number, channels: number, data?: Float32Array): VideoClip {
  for (const [name, value] of Object.entries({ frames, height, width, channels })) {
    if (!isPositiveInt(value)) throw new RangeError(`createVideoClip: ${name} must be a positive integer, got ${value}.`);
  }
  const size = frames * height * width * channels;
  if (data && data.length !== size) {
    throw new RangeError(
      `createVideoClip: data holds ${data.length} values but T x H x W x C = ${frames} x ${height} x ${width} x ${channels} = ${size}.`,
    );
  }
  return { data: data ?? new Float32Array(size), frames, height, width, channels };
}

/** Frame `t` of a clip as an `[H, W, C]` image; its `data` is a view into the clip (no copy). */
export function clipFrame(clip: VideoClip, t: number): ImageData32 {
  if (!Number.isInteger(t) || t < 0 || t >= clip.frames) {
    throw new RangeError(`clipFrame: frame ${t} is outside 0..${clip.frames - 1} (the clip holds ${clip.frames} frames).`);
  }
  const size = clip.height * clip.width * clip.channels;
  return { data: clip.data.subarray(t * size, (t + 1) * size), height: clip.height, width: clip.width, channels: clip.channels };
}

/** Stacks clips of one shape into `[B, T, H, W, C]` (copied). Throws naming the first clip that differs. */
export function stackClips(clips: readonly VideoClip[]): VideoBatchData {
  if (clips.length === 0) throw new RangeError('stackClips: no clips to stack; pass at least one.');
  const { frames, height, width, channels } = clips[0];
  const size = frames * height * width * channels;
  const data = new Float32Array(clips.length * size);
  clips.forEach((clip, i) => {
    if (clip.frames !== frames || clip.height !== height || clip.width !== width || clip.channels !== channels) {
      throw new RangeError(
        `stackClips: clip ${i} is [${clip.frames}, ${clip.height}, ${clip.width}, ${clip.channels}] but clip 0 is ` +
          `[${frames}, ${height}, ${width}, ${channels}]. Fix: decode every clip with the same numFrames, size and pixelFormat.`,
      );
    }
    data.set(clip.data, i * size);
  });
  return { data, shape: [clips.length, frames, height, width, channels] };
}
