import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '@jepa/core';
import { CemPlanner } from './cem-planner.js';
import { HierarchicalPlanner } from './hierarchical-planner.js';
import { runMpcEpisode } from './run-mpc-episode.js';
import { simulatorWorldModel } from './simulator-world-model.js';

/**
 * A hand-made maze: the box [0, 10] x [0, 10] with a wall along x = 5 from y = 0 up to y = 5. A
 * step moves the point by the action (norm at most 1); a step that would cross the wall or leave
 * the box does not move it. From (2, 1) to (8, 1) the way goes over the wall's top: about 15 steps,
 * while the straight line ends against the wall 3 from the goal, a local minimum of the distance.
 */
function mazeStep(state: Float32Array, action: Float32Array): Float32Array {
  const [x, y] = [state[0]!, state[1]!];
  let [dx, dy] = [action[0]!, action[1]!];
  const norm = Math.hypot(dx, dy);
  if (norm > 1) [dx, dy] = [dx / norm, dy / norm];
  const [nx, ny] = [x + dx, y + dy];
  if (nx < 0 || nx > 10 || ny < 0 || ny > 10) return Float32Array.of(x, y);
  if ((x - 5) * (nx - 5) <= 0 && nx !== x) {
    const yAtWall = y + ((5 - x) / (nx - x)) * (ny - y);
    if (yAtWall <= 5) return Float32Array.of(x, y);
  }
  return Float32Array.of(nx, ny);
}

/** `skip` maze steps of a macro-action's mean: the true dynamics of level 2. */
function macroStep(skip: number) {
  return (state: Float32Array, macro: Float32Array): Float32Array => {
    let s = state;
    const mean = Float32Array.of(macro[0]! / skip, macro[1]! / skip);
    for (let t = 0; t < skip; t++) s = mazeStep(s, mean);
    return s;
  };
}

const START = Float32Array.of(2, 1);
const GOAL = Float32Array.of(8, 1);
const SKIP = 5;

/** Plans the maze with model-predictive control; returns the final position and the planner's traces. */
function solveMaze(planner: HierarchicalPlanner | CemPlanner, maxSteps: number) {
  let position: Float32Array = START;
  const traces: Array<readonly boolean[]> = [];
  runMpcEpisode<Float32Array>({
    environment: { observe: () => position, goalObservation: () => GOAL, step: (a) => void (position = mazeStep(position, a)), done: false },
    model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: mazeStep }),
    planner,
    horizon: (left) => left,
    maxSteps,
    replanEvery: 2,
    rng: new Rng(11),
    onPlan: () => planner instanceof HierarchicalPlanner && traces.push(planner.lastTrace!.subgoals),
  });
  return { position, distance: Math.hypot(position[0]! - GOAL[0]!, position[1]! - GOAL[1]!), traces };
}

const lowSearch = () => new CemPlanner({ samples: 48, iterations: 4, elites: 8, maxActionNorm: 1, initialStd: 1 });

describe('HierarchicalPlanner', () => {
  it('reaches the goal of a hand-made maze through a chain of subgoals where the flat planner stops at the wall', () => {
    const before = tf.memory().numTensors;
    const hierarchical = new HierarchicalPlanner({
      planner: lowSearch(),
      levels: [{ model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: macroStep(SKIP) }), stepSkip: SKIP, horizon: 6, planner: new CemPlanner({ samples: 200, iterations: 6, elites: 20, maxActionNorm: SKIP, initialStd: 4 }) }],
    });
    const solved = solveMaze(hierarchical, 40);
    expect(solved.distance).toBeLessThan(0.5);
    // Far from the goal level 2 hands subgoals down; at the end it passes the goal itself.
    expect(solved.traces[0]).toEqual([true]);
    expect(solved.traces.at(-1)).toEqual([false]);
    expect(tf.memory().numTensors).toBe(before);

    // The same level-1 search alone, looking as far ahead as its subgoals (5 steps), ends against the wall.
    const flat = solveMaze(lowSearch(), 40);
    expect(flat.position[0]!).toBeLessThan(5);
    expect(flat.distance).toBeGreaterThan(2.5);
  });

  it('counts every level\'s planning compute, and names its levels', () => {
    const levelTwo = new CemPlanner({ samples: 10, iterations: 2, elites: 2 });
    const planner = new HierarchicalPlanner({
      planner: new CemPlanner({ samples: 6, iterations: 2, elites: 2 }),
      levels: [{ model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: macroStep(SKIP) }), stepSkip: SKIP, horizon: 3, planner: levelTwo }],
    });
    expect(planner.name).toBe('hierarchical-cem-2-levels');
    const start = tf.tensor3d(START, [1, 1, 2]);
    const goal = tf.tensor3d(GOAL, [1, 1, 2]);
    const plan = planner.plan({ model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: mazeStep }), start, goal, horizon: 40 }, new Rng(1));
    // Level 2: 2 iterations + the returned mean scored once, 10 samples x 3 steps, and the rollout of its
    // plan that gives the subgoal; level 1: 2 iterations + the returned mean, 6 x 5.
    expect(plan.rolloutCalls).toBe(7);
    expect(plan.predictedSteps).toBe(2 * 10 * 3 + 3 + 3 + 2 * 6 * 5 + 5);
    expect(plan.horizon).toBe(SKIP);
    expect(planner.lastTrace!.horizons).toEqual([3, 5]);
    tf.dispose([start, goal]);
  });

  it('refuses a stack without upper levels or with a bad step skip', () => {
    const planner = new CemPlanner({ samples: 6, iterations: 1, elites: 2 });
    expect(() => new HierarchicalPlanner({ planner, levels: [] })).toThrow(/at least one level above the first/);
    const model = simulatorWorldModel({ stateDim: 2, actionDim: 2, step: mazeStep });
    expect(() => new HierarchicalPlanner({ planner, levels: [{ model, stepSkip: 0, horizon: 2, planner }] })).toThrow(/levels\[0\]\.stepSkip must be a positive integer/);
  });
});
