import { describe, expect, it } from 'vitest';
import { prepareImage, rgbaToImage } from './images.js';

describe('rgbaToImage', () => {
  const rgba = Uint8ClampedArray.from([255, 0, 0, 255, 0, 255, 0, 10, 0, 0, 255, 0, 51, 102, 153, 255]);

  it('drops alpha without compositing and scales to 0..1', () => {
    const image = rgbaToImage(rgba, 2, 2, 3);
    expect([image.height, image.width, image.channels]).toEqual([2, 2, 3]);
    expect([...image.data].map((v) => Math.round(v * 255))).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 51, 102, 153]);
  });

  it('turns RGB into grey with the ITU-R 601-2 luma, as @jepa/vision decodeImage does', () => {
    const image = rgbaToImage(rgba, 2, 2, 1);
    expect(image.data[0]).toBeCloseTo(0.299, 6);
    expect(image.data[1]).toBeCloseTo(0.587, 6);
    expect(image.data[3]).toBeCloseTo((0.299 * 51 + 0.587 * 102 + 0.114 * 153) / 255, 6);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => rgbaToImage(rgba, 3, 2, 3)).toThrow(/16 bytes are not 3x2 RGBA pixels/);
  });
});

describe('prepareImage', () => {
  it('keeps an image of the model size as it is and squares others (shorter side, centre crop)', () => {
    const square = { data: new Float32Array(4 * 4), height: 4, width: 4, channels: 1 };
    expect(prepareImage(square, 4)).toBe(square);
    const wide = { data: Float32Array.from({ length: 8 * 16 }, (_, i) => (i % 16) / 15), height: 8, width: 16, channels: 1 };
    const prepared = prepareImage(wide, 4);
    expect([prepared.height, prepared.width, prepared.channels]).toEqual([4, 4, 1]);
    // the centre of a left-to-right ramp: values rise along each row and stay inside the middle half
    expect(prepared.data[0]!).toBeGreaterThan(0.2);
    expect(prepared.data[3]!).toBeLessThan(0.8);
    expect(prepared.data[3]!).toBeGreaterThan(prepared.data[0]!);
  });
});
