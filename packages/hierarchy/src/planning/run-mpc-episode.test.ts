import * as tf from '@tensorflow/tfjs';
import { Rng, type Plan, type Planner, type PlanningProblem } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { CemPlanner } from './cem-planner.js';
import { MppiPlanner } from './mppi-planner.js';
import { runMpcEpisode, type MpcEnvironment } from './run-mpc-episode.js';
import { simulatorWorldModel } from './simulator-world-model.js';

/** A wall-free 2-D point mass: the action is the displacement. */
function pointMass(start: [number, number], goal: [number, number]): MpcEnvironment<Float32Array> & { position: Float32Array; steps: Float32Array[] } {
  const position = Float32Array.from(start);
  const steps: Float32Array[] = [];
  return {
    position,
    steps,
    observe: () => position.slice(),
    goalObservation: () => Float32Array.from(goal),
    step(action) {
      steps.push(action.slice());
      position[0] += action[0]!;
      position[1] += action[1]!;
    },
    get done() {
      return false;
    },
  };
}

const pointMassModel = () => simulatorWorldModel({ stateDim: 2, actionDim: 2, step: (state, action) => Float32Array.of(state[0]! + action[0]!, state[1]! + action[1]!) });

/** Plan p has actions [p*10 + h] (A = 1), and records the problems it was given. */
function scriptedPlanner(): Planner & { problems: Array<{ horizon: number; initialPlan?: number[] }> } {
  const problems: Array<{ horizon: number; initialPlan?: number[] }> = [];
  return {
    name: 'scripted',
    problems,
    plan<Observation>(problem: PlanningProblem<Observation>): Plan {
      const index = problems.length;
      problems.push({ horizon: problem.horizon, ...(problem.initialPlan ? { initialPlan: Array.from(problem.initialPlan) } : {}) });
      return {
        actions: Float32Array.from({ length: problem.horizon }, (_, h) => index * 10 + h),
        horizon: problem.horizon,
        actionDim: 1,
        cost: index,
        rolloutCalls: 2,
        predictedSteps: 7,
        seconds: 0.5,
      };
    },
  };
}

function countingModel() {
  const inner = simulatorWorldModel({ stateDim: 1, actionDim: 1, step: (s, a) => Float32Array.of(s[0]! + a[0]!) });
  let encodes = 0;
  return {
    actionDim: 1,
    encode: (observation: Float32Array) => {
      encodes += 1;
      return inner.encode(observation);
    },
    rollout: inner.rollout,
    get encodes() {
      return encodes;
    },
  };
}

function lineEnvironment(doneAfter = Infinity): MpcEnvironment<Float32Array> & { steps: number[] } {
  const steps: number[] = [];
  return {
    steps,
    observe: () => Float32Array.of(steps.length),
    goalObservation: () => Float32Array.of(100),
    step: (action) => void steps.push(action[0]!),
    get done() {
      return steps.length >= doneAfter;
    },
  };
}

describe('runMpcEpisode', () => {
  it('executes the first k actions of each plan, then replans, with the horizon a function of the steps left', () => {
    const planner = scriptedPlanner();
    const environment = lineEnvironment();
    const model = countingModel();
    const result = runMpcEpisode({ environment, model, planner, rng: new Rng(0), maxSteps: 10, replanEvery: 3, horizon: (stepsLeft) => Math.min(5, stepsLeft) });
    expect(environment.steps).toEqual([0, 1, 2, 10, 11, 12, 20, 21, 22, 30]);
    expect(result.actions.map((a) => a[0])).toEqual(environment.steps);
    expect(result.plans).toBe(4);
    expect(planner.problems.map((p) => p.horizon)).toEqual([5, 5, 4, 1]);
    // Each plan gets the previous plan's unexecuted actions.
    expect(planner.problems.map((p) => p.initialPlan)).toEqual([undefined, [3, 4], [13, 14], [23]]);
    expect(result.plannedCosts).toEqual([0, 1, 2, 3]);
    expect([result.rolloutCalls, result.predictedSteps, result.planningSeconds]).toEqual([8, 28, 2]);
    expect(model.encodes).toBe(1 + 4); // the goal once, the start before every plan
    expect(result.done).toBe(false);
  });

  it('replans every step by default and stops as soon as the environment is done', () => {
    const planner = scriptedPlanner();
    const environment = lineEnvironment(2);
    const result = runMpcEpisode({ environment, model: countingModel(), planner, rng: new Rng(0), maxSteps: 10, horizon: 4 });
    expect(environment.steps).toEqual([0, 10]);
    expect([result.plans, result.done]).toEqual([2, true]);
    const midPlan = lineEnvironment(2);
    runMpcEpisode({ environment: midPlan, model: countingModel(), planner: scriptedPlanner(), rng: new Rng(0), maxSteps: 10, horizon: 4, replanEvery: 4 });
    expect(midPlan.steps).toEqual([0, 1]);
  });

  it('disposes every tensor it makes', () => {
    const before = tf.memory().numTensors;
    runMpcEpisode({ environment: pointMass([0, 0], [2, 1]), model: pointMassModel(), planner: new CemPlanner({ samples: 20, elites: 4, iterations: 3 }), rng: new Rng(0), maxSteps: 4, horizon: 3, replanEvery: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a bad replanEvery, maxSteps or horizon', () => {
    const base = { environment: lineEnvironment(), model: countingModel(), planner: scriptedPlanner(), rng: new Rng(0) };
    expect(() => runMpcEpisode({ ...base, maxSteps: 5, horizon: 3, replanEvery: 0 })).toThrow(/replanEvery must be a positive integer/);
    expect(() => runMpcEpisode({ ...base, maxSteps: 0, horizon: 3 })).toThrow(/maxSteps must be a positive integer/);
    const before = tf.memory().numTensors;
    expect(() => runMpcEpisode({ ...base, maxSteps: 5, horizon: () => 0 })).toThrow(/horizon must be a positive integer, got 0 with 5 steps left/);
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('the oracle planner (CEM / MPPI through the true simulator)', () => {
    for (const planner of [new CemPlanner(), new MppiPlanner({ execute: 'mean' }), new MppiPlanner()]) {
      it(`drives a wall-free 2-D point mass to its goal within a few steps (${planner.name}${planner instanceof MppiPlanner ? `, ${planner.execute}` : ''})`, () => {
        const goal: [number, number] = [5, -3]; // 5.8 away: at least 3 actions of norm <= 2.45
        const environment = pointMass([0, 0], goal);
        const result = runMpcEpisode({ environment, model: pointMassModel(), planner, rng: new Rng(11), maxSteps: 5, horizon: (left) => Math.min(5, left) });
        const distance = Math.hypot(environment.position[0]! - goal[0], environment.position[1]! - goal[1]);
        expect(result.actions).toHaveLength(5);
        expect(distance).toBeLessThan(0.05);
        // Already there after three actions (the fewest CEM's 2.45 norm bound allows).
        const afterThree = environment.steps.slice(0, 3).reduce((p, a) => [p[0]! + a[0]!, p[1]! + a[1]!], [0, 0]);
        expect(Math.hypot(afterThree[0]! - goal[0], afterThree[1]! - goal[1])).toBeLessThan(0.25);
      });
    }
  });
});
