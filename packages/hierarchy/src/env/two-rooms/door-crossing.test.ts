import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { TWO_ROOMS_DATA_DEFAULTS } from './data-config.js';
import { sampleDoorCrossing } from './door-crossing.js';
import type { TwoRoomsLayout } from './layout.js';

describe('sampleDoorCrossing', () => {
  it('builds walks through a door point, reaching it after doorIndex actions unless the start was clamped', () => {
    const layout: TwoRoomsLayout = { wallX: 30, doorY: 25 };
    const rng = new Rng(3);
    let leftward = 0;
    let checked = 0;
    const n = 400;
    for (let i = 0; i < n; i++) {
      const crossing = sampleDoorCrossing(rng, layout);
      const [doorX, doorY] = crossing.doorPoint;
      expect(doorX).toBeGreaterThanOrEqual(29);
      expect(doorX).toBeLessThanOrEqual(31);
      expect(Math.abs(doorY - 25)).toBeLessThanOrEqual(4);
      expect(crossing.actions.length).toBe(180);
      expect(crossing.doorIndex).toBeGreaterThanOrEqual(1);
      expect(crossing.doorIndex).toBeLessThanOrEqual(90);
      for (const c of crossing.start) {
        expect(c).toBeGreaterThanOrEqual(4.01);
        expect(c).toBeLessThanOrEqual(59.99);
      }
      if (crossing.leftward) leftward++;
      let x = crossing.start[0];
      let y = crossing.start[1];
      for (let t = 0; t < crossing.doorIndex; t++) {
        x += crossing.actions[2 * t]!;
        y += crossing.actions[2 * t + 1]!;
      }
      const clamped = crossing.start.some((c) => c === 4.01 || c === 59.99);
      if (!clamped) {
        expect(x).toBeCloseTo(doorX, 9);
        expect(y).toBeCloseTo(doorY, 9);
        checked++;
      }
      // The action that reaches the door point heads (within 45 degrees) to the room the walk goes to.
      const stepX = crossing.actions[2 * (crossing.doorIndex - 1)]!;
      if (crossing.leftward) expect(stepX).toBeLessThan(0);
      else expect(stepX).toBeGreaterThan(0);
    }
    expect(checked).toBeGreaterThan(n / 4);
    expect(Math.abs(leftward / n - 0.5)).toBeLessThan(0.1);
  });

  it('follows the configured number of steps', () => {
    const crossing = sampleDoorCrossing(new Rng(1), { wallX: 20, doorY: 10 }, { ...TWO_ROOMS_DATA_DEFAULTS, steps: 5 });
    expect(crossing.actions.length).toBe(10);
    expect(crossing.doorIndex).toBeGreaterThanOrEqual(1);
    expect(crossing.doorIndex).toBeLessThanOrEqual(5);
  });
});
