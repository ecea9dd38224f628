import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { sampleRandomWalkActions } from './random-walk.js';

describe('sampleRandomWalkActions', () => {
  it('starts along the initial heading, with truncated-normal lengths and von Mises (kappa 5) turns', () => {
    const rng = new Rng(1);
    let lengthSum = 0;
    let lengthCount = 0;
    let turnCos = 0;
    let turnCount = 0;
    let outside = 0;
    for (let walk = 0; walk < 200; walk++) {
      const heading = 2 * Math.PI * rng.uniform();
      const actions = sampleRandomWalkActions(rng, 90, heading);
      expect(actions.length).toBe(180);
      expect(Math.atan2(actions[1]!, actions[0]!)).toBeCloseTo(Math.atan2(Math.sin(heading), Math.cos(heading)), 10);
      for (let i = 0; i < 90; i++) {
        const length = Math.hypot(actions[2 * i]!, actions[2 * i + 1]!);
        if (length < 0.2 - 1e-12 || length > 1.8 + 1e-12) outside++;
        lengthSum += length;
        lengthCount++;
        if (i > 0) {
          const turn = Math.atan2(actions[2 * i + 1]!, actions[2 * i]!) - Math.atan2(actions[2 * i - 1]!, actions[2 * i - 2]!);
          turnCos += Math.cos(turn);
          turnCount++;
        }
      }
    }
    expect(outside).toBe(0);
    expect(lengthSum / lengthCount).toBeCloseTo(1, 1); // symmetric truncation keeps the mean
    expect(turnCos / turnCount).toBeCloseTo(0.8934, 2); // I1(5) / I0(5)
  });

  it('repeats for the same seed and checks its arguments', () => {
    expect(sampleRandomWalkActions(new Rng(4), 10, 1)).toEqual(sampleRandomWalkActions(new Rng(4), 10, 1));
    expect(() => sampleRandomWalkActions(new Rng(4), -1, 0)).toThrow(/count must be a non-negative integer/);
  });
});
