import * as tf from '@tensorflow/tfjs';
import { Rng } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { latentDistanceCost } from './latent-distance-cost.js';
import { MppiPlanner } from './mppi-planner.js';
import { actionNorms, latent, linearWorldModel } from './testing/linear-world-model.js';

// As in the CEM test: z' = z + a W, optimum a0 = (g - z0) W^-1 = [1, -1], then zeros.
const weight = [[1, 0.5], [0, 1]];
const goalValues = [1, -0.5];

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

/** Costs of the sequences of one recorded rollout call, recomputed in plain JS (summed distance). */
function sequenceCosts(values: Float32Array, samples: number, horizon: number, goal: number[]): number[] {
  const costs: number[] = [];
  for (let s = 0; s < samples; s++) {
    const z = [0, 0];
    let cost = 0;
    for (let h = 0; h < horizon; h++) {
      const a = [values[(s * horizon + h) * 2]!, values[(s * horizon + h) * 2 + 1]!];
      z[0] += a[0]! * weight[0]![0]! + a[1]! * weight[1]![0]!;
      z[1] += a[0]! * weight[0]![1]! + a[1]! * weight[1]![1]!;
      cost += ((z[0]! - goal[0]!) ** 2 + (z[1]! - goal[1]!) ** 2) / 2;
    }
    costs.push(cost);
  }
  return costs;
}

