import { describe, expect, it } from 'vitest';
import { countPerClass } from '@jepa/core';
import { MNIST_CLASS_NAMES, splitMnistDigits } from './mnist-digits.js';

/** Ten digit files of `perDigit` images each, every pixel of image i of digit d being (d * 10 + i) / 100. */
function digitFiles(perDigit: number): string[] {
  return MNIST_CLASS_NAMES.map((_, digit) =>
    JSON.stringify({ data: Array.from({ length: perDigit * 784 }, (_, k) => (digit * 10 + Math.floor(k / 784)) / 100) }));
}

describe('splitMnistDigits (browser-safe: the digit files as a page fetches them)', () => {
  it('splits bytes, text or values alike: the first images of each class to train, the last to held-out', () => {
    const text = digitFiles(3);
    const bytes = text.map((t) => new TextEncoder().encode(t));
    const fromText = splitMnistDigits(text, { heldOutPerClass: 1 });
    const fromBytes = splitMnistDigits(bytes, { heldOutPerClass: 1 });
    const fromValues = splitMnistDigits(text.map((t) => Float32Array.from((JSON.parse(t) as { data: number[] }).data)), { heldOutPerClass: 1 });
    for (const split of [fromText, fromBytes, fromValues]) {
      expect(countPerClass(split.train)).toEqual(new Array(10).fill(2));
      expect(countPerClass(split.heldOut)).toEqual(new Array(10).fill(1));
      expect(split.train.images[784 * 2]).toBeCloseTo(0.1, 6); // digit 1, image 0
      expect(split.heldOut.images[784 * 3]).toBeCloseTo(0.32, 6); // digit 3, image 2 (the last)
    }
    expect(fromBytes.train.images).toEqual(fromText.train.images);
  });

  it('reads numbers JSON writes with exponents, and names what is wrong', () => {
    const files = digitFiles(2);
    files[4] = JSON.stringify({ data: new Array(2 * 784).fill(1e-7) });
    expect(splitMnistDigits(files, { heldOutPerClass: 1 }).train.images[4 * 784]).toBeCloseTo(1e-7, 12);
    expect(() => splitMnistDigits(files.slice(0, 9))).toThrow(/expected the 10 digit files 0\.json \.\. 9\.json, got 9/);
    expect(() => splitMnistDigits(files.map((f, i) => (i === 2 ? '{"data": [1, 2]}' : f)), { heldOutPerClass: 1 })).toThrow(/digit 2 should hold \{ data: number\[\] \} with a multiple of 784 values/);
    expect(() => splitMnistDigits(files, { heldOutPerClass: 2 })).toThrow(/heldOutPerClass 2 leaves no train image of digit 0/);
  });
});
