/**
 * What every offline trajectory dataset holds (`TwoRoomsDataset`, `FourRoomsDataset`): `N`
 * trajectories of `T` actions each, positions and actions in flat typed arrays, world pixels.
 */
export interface TrajectoryArrays {
  /** Number of trajectories `N`. */
  readonly trajectories: number;
  /** Actions per trajectory `T` (positions: `T + 1`). */
  readonly steps: number;
  /** `[N, T + 1, 2]` (x, y) positions, world pixels. */
  readonly positions: Float32Array;
  /** `[N, T, 2]` displacements, world pixels. */
  readonly actions: Float32Array;
}

/** An array of a dataset with one entry per trajectory, as {@link checkTrajectoryArrays} checks it. */
export interface PerTrajectoryArray {
  /** Its name in the dataset, for the message. */
  readonly name: string;
  readonly array: { readonly length: number } | undefined;
  /** Shape of one trajectory's entry: `[]` for one value, `[2]` for a pair. */
  readonly entry: readonly number[];
}

/** One trajectory's positions and actions, as views into its dataset's arrays (no copies). */
export interface TrajectoryViews {
  /** `[T + 1, 2]`, world pixels (a view). */
  readonly positions: Float32Array;
  /** `[T, 2]`, world pixels (a view). */
  readonly actions: Float32Array;
}

/**
 * Throws unless `trajectories` is a non-negative integer and `seed` a safe integer, naming `where`
 * (internal: the dataset generators check their request with it).
 */
export function checkDatasetRequest(trajectories: number, seed: number, where: string): void {
  if (!Number.isInteger(trajectories) || trajectories < 0) {
    throw new RangeError(`${where}: trajectories must be a non-negative integer; got ${trajectories}.`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`${where}: seed must be a safe integer; got ${seed}.`);
}

/**
 * Throws unless `dataset.trajectories` (`N`) is an integer >= 0, `dataset.steps` (`T`) an integer
 * >= 1, and the arrays have the shapes these say, checked in this order: `layouts` (`[N, ...entry]`),
 * positions `[N, T + 1, 2]`, actions `[N, T, 2]`, then `flags` (`[N, ...entry]`). The message names
 * `where` and the array to fix (internal: the dataset checks of both environments use it).
 */
export function checkTrajectoryArrays(dataset: TrajectoryArrays, where: string, layouts: PerTrajectoryArray, flags: PerTrajectoryArray): void {
  const { trajectories: n, steps: t } = dataset;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(t) || t < 1) {
    throw new RangeError(`${where}: dataset.trajectories must be an integer >= 0 and dataset.steps an integer >= 1; got ${n} and ${t}.`);
  }
  const expect = (name: string, array: { readonly length: number } | undefined, shape: readonly number[]) => {
    const length = shape.reduce((product, size) => product * size, 1);
    if (!array || array.length !== length) {
      throw new RangeError(`${where}: dataset.${name} must be [${shape.join(', ')}] = ${length} values; got ${array ? array.length : 'none'}.`);
    }
  };
  expect(layouts.name, layouts.array, [n, ...layouts.entry]);
  expect('positions', dataset.positions, [n, t + 1, 2]);
  expect('actions', dataset.actions, [n, t, 2]);
  expect(flags.name, flags.array, [n, ...flags.entry]);
}

/**
 * Trajectory `index`'s positions `[T + 1, 2]` and actions `[T, 2]`, as views into the dataset's
 * arrays (no copies). Throws unless `index` is an integer in `0..N-1`, naming `where` (internal).
 */
export function trajectoryViews(dataset: TrajectoryArrays, index: number, where: string): TrajectoryViews {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.trajectories) {
    throw new RangeError(`${where}: index must be an integer in 0..${dataset.trajectories - 1}; got ${index}.`);
  }
  const t = dataset.steps;
  return {
    positions: dataset.positions.subarray(index * (t + 1) * 2, (index + 1) * (t + 1) * 2),
    actions: dataset.actions.subarray(index * t * 2, (index + 1) * t * 2),
  };
}
