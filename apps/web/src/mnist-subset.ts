import type { LabeledImages } from '@jepa/core';
import { splitMnistDigits } from '@jepa/vision';
import { MNIST_SUBSET_HEADER_BYTES as HEADER_BYTES, MNIST_SUBSET_MAGIC } from './mnist-subset-format.js';

/** The package's value of a pixel stored as `k`: `k / 255` rounded to 3 decimals, as its JSON has it. */
export function packageValue(k: number): number {
  return Math.round((k / 255) * 1000) / 1000;
}

/**
 * Reads the file back as the digits of the `mnist` package, with the package's exact values, split
 * by @jepa/vision's `splitMnistDigits` (nothing held out): `[count, 28, 28, 1]` in digit order, the
 * same images and labels as `loadMnist({ trainPerClass: perClass }).train` under Node.
 */
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
  const labels = bytes.subarray(HEADER_BYTES, HEADER_BYTES + count);
  const perClass = count / 10;
  if (!Number.isInteger(perClass) || labels.some((label, i) => label !== Math.floor(i / perClass))) {
    throw new Error(`MNIST subset: expected ${count} labels with the same number of each digit in digit order. Rebuild the app.`);
  }
  const pixels = height * width;
  const raw = bytes.subarray(HEADER_BYTES + count);
  const digits = Array.from({ length: 10 }, (_, digit) => {
    const values = new Float32Array(perClass * pixels);
    for (let i = 0; i < values.length; i++) values[i] = packageValue(raw[digit * perClass * pixels + i]!);
    return values;
  });
  return splitMnistDigits(digits, { heldOutPerClass: 0 }, 'mnist-subset.bin').train;
}
