import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { sampleTruncatedNormal } from './truncated-normal.js';

/** Mean and standard deviation of N(mean, std^2) truncated to [low, high], by Simpson integration. */
function truncatedMoments(mean: number, std: number, low: number, high: number) {
  const a = Math.max(low, mean - 14 * std);
  const b = Math.min(high, mean + 14 * std);
  const steps = 20_000;
  const h = (b - a) / steps;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= steps; i++) {
    const x = a + i * h;
    const weight = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    const density = weight * Math.exp(-0.5 * ((x - mean) / std) ** 2);
    m0 += density;
    m1 += density * x;
    m2 += density * x * x;
  }
  const mu = m1 / m0;
  return { mean: mu, std: Math.sqrt(m2 / m0 - mu * mu) };
}

function sampleMoments(draw: () => number, n: number, low: number, high: number) {
  let sum = 0;
  let sq = 0;
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    if (!(x >= low && x <= high)) outside++;
    sum += x;
    sq += x * x;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(sq / n - mean * mean), outside };
}

describe('sampleTruncatedNormal', () => {
  const cases: Array<[string, number, number, number, number]> = [
    ['the step lengths of the data generator (1, 0.4, [0.2, 1.8])', 1, 0.4, 0.2, 1.8],
    ['the door point (32, 1.4, [28, 36])', 32, 1.4, 28, 36],
    ['a one-sided interval [mean + 0.5 std, inf)', 0, 1, 0.5, Infinity],
    ['a far tail [3, 4] std', 0, 1, 3, 4],
    ['a left tail (-inf, -2.5] std', 10, 2, -Infinity, 5],
    ['a narrow interval around the mean', 0, 1, -0.1, 0.3],
    ['a narrow interval in the tail', 0, 1, 2, 2.1],
    ['no truncation at all', 5, 2, -Infinity, Infinity],
  ];
  for (const [name, mean, std, low, high] of cases) {
    it(`has the truncated mean and std for ${name}`, () => {
      const rng = new Rng(Math.round(mean * 7 + std * 13 + 1));
      const n = 60_000;
      const expected = truncatedMoments(mean, std, low, high);
      const got = sampleMoments(() => sampleTruncatedNormal(rng, mean, std, low, high), n, low, high);
      expect(got.outside).toBe(0);
      // 5 standard errors of the mean; the std within 2 %.
      expect(Math.abs(got.mean - expected.mean)).toBeLessThan((5 * expected.std) / Math.sqrt(n));
      expect(Math.abs(got.std / expected.std - 1)).toBeLessThan(0.02);
    });
  }

  it('gives the known closed-form moments for [-2, 2] std: mean 1, std 0.4 * 0.8796', () => {
    const rng = new Rng(4);
    const got = sampleMoments(() => sampleTruncatedNormal(rng, 1, 0.4, 0.2, 1.8), 80_000, 0.2, 1.8);
    // Var = std^2 (1 - 2 * 2 phi(2) / (Phi(2) - Phi(-2))) = 0.4^2 * 0.77374.
    expect(got.mean).toBeCloseTo(1, 2);
    expect(got.std).toBeCloseTo(0.4 * Math.sqrt(0.773741), 2);
  });

  it('repeats for the same seed and rejects invalid arguments with what to pass', () => {
    const draws = (seed: number) => Array.from({ length: 6 }, ((rng) => () => sampleTruncatedNormal(rng, 1, 0.4, 0.2, 1.8))(new Rng(seed)));
    expect(draws(5)).toEqual(draws(5));
    expect(draws(5)).not.toEqual(draws(6));
    const rng = new Rng(1);
    expect(() => sampleTruncatedNormal(rng, 0, 0, -1, 1)).toThrow(/std must be a finite number > 0/);
    expect(() => sampleTruncatedNormal(rng, 0, 1, 1, 1)).toThrow(/need low < high/);
    expect(() => sampleTruncatedNormal(rng, 0, 1, Number.NaN, 1)).toThrow(/need low < high/);
    expect(() => sampleTruncatedNormal(rng, Infinity, 1, 0, 1)).toThrow(/mean must be finite/);
  });
});