describe('MppiPlanner', () => {
  it('has the reference defaults as run (std 2, no clipping, temperature 1 / 0.005, a sampled elite)', () => {
    const planner = new MppiPlanner();
    expect({ samples: planner.samples, iterations: planner.iterations, elites: planner.elites, initialStd: planner.initialStd, temperature: planner.temperature, maxActionNorm: planner.maxActionNorm, execute: planner.execute, warmStart: planner.warmStart })
      .toEqual({ samples: 200, iterations: 20, elites: 20, initialStd: 2, temperature: 200, maxActionNorm: null, execute: 'sampled-elite', warmStart: false });
  });

  for (const execute of ['mean', 'sampled-elite'] as const) {
    it(`finds the analytic optimum of a quadratic cost under a linear world model (${execute})`, () => {
      withProblem(goalValues, (problem) => {
        for (const seed of [1, 2, 3]) {
          const single = new MppiPlanner({ execute }).plan({ ...problem, horizon: 1 }, new Rng(seed));
          expect(single.actions[0]).toBeCloseTo(1, 3);
          expect(single.actions[1]).toBeCloseTo(-1, 3);
          // Three actions: close (the std can collapse first; seed 3 stops at cost ~5e-3).
          const plan = new MppiPlanner({ execute }).plan({ ...problem, horizon: 3 }, new Rng(seed));
          const actions = Array.from(plan.actions);
          expect(Math.abs(actions[0]! - 1)).toBeLessThan(0.2);
          expect(Math.abs(actions[1]! + 1)).toBeLessThan(0.2);
          for (const later of actions.slice(2)) expect(Math.abs(later)).toBeLessThan(0.2);
          expect(plan.cost).toBeLessThan(1e-2);
        }
      });
    });
  }

  it('executes an elite of the last iteration with the cost it was sampled with', () => {
    withProblem(goalValues, (problem) => {
      const plan = new MppiPlanner({ iterations: 2, samples: 12, elites: 4 }).plan({ ...problem, horizon: 2 }, new Rng(3));
      const last = problem.model.rolloutActions.at(-1)!;
      expect(problem.model.rolloutActions).toHaveLength(2); // no extra rollout for a sampled elite
      const costs = sequenceCosts(last.values, 12, 2, goalValues);
      const eliteIndices = costs.map((c, i) => [c, i] as const).sort((a, b) => a[0] - b[0]).slice(0, 4).map(([, i]) => i);
      const match = eliteIndices.find((i) => Array.from(last.values.slice(i * 4, i * 4 + 4)).every((v, j) => v === plan.actions[j]));
      expect(match).toBeDefined();
      expect(plan.cost).toBeCloseTo(costs[match!]!, 4);
    });
  });

  it('temperature: a tiny one makes the mean the best sample, a huge one the plain elite average', () => {
    withProblem(goalValues, (problem) => {
      const options = { iterations: 1, samples: 10, elites: 4, execute: 'mean' as const, scoreReturnedPlan: false };
      const sharp = new MppiPlanner({ ...options, temperature: 1e-9 }).plan({ ...problem, horizon: 2 }, new Rng(9));
      const flat = new MppiPlanner({ ...options, temperature: 1e9 }).plan({ ...problem, horizon: 2 }, new Rng(9));
      const [first] = problem.model.rolloutActions;
      const costs = sequenceCosts(first!.values, 10, 2, goalValues);
      const order = costs.map((c, i) => [c, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
      const best = Array.from(first!.values.slice(order[0]! * 4, order[0]! * 4 + 4));
      best.forEach((v, j) => expect(sharp.actions[j]).toBeCloseTo(v, 5));
      for (let j = 0; j < 4; j++) {
        const average = order.slice(0, 4).reduce((sum, i) => sum + first!.values[i * 4 + j]!, 0) / 4;
        expect(flat.actions[j]).toBeCloseTo(average, 5);
      }
    });
  });

  it('gives the same plan for the same seed and another for another seed', () => {
    withProblem(goalValues, (problem) => {
      const planner = new MppiPlanner({ iterations: 3, samples: 30, elites: 5 });
      const a = planner.plan({ ...problem, horizon: 4 }, new Rng(7));
      const b = planner.plan({ ...problem, horizon: 4 }, new Rng(7));
      const c = planner.plan({ ...problem, horizon: 4 }, new Rng(8));
      expect(Array.from(b.actions)).toEqual(Array.from(a.actions));
      expect(Array.from(c.actions)).not.toEqual(Array.from(a.actions));
    });
  });

  it('samples unclipped by default and clips when maxActionNorm is set', () => {
    withProblem([20, 20], (problem) => {
      new MppiPlanner({ iterations: 3, samples: 40, elites: 8 }).plan({ ...problem, horizon: 3 }, new Rng(2));
      expect(Math.max(...problem.model.rolloutActions.flatMap((call) => actionNorms(call.values, 2)))).toBeGreaterThan(2.45);
      problem.model.rolloutActions.length = 0;
      const plan = new MppiPlanner({ iterations: 3, samples: 40, elites: 8, maxActionNorm: 1 }).plan({ ...problem, horizon: 3 }, new Rng(2));
      expect(Math.max(...problem.model.rolloutActions.flatMap((call) => actionNorms(call.values, 2)))).toBeLessThanOrEqual(1 + 1e-5);
      expect(Math.max(...actionNorms(plan.actions, 2))).toBeLessThanOrEqual(1 + 1e-5);
    });
  });

  it('warm start samples around problem.initialPlan, only when on', () => {
    withProblem(goalValues, (problem) => {
      const initialPlan = Float32Array.from([0.3, -0.2, 0.1, 0.4, 0.5, 0.6, 9, 9]); // H' = 4 > H = 3: cut
      const options = { iterations: 1, samples: 4, elites: 2, initialStd: 1e-4 };
      new MppiPlanner({ ...options, warmStart: true }).plan({ ...problem, horizon: 3, initialPlan }, new Rng(3));
      new MppiPlanner(options).plan({ ...problem, horizon: 3, initialPlan }, new Rng(3));
      const [warm, cold] = problem.model.rolloutActions;
      for (let s = 0; s < 4; s++) {
        const sequence = Array.from(warm!.values.slice(s * 6, (s + 1) * 6));
        [0.3, -0.2, 0.1, 0.4, 0.5, 0.6].forEach((expected, j) => expect(sequence[j]).toBeCloseTo(expected, 3));
      }
      for (const value of cold!.values) expect(Math.abs(value)).toBeLessThan(1e-3);
    });
  });

  it('counts the compute: one batched rollout per iteration, plus one to score a returned mean', () => {
    withProblem(goalValues, (problem) => {
      const elite = new MppiPlanner({ iterations: 3, samples: 10, elites: 4 }).plan({ ...problem, horizon: 5 }, new Rng(4));
      expect([elite.rolloutCalls, elite.predictedSteps]).toEqual([3, 150]);
      const mean = new MppiPlanner({ iterations: 3, samples: 10, elites: 4, execute: 'mean' }).plan({ ...problem, horizon: 5 }, new Rng(4));
      expect([mean.rolloutCalls, mean.predictedSteps]).toEqual([4, 155]);
      expect(problem.model.rolloutActions.map((call) => call.samples)).toEqual([10, 10, 10, 10, 10, 10, 1]);
    });
  });

  it('uses the problem cost when given (final-step cost here)', () => {
    withProblem(goalValues, (problem) => {
      const plan = new MppiPlanner({ iterations: 1, samples: 6, elites: 2 }).plan({ ...problem, horizon: 2, cost: latentDistanceCost({ reduction: 'final' }) }, new Rng(5));
      const [call] = problem.model.rolloutActions;
      const chosen = Array.from({ length: 6 }, (_, s) => s).find((s) => Array.from(call!.values.slice(s * 4, s * 4 + 4)).every((v, j) => v === plan.actions[j]))!;
      const a = call!.values.slice(chosen * 4, chosen * 4 + 4);
      const z = [a[0]! + a[2]!, 0.5 * (a[0]! + a[2]!) + a[1]! + a[3]!];
      expect(plan.cost).toBeCloseTo(((z[0]! - 1) ** 2 + (z[1]! + 0.5) ** 2) / 2, 4);
    });
  });

  it('leaves no tensor behind across plan calls', () => {
    withProblem(goalValues, (problem) => {
      const planner = new MppiPlanner({ iterations: 2, samples: 8, elites: 3, execute: 'mean' });
      planner.plan({ ...problem, horizon: 2 }, new Rng(0));
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) planner.plan({ ...problem, horizon: 2 }, new Rng(i));
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it('says what to fix in bad options', () => {
    expect(() => new MppiPlanner({ temperature: 0 })).toThrow(/temperature .*0\.005.*200/);
    expect(() => new MppiPlanner({ execute: 'best' as 'mean' })).toThrow(/'mean' or 'sampled-elite'/);
    expect(() => new MppiPlanner({ samples: 10, elites: 11 })).toThrow(/elites .* in \[1, 10\]/);
  });
});
