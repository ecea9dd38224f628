/**
 * Images as plain data, shared by every model family (still images, video frames, Moving MNIST
 * digits). Decoding files into them is the job of the packages that read files (`@jepa/vision`
 * with sharp, `@jepa/video` with ffmpeg).
 */

/**
 * One image in channels-last layout: `data[(y * width + x) * channels + c]`, i.e. `[H, W, C]`.
 * Values are in `0..1` as decoders return them (e.g. `decodeImage` of @jepa/vision); normalising shifts them.
 */
export interface ImageData32 {
  /** Pixel values, `height * width * channels` of them, channels last. */
  readonly data: Float32Array;
  /** Rows. */
  readonly height: number;
  /** Columns. */
  readonly width: number;
  /** Values per pixel (1 greyscale, 3 RGB). */
  readonly channels: number;
}

/** Channel counts the decoders produce: 1 (greyscale) or 3 (RGB). */
export type ImageChannels = 1 | 3;

const isPositiveInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

/**
 * Makes an `[H, W, C]` image, zero-filled unless `data` is given (used as is, not copied).
 * Throws when a size is not a positive integer or `data.length !== height * width * channels`.
 */
export function createImage(height: number, width: number, channels: number, data?: Float32Array): ImageData32 {
  if (!isPositiveInt(height) || !isPositiveInt(width) || !isPositiveInt(channels)) {
    throw new RangeError(
      `createImage: height, width and channels must be positive integers, got [${height}, ${width}, ${channels}].`,
    );
  }
  const size = height * width * channels;
  if (data !== undefined && data.length !== size) {
    throw new RangeError(
      `createImage: data has ${data.length} values but [${height}, ${width}, ${channels}] needs ${size}. ` +
        'Fix: pass a Float32Array of height * width * channels values in [H, W, C] order.',
    );
  }
  return { data: data ?? new Float32Array(size), height, width, channels };
}

/** Throws a message naming `where` unless `image` is a well-formed {@link ImageData32}. */
export function assertImage(image: ImageData32, where: string): void {
  if (image === null || typeof image !== 'object' || !(image.data instanceof Float32Array)) {
    throw new TypeError(`${where}: expected an image { data: Float32Array, height, width, channels }, got ${String(image)}.`);
  }
  const { height, width, channels, data } = image;
  if (!isPositiveInt(height) || !isPositiveInt(width) || !isPositiveInt(channels)) {
    throw new RangeError(`${where}: image sizes must be positive integers, got [${height}, ${width}, ${channels}].`);
  }
  if (data.length !== height * width * channels) {
    throw new RangeError(
      `${where}: image data has ${data.length} values but its shape [${height}, ${width}, ${channels}] needs ` +
        `${height * width * channels}.`,
    );
  }
}
