import { describe, expect, it } from 'vitest';
import { FeatureStandardizer } from './feature-standardizer.js';

describe('FeatureStandardizer', () => {
  it('maps the fit data to zero mean and unit std, and reuses train statistics on other data', () => {
    // Column 0: 1, 3, 5, 7 (mean 4, std sqrt(5)); column 1: -10, 0, 10, 20 (mean 5, std sqrt(125)).
    const train = Float32Array.from([1, -10, 3, 0, 5, 10, 7, 20]);
    const standardizer = FeatureStandardizer.fit(train, 2);
    expect(Array.from(standardizer.mean)).toEqual([4, 5]);
    const out = standardizer.transform(train);
    for (const column of [0, 1]) {
      const values = [0, 1, 2, 3].map((i) => out[i * 2 + column]!);
      const mean = values.reduce((a, b) => a + b) / 4;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 12);
      expect(variance).toBeCloseTo(1, 12);
    }
    const other = standardizer.transform(Float32Array.from([4, 5]));
    expect(Array.from(other)).toEqual([0, 0]);
  });

  it('centres a constant column instead of dividing by zero', () => {
    const standardizer = FeatureStandardizer.fit(Float32Array.from([2.5, 1, 2.5, 2, 2.5, 3]), 2);
    expect(standardizer.scale[0]).toBe(1);
    const out = standardizer.transform(Float32Array.from([2.5, 2, 3.5, 2]));
    expect(Array.from(out)).toEqual([0, 0, 1, 0]);
  });

  it('says what is wrong with the shape', () => {
    const standardizer = FeatureStandardizer.fit(Float32Array.from([1, 2, 3, 4]), 2);
    expect(() => standardizer.transform(new Float32Array(3))).toThrow(/3 floats, which is not a multiple of dim=2/);
    expect(() => FeatureStandardizer.fit(new Float32Array(0), 2)).toThrow(/no rows/);
  });
});
