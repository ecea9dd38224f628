import { describe, expect, it } from 'vitest';
import { cosineWeightDecay, linearMomentum, warmupCosineLr } from './schedules.js';

describe('official JEPA schedules', () => {
  const lr = { warmupSteps: 10, totalSteps: 110, startLr: 2e-4, refLr: 1e-3, finalLr: 1e-6 };

  it('warms up linearly, then follows a half cosine down to the final value', () => {
    expect(warmupCosineLr(0, lr)).toBeCloseTo(2e-4, 12);
    expect(warmupCosineLr(5, lr)).toBeCloseTo(6e-4, 12);
    expect(warmupCosineLr(10, lr)).toBeCloseTo(1e-3, 12);
    expect(warmupCosineLr(60, lr)).toBeCloseTo((1e-3 + 1e-6) / 2, 12);
    expect(warmupCosineLr(110, lr)).toBeCloseTo(1e-6, 12);
    expect(warmupCosineLr(500, lr)).toBeGreaterThanOrEqual(1e-6);
  });

  it('raises weight decay along a cosine from 0.04 to 0.4 and never past it', () => {
    const o = { totalSteps: 100, refWeightDecay: 0.04, finalWeightDecay: 0.4 };
    expect(cosineWeightDecay(0, o)).toBeCloseTo(0.04, 12);
    expect(cosineWeightDecay(50, o)).toBeCloseTo(0.22, 12);
    expect(cosineWeightDecay(100, o)).toBeCloseTo(0.4, 12);
    expect(cosineWeightDecay(150, o)).toBeLessThanOrEqual(0.4);
  });

  it('moves EMA momentum linearly, starting at the first update', () => {
    const o = { totalSteps: 100, start: 0.996, end: 1.0 };
    expect(linearMomentum(1, o)).toBe(0.996);
    expect(linearMomentum(51, o)).toBeCloseTo(0.998, 12);
    expect(linearMomentum(101, o)).toBeCloseTo(1.0, 12);
    expect(linearMomentum(1000, o)).toBeCloseTo(1.0, 12);
  });
});
