import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { FourRoomsExploreController } from './explore.js';

function actions(seed: number, count: number, config = {}): Array<readonly [number, number]> {
  const controller = new FourRoomsExploreController(new Rng(seed), config);
  return Array.from({ length: count }, () => controller.next());
}

describe('FourRoomsExploreController', () => {
  it('turns smoothly: at most maxTurnRate (0.08 rad) a step, at a steady speed near 0.75 x 1.75 px', () => {
    const list = actions(1, 500);
    let speedSum = 0;
    for (let i = 0; i < list.length; i++) {
      const [dx, dy] = list[i]!;
      expect(Math.abs(dx)).toBeLessThanOrEqual(1.75);
      expect(Math.abs(dy)).toBeLessThanOrEqual(1.75);
      speedSum += Math.hypot(dx, dy);
      if (i > 0) {
        const [px, py] = list[i - 1]!;
        const turn = Math.abs(Math.atan2(px * dy - py * dx, px * dx + py * dy));
        expect(turn).toBeLessThanOrEqual(0.08 + 1e-9);
      }
    }
    expect(Math.abs(speedSum / list.length - 0.75 * 1.75)).toBeLessThan(0.05);
    // Over 500 steps (about 10 target switches) the heading goes round a good part of the circle.
    const headings = list.map(([dx, dy]) => Math.atan2(dy, dx));
    expect(Math.max(...headings) - Math.min(...headings)).toBeGreaterThan(1);
  });

  it('replays from its seed, differs across seeds, and checks its settings', () => {
    expect(actions(3, 50)).toEqual(actions(3, 50));
    expect(actions(4, 50)).not.toEqual(actions(3, 50));
    // No switching, no turn noise, no pull towards the target heading, no initial turn: a straight line.
    const straight = actions(5, 20, { switchTau: null, turnNoiseStd: 0, targetHeadingGain: 0, initialTurnRateStd: 0 });
    for (const [dx, dy] of straight) expect(Math.atan2(dy, dx)).toBeCloseTo(Math.atan2(straight[0]![1], straight[0]![0]), 12);
    expect(() => new FourRoomsExploreController(new Rng(0), { maxTurnRate: -1 })).toThrow(/explore.maxTurnRate must be a finite number >= 0/);
    expect(() => new FourRoomsExploreController(new Rng(0), { speedMin: 2, speedMax: 1 })).toThrow(/speedMin must not exceed/);
  });
});
