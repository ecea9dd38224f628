import { describe, expect, it } from 'vitest';
import { assertImage, createImage } from './image-data.js';

describe('createImage / assertImage', () => {
  it('validates shapes against the data length', () => {
    expect(createImage(2, 3, 1).data.length).toBe(6);
    expect(() => createImage(2, 3, 1, new Float32Array(5))).toThrow(/5 values but \[2, 3, 1\] needs 6/);
    expect(() => createImage(0, 3, 1)).toThrow(/positive integers/);
    expect(() => assertImage({ data: new Float32Array(4), height: 2, width: 3, channels: 1 }, 'here')).toThrow(/^here: .*needs 6/);
  });
});
