import { uniformRange, type UniformSource } from '@jepa/core/random';
import { isInsideTwoRoomsWall, twoRoomsWallGeometry, type TwoRoomsLayout } from './layout.js';
import { TWO_ROOMS_WORLD, type TwoRoomsVector } from './world.js';

/**
 * A random-walk start as the reference draws it (`DotDataset.generate_state`): uniform on
 * `[4, 60)^2` world pixels; a start inside the solid wall (the band `[wallX - 1, wallX + 1]`
 * outside the door) gets a new x, uniform on `[4, wallX - 1]` or on `[wallX + 1, 60]` with
 * probability 1/2 each (y is kept).
 */
export function sampleTwoRoomsStart(rng: UniformSource, layout: TwoRoomsLayout): TwoRoomsVector {
  const { borderLow, borderHigh } = TWO_ROOMS_WORLD;
  const x = uniformRange(rng, borderLow, borderHigh);
  const y = uniformRange(rng, borderLow, borderHigh);
  if (!isInsideTwoRoomsWall(layout, x, y)) return [x, y];
  const { left, right } = twoRoomsWallGeometry(layout);
  return rng.uniform() < 0.5 ? [uniformRange(rng, borderLow, left), y] : [uniformRange(rng, right, borderHigh), y];
}
