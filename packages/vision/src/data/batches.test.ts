import { describe, expect, it } from 'vitest';
import { batchesPerEpoch, epochBatches, sampleBatch } from './batches.js';
import { mulberry32, type LabeledImages } from '@jepa/core';
import { centerCrop } from './transforms.js';

/** 10 images of 3x3x2 whose every value is the image's index; label = index % 3. */
function toyDataset(count = 10): LabeledImages {
  const size = 3 * 3 * 2;
  const images = new Float32Array(count * size);
  for (let i = 0; i < count; i++) images.fill(i, i * size, (i + 1) * size);
  return {
    images,
    labels: Int32Array.from({ length: count }, (_, i) => i % 3),
    count,
    height: 3,
    width: 3,
    channels: 2,
    classNames: ['a', 'b', 'c'],
  };
}

describe('sampleBatch', () => {
  it('gathers [B, H, W, C] images and labels at the given indices', () => {
    const batch = sampleBatch(toyDataset(), [7, 2, 7]);
    expect([batch.batchSize, batch.height, batch.width, batch.channels]).toEqual([3, 3, 3, 2]);
    expect(batch.images).toHaveLength(3 * 18);
    expect(batch.images[0]).toBe(7);
    expect(batch.images[18]).toBe(2);
    expect(batch.images[3 * 18 - 1]).toBe(7);
    expect(Array.from(batch.labels)).toEqual([1, 2, 1]);
    expect(Array.from(batch.indices)).toEqual([7, 2, 7]);
  });

  it('applies augment per sample and takes the batch shape from its output', () => {
    const seen: number[] = [];
    const batch = sampleBatch(toyDataset(), [4, 5], {
      augment: (image, index) => {
        seen.push(index);
        return centerCrop(image, 2);
      },
    });
    expect(seen).toEqual([4, 5]);
    expect([batch.height, batch.width, batch.channels]).toEqual([2, 2, 2]);
    expect(Array.from(batch.images.subarray(8))).toEqual(new Array(8).fill(5));
    // the dataset is untouched
    expect(toyDataset().images).toEqual(toyDataset().images);
  });

  it('rejects bad indices and augments of varying size', () => {
    expect(() => sampleBatch(toyDataset(), [])).toThrow(/indices is empty/);
    expect(() => sampleBatch(toyDataset(), [1, 10])).toThrow(/indices\[1\] = 10 is not an index of the dataset \(0..9\)/);
    expect(() => sampleBatch(toyDataset(), [1.5])).toThrow(/indices\[0\] = 1.5/);
    let n = 3;
    expect(() => sampleBatch(toyDataset(), [0, 1], { augment: (img) => centerCrop(img, n--) })).toThrow(
      /augment returned a 2x2x2 image for sample 1 but 3x3x2 for the first one/,
    );
  });
});

describe('epochBatches', () => {
  it('visits every sample once per epoch in a seeded order', () => {
    const dataset = toyDataset();
    const batches = [...epochBatches(dataset, { batchSize: 4, rng: mulberry32(1) })];
    expect(batches.map((b) => b.batchSize)).toEqual([4, 4, 2]);
    const visited = batches.flatMap((b) => Array.from(b.indices));
    expect([...visited].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(visited).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const b of batches) b.indices.forEach((index, i) => expect(b.images[i * 18]).toBe(index));
    const again = [...epochBatches(dataset, { batchSize: 4, rng: mulberry32(1) })].flatMap((b) => Array.from(b.indices));
    expect(again).toEqual(visited);
  });

  it('drops the incomplete last batch when asked and can keep dataset order', () => {
    const dropped = [...epochBatches(toyDataset(), { batchSize: 4, rng: mulberry32(1), dropLast: true })];
    expect(dropped.map((b) => b.batchSize)).toEqual([4, 4]);
    expect(batchesPerEpoch(10, 4, true)).toBe(2);
    expect(batchesPerEpoch(10, 4)).toBe(3);
    const ordered = [...epochBatches(toyDataset(), { batchSize: 3, shuffle: false })];
    expect(ordered.flatMap((b) => Array.from(b.indices))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('checks its options when called, not on the first next()', () => {
    expect(() => epochBatches(toyDataset(), { batchSize: 4 })).toThrow(/needs an rng.*shuffle: false/);
    expect(() => epochBatches(toyDataset(), { batchSize: 0, rng: mulberry32(1) })).toThrow(/batchSize must be a positive integer/);
  });
});
