import { describe, expect, it } from 'vitest';
import { cosineNeighbours } from './neighbours.js';

describe('cosineNeighbours', () => {
  it('ranks the other rows by cosine similarity, ignoring length', () => {
    // rows: x axis, 10 * x axis, y axis, the diagonal
    const features = Float32Array.from([1, 0, 10, 0, 0, 1, 1, 1]);
    const result = cosineNeighbours(features, 4, 2, 2);
    expect(result[0]!.map((n) => n.index)).toEqual([1, 3]);
    expect(result[0]![0]!.similarity).toBeCloseTo(1, 6);
    expect(result[0]![1]!.similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(result[2]!.map((n) => n.index)).toEqual([3, 0]);
  });

  it('gives fewer neighbours when there are fewer other rows, and 0 similarity for a zero vector', () => {
    const result = cosineNeighbours(Float32Array.from([0, 0, 1, 2]), 2, 2, 5);
    expect(result[0]).toEqual([{ index: 1, similarity: 0 }]);
    expect(cosineNeighbours(new Float32Array(0), 0, 4, 3)).toEqual([]);
  });

  it('refuses a buffer that is not n rows of dim', () => {
    expect(() => cosineNeighbours(new Float32Array(5), 2, 2, 1)).toThrow(/5 values are not 2 rows of 2/);
  });
});
