import { describe, expect, it } from 'vitest';
import { mulberry32 } from './mulberry32.js';
import { Rng } from './rng.js';
import { sampleVonMises } from './von-mises.js';

/** Modified Bessel function of the first kind, I_n(x), by its power series (fine for x <= 50). */
function besselI(order: number, x: number): number {
  let term = (x / 2) ** order;
  for (let k = 1; k <= order; k++) term /= k;
  let sum = term;
  for (let k = 1; k < 200; k++) {
    term *= (x * x) / 4 / (k * (k + order));
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Circular moments of n draws: mean direction and mean resultant length R = |E[e^{i theta}]|. */
function circularMoments(draw: () => number, n: number) {
  let c = 0;
  let s = 0;
  let c2 = 0;
  for (let i = 0; i < n; i++) {
    const theta = draw();
    c += Math.cos(theta);
    s += Math.sin(theta);
    c2 += Math.cos(2 * theta);
  }
  return { direction: Math.atan2(s, c), resultant: Math.hypot(c, s) / n, secondCosine: c2 / n };
}

describe('sampleVonMises', () => {
  it('has the von Mises mean direction and circular variance 1 - I1(k)/I0(k) (kappa 5, the data generator)', () => {
    const rng = new Rng(1);
    const n = 100_000;
    const { direction, resultant } = circularMoments(() => sampleVonMises(rng, 0.7, 5), n);
    const expected = besselI(1, 5) / besselI(0, 5); // 0.8934
    expect(expected).toBeCloseTo(0.8934, 3);
    expect(Math.abs(direction - 0.7)).toBeLessThan(0.005);
    // The standard error of the resultant length is below 0.001 here.
    expect(Math.abs(1 - resultant - (1 - expected))).toBeLessThan(0.003);
    // E[cos 2(theta - mu)] = I2(k)/I0(k) checks the shape beyond the first moment.
    const rotated = circularMoments(() => sampleVonMises(rng, 0, 5), n).secondCosine;
    expect(Math.abs(rotated - besselI(2, 5) / besselI(0, 5))).toBeLessThan(0.006);
  });

  it('matches the circular variance for weak and strong concentration too', () => {
    const rng = mulberry32(3);
    for (const kappa of [0.5, 40]) {
      const { resultant } = circularMoments(() => sampleVonMises(rng, -2, kappa), 50_000);
      expect(Math.abs(resultant - besselI(1, kappa) / besselI(0, kappa))).toBeLessThan(0.01);
    }
  });

  it('is uniform on the circle for kappa 0 and stays within pi of the mean', () => {
    const rng = new Rng(2);
    const n = 40_000;
    let resultantC = 0;
    let resultantS = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const theta = sampleVonMises(rng, 1, i % 2 === 0 ? 0 : 3);
      if (!(Math.abs(theta - 1) <= Math.PI)) outside++;
      if (i % 2 === 0) {
        resultantC += Math.cos(theta);
        resultantS += Math.sin(theta);
      }
    }
    expect(outside).toBe(0);
    expect(Math.hypot(resultantC, resultantS) / (n / 2)).toBeLessThan(0.02);
  });

  it('repeats for the same seed and rejects invalid arguments with what to pass', () => {
    const a = Array.from({ length: 5 }, ((rng) => () => sampleVonMises(rng, 0, 5))(new Rng(9)));
    const b = Array.from({ length: 5 }, ((rng) => () => sampleVonMises(rng, 0, 5))(new Rng(9)));
    expect(a).toEqual(b);
    expect(() => sampleVonMises(new Rng(1), 0, -1)).toThrow(/kappa must be a finite number >= 0/);
    expect(() => sampleVonMises(new Rng(1), Number.NaN, 1)).toThrow(/mean must be a finite angle/);
  });
});
