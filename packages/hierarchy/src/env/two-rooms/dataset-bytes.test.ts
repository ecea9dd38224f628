import { serializeSafetensors } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { decodeTwoRoomsDataset, encodeTwoRoomsDataset } from './dataset-bytes.js';
import { generateTwoRoomsDataset } from './dataset.js';

describe('Two Rooms dataset bytes (browser-safe)', () => {
  it('round-trips a dataset through the bytes of its file', () => {
    const dataset = generateTwoRoomsDataset({ trajectories: 5, seed: 4, steps: 9 });
    expect(decodeTwoRoomsDataset(encodeTwoRoomsDataset(dataset), 'data.safetensors')).toEqual(dataset);
  });

  it('refuses other safetensors, naming the source', () => {
    const other = serializeSafetensors({ weight: { dtype: 'F32', shape: [1], data: new Float32Array(1) } });
    expect(() => decodeTwoRoomsDataset(other, 'weights.safetensors')).toThrow(/decodeTwoRoomsDataset: weights\.safetensors: not a Two Rooms dataset/);
  });
});
