import { uniformInt, type UniformSource } from '@jepa/core/random';
import { checkTwoRoomsDataset, type TwoRoomsDataset } from './dataset.js';

/** A batch of training windows cut from a {@link TwoRoomsDataset}. */
export interface TwoRoomsWindows {
  /** Batch size `B`. */
  readonly batchSize: number;
  /** Window length `L` (frames, and as many actions). */
  readonly length: number;
  /** `[B]`: the trajectory each window comes from. */
  readonly trajectoryIndices: Int32Array;
  /** `[B]`: the index of each window's first position in its trajectory. */
  readonly starts: Int32Array;
  /** `[B, 2]` (wallX, doorY): pass with `positions` to `renderTwoRoomsFrames` (a layout per window). */
  readonly layouts: Int32Array;
  /** `[B, L, 2]` positions, world pixels. */
  readonly positions: Float32Array;
  /** `[B, L, 2]` actions, world pixels: `actions[b, l]` leads from `positions[b, l]` (the last one out of the window). */
  readonly actions: Float32Array;
}

/** Options of {@link sampleTwoRoomsWindows}. */
export interface TwoRoomsWindowOptions {
  /** Number of windows `B`. */
  readonly batchSize: number;
  /** Frames per window `L` (the reference's `sample_length` is 17), at most the dataset's `T`. */
  readonly length: number;
}

/**
 * Random training windows, as the reference cuts them (`generate_transitions`): a trajectory
 * uniformly, then a start uniformly in `0..T-L`, and `L` consecutive positions with the `L`
 * actions taken from them. Like the reference (which drops the last of its 91 frames), a window
 * never ends on a trajectory's final position.
 *
 * @param dataset where to cut the windows from.
 * @param options batch size and window length.
 * @param rng the uniform source (two draws per window: trajectory, then start).
 */
export function sampleTwoRoomsWindows(dataset: TwoRoomsDataset, options: TwoRoomsWindowOptions, rng: UniformSource): TwoRoomsWindows {
  const where = 'sampleTwoRoomsWindows';
  checkTwoRoomsDataset(dataset, where);
  const windows = sampleTrajectoryWindows(dataset, options, rng, where);
  const layouts = new Int32Array(windows.batchSize * 2);
  windows.trajectoryIndices.forEach((trajectory, b) => {
    layouts[2 * b] = dataset.layouts[2 * trajectory]!;
    layouts[2 * b + 1] = dataset.layouts[2 * trajectory + 1]!;
  });
  return { ...windows, layouts };
}

/** The trajectory arrays windows are cut from (a Two Rooms or Four Rooms dataset, or any of the same shape). */
export interface TrajectoryArrays {
  /** Number of trajectories `N`. */
  readonly trajectories: number;
  /** Actions per trajectory `T`. */
  readonly steps: number;
  /** `[N, T + 1, 2]` positions. */
  readonly positions: Float32Array;
  /** `[N, T, 2]` actions. */
  readonly actions: Float32Array;
}

/**
 * Random windows of 2-D trajectories, cut as {@link sampleTwoRoomsWindows} cuts them (a trajectory,
 * then a start in `0..T-L`, two uniform draws per window), without layouts: each environment adds
 * its own from `trajectoryIndices`. `where` names the caller in errors.
 */
export function sampleTrajectoryWindows(
  arrays: TrajectoryArrays,
  options: TwoRoomsWindowOptions,
  rng: UniformSource,
  where = 'sampleTrajectoryWindows',
): Omit<TwoRoomsWindows, 'layouts'> {
  const { batchSize, length } = options;
  const steps = arrays.steps;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`${where}: batchSize must be a positive integer; got ${batchSize}.`);
  if (!Number.isInteger(length) || length < 1 || length > steps) {
    throw new RangeError(`${where}: length must be an integer in 1..${steps} (the dataset's actions per trajectory); got ${length}.`);
  }
  if (arrays.trajectories < 1) throw new RangeError(`${where}: the dataset holds no trajectory; generate some first.`);
  const trajectoryIndices = new Int32Array(batchSize);
  const starts = new Int32Array(batchSize);
  const positions = new Float32Array(batchSize * length * 2);
  const actions = new Float32Array(batchSize * length * 2);
  for (let b = 0; b < batchSize; b++) {
    const trajectory = uniformInt(rng, 0, arrays.trajectories);
    const start = uniformInt(rng, 0, steps - length + 1);
    trajectoryIndices[b] = trajectory;
    starts[b] = start;
    const positionOffset = (trajectory * (steps + 1) + start) * 2;
    positions.set(arrays.positions.subarray(positionOffset, positionOffset + length * 2), b * length * 2);
    const actionOffset = (trajectory * steps + start) * 2;
    actions.set(arrays.actions.subarray(actionOffset, actionOffset + length * 2), b * length * 2);
  }
  return { batchSize, length, trajectoryIndices, starts, positions, actions };
}
