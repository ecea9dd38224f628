import { encodeVideo, type EncodedVideo, type EncodeVideoOptions } from './ffmpeg-adapter.js';

/** Options for {@link writePatternVideo}. */
export interface PatternVideoOptions extends Omit<EncodeVideoOptions, 'width' | 'height' | 'pixelFormat'> {
  /** Frames to write. */
  readonly frames: number;
  /** Frame width, in pixels. */
  readonly width: number;
  /** Frame height, in pixels. */
  readonly height: number;
}

/**
 * The byte value of channel `c` at `(x, y)` in frame `t` of the RGB test pattern: red encodes the
 * frame number (`(8 t + 4) mod 256`, so 32 frames are told apart), green ramps with `x` and blue
 * with `y` (0 at the left/top edge, 255 at the right/bottom edge).
 */
export function patternByte(t: number, x: number, y: number, c: number, width: number, height: number): number {
  if (c === 0) return (8 * t + 4) % 256;
  if (c === 1) return width > 1 ? Math.round((255 * x) / (width - 1)) : 0;
  return height > 1 ? Math.round((255 * y) / (height - 1)) : 0;
}

/** Frame `t` of the RGB test pattern as raw `rgb24` bytes. */
export function patternFrame(t: number, width: number, height: number): Uint8Array {
  const frame = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) frame[(y * width + x) * 3 + c] = patternByte(t, x, y, c, width, height);
    }
  }
  return frame;
}

/**
 * Writes a video whose frame `t` is {@link patternFrame}, e.g. to test decoders and to benchmark
 * decoding. With `codec: 'ffv1'` (a `.mkv` path) it is lossless, so decoded frames match exactly.
 */
export function writePatternVideo(path: string, options: PatternVideoOptions): Promise<EncodedVideo> {
  const { frames, width, height, ...encode } = options;
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`writePatternVideo(${path}): frames must be a positive integer, got ${frames}.`);
  function* generate(): Generator<Uint8Array> {
    for (let t = 0; t < frames; t++) yield patternFrame(t, width, height);
  }
  return encodeVideo(path, generate(), { ...encode, width, height, pixelFormat: 'rgb' });
}
