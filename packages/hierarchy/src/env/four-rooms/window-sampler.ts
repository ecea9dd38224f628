import type { UniformSource } from '@jepa/core/random';
import { sampleTrajectoryWindows, type TwoRoomsWindowOptions, type TwoRoomsWindows } from '../two-rooms/window-sampler.js';
import { checkFourRoomsDataset, type FourRoomsDataset } from './dataset.js';

/** A batch of training windows cut from a {@link FourRoomsDataset}. */
export interface FourRoomsWindows extends Omit<TwoRoomsWindows, 'layouts'> {
  /** `[B]` layout codes, one per window: pass with `positions` to `renderFourRoomsFrames`. */
  readonly layouts: Int8Array;
}

/**
 * Random training windows of a Four Rooms dataset, cut as Two Rooms windows are
 * (`sampleTwoRoomsWindows`: a trajectory, then a start, uniformly), with each window's layout code.
 */
export function sampleFourRoomsWindows(dataset: FourRoomsDataset, options: TwoRoomsWindowOptions, rng: UniformSource): FourRoomsWindows {
  const where = 'sampleFourRoomsWindows';
  checkFourRoomsDataset(dataset, where);
  const windows = sampleTrajectoryWindows(dataset, options, rng, where);
  const layouts = Int8Array.from(windows.trajectoryIndices, (trajectory) => dataset.layouts[trajectory]!);
  return { ...windows, layouts };
}
