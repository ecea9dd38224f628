import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { TWO_ROOMS_DATA_DEFAULTS } from './data-config.js';
import { generateTwoRoomsDataset, getTwoRoomsTrajectory } from './dataset.js';
import { sampleHeldActions } from './random-walk.js';

describe('held-action walks (heldActionRate, not in the reference)', () => {
  it('holds each action for heldActionSteps steps, with lengths in [stepLengthMin, heldActionMaxLength] and turning headings', () => {
    const rng = new Rng(3);
    const config = { ...TWO_ROOMS_DATA_DEFAULTS, heldActionSteps: 7 };
    let longerThanRandomWalks = 0;
    for (let walk = 0; walk < 50; walk++) {
      const actions = sampleHeldActions(rng, 30, config);
      expect(actions.length).toBe(60);
      for (let i = 0; i < 30; i++) {
        const length = Math.hypot(actions[2 * i]!, actions[2 * i + 1]!);
        expect(length).toBeGreaterThanOrEqual(0.2 - 1e-12);
        expect(length).toBeLessThanOrEqual(2.45 + 1e-12);
        if (length > 1.8) longerThanRandomWalks++;
        const sameAsPrevious = i > 0 && actions[2 * i] === actions[2 * i - 2] && actions[2 * i + 1] === actions[2 * i - 1];
        expect(sameAsPrevious).toBe(i % 7 !== 0);
      }
    }
    expect(longerThanRandomWalks).toBeGreaterThan(0);
  });

  it('replaces that share of the random walks and leaves door-crossing trajectories and the default data alone', () => {
    const reference = generateTwoRoomsDataset({ trajectories: 200, seed: 4 });
    expect(generateTwoRoomsDataset({ trajectories: 200, seed: 4, heldActionRate: 0 }).actions).toEqual(reference.actions);
    const held = generateTwoRoomsDataset({ trajectories: 200, seed: 4, heldActionRate: 1 });
    let heldWalks = 0;
    for (let i = 0; i < 200; i++) {
      const { actions, doorCrossing } = getTwoRoomsTrajectory(held, i);
      const constantSegments = [0, 15, 30, 45, 60, 75].every((s) => actions[2 * s + 2] === actions[2 * s] && actions[2 * s + 29] === actions[2 * s + 1]);
      expect(constantSegments).toBe(!doorCrossing);
      if (!doorCrossing) heldWalks++;
    }
    expect(heldWalks).toBeGreaterThan(100);
    expect(() => generateTwoRoomsDataset({ trajectories: 1, seed: 0, heldActionRate: 2 })).toThrow(/heldActionRate must be a probability/);
  });
});
