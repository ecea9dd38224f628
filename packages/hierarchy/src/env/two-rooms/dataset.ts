import { Rng } from '@jepa/core/random';
import { resolveTwoRoomsDataConfig, type TwoRoomsDataConfig } from './data-config.js';
import type { TwoRoomsLayout } from './layout.js';
import { sampleTwoRoomsTrajectory } from './trajectory.js';

/**
 * An offline Two Rooms dataset: `N` trajectories of `T` actions each, in typed arrays (positions
 * and actions in world pixels). Frames are not stored; render them with `renderTwoRoomsFrames`.
 */
export interface TwoRoomsDataset {
  /** Number of trajectories `N`. */
  readonly trajectories: number;
  /** Actions per trajectory `T` (positions: `T + 1`). */
  readonly steps: number;
  /** `[N, 2]` (wallX, doorY) per trajectory. */
  readonly layouts: Int32Array;
  /** `[N, T + 1, 2]` (x, y) positions, world pixels. */
  readonly positions: Float32Array;
  /** `[N, T, 2]` intended displacements, world pixels (`actions[t]` moves position `t` to `t + 1`, unless rejected). */
  readonly actions: Float32Array;
  /** `[N]`: 1 where the trajectory was built to cross the door, else 0. */
  readonly doorCrossing: Uint8Array;
  /** How it was generated, when known: seed and settings. */
  readonly source?: { readonly seed: number; readonly config: TwoRoomsDataConfig };
}

/** What {@link generateTwoRoomsDataset} generates: a count, a seed, and any generator setting to override. */
export interface TwoRoomsDatasetRequest extends Partial<TwoRoomsDataConfig> {
  /** Number of trajectories `N`. */
  readonly trajectories: number;
  /** Seed of the root `Rng`; trajectory `i` draws from `new Rng(seed).derive('trajectory-' + i)`. */
  readonly seed: number;
}

/**
 * Generates `trajectories` Two Rooms trajectories as the reference's data generator does
 * (`sampleTwoRoomsTrajectory`: uniform layouts, 35 % door-crossing walks, von Mises / truncated
 * normal random walks, the data collision model), `steps` actions each (default 90).
 *
 * Trajectory `i` depends only on `seed` and `i`, so a larger dataset with the same seed starts with
 * the smaller one, and the same request always gives the same arrays.
 */
export function generateTwoRoomsDataset(request: TwoRoomsDatasetRequest): TwoRoomsDataset {
  const where = 'generateTwoRoomsDataset';
  const { trajectories, seed } = request;
  if (!Number.isInteger(trajectories) || trajectories < 0) {
    throw new RangeError(`${where}: trajectories must be a non-negative integer; got ${trajectories}.`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`${where}: seed must be a safe integer; got ${seed}.`);
  const config = resolveTwoRoomsDataConfig(request, where);
  const steps = config.steps;
  const layouts = new Int32Array(trajectories * 2);
  const positions = new Float32Array(trajectories * (steps + 1) * 2);
  const actions = new Float32Array(trajectories * steps * 2);
  const doorCrossing = new Uint8Array(trajectories);
  const root = new Rng(seed);
  for (let i = 0; i < trajectories; i++) {
    const trajectory = sampleTwoRoomsTrajectory(root.derive(`trajectory-${i}`), config);
    layouts[2 * i] = trajectory.layout.wallX;
    layouts[2 * i + 1] = trajectory.layout.doorY;
    positions.set(trajectory.positions, i * (steps + 1) * 2);
    actions.set(trajectory.actions, i * steps * 2);
    doorCrossing[i] = trajectory.doorCrossing ? 1 : 0;
  }
  return { trajectories, steps, layouts, positions, actions, doorCrossing, source: { seed, config } };
}

/**
 * Throws unless the arrays of `dataset` have the shapes its `trajectories` and `steps` say, naming
 * `where` and the array to fix.
 */
export function checkTwoRoomsDataset(dataset: TwoRoomsDataset, where: string): void {
  const { trajectories: n, steps: t } = dataset;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(t) || t < 1) {
    throw new RangeError(`${where}: dataset.trajectories must be an integer >= 0 and dataset.steps an integer >= 1; got ${n} and ${t}.`);
  }
  const expect = (name: string, array: { length: number } | undefined, length: number, shape: string) => {
    if (!array || array.length !== length) {
      throw new RangeError(`${where}: dataset.${name} must be ${shape} = ${length} values; got ${array ? array.length : 'none'}.`);
    }
  };
  expect('layouts', dataset.layouts, n * 2, `[${n}, 2]`);
  expect('positions', dataset.positions, n * (t + 1) * 2, `[${n}, ${t + 1}, 2]`);
  expect('actions', dataset.actions, n * t * 2, `[${n}, ${t}, 2]`);
  expect('doorCrossing', dataset.doorCrossing, n, `[${n}]`);
}

/** One trajectory of a dataset, as views into its arrays (no copies). */
export interface TwoRoomsDatasetTrajectory {
  readonly layout: TwoRoomsLayout;
  /** `[T + 1, 2]`, world pixels (a view). */
  readonly positions: Float32Array;
  /** `[T, 2]`, world pixels (a view). */
  readonly actions: Float32Array;
  readonly doorCrossing: boolean;
}

/** Trajectory `index` of `dataset`, as views into its arrays. */
export function getTwoRoomsTrajectory(dataset: TwoRoomsDataset, index: number): TwoRoomsDatasetTrajectory {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.trajectories) {
    throw new RangeError(`getTwoRoomsTrajectory: index must be an integer in 0..${dataset.trajectories - 1}; got ${index}.`);
  }
  const t = dataset.steps;
  return {
    layout: { wallX: dataset.layouts[2 * index]!, doorY: dataset.layouts[2 * index + 1]! },
    positions: dataset.positions.subarray(index * (t + 1) * 2, (index + 1) * (t + 1) * 2),
    actions: dataset.actions.subarray(index * t * 2, (index + 1) * t * 2),
    doorCrossing: dataset.doorCrossing[index] === 1,
  };
}
