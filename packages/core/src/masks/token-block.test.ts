import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { blockContains, blockIndices, placeBlock } from './token-block.js';

describe('token blocks', () => {
  it('lists a block\'s raster indices in ascending order on 1D, 2D and 3D grids', () => {
    expect(Array.from(blockIndices([10], { start: [3], size: [4] }))).toEqual([3, 4, 5, 6]);
    // rows 1-2, columns 2-4 of a 4x5 grid
    expect(Array.from(blockIndices([4, 5], { start: [1, 2], size: [2, 3] }))).toEqual([7, 8, 9, 12, 13, 14]);
    // frames 0-1, row 1, columns 0-1 of a 2x3x4 grid
    expect(Array.from(blockIndices([2, 3, 4], { start: [0, 1, 0], size: [2, 1, 2] }))).toEqual([4, 5, 16, 17]);
  });

  it('removes the tokens of excluded blocks', () => {
    const block = { start: [0, 0], size: [3, 3] };
    const hole = { start: [1, 1], size: [5, 5] };
    expect(Array.from(blockIndices([4, 4], block, [hole]))).toEqual([0, 1, 2, 4, 8]);
    expect(blockContains(hole, [1, 1])).toBe(true);
    expect(blockContains(hole, [0, 1])).toBe(false);
  });

  it('places corners in [0, dim - size] (corrected) or [0, dim - size - 1] (official)', () => {
    const rng = new Rng(1);
    const corrected = new Set<number>();
    const official = new Set<number>();
    for (let i = 0; i < 500; i++) {
      corrected.add(placeBlock([6], [3], rng, 'corrected').start[0]!);
      official.add(placeBlock([6], [3], rng, 'official').start[0]!);
    }
    expect([...corrected].sort()).toEqual([0, 1, 2, 3]);
    expect([...official].sort()).toEqual([0, 1, 2]);
    expect(() => placeBlock([4, 4], [4, 2], rng, 'official')).toThrow(/no 'official' position/);
    expect(placeBlock([4, 4], [4, 2], rng, 'corrected').start[0]).toBe(0);
  });
});
