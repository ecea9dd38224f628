import { describe, expect, it } from 'vitest';
import { mulberry32, randomInt, shuffleInPlace } from './seeded-random.js';

describe('mulberry32', () => {
  it('repeats its stream for the same seed and differs for another seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const streamA = Array.from({ length: 8 }, a);
    expect(Array.from({ length: 8 }, b)).toEqual(streamA);
    expect(Array.from({ length: 8 }, c)).not.toEqual(streamA);
  });

  it('is uniform on [0, 1)', () => {
    const random = mulberry32(7);
    const buckets = new Array<number>(10).fill(0);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 20000; i++) {
      const u = random();
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

describe('randomInt / shuffleInPlace', () => {
  it('draws integers within the bound and shuffles into a permutation', () => {
    const random = mulberry32(1);
    for (let i = 0; i < 1000; i++) {
      const k = randomInt(random, 3);
      expect([0, 1, 2]).toContain(k);
    }
    const items = Array.from({ length: 50 }, (_, i) => i);
    shuffleInPlace(items, random);
    expect(items).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...items].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
