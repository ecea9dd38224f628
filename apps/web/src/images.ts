import type { ImageData32 } from '@jepa/core';
import { centerCrop, resize } from '@jepa/vision';

/** Longest side kept when a dropped image is decoded; larger photos are scaled down by the browser first. */
export const MAX_DECODED_SIDE = 1024;

/**
 * RGBA bytes (a canvas's `getImageData`, not premultiplied) as `[H, W, C]` values in 0..1, the way
 * @jepa/vision's `decodeImage` reads files: alpha dropped without compositing, and for one channel
 * the ITU-R 601-2 luma `0.299 R + 0.587 G + 0.114 B` (PIL's `convert('L')`).
 */
export function rgbaToImage(rgba: ArrayLike<number>, width: number, height: number, channels: 1 | 3): ImageData32 {
  const count = width * height;
  if (rgba.length !== count * 4) throw new RangeError(`rgbaToImage: ${rgba.length} bytes are not ${width}x${height} RGBA pixels.`);
  const data = new Float32Array(count * channels);
  const scale = 1 / 255;
  for (let p = 0; p < count; p++) {
    const r = rgba[4 * p]!;
    const g = rgba[4 * p + 1]!;
    const b = rgba[4 * p + 2]!;
    if (channels === 3) {
      data[3 * p] = r * scale;
      data[3 * p + 1] = g * scale;
      data[3 * p + 2] = b * scale;
    } else {
      data[p] = (0.299 * r + 0.587 * g + 0.114 * b) * scale;
    }
  }
  return { data, height, width, channels };
}

/**
 * The model's input for one image: the shorter side resized to `size` (antialiased bilinear) and the
 * centre square kept, as `jepa embed` and `loadImageFolder` prepare files; an image already
 * `size x size` is used as it is.
 */
export function prepareImage(image: ImageData32, size: number): ImageData32 {
  if (image.height === size && image.width === size) return image;
  const resized = resize(image, size);
  return centerCrop(resized, size);
}

/** A dropped or picked image file, decoded by the browser. */
export interface DecodedImage {
  readonly name: string;
  /** Decoded RGBA at the stored size (or scaled down to {@link MAX_DECODED_SIDE}). */
  readonly rgba: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
  /** A bitmap for drawing the image. */
  readonly bitmap: ImageBitmap;
}

/** Decodes an image file with the browser's decoders (PNG, JPEG, WebP, GIF, AVIF, ...), without colour conversion. */
export async function decodeImageFile(file: Blob & { name?: string }): Promise<DecodedImage> {
  const name = file.name ?? 'image';
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (error) {
    throw new Error(`Cannot decode image ${name}: ${(error as Error).message}. Drop a PNG, JPEG, WebP or GIF file.`, { cause: error });
  }
  const scale = Math.min(1, MAX_DECODED_SIDE / Math.max(bitmap.width, bitmap.height));
  if (scale < 1) {
    const scaled = await createImageBitmap(bitmap, {
      resizeWidth: Math.max(1, Math.round(bitmap.width * scale)),
      resizeHeight: Math.max(1, Math.round(bitmap.height * scale)),
      resizeQuality: 'high',
    });
    bitmap.close();
    bitmap = scaled;
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('This browser gives no 2-D canvas context; cannot read image pixels.');
  context.drawImage(bitmap, 0, 0);
  const rgba = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data;
  return { name, rgba, width, height, bitmap };
}
