import { describe, expect, it } from 'vitest';
import { lossPolyline } from './loss-chart.js';

describe('lossPolyline', () => {
  it('scales the values into the box, the largest at the top', () => {
    const { points, min, max } = lossPolyline([2, 1, 0], 100, 50, 0);
    expect([min, max]).toEqual([0, 2]);
    expect(points).toBe('0.0,0.0 50.0,25.0 100.0,50.0');
  });

  it('skips values that are not finite and draws nothing for none', () => {
    expect(lossPolyline([1, Number.NaN, 1], 10, 10, 0).points).toBe('0.0,10.0 10.0,10.0');
    expect(lossPolyline([], 10, 10).points).toBe('');
  });
});
