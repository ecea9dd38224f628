import { Rng } from '@jepa/core/random';
import { resolveTwoRoomsDataConfig, type TwoRoomsDataConfig } from './data-config.js';
import type { TwoRoomsLayout } from './layout.js';
import { checkDatasetRequest, checkTrajectoryArrays, trajectoryViews, type TrajectoryViews } from './trajectory-arrays.js';
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
  readonly source?: {
    /** The seed of the generator. */
    readonly seed: number;
    /** The generator settings. */
    readonly config: TwoRoomsDataConfig;
  };
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
  checkDatasetRequest(trajectories, seed, where);
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
  checkTrajectoryArrays(dataset, where, { name: 'layouts', array: dataset.layouts, entry: [2] }, { name: 'doorCrossing', array: dataset.doorCrossing, entry: [] });
}

/** One trajectory of a dataset, as views into its arrays (no copies). */
export interface TwoRoomsDatasetTrajectory extends TrajectoryViews {
  /** The trajectory's wall and door. */
  readonly layout: TwoRoomsLayout;
  /** Whether it was built to cross the door. */
  readonly doorCrossing: boolean;
}

/** Trajectory `index` of `dataset`, as views into its arrays. */
export function getTwoRoomsTrajectory(dataset: TwoRoomsDataset, index: number): TwoRoomsDatasetTrajectory {
  const { positions, actions } = trajectoryViews(dataset, index, 'getTwoRoomsTrajectory');
  return {
    layout: { wallX: dataset.layouts[2 * index]!, doorY: dataset.layouts[2 * index + 1]! },
    positions,
    actions,
    doorCrossing: dataset.doorCrossing[index] === 1,
  };
}
