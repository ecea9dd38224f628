import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CemPlanner } from '../planning/cem-planner.js';
import { createWorldModel } from '../model/create-world-model.js';
import { twoRoomsHierarchicalOracle } from './two-rooms-oracle.js';
import { evaluateTwoRoomsPlanning } from './two-rooms-planning.js';

describe('evaluateTwoRoomsPlanning', () => {
  it('plans through the true simulator (oracle) and reports the success rate, its interval and the compute', () => {
    const report = evaluateTwoRoomsPlanning('oracle', {
      episodes: 2,
      seed: 0,
      imageSize: 32,
      planner: new CemPlanner({ samples: 40, iterations: 4, elites: 8, actionRepeat: 5 }),
      horizon: (left) => Math.min(40, left),
      replanEvery: 5,
      plannedSteps: 60,
    });
    expect(report.planner).toBe('cem (oracle)');
    expect(report.results).toHaveLength(2);
    for (const r of report.results) {
      expect(r.path.length).toBe(2 * 61);
      expect(r.plans).toBe(12);
      expect(r.finalDistance).toBeLessThan(r.startDistance);
      expect(r.success).toBe(r.finalDistance < 4.5);
    }
    expect(report.successRate).toBe(report.successes / 2);
    expect(report.ci95[0]).toBeLessThanOrEqual(report.successRate);
    expect(report.ci95[1]).toBeGreaterThanOrEqual(report.successRate);
    expect(report.predictedStepsPerEpisode).toBeGreaterThan(0);
  });

  it('builds a planner per episode from its layout: the hierarchical oracle reaches goals in the other room', () => {
    const seen: Array<[number, number]> = [];
    const report = evaluateTwoRoomsPlanning('oracle', {
      episodes: 2,
      seed: 0,
      imageSize: 32,
      planner: ({ index, layout }) => {
        seen.push([index, layout.wallX]);
        return twoRoomsHierarchicalOracle(layout, {
          stepSkip: 15,
          levelHorizon: 8,
          levelSearch: { samples: 100, iterations: 6, elites: 10 },
          horizon: 15,
          search: { samples: 30, iterations: 3, elites: 6, actionRepeat: 5 },
        });
      },
      horizon: (left) => left,
      replanEvery: 10,
      plannedSteps: 200,
    });
    expect(report.planner).toBe('hierarchical-cem-2-levels (oracle)');
    expect(seen.map(([index]) => index)).toEqual([0, 1]);
    for (const [i, r] of report.results.entries()) {
      expect(seen[i]![1]).toBe(r.layout.wallX);
      // Start and goal lie on either side of the wall; the agent ends at the goal.
      expect(Math.sign(r.start[0] - r.layout.wallX)).toBe(-Math.sign(r.goal[0] - r.layout.wallX));
      expect(r.finalDistance, `episode ${r.index}: start distance ${r.startDistance}`).toBeLessThan(4.5);
    }
  });

  it('plans with a learned world model on rendered frames, repeats itself for a seed, and leaks no tensor', () => {
    const model = createWorldModel({ imageSize: 16, inChannels: 2, actionDim: 2, encoder: { stages: [4, 8], latentDim: 8 }, predictor: { kind: 'gru' }, inverseDynamics: null }, { seed: 1 });
    const before = tf.memory().numTensors;
    const options = { episodes: 1, seed: 3, imageSize: 16, planner: new CemPlanner({ samples: 8, iterations: 2, elites: 2 }), horizon: 5, replanEvery: 5, plannedSteps: 10 };
    const first = evaluateTwoRoomsPlanning(model, options);
    const again = evaluateTwoRoomsPlanning(model, options);
    expect(Array.from(again.results[0]!.path)).toEqual(Array.from(first.results[0]!.path));
    expect(first.results[0]!.plans).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
