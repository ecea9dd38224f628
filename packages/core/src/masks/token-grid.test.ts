import { describe, expect, it } from 'vitest';
import { gridStrides, numTokens, tokenCoords, tokenIndex, validateTokenGrid } from './token-grid.js';

describe('token grid', () => {
  it('counts tokens and numbers them in raster order (last axis fastest)', () => {
    expect(numTokens([7])).toBe(7);
    expect(numTokens([3, 4])).toBe(12);
    expect(numTokens([2, 3, 4])).toBe(24);
    expect(gridStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(tokenIndex([3, 4], [1, 2])).toBe(6);
    expect(tokenIndex([2, 3, 4], [1, 2, 3])).toBe(23);
    for (let i = 0; i < 24; i++) expect(tokenIndex([2, 3, 4], tokenCoords([2, 3, 4], i))).toBe(i);
    expect(tokenCoords([3, 4], 7)).toEqual([1, 3]);
  });

  it('accepts [L], [H, W], [T, H, W] and explains what is wrong otherwise', () => {
    expect(() => validateTokenGrid([5])).not.toThrow();
    expect(() => validateTokenGrid([2, 3, 4])).not.toThrow();
    expect(() => validateTokenGrid([], 'Sampler.grid')).toThrow(/Sampler.grid: a token grid is \[L\], \[H, W\] or \[T, H, W\], got \[\]/);
    expect(() => validateTokenGrid([1, 2, 3, 4])).toThrow(/\[T, H, W\]/);
    expect(() => validateTokenGrid([3, 0])).toThrow(/positive integers, got \[3, 0\]/);
    expect(() => validateTokenGrid([3, 2.5])).toThrow(/positive integers/);
    expect(() => tokenIndex([3, 4], [3, 0])).toThrow(/outside the grid \[3, 4\]/);
    expect(() => tokenIndex([3, 4], [1])).toThrow(/1 coordinates/);
    expect(() => tokenCoords([3, 4], 12)).toThrow(/outside \[0, 12\)/);
  });
});
