import { assertImage, uniformInt, uniformRange, type ImageData32, type UniformSource } from '@jepa/core';

/** Per-channel ImageNet statistics (RGB), as torchvision and the official I-JEPA code use. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
/** Per-channel ImageNet standard deviations (RGB). */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];
/** MNIST pixel mean (one channel). */
export const MNIST_MEAN: readonly [number] = [0.1307];
/** MNIST pixel standard deviation (one channel). */
export const MNIST_STD: readonly [number] = [0.3081];

/** An output size in pixels. */
export interface ImageSize {
  /** Rows, in pixels. */
  readonly height: number;
  /** Columns, in pixels. */
  readonly width: number;
}

/** A region of a source image in pixels; fractional values are allowed by {@link resizedCrop}. */
export interface CropBox {
  /** First row of the region. */
  readonly top: number;
  /** First column of the region. */
  readonly left: number;
  /** Rows of the region. */
  readonly height: number;
  /** Columns of the region. */
  readonly width: number;
}

/** Options for {@link randomResizedCrop}; the defaults are the official I-JEPA ones. */
export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's area. Default `[0.3, 1.0]` (I-JEPA). */
  readonly scale?: readonly [number, number];
  /** Range of the crop's aspect ratio `width / height` before resizing. Default `[3/4, 4/3]`. */
  readonly ratio?: readonly [number, number];
}

const isPositiveInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

/** Python's `round()`: halves go to the even neighbour. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function toSize(size: number | ImageSize, where: string): ImageSize {
  const resolved = typeof size === 'number' ? { height: size, width: size } : size;
  if (!resolved || !isPositiveInt(resolved.height) || !isPositiveInt(resolved.width)) {
    throw new RangeError(
      `${where}: size must be a positive integer or { height, width } of positive integers, got ${JSON.stringify(size)}.`,
    );
  }
  return resolved;
}

/** Resampling taps of one axis: output `o` reads `count[o]` inputs from `start[o]` with `weights`. */
interface AxisCoefficients {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly taps: number;
  readonly weights: Float64Array;
}

/**
 * Antialiased bilinear (triangle filter) coefficients, as PIL's `precompute_coeffs`: when
 * shrinking, the filter widens by the scale so every input pixel contributes.
 */
function axisCoefficients(inSize: number, from: number, to: number, outSize: number): AxisCoefficients {
  const scale = (to - from) / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle filter's support is 1
  const taps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * taps);
  const inverse = 1 / filterScale;
  for (let o = 0; o < outSize; o++) {
    const center = from + (o + 0.5) * scale;
    const min = Math.max(0, Math.trunc(center - support + 0.5));
    const max = Math.min(inSize, Math.trunc(center + support + 0.5));
    const n = Math.max(0, max - min);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const w = Math.max(0, 1 - Math.abs((k + min - center + 0.5) * inverse));
      weights[o * taps + k] = w;
      total += w;
    }
    if (total !== 0) for (let k = 0; k < n; k++) weights[o * taps + k] /= total;
    start[o] = min;
    count[o] = n;
  }
  return { start, count, taps, weights };
}

/**
 * Crops `box` out of `image` and resizes it to `size` with antialiased bilinear resampling, in one
 * pass and without materialising the crop. Matches PIL's `Image.resize(size, BILINEAR, box)` (what
 * torchvision's `resized_crop` does on PIL images, and on tensors with `antialias=True`). The box
 * may be fractional but must lie inside the image.
 */
