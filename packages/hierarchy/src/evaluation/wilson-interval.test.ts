import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson-interval.js';

describe('wilsonInterval', () => {
  it('matches the Wilson score interval and stays inside [0, 1] at the extremes', () => {
    // 90 of 100 at 95 %: the textbook values 0.8256 .. 0.9448.
    const [low, high] = wilsonInterval(90, 100);
    expect(low).toBeCloseTo(0.8256, 3);
    expect(high).toBeCloseTo(0.9448, 3);
    expect(wilsonInterval(0, 20)[0]).toBe(0);
    expect(wilsonInterval(20, 20)[1]).toBe(1);
    expect(wilsonInterval(20, 20)[0]).toBeCloseTo(0.8389, 3);
    expect(() => wilsonInterval(5, 4)).toThrow(/successes <= trials/);
  });
});
