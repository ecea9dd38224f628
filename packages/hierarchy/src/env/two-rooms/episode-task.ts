import { uniformRange, type UniformSource } from '@jepa/core/random';
import { sampleTwoRoomsLayout, twoRoomsWallGeometry, type TwoRoomsLayout } from './layout.js';
import { TWO_ROOMS_WORLD, type TwoRoomsVector } from './world.js';

/** One evaluation task: a layout, a start in one room and a goal in the other, world pixels. */
export interface TwoRoomsEpisodeTask {
  /** The wall and door of the episode. */
  readonly layout: TwoRoomsLayout;
  /** Start position, world pixels, in one room. */
  readonly start: TwoRoomsVector;
  /** Goal position, world pixels, in the other room. */
  readonly goal: TwoRoomsVector;
}

/**
 * An evaluation task as the reference's `DotWall` draws it (level "normal",
 * `_generate_start_and_target`): a new uniform layout; keeping `2 * 1.3 = 2.6` world pixels from
 * the wall faces and `6.6` from the image edge (`4 + 2.6` from the border lines' side), a point
 * with x uniform in `[6.6, wallX - 1 - 2.6]` (left room) and one with x uniform in
 * `[wallX + 1 + 2.6, 57.4]` (right room), each y uniform in `[6.6, 57.4]`; the left point is the
 * start and the right one the goal, swapped with probability 1/2. So start and goal are always in
 * different rooms.
 */
export function sampleTwoRoomsEpisodeTask(rng: UniformSource): TwoRoomsEpisodeTask {
  const layout = sampleTwoRoomsLayout(rng);
  const { left, right } = twoRoomsWallGeometry(layout);
  const padding = 2 * TWO_ROOMS_WORLD.dotSigma;
  const borderPadding = TWO_ROOMS_WORLD.borderLow + padding;
  const far = TWO_ROOMS_WORLD.size - 1 - borderPadding;
  let startX = uniformRange(rng, borderPadding, left - padding);
  let goalX = uniformRange(rng, right + padding, far);
  const startY = uniformRange(rng, borderPadding, far);
  const goalY = uniformRange(rng, borderPadding, far);
  if (rng.uniform() < 0.5) [startX, goalX] = [goalX, startX];
  return { layout, start: [startX, startY], goal: [goalX, goalY] };
}
