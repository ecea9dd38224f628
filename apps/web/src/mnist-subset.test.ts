import { describe, expect, it } from 'vitest';
import { decodeMnistSubset, encodeMnistSubset } from './mnist-subset.js';

describe('MNIST subset file', () => {
  it('keeps the first images of each class with their labels, k / 255 exactly', () => {
    const size = 2;
    // 3 images per class; pixel values are what the mnist package stores: k / 255 rounded to 3 decimals
    const digits = Array.from({ length: 10 }, (_, digit) =>
      Array.from({ length: 3 * size * size }, (_, i) => Number((((digit * 7 + i) % 256) / 255).toFixed(3))),
    );
    const decoded = decodeMnistSubset(encodeMnistSubset(digits, 2, size));
    expect(decoded.count).toBe(20);
    expect([decoded.height, decoded.width, decoded.channels]).toEqual([2, 2, 1]);
    expect([...decoded.labels]).toEqual(Array.from({ length: 20 }, (_, i) => Math.floor(i / 2)));
    const digit3 = decoded.images.subarray(3 * 2 * 4, 3 * 2 * 4 + 2 * 4);
    expect([...digit3].map((v) => Math.round(v * 255))).toEqual(digits[3]!.slice(0, 8).map((v) => Math.round(v * 255)));
    digit3.forEach((v, i) => expect(Math.abs(v - digits[3]![i]!)).toBeLessThan(6e-4));
  });

  it('refuses other files and short classes with a message that says what to do', () => {
    expect(() => decodeMnistSubset(new Uint8Array(20))).toThrow(/expected a JMN1 file.*Rebuild/);
    const digits = Array.from({ length: 10 }, () => new Array(4).fill(0));
    expect(() => encodeMnistSubset(digits, 2, 2)).toThrow(/digit 0 has 1 images, fewer than perClass 2/);
    const bytes = encodeMnistSubset(digits, 1, 2);
    expect(() => decodeMnistSubset(bytes.subarray(0, bytes.length - 1))).toThrow(/need 66 bytes, the file has 65/);
  });
});
