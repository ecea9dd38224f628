import * as tf from '@tensorflow/tfjs';
import { Rng } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { CemPlanner } from './cem-planner.js';
import { MppiPlanner } from './mppi-planner.js';
import { latent, linearWorldModel } from './testing/linear-world-model.js';

describe('actionRepeat (CEM and MPPI)', () => {
  it('holds each sampled action for k steps, plans H actions, and searches ceil(H / k) of them', () => {
    const model = linearWorldModel([[1, 0], [0, 1]]);
    const start = latent([0, 0]);
    const goal = latent([3, -1.5]);
    try {
      for (const planner of [new CemPlanner({ actionRepeat: 3, maxActionNorm: null }), new MppiPlanner({ actionRepeat: 3, execute: 'mean' })]) {
        const plan = planner.plan({ model, start, goal, horizon: 7 }, new Rng(5));
        expect(plan.actions.length).toBe(14);
        const actions = Array.from({ length: 7 }, (_, h) => [plan.actions[2 * h]!, plan.actions[2 * h + 1]!]);
        // Held: steps 0-2 equal, 3-5 equal, 6 alone.
        expect(actions[1]).toEqual(actions[0]);
        expect(actions[2]).toEqual(actions[0]);
        expect(actions[4]).toEqual(actions[3]);
        expect(actions[5]).toEqual(actions[3]);
        // 3 sampled actions per sequence, rolled out over all 7 steps.
        expect(plan.predictedSteps % 7).toBe(0);
      }
      // One action a held 3 steps passes a, 2a, 3a; the summed cost sum_k |k a - g|^2 is least at a = g (1+2+3) / (1+4+9).
      const plan = new CemPlanner({ actionRepeat: 3, maxActionNorm: null, samples: 400 }).plan({ model, start, goal, horizon: 3 }, new Rng(1));
      expect(plan.actions[0]).toBeCloseTo((3 * 6) / 14, 2);
      expect(plan.actions[1]).toBeCloseTo((-1.5 * 6) / 14, 2);
      expect(() => new CemPlanner({ actionRepeat: 0 })).toThrow(/actionRepeat/);
    } finally {
      tf.dispose([start, goal]);
    }
  });
});