export function resizedCrop(image: ImageData32, box: CropBox, size: number | ImageSize): ImageData32 {
  assertImage(image, 'resizedCrop');
  const { height: outHeight, width: outWidth } = toSize(size, 'resizedCrop');
  const { top, left, height: boxHeight, width: boxWidth } = box;
  if (
    ![top, left, boxHeight, boxWidth].every(Number.isFinite) ||
    top < 0 || left < 0 || boxHeight <= 0 || boxWidth <= 0 ||
    top + boxHeight > image.height || left + boxWidth > image.width
  ) {
    throw new RangeError(
      `resizedCrop: box ${JSON.stringify(box)} does not lie inside the ${image.height}x${image.width} image. ` +
        'Fix: keep top >= 0, left >= 0, top + height <= image height and left + width <= image width.',
    );
  }
  const channels = image.channels;
  const xs = axisCoefficients(image.width, left, left + boxWidth, outWidth);
  const ys = axisCoefficients(image.height, top, top + boxHeight, outHeight);

  // Horizontal pass over the rows the vertical pass reads, into float32 as PIL's mode 'F' does.
  const rowFirst = ys.start[0];
  const rowEnd = ys.start[outHeight - 1] + ys.count[outHeight - 1];
  const rowStride = outWidth * channels;
  const temp = new Float32Array((rowEnd - rowFirst) * rowStride);
  const src = image.data;
  const inRowStride = image.width * channels;
  for (let y = rowFirst; y < rowEnd; y++) {
    const inRow = y * inRowStride;
    const outRow = (y - rowFirst) * rowStride;
    for (let x = 0; x < outWidth; x++) {
      const first = xs.start[x];
      const n = xs.count[x];
      const w0 = x * xs.taps;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += src[inRow + (first + k) * channels + c] * xs.weights[w0 + k];
        temp[outRow + x * channels + c] = sum;
      }
    }
  }

  const out = new Float32Array(outHeight * rowStride);
  for (let y = 0; y < outHeight; y++) {
    const first = ys.start[y] - rowFirst;
    const n = ys.count[y];
    const w0 = y * ys.taps;
    const outRow = y * rowStride;
    for (let i = 0; i < rowStride; i++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += temp[(first + k) * rowStride + i] * ys.weights[w0 + k];
      out[outRow + i] = sum;
    }
  }
  return { data: out, height: outHeight, width: outWidth, channels };
}

/**
 * Resizes with antialiased bilinear resampling. A number resizes the shorter side to it and keeps
 * the aspect ratio (the longer side is truncated, as torchvision's `Resize(int)`); `{ height,
 * width }` resizes to exactly that.
 */
export function resize(image: ImageData32, size: number | ImageSize): ImageData32 {
  assertImage(image, 'resize');
  let target: ImageSize;
  if (typeof size === 'number') {
    toSize(size, 'resize');
    const { height, width } = image;
    target =
      height <= width
        ? { height: size, width: Math.max(1, Math.trunc((size * width) / height)) }
        : { height: Math.max(1, Math.trunc((size * height) / width)), width: size };
  } else {
    target = toSize(size, 'resize');
  }
  return resizedCrop(image, { top: 0, left: 0, height: image.height, width: image.width }, target);
}

/** Copies the integer-aligned `box` out of `image` (no resampling). */
function crop(image: ImageData32, box: CropBox): ImageData32 {
  const { top, left, height, width } = box;
  const channels = image.channels;
  const out = new Float32Array(height * width * channels);
  const rowLength = width * channels;
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * channels;
    out.set(image.data.subarray(from, from + rowLength), y * rowLength);
  }
  return { data: out, height, width, channels };
}

/**
 * Cuts the central `size` region out (offsets rounded as torchvision's `center_crop`). Throws when
 * the crop is larger than the image: resize first.
 */
export function centerCrop(image: ImageData32, size: number | ImageSize): ImageData32 {
  assertImage(image, 'centerCrop');
  const { height, width } = toSize(size, 'centerCrop');
  if (height > image.height || width > image.width) {
    throw new RangeError(
      `centerCrop: a ${height}x${width} crop does not fit in a ${image.height}x${image.width} image. ` +
        'Fix: resize the image first (resize(image, size)) or crop smaller.',
    );
  }
  const top = roundHalfEven((image.height - height) / 2);
  const left = roundHalfEven((image.width - width) / 2);
  return crop(image, { top, left, height, width });
}

function resolveCropOptions(options: RandomResizedCropOptions): { scale: [number, number]; ratio: [number, number] } {
  const scale = options.scale ?? [0.3, 1.0];
  const ratio = options.ratio ?? [3 / 4, 4 / 3];
  const valid = (range: readonly [number, number]) =>
    Array.isArray(range) && range.length === 2 && range.every((v) => Number.isFinite(v) && v > 0) && range[0] <= range[1];
  if (!valid(scale)) {
    throw new RangeError(
      `randomResizedCrop: scale must be [min, max] with 0 < min <= max, got ${JSON.stringify(scale)} (default [0.3, 1.0]).`,
    );
  }
  if (!valid(ratio)) {
    throw new RangeError(
      `randomResizedCrop: ratio must be [min, max] with 0 < min <= max, got ${JSON.stringify(ratio)} (default [3/4, 4/3]).`,
    );
  }
  return { scale: [scale[0], scale[1]], ratio: [ratio[0], ratio[1]] };
}

