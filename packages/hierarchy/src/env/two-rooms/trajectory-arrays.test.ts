import { describe, expect, it } from 'vitest';
import { checkDatasetRequest, checkTrajectoryArrays, trajectoryViews, type PerTrajectoryArray, type TrajectoryArrays } from './trajectory-arrays.js';

/** Two trajectories of three steps, with values that say where they sit. */
const dataset: TrajectoryArrays = {
  trajectories: 2,
  steps: 3,
  positions: Float32Array.from({ length: 2 * 4 * 2 }, (_, i) => i),
  actions: Float32Array.from({ length: 2 * 3 * 2 }, (_, i) => 100 + i),
};
const layouts: PerTrajectoryArray = { name: 'layouts', array: new Int32Array(4), entry: [2] };
const flags: PerTrajectoryArray = { name: 'flags', array: new Uint8Array(2), entry: [] };

describe('trajectory dataset arrays', () => {
  it('checks a generator request', () => {
    expect(() => checkDatasetRequest(0, 1, 'gen')).not.toThrow();
    expect(() => checkDatasetRequest(-1, 0.5, 'gen')).toThrow(/^gen: trajectories must be a non-negative integer; got -1/);
    expect(() => checkDatasetRequest(1, 0.5, 'gen')).toThrow(/^gen: seed must be a safe integer; got 0.5/);
  });

  it('checks the sizes, then layouts, positions, actions and flags in that order, naming the array and its shape', () => {
    expect(() => checkTrajectoryArrays(dataset, 'W', layouts, flags)).not.toThrow();
    expect(() => checkTrajectoryArrays({ ...dataset, steps: 0 }, 'W', layouts, flags)).toThrow(/^W: dataset.trajectories must be an integer >= 0 and dataset.steps an integer >= 1; got 2 and 0/);
    expect(() => checkTrajectoryArrays({ ...dataset, positions: new Float32Array(1) }, 'W', { ...layouts, array: undefined }, flags)).toThrow(
      /^W: dataset.layouts must be \[2, 2\] = 4 values; got none\.$/,
    );
    expect(() => checkTrajectoryArrays({ ...dataset, positions: new Float32Array(1) }, 'W', layouts, flags)).toThrow(/^W: dataset.positions must be \[2, 4, 2\] = 16 values; got 1\.$/);
    expect(() => checkTrajectoryArrays({ ...dataset, actions: new Float32Array(1) }, 'W', layouts, flags)).toThrow(/^W: dataset.actions must be \[2, 3, 2\] = 12 values; got 1\.$/);
    expect(() => checkTrajectoryArrays(dataset, 'W', layouts, { ...flags, array: new Uint8Array(3) })).toThrow(/^W: dataset.flags must be \[2\] = 2 values; got 3\.$/);
  });

  it('gives a trajectory as views into the arrays', () => {
    const { positions, actions } = trajectoryViews(dataset, 1, 'get');
    expect(Array.from(positions)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(Array.from(actions)).toEqual([106, 107, 108, 109, 110, 111]);
    expect(positions.buffer).toBe(dataset.positions.buffer);
    expect(() => trajectoryViews(dataset, 2, 'get')).toThrow(/^get: index must be an integer in 0..1; got 2/);
  });
});
