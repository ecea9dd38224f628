import { describe, expect, it } from 'vitest';
import { assertLabeledImages, countPerClass, getImage, subsetLabeledImages, type LabeledImages } from './labeled-images.js';

const dataset: LabeledImages = {
  images: Float32Array.from({ length: 3 * 2 * 2 * 1 }, (_, i) => i),
  labels: Int32Array.from([1, 0, 1]),
  count: 3,
  height: 2,
  width: 2,
  channels: 1,
  classNames: ['a', 'b'],
};

describe('LabeledImages helpers', () => {
  it('views one image without copying', () => {
    const image = getImage(dataset, 1);
    expect(Array.from(image.data)).toEqual([4, 5, 6, 7]);
    expect(image.data.buffer).toBe(dataset.images.buffer);
    expect(() => getImage(dataset, 3)).toThrow(/index 3 is outside 0..2/);
  });

  it('counts classes, subsets and validates', () => {
    expect(countPerClass(dataset)).toEqual([1, 2]);
    const subset = subsetLabeledImages(dataset, [2, 0]);
    expect(Array.from(subset.images)).toEqual([8, 9, 10, 11, 0, 1, 2, 3]);
    expect(Array.from(subset.labels)).toEqual([1, 1]);
    expect(() => assertLabeledImages({ ...dataset, count: 4 }, 'mine')).toThrow(/^mine: images holds 12 values/);
    expect(() => assertLabeledImages({ ...dataset, labels: Int32Array.from([0, 2, 1]) }, 'mine')).toThrow(/labels\[1\] = 2/);
  });
});
