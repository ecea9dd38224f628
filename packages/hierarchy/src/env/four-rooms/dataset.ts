import { Rng } from '@jepa/core/random';
import { checkDatasetRequest, checkTrajectoryArrays, trajectoryViews, type TrajectoryViews } from '../two-rooms/trajectory-arrays.js';
import { resolveFourRoomsDataConfig, type FourRoomsDataConfig, type FourRoomsDataOverrides } from './data-config.js';
import { checkFourRoomsDoors, FOUR_ROOMS_DEFAULT_DOORS, fourRoomsLayoutCode, fourRoomsLayoutFromCode, type FourRoomsDoorGeometry, type FourRoomsLayout } from './layout.js';
import { sampleFourRoomsTrajectory } from './trajectory.js';

/**
 * An offline Four Rooms dataset, shaped like `TwoRoomsDataset`: `N` trajectories of `T` actions
 * each, in typed arrays (positions and actions in world pixels). Frames are not stored; render
 * them with `renderFourRoomsFrames` (`layouts` and `doors` are its arguments).
 */
export interface FourRoomsDataset {
  /** Number of trajectories `N`. */
  readonly trajectories: number;
  /** Actions per trajectory `T` (positions: `T + 1`). */
  readonly steps: number;
  /** `[N]` layout codes (`fourRoomsLayoutCode`: -1 no closed door, 0 top, 1 bottom, 2 left, 3 right). */
  readonly layouts: Int8Array;
  /** The door geometry every trajectory shares. */
  readonly doors: FourRoomsDoorGeometry;
  /** `[N, T + 1, 2]` (x, y) positions, world pixels. */
  readonly positions: Float32Array;
  /** `[N, T, 2]` displacements, world pixels, each coordinate in `[-1.75, 1.75]` (`actions[t]` moves position `t` towards `t + 1`). */
  readonly actions: Float32Array;
  /** `[N]`: 1 where the door-waypoint expert made the trajectory, 0 for exploration. */
  readonly expert: Uint8Array;
  /** How it was generated, when known: seed and settings. */
  readonly source?: {
    /** The seed of the generator. */
    readonly seed: number;
    /** The generator settings. */
    readonly config: FourRoomsDataConfig;
  };
}

/** What {@link generateFourRoomsDataset} generates: a count, a seed, and any generator setting to override. */
export interface FourRoomsDatasetRequest extends FourRoomsDataOverrides {
  /** Number of trajectories `N`. */
  readonly trajectories: number;
  /** Seed of the root `Rng`; trajectory `i` draws from `new Rng(seed).derive('trajectory-' + i)`. */
  readonly seed: number;
  /** Door geometry (default the reference's, `FOUR_ROOMS_DEFAULT_DOORS`). */
  readonly doors?: FourRoomsDoorGeometry;
}

/**
 * Generates `trajectories` Four Rooms trajectories as H-JEPA collects its data
 * (`sampleFourRoomsTrajectory`: a closed door half the time, half noisy door-waypoint expert and
 * half smooth exploration, the collision model), `steps` actions each (default 90).
 *
 * Trajectory `i` depends only on `seed` and `i`, so a larger dataset with the same seed starts with
 * the smaller one, and the same request always gives the same arrays.
 */
export function generateFourRoomsDataset(request: FourRoomsDatasetRequest): FourRoomsDataset {
  const where = 'generateFourRoomsDataset';
  const { trajectories, seed, doors = FOUR_ROOMS_DEFAULT_DOORS } = request;
  checkDatasetRequest(trajectories, seed, where);
  checkFourRoomsDoors(doors, where);
  const config = resolveFourRoomsDataConfig(request, where);
  const steps = config.steps;
  const layouts = new Int8Array(trajectories);
  const positions = new Float32Array(trajectories * (steps + 1) * 2);
  const actions = new Float32Array(trajectories * steps * 2);
  const expert = new Uint8Array(trajectories);
  const root = new Rng(seed);
  for (let i = 0; i < trajectories; i++) {
    const trajectory = sampleFourRoomsTrajectory(root.derive(`trajectory-${i}`), config, doors);
    layouts[i] = fourRoomsLayoutCode(trajectory.layout);
    positions.set(trajectory.positions, i * (steps + 1) * 2);
    actions.set(trajectory.actions, i * steps * 2);
    expert[i] = trajectory.expert ? 1 : 0;
  }
  return { trajectories, steps, layouts, doors, positions, actions, expert, source: { seed, config } };
}

/**
 * Throws unless the arrays of `dataset` have the shapes its `trajectories` and `steps` say and its
 * layout codes and doors are valid, naming `where` and the array to fix.
 */
export function checkFourRoomsDataset(dataset: FourRoomsDataset, where: string): void {
  checkTrajectoryArrays(dataset, where, { name: 'layouts', array: dataset.layouts, entry: [] }, { name: 'expert', array: dataset.expert, entry: [] });
  checkFourRoomsDoors(dataset.doors, where);
  for (let i = 0; i < dataset.trajectories; i++) fourRoomsLayoutFromCode(dataset.layouts[i]!, dataset.doors, `${where} (dataset.layouts[${i}])`);
}

/** One trajectory of a dataset, as views into its arrays (no copies). */
export interface FourRoomsDatasetTrajectory extends TrajectoryViews {
  /** The trajectory's layout (closed door, doors). */
  readonly layout: FourRoomsLayout;
  /** Whether the door-waypoint expert made it (else smooth exploration). */
  readonly expert: boolean;
}

/** Trajectory `index` of `dataset`, as views into its arrays. */
export function getFourRoomsTrajectory(dataset: FourRoomsDataset, index: number): FourRoomsDatasetTrajectory {
  const { positions, actions } = trajectoryViews(dataset, index, 'getFourRoomsTrajectory');
  return {
    layout: fourRoomsLayoutFromCode(dataset.layouts[index]!, dataset.doors, 'getFourRoomsTrajectory'),
    positions,
    actions,
    expert: dataset.expert[index] === 1,
  };
}
