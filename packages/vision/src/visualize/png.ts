import { writeFileAtomic } from '@jepa/core/node';
import sharp from 'sharp';
import type { Picture } from './prediction-figure.js';

/** PNG bytes of an 8-bit RGB(A) {@link Picture} (sharp). */
export async function encodePng(picture: Picture): Promise<Uint8Array> {
  const { width, height, channels, data } = picture;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || (channels !== 3 && channels !== 4)) {
    throw new Error(`encodePng: expected a picture with positive integer width and height and 3 or 4 channels, got ${width} x ${height} x ${channels}.`);
  }
  if (data.length !== width * height * channels) {
    throw new Error(`encodePng: data holds ${data.length} bytes but ${width} x ${height} x ${channels} needs ${width * height * channels}.`);
  }
  const png = await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels } }).png().toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** Writes `picture` as a PNG file atomically (the previous file, if any, stays whole on failure). */
export async function writePng(path: string, picture: Picture): Promise<void> {
  await writeFileAtomic(path, await encodePng(picture));
}
