import type { LabeledImages } from '@jepa/core';

/** Which of the seven segments (a..g: top, top-right, bottom-right, bottom, bottom-left, top-left, middle) each digit lights. */
const SEGMENTS = ['abcdef', 'bc', 'abdeg', 'abcdg', 'bcfg', 'acdfg', 'acdefg', 'abc', 'abcdefg', 'abcdfg'];

/**
 * Test helper (not exported): `perClass` 28 x 28 greyscale seven-segment digits per class 0..9,
 * each copy shifted by a pixel so that copies differ. Stands in for MNIST in @jepa/video's tests,
 * which must not import @jepa/vision.
 */
export function sevenSegmentDigits(perClass = 1): LabeledImages {
  const side = 28;
  const count = 10 * perClass;
  const images = new Float32Array(count * side * side);
  const labels = new Int32Array(count);
  const bar = (image: Float32Array, top: number, left: number, height: number, width: number) => {
    for (let y = top; y < top + height; y++) for (let x = left; x < left + width; x++) image[y * side + x] = 0.6 + 0.4 * (((x + y) % 3) / 2);
  };
  for (let i = 0; i < count; i++) {
    const digit = i % 10;
    const shift = Math.floor(i / 10) % 3;
    const image = images.subarray(i * side * side, (i + 1) * side * side);
    const [x0, y0] = [7 + shift, 4 + shift];
    for (const segment of SEGMENTS[digit]!) {
      if (segment === 'a') bar(image, y0, x0, 2, 12);
      if (segment === 'g') bar(image, y0 + 9, x0, 2, 12);
      if (segment === 'd') bar(image, y0 + 18, x0, 2, 12);
      if (segment === 'f') bar(image, y0, x0, 11, 2);
      if (segment === 'b') bar(image, y0, x0 + 10, 11, 2);
      if (segment === 'e') bar(image, y0 + 9, x0, 11, 2);
      if (segment === 'c') bar(image, y0 + 9, x0 + 10, 11, 2);
    }
    labels[i] = digit;
  }
  return { images, labels, count, height: side, width: side, channels: 1, classNames: SEGMENTS.map((_, d) => String(d)) };
}
