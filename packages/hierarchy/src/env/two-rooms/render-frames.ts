import { normalizeTwoRoomsValue } from './frame-normalization.js';
import { checkTwoRoomsImageSize, twoRoomsPixelScale } from './image-grid.js';
import type { TwoRoomsLayout } from './layout.js';
import { cachedWallMask } from './wall-mask.js';
import { TWO_ROOMS_WORLD } from './world.js';

/** What {@link renderTwoRoomsFrames} draws. */
export interface TwoRoomsFramesRequest {
  /** Dot positions `[F, 2]` (x, y), world pixels; one frame per position. */
  readonly positions: ArrayLike<number>;
  /**
   * Layouts `[G, 2]` (wallX, doorY), with `G` dividing `F`: frame `f` uses layout
   * `floor(f / (F / G))`. So pass one layout for all frames, one per window of a batch of
   * equal-length windows, or one per frame.
   */
  readonly layouts: ArrayLike<number>;
  /** Image side in pixels (default 65, the reference; 64 and 32 work, any in 16..1024). */
  readonly imageSize?: number;
  /** Apply the reference normalisation (default true); false gives raw values 0..255 as the reference's uint8 image. */
  readonly normalize?: boolean;
  /** Where to write, `[F, imageSize, imageSize, 2]`; a new array when absent. A subarray works. */
  readonly out?: Float32Array;
}

/** Options of {@link renderTwoRoomsFrame}. */
export interface TwoRoomsFrameOptions {
  /** Image side in pixels (default 65). */
  readonly imageSize?: number;
  /** Apply the reference normalisation (default true). */
  readonly normalize?: boolean;
  /** Where to write, `[imageSize, imageSize, 2]`; a new array when absent. */
  readonly out?: Float32Array;
}

/**
 * Renders Two Rooms observations as the reference does (`_render_dot` + `_render_walls`, then
 * `Normalizer.normalize_state`), channels-last, into one `Float32Array` `[F, S, S, 2]`
 * (`S = imageSize`):
 *
 * - channel 0, the dot: `floor(255 * exp(-|c - p|^2 / (2 sigma^2)))` at every pixel centre `c`
 *   (the reference's uint8 truncation included), `sigma = 1.3` world pixels; on an `S`-pixel grid
 *   positions and sigma are scaled by `S / 65` (see `worldToImageCoordinate`);
 * - channel 1, the walls: 255 on the wall, door frame and border pixels (`renderTwoRoomsWallMask`);
 * - then, unless `normalize` is false, per frame and channel `(x - min) / (max - min + 1e-6)`
 *   followed by `(x - mean) / (std + 1e-6)` with means `[0.0026, 0.0989]`, stds `[0.0369, 0.2986]`.
 *
 * Pure TypeScript, no TensorFlow.js; wall masks are cached per layout and size.
 *
 * @returns `request.out` (or a new array) holding the frames.
 */
export function renderTwoRoomsFrames(request: TwoRoomsFramesRequest): Float32Array {
  const { positions, layouts, imageSize = TWO_ROOMS_WORLD.size, normalize = true } = request;
  const where = 'renderTwoRoomsFrames';
  checkTwoRoomsImageSize(imageSize, where);
  if (positions.length % 2 !== 0) {
    throw new RangeError(`${where}: positions must be [F, 2] (x, y pairs, world pixels); got ${positions.length} values.`);
  }
  const frameCount = positions.length / 2;
  const layoutCount = layouts.length / 2;
  if (!Number.isInteger(layoutCount) || layoutCount < 1 || frameCount % layoutCount !== 0) {
    throw new RangeError(
      `${where}: layouts must be [G, 2] (wallX, doorY pairs) with G dividing the ${frameCount} frames (one layout, one per window or one per frame); got ${layouts.length} values.`,
    );
  }
  const maskOf = (index: number) => cachedWallMask({ wallX: layouts[2 * index]!, doorY: layouts[2 * index + 1]! }, imageSize, `${where} (layout ${index})`);
  return drawDotAndWallFrames({ positions, layoutCount, maskOf, imageSize, normalize, out: request.out, where });
}

/**
 * One observation `[S, S, 2]` of the dot at `position` (world pixels) in `layout`; see
 * {@link renderTwoRoomsFrames} for what is drawn and how it is normalised.
 */
export function renderTwoRoomsFrame(layout: TwoRoomsLayout, position: ArrayLike<number>, options: TwoRoomsFrameOptions = {}): Float32Array {
  if (position === null || typeof position !== 'object' || position.length !== 2) {
    throw new TypeError('renderTwoRoomsFrame: position must be [x, y] in world pixels.');
  }
  return renderTwoRoomsFrames({ ...options, positions: position, layouts: [layout?.wallX, layout?.doorY] });
}

/** What {@link drawDotAndWallFrames} draws: checked arguments. */
export interface DotAndWallFramesSpec {
  /** Dot positions `[F, 2]` (x, y), world pixels, of even length (each is checked finite as it is drawn). */
  readonly positions: ArrayLike<number>;
  /** Number of layouts `G`, at least 1 and dividing `F`: frame `f` uses layout `floor(f / (F / G))`. */
  readonly layoutCount: number;
  /** The wall mask (nonzero = wall, `[imageSize, imageSize]`) of layout `index`; called once per run of frames that share a layout, it may throw. */
  readonly maskOf: (index: number) => Uint8Array;
  readonly imageSize: number;
  readonly normalize: boolean;
  /** Where to write, `[F, imageSize, imageSize, 2]` (its length is checked); a new array when absent. */
  readonly out?: Float32Array | undefined;
  /** The caller, named in messages. */
  readonly where: string;
}