/**
 * Draws the crop box of torchvision's `RandomResizedCrop.get_params`: up to 10 tries of an area
 * fraction in `scale` and a log-uniform aspect ratio in `ratio` (four draws each: area, ratio, top,
 * left), then a centre crop clamped to `ratio` if none fits.
 */
export function sampleRandomResizedCropBox(
  height: number,
  width: number,
  rng: UniformSource,
  options: RandomResizedCropOptions = {},
): CropBox {
  const { scale, ratio } = resolveCropOptions(options);
  const area = height * width;
  const logRatio = [Math.log(ratio[0]), Math.log(ratio[1])] as const;
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * uniformRange(rng, scale[0], scale[1]);
    const aspectRatio = Math.exp(uniformRange(rng, logRatio[0], logRatio[1]));
    const w = roundHalfEven(Math.sqrt(targetArea * aspectRatio));
    const h = roundHalfEven(Math.sqrt(targetArea / aspectRatio));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = uniformInt(rng, 0, height - h + 1);
      const left = uniformInt(rng, 0, width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w: number;
  let h: number;
  if (inRatio < ratio[0]) {
    w = width;
    h = roundHalfEven(w / ratio[0]);
  } else if (inRatio > ratio[1]) {
    h = height;
    w = roundHalfEven(h * ratio[1]);
  } else {
    w = width;
    h = height;
  }
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * torchvision's `RandomResizedCrop(size, scale, ratio)` with bilinear antialiased resampling: a
 * random region (see {@link sampleRandomResizedCropBox}) resized to `size`. Pure TypeScript, fast
 * enough to run per sample (about a microsecond per output pixel and channel).
 */
export function randomResizedCrop(
  image: ImageData32,
  size: number | ImageSize,
  rng: UniformSource,
  options: RandomResizedCropOptions = {},
): ImageData32 {
  assertImage(image, 'randomResizedCrop');
  const target = toSize(size, 'randomResizedCrop');
  const box = sampleRandomResizedCropBox(image.height, image.width, rng, options);
  return resizedCrop(image, box, target);
}

/** Mirrors the image left to right. */
export function horizontalFlip(image: ImageData32): ImageData32 {
  assertImage(image, 'horizontalFlip');
  const { height, width, channels } = image;
  const out = new Float32Array(image.data.length);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < width; x++) {
      const from = row + x * channels;
      const to = row + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = image.data[from + c];
    }
  }
  return { data: out, height, width, channels };
}

/** Flips with probability `p` (default 0.5, one draw from `rng`); otherwise returns `image` itself. */
export function randomHorizontalFlip(image: ImageData32, rng: UniformSource, p = 0.5): ImageData32 {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`randomHorizontalFlip: p must be in [0, 1], got ${p}.`);
  return rng.uniform() < p ? horizontalFlip(image) : image;
}

/**
 * `(x - mean[c]) / std[c]` for every channel `c`, into a new image. `mean` and `std` need one
 * entry per channel (e.g. {@link IMAGENET_MEAN}/{@link IMAGENET_STD} for RGB,
 * {@link MNIST_MEAN}/{@link MNIST_STD} for MNIST).
 */
export function normalize(image: ImageData32, mean: readonly number[], std: readonly number[]): ImageData32 {
  assertImage(image, 'normalize');
  const channels = image.channels;
  if (mean.length !== channels || std.length !== channels) {
    throw new RangeError(
      `normalize: the image has ${channels} channel(s) but mean has ${mean.length} and std ${std.length} entries. ` +
        `Fix: pass one mean and one std per channel (e.g. ${channels === 1 ? 'MNIST_MEAN, MNIST_STD' : 'IMAGENET_MEAN, IMAGENET_STD'}).`,
    );
  }
  if (!mean.every(Number.isFinite) || !std.every((s) => Number.isFinite(s) && s !== 0)) {
    throw new RangeError(`normalize: mean must be finite and std finite and non-zero, got mean ${JSON.stringify(mean)}, std ${JSON.stringify(std)}.`);
  }
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i += channels) {
    for (let c = 0; c < channels; c++) out[i + c] = (image.data[i + c] - mean[c]) / std[c];
  }
  return { data: out, height: image.height, width: image.width, channels };
}
