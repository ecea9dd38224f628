import * as tf from '@tensorflow/tfjs';
import { Rng } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { CEM_REFERENCE_OPTIONS, CemPlanner } from './cem-planner.js';
import { actionNorms, latent, linearWorldModel } from './testing/linear-world-model.js';

// z' = z + a W with W invertible: the summed distance cost is minimised (to 0) by the action that
// reaches the goal in one step, a0 = (g - z0) W^-1, followed by zero actions.
const weight = [[1, 0.5], [0, 1]];
const goalValues = [1, -0.5];
const optimalFirstAction = [1, -1]; // [1, -1] W = [1, 0.5 - 1]

function withProblem<T>(goalAt: number[], run: (problem: { model: ReturnType<typeof linearWorldModel>; start: tf.Tensor3D; goal: tf.Tensor3D }) => T): T {
  const model = linearWorldModel(weight);
  const start = latent([0, 0]);
  const goal = latent(goalAt);
  try {
    return run({ model, start, goal });
  } finally {
    tf.dispose([start, goal]);
  }
}

describe('CemPlanner', () => {
  it('has the reference defaults', () => {
    const planner = new CemPlanner();
    expect({ samples: planner.samples, iterations: planner.iterations, elites: planner.elites, initialMean: planner.initialMean, initialStd: planner.initialStd, maxActionNorm: planner.maxActionNorm, minStd: planner.minStd, warmStart: planner.warmStart })
      .toEqual({ samples: 200, iterations: 20, elites: 20, initialMean: 0, initialStd: 1.5, maxActionNorm: 2.45, minStd: 0, warmStart: false });
    expect(CEM_REFERENCE_OPTIONS.initialStd).toBe(1.5);
  });

  it('finds the analytic optimum of a quadratic cost under a linear world model', () => {
    withProblem(goalValues, (problem) => {
      for (const seed of [1, 2, 3]) {
        // One action (2-D search): the optimum to float precision.
        const single = new CemPlanner().plan({ ...problem, horizon: 1 }, new Rng(seed));
        expect(single.actions[0]).toBeCloseTo(optimalFirstAction[0]!, 3);
        expect(single.actions[1]).toBeCloseTo(optimalFirstAction[1]!, 3);
        expect(single.cost).toBeLessThan(1e-6);
        // Three actions (6-D): close to it (the elite std can collapse before the mean arrives,
        // seed 3 stops at cost ~6e-3), against 1.875 for the zero plan.
        const plan = new CemPlanner().plan({ ...problem, horizon: 3 }, new Rng(seed));
        const actions = Array.from(plan.actions);
        expect(Math.abs(actions[0]! - optimalFirstAction[0]!)).toBeLessThan(0.2);
        expect(Math.abs(actions[1]! - optimalFirstAction[1]!)).toBeLessThan(0.2);
        for (const later of actions.slice(2)) expect(Math.abs(later)).toBeLessThan(0.2);
        expect(plan.cost).toBeLessThan(1e-2);
        expect([plan.horizon, plan.actionDim]).toEqual([3, 2]);
      }
    });
  });

  it('gives the same plan for the same seed and another for another seed', () => {
    withProblem(goalValues, (problem) => {
      const planner = new CemPlanner({ iterations: 3, samples: 30, elites: 5 });
      const a = planner.plan({ ...problem, horizon: 4 }, new Rng(7));
      const b = planner.plan({ ...problem, horizon: 4 }, new Rng(7));
      const c = planner.plan({ ...problem, horizon: 4 }, new Rng(8));
      expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
      expect(Array.from(c.actions)).not.toEqual(Array.from(a.actions));
    });
  });

  it('clips every sampled per-step action to maxActionNorm, and only when asked', () => {
    withProblem([20, 20], (problem) => {
      const clipped = new CemPlanner({ iterations: 4, samples: 50, elites: 10 }).plan({ ...problem, horizon: 3 }, new Rng(2));
      const sampled = problem.model.rolloutActions.flatMap((call) => actionNorms(call.values, 2));
      expect(Math.max(...sampled)).toBeLessThanOrEqual(2.45 + 1e-5);
      expect(Math.max(...actionNorms(clipped.actions, 2))).toBeLessThanOrEqual(2.45 + 1e-5);
      problem.model.rolloutActions.length = 0;
      new CemPlanner({ iterations: 4, samples: 50, elites: 10, maxActionNorm: null }).plan({ ...problem, horizon: 3 }, new Rng(2));
      const unclipped = problem.model.rolloutActions.flatMap((call) => actionNorms(call.values, 2));
      expect(Math.max(...unclipped)).toBeGreaterThan(2.45);
    });
  });

  it('warm start samples around problem.initialPlan (padded with the initial mean), only when on', () => {
    withProblem(goalValues, (problem) => {
      const initialPlan = Float32Array.from([0.3, -0.2, 0.1, 0.4]); // H' = 2 < H = 3
      const options = { iterations: 1, samples: 4, elites: 2, initialStd: 1e-4, scoreReturnedPlan: false };
      new CemPlanner({ ...options, warmStart: true }).plan({ ...problem, horizon: 3, initialPlan }, new Rng(3));
      new CemPlanner(options).plan({ ...problem, horizon: 3, initialPlan }, new Rng(3));
      const [warm, cold] = problem.model.rolloutActions;
      for (let s = 0; s < 4; s++) {
        const sequence = Array.from(warm!.values.slice(s * 6, (s + 1) * 6));
        [0.3, -0.2, 0.1, 0.4, 0, 0].forEach((expected, j) => expect(sequence[j]).toBeCloseTo(expected, 3));
      }
      for (const value of cold!.values) expect(Math.abs(value)).toBeLessThan(1e-3);
    });
  });

  it('rolls all samples out in one call per iteration and counts the compute', () => {
    withProblem(goalValues, (problem) => {
      const scored = new CemPlanner({ iterations: 3, samples: 10, elites: 4 }).plan({ ...problem, horizon: 4 }, new Rng(4));
      expect(problem.model.rolloutActions.map((call) => call.samples)).toEqual([10, 10, 10, 1]);
      expect(scored.rolloutCalls).toBe(4);
      expect(scored.predictedSteps).toBe(10 * 4 * 3 + 4);
      expect(scored.seconds).toBeGreaterThan(0);
      const unscored = new CemPlanner({ iterations: 3, samples: 10, elites: 4, scoreReturnedPlan: false }).plan({ ...problem, horizon: 4 }, new Rng(4));
      expect([unscored.rolloutCalls, unscored.predictedSteps]).toEqual([3, 120]);
      expect(unscored.cost).toBeNaN();
      expect(Array.from(unscored.actions)).toEqual(Array.from(scored.actions));
    });
  });

  it('refits the mean and the unbiased std to the elites (two samples, one elite pair)', () => {
    withProblem(goalValues, (problem) => {
      // samples = elites = 2: the new mean is the two samples' mean, the new std |x1 - x2| / sqrt(2).
      const rng = new Rng(5);
      const plan = new CemPlanner({ iterations: 1, samples: 2, elites: 2, maxActionNorm: null }).plan({ ...problem, horizon: 1 }, rng);
      const [first] = problem.model.rolloutActions;
      const x = first!.values;
      expect(plan.actions[0]).toBeCloseTo((x[0]! + x[2]!) / 2, 6);
      expect(plan.actions[1]).toBeCloseTo((x[1]! + x[3]!) / 2, 6);
    });
  });

  it('keeps the std at minStd or above', () => {
    withProblem(goalValues, (problem) => {
      new CemPlanner({ iterations: 6, samples: 40, elites: 5, minStd: 0.5, scoreReturnedPlan: false }).plan({ ...problem, horizon: 2 }, new Rng(6));
      const last = problem.model.rolloutActions.at(-1)!.values;
      let squares = 0;
      let sum = 0;
      for (let s = 0; s < 40; s++) sum += last[s * 4]!;
      const mean = sum / 40;
      for (let s = 0; s < 40; s++) squares += (last[s * 4]! - mean) ** 2;
      expect(Math.sqrt(squares / 39)).toBeGreaterThan(0.3);
    });
  });

  it('leaves no tensor behind across plan calls', () => {
    withProblem(goalValues, (problem) => {
      const planner = new CemPlanner({ iterations: 2, samples: 8, elites: 3 });
      planner.plan({ ...problem, horizon: 2 }, new Rng(0));
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) planner.plan({ ...problem, horizon: 2 }, new Rng(i));
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it('says what to fix in bad options and problems', () => {
    expect(() => new CemPlanner({ elites: 300 })).toThrow(/elites .* in \[2, 200\], got 300/);
    expect(() => new CemPlanner({ elites: 1 })).toThrow(/unbiased std needs 2/);
    expect(() => new CemPlanner({ initialStd: 0 })).toThrow(/initialStd must be a finite number > 0/);
    expect(() => new CemPlanner({ maxActionNorm: -1 })).toThrow(/maxActionNorm \(or null for no clipping\)/);
    withProblem(goalValues, (problem) => {
      const planner = new CemPlanner({ iterations: 1, samples: 4, elites: 2 });
      expect(() => planner.plan({ ...problem, horizon: 0 }, new Rng(0))).toThrow(/horizon must be a positive integer/);
      expect(() => planner.plan({ ...problem, horizon: 2, initialPlan: new Float32Array(3) }, new Rng(0))).toThrow(/initialPlan has 3 entries/);
      const wide = tf.zeros([1, 1, 3]) as tf.Tensor3D;
      expect(() => planner.plan({ ...problem, goal: wide, horizon: 2 }, new Rng(0))).toThrow(/goal must have the start's shape/);
      wide.dispose();
    });
  });
});