/**
 * Draws `F` frames with {@link drawDotAndWallFrame}, frame `f` with the dot at position `f` and
 * the mask of its layout, into `spec.out` or a new array (internal: the Two Rooms and Four Rooms
 * renderers share it once they have checked their positions and layouts).
 *
 * @returns the frames `[F, S, S, 2]`.
 */
export function drawDotAndWallFrames(spec: DotAndWallFramesSpec): Float32Array {
  const { positions, layoutCount, maskOf, imageSize, normalize, where } = spec;
  const frameCount = positions.length / 2;
  const frameLength = imageSize * imageSize * 2;
  const out = spec.out ?? new Float32Array(frameCount * frameLength);
  if (out.length !== frameCount * frameLength) {
    throw new RangeError(
      `${where}: out must hold [${frameCount}, ${imageSize}, ${imageSize}, 2] = ${frameCount * frameLength} values; got ${out.length}. Allocate new Float32Array(frames * imageSize * imageSize * 2).`,
    );
  }
  const framesPerLayout = frameCount / layoutCount;
  let mask: Uint8Array | undefined;
  let maskIndex = -1;
  for (let frame = 0; frame < frameCount; frame++) {
    const layoutIndex = Math.floor(frame / framesPerLayout);
    if (layoutIndex !== maskIndex) {
      mask = maskOf(layoutIndex);
      maskIndex = layoutIndex;
    }
    const x = positions[2 * frame]!;
    const y = positions[2 * frame + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new RangeError(`${where}: position ${frame} must be finite world pixels; got [${x}, ${y}].`);
    }
    drawDotAndWallFrame(out, frame * frameLength, mask!, x, y, imageSize, normalize);
  }
  return out;
}

/** Number of pixels beyond which a dot pixel truncates to 0 (255 * g < 1), in sigmas: sqrt(2 ln 255), plus a safety pixel. */
const DOT_RADIUS_SIGMAS = Math.sqrt(2 * Math.log(255));
let columnWeights = new Float64Array(0);
let rowWeights = new Float64Array(0);
let windowValues = new Float64Array(0);

/**
 * Writes one frame `[size, size, 2]` at `out[offset]`: the dot at world `(x, y)` in channel 0 and
 * `mask` (nonzero = wall, row-major `[size, size]`) in channel 1, raw (0..255) or normalised as
 * {@link renderTwoRoomsFrames} describes ({@link drawDotAndWallFrames} draws each frame with it; arguments are trusted).
 */
function drawDotAndWallFrame(out: Float32Array, offset: number, mask: Uint8Array, x: number, y: number, size: number, normalize: boolean): void {
  const scale = twoRoomsPixelScale(size);
  const centreX = (x + 0.5) / scale - 0.5;
  const centreY = (y + 0.5) / scale - 0.5;
  const sigma = TWO_ROOMS_WORLD.dotSigma / scale;
  const inverseTwoVariance = 1 / (2 * sigma * sigma);
  const radius = sigma * DOT_RADIUS_SIGMAS + 1;
  const column0 = Math.max(0, Math.ceil(centreX - radius));
  const column1 = Math.min(size - 1, Math.floor(centreX + radius));
  const row0 = Math.max(0, Math.ceil(centreY - radius));
  const row1 = Math.min(size - 1, Math.floor(centreY + radius));
  const width = column1 - column0 + 1;
  const height = row1 - row0 + 1;

  // The dot's nonzero window: separable Gaussian weights, the product truncated like uint8.
  let max = 0;
  let min = 0;
  if (width > 0 && height > 0) {
    if (columnWeights.length < width) columnWeights = new Float64Array(width * 2);
    if (rowWeights.length < height) rowWeights = new Float64Array(height * 2);
    if (windowValues.length < width * height) windowValues = new Float64Array(width * height * 2);
    for (let i = 0; i < width; i++) {
      const d = column0 + i - centreX;
      columnWeights[i] = Math.exp(-d * d * inverseTwoVariance);
    }
    for (let j = 0; j < height; j++) {
      const d = row0 + j - centreY;
      rowWeights[j] = Math.exp(-d * d * inverseTwoVariance);
    }
    let windowMin = Infinity;
    for (let j = 0; j < height; j++) {
      const rowWeight = 255 * rowWeights[j]!;
      for (let i = 0; i < width; i++) {
        const value = Math.floor(Math.min(255, rowWeight * columnWeights[i]!));
        windowValues[j * width + i] = value;
        if (value > max) max = value;
        if (value < windowMin) windowMin = value;
      }
    }
    // Pixels outside the window are 0 unless the window is the whole image.
    min = width === size && height === size ? windowMin : 0;
  }

  let background = 0;
  let wallOff = 0;
  let wallOn = 255;
  if (normalize) {
    background = normalizeTwoRoomsValue(0, min, max, 0);
    // Every mask has wall (the borders) and free pixels, so the wall channel spans 0..255.
    wallOff = normalizeTwoRoomsValue(0, 0, 255, 1);
    wallOn = normalizeTwoRoomsValue(255, 0, 255, 1);
  }
  const pixels = size * size;
  for (let p = 0, o = offset; p < pixels; p++, o += 2) {
    out[o] = background;
    out[o + 1] = mask[p] ? wallOn : wallOff;
  }
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const value = windowValues[j * width + i]!;
      if (value === 0 && min === 0) continue;
      out[offset + 2 * ((row0 + j) * size + column0 + i)] = normalize ? normalizeTwoRoomsValue(value, min, max, 0) : value;
    }
  }
}
