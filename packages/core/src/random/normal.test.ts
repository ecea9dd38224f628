import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.js';
import { sampleNormal } from './normal.js';
import { Rng } from './rng.js';

describe('sampleNormal', () => {
  it('equals Rng.normal draw for draw, so either can stand for the other', () => {
    const a = new Rng(12);
    const b = new Rng(12);
    for (let i = 0; i < 20; i++) expect(sampleNormal(a, 2, 0.5)).toBe(b.normal(2, 0.5));
  });

  it('has mean and std as asked from any UniformSource', () => {
    const rng = mulberry32(8);
    const n = 50_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = sampleNormal(rng, -1, 0.5);
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    expect(Math.abs(mean + 1)).toBeLessThan(0.01);
    expect(Math.sqrt(sq / n - mean * mean)).toBeCloseTo(0.5, 2);
    expect(() => sampleNormal(rng, 0, -1)).toThrow(/finite std >= 0/);
  });
});
