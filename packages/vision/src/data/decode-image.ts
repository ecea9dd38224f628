import { stat } from 'node:fs/promises';
import type { ImageChannels, ImageData32 } from '@jepa/core';

/** Thrown when an image file cannot be read or decoded. Carries the file and the reason. */
export class ImageDecodeError extends Error {
  /** The file that failed. */
  readonly path: string;
  /** Why it failed, e.g. `file does not exist` or the decoder's message. */
  readonly reason: string;

  /**
   * @param options.fix replaces the default advice after `Fix:` (callers such as
   *   `loadImageFolder` know a better remedy).
   */
  constructor(path: string, reason: string, options: { cause?: unknown; fix?: string } = {}) {
    const fix =
      options.fix ??
      'check the path, and that the file is a complete PNG, JPEG, WebP, GIF, TIFF or AVIF image; re-export or remove it';
    super(`Cannot decode image ${path}: ${reason}. Fix: ${fix}.`, { cause: options.cause });
    this.name = 'ImageDecodeError';
    this.path = path;
    this.reason = reason;
  }
}

/** Options for {@link decodeImage}. */
export interface DecodeImageOptions {
  /**
   * Channels of the result (default 3). Greyscale sources are repeated to RGB; RGB sources become
   * grey with the ITU-R 601-2 luma weights `0.299 R + 0.587 G + 0.114 B` (PIL's `convert('L')`).
   * Alpha is dropped without compositing, as PIL's `convert('RGB')` does.
   */
  readonly channels?: ImageChannels;
  /**
   * When set, the shorter side is resized to `size` (bilinear, antialiased) and the centre
   * `size x size` square is cropped, inside the decoder (cheap for large photos). Default: keep
   * the stored size.
   */
  readonly size?: number;
}

type SharpModule = typeof import('sharp');
let sharpModule: Promise<SharpModule> | undefined;

/** Loads sharp on first use, so importing this package does not load a native library. */
function loadSharp(): Promise<SharpModule> {
  sharpModule ??= import('sharp').then((module) => ((module as { default?: SharpModule }).default ?? module) as SharpModule);
  return sharpModule;
}

/**
 * Decodes an image file (PNG, JPEG, WebP, GIF, TIFF, AVIF: whatever sharp reads) into `[H, W, C]`
 * float32 values in `0..1`. CMYK and 16-bit files are converted to 8-bit sRGB first; EXIF
 * orientation is not applied (as with PIL). Throws {@link ImageDecodeError} naming the file when it
 * is missing, not a file, or corrupt.
 */
export async function decodeImage(path: string, options: DecodeImageOptions = {}): Promise<ImageData32> {
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`decodeImage(${path}): channels must be 1 or 3, got ${String(channels)}.`);
  }
  if (options.size !== undefined && !(Number.isInteger(options.size) && options.size > 0)) {
    throw new RangeError(`decodeImage(${path}): size must be a positive integer, got ${String(options.size)}.`);
  }
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImageDecodeError(path, 'not a regular file (a directory?)');
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file does not exist' : `cannot read the file (${code ?? String(error)})`;
    throw new ImageDecodeError(path, reason, { cause: error });
  }

  const sharp = await loadSharp();
  let pixels: Buffer;
  let height: number;
  let width: number;
  try {
    let pipeline = sharp(path, { failOn: 'error' }).removeAlpha().toColourspace('srgb');
    if (options.size !== undefined) {
      pipeline = pipeline.resize(options.size, options.size, { fit: 'cover', position: 'centre', kernel: 'linear' });
    }
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoder returned ${info.channels} channels, expected 3`);
    pixels = data;
    height = info.height;
    width = info.width;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ImageDecodeError(path, message, { cause: error });
  }

  const count = height * width;
  const out = new Float32Array(count * channels);
  const scale = 1 / 255;
  if (channels === 3) {
    for (let i = 0; i < out.length; i++) out[i] = pixels[i] * scale;
  } else {
    for (let p = 0, q = 0; p < count; p++, q += 3) {
      out[p] = (0.299 * pixels[q] + 0.587 * pixels[q + 1] + 0.114 * pixels[q + 2]) * scale;
    }
  }
  return { data: out, height, width, channels };
}
