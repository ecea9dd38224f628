import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.js';
import { shuffledIndices, shuffleInPlace, uniformInt, uniformRange } from './uniform-source.js';

const stream = (source: { uniform(): number }, n: number) => Array.from({ length: n }, () => source.uniform());

describe('mulberry32', () => {
  it('repeats its stream for the same seed and differs for another seed', () => {
    const streamA = stream(mulberry32(42), 8);
    expect(stream(mulberry32(42), 8)).toEqual(streamA);
    expect(stream(mulberry32(43), 8)).not.toEqual(streamA);
  });

  it('is uniform on [0, 1)', () => {
    const random = mulberry32(7);
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 20000; i++) {
      const u = random.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      else buckets[Math.floor(u * 10)]!++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(sum / 20000).toBeCloseTo(0.5, 2);
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('rejects a non-integer seed', () => {
    expect(() => mulberry32(0.5)).toThrow(/seed must be an integer/);
  });
});

describe('uniformInt / shuffleInPlace / shuffledIndices', () => {
  it('draws integers within the bound and shuffles into a permutation', () => {
    const random = mulberry32(1);
    for (let i = 0; i < 1000; i++) expect([0, 1, 2]).toContain(uniformInt(random, 0, 3));
    const items = Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(items, random);
    expect(items).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...items].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('maps [0, 1) onto [low, high) and clamps a source that returns 1.0', () => {
    expect(uniformInt({ uniform: () => 0 }, 3, 7)).toBe(3);
    expect(uniformInt({ uniform: () => 0.9999 }, 3, 7)).toBe(6);
    expect(uniformInt({ uniform: () => 1 }, 3, 7)).toBe(6);
    expect(uniformRange({ uniform: () => 0.25 }, 1, 3)).toBe(1.5);
  });

  it('shuffledIndices is shuffleInPlace of 0..n-1, reproducible per seed', () => {
    const a = shuffledIndices(100, mulberry32(42));
    expect(Array.from(a)).toEqual(shuffleInPlace(Array.from({ length: 100 }, (_, i) => i), mulberry32(42)));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(shuffledIndices(100, mulberry32(43)));
    expect(Array.from(shuffledIndices(3, { uniform: () => 0.999 }))).toEqual([0, 1, 2]);
    expect(() => shuffledIndices(-1, mulberry32(1))).toThrow(/non-negative integer/);
  });
});
