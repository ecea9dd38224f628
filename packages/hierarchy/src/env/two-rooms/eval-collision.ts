import { sampleNormal, type UniformSource } from '@jepa/core/random';
import { twoRoomsWallGeometry, type TwoRoomsLayout } from './layout.js';
import { readVector2 } from './vector-args.js';
import { TWO_ROOMS_WORLD, type TwoRoomsVector } from './world.js';

/**
 * One step of collision model B of the reference, the one its evaluation environment uses
 * (`DotWall._calculate_next_position` -> `utils.check_wall_intersect`): a blocked move stops at the
 * contact point plus a little noise, pushed back to the side it came from. World pixels
 * throughout; the action is not clipped. With `p1 = position`, `p2 = position + action`,
 * `L = wallX - 1`, `R = wallX + 1`:
 *
 * 1. Door frame first. Moving towards larger y across `y = doorY + 4` (strictly), with the
 *    crossing's x in `[L, R]`: return the crossing plus noise `N(0, 0.5^2)` per coordinate whose
 *    y part is forced negative (back into the doorway); symmetric for `y = doorY - 4` moving
 *    towards smaller y. No clamping on this path.
 * 2. Vertical barriers, chosen by `p1.x` alone: if `wallX > p1.x` they are the border `x = 4` and
 *    the face `x = L` (with the door); otherwise the face `x = R` (with the door) and the border
 *    `x = 60`. A barrier is hit when the step crosses or touches it and, at a face, passes
 *    outside the door. The first of the pair (`4` or `R`) is checked first.
 * 3. Horizontal barriers: the borders `y = 4`, then `y = 60`.
 * 4. If both a vertical and a horizontal barrier are hit, the contact closer to `p1` wins (ties go
 *    to the horizontal one). Noise `N(0, 0.5^2)` per coordinate, its component across the barrier
 *    replaced by its magnitude towards `p1`'s side.
 * 5. The noisy contact is clamped to the chosen barriers (`x in [left, right]`, `y in [4, 60]`),
 *    and a coordinate on or beyond a barrier is set 0.3 inside it.
 * 6. Nothing hit: `p2` unchanged.
 *
 * Quirks kept from the reference: the barriers depend only on `p1.x` versus `wallX`, so an agent
 * inside the doorway with `p1.x < wallX` has `L` (behind it) and the border `x = 4` as barriers and
 * none to its right, and with `p1.x >= wallX` has `R` and `x = 60` and none to its left; and the
 * clamp can move it to that side's face. Only the division by zero is not kept: the reference
 * computes intercepts through the slope `dy / dx`, which makes a purely vertical move (dx = 0)
 * produce NaN (it then passes through a door frame edge, or becomes NaN at a border). Here
 * intercepts are computed parametrically, so a vertical move stops at the frame edge or border
 * like any other; a move along a vertical barrier it already touches (dx = 0, `p1.x` on it) has
 * its contact at `p1`.
 *
 * The noise comes from `rng` (two normal draws per contact, none otherwise), so an episode replays
 * exactly from its seed; the reference uses the global `torch.randn`.
 *
 * @param layout the wall and door.
 * @param position the agent's position `[x, y]`.
 * @param action the displacement `[dx, dy]`.
 * @param rng the source of the contact noise.
 * @returns the next position.
 */
export function stepWithEvalCollision(
  layout: TwoRoomsLayout,
  position: ArrayLike<number>,
  action: ArrayLike<number>,
  rng: UniformSource,
): TwoRoomsVector {
  const [x1, y1] = readVector2(position, 'stepWithEvalCollision', 'position');
  const [ax, ay] = readVector2(action, 'stepWithEvalCollision', 'action');
  if (rng === null || typeof rng !== 'object' || typeof rng.uniform !== 'function') {
    throw new TypeError('stepWithEvalCollision: rng must be a UniformSource (e.g. new Rng(seed) from @jepa/core/random) for the contact noise.');
  }
  const { borderLow, borderHigh, contactNoiseStd, contactMargin } = TWO_ROOMS_WORLD;
  const { left: wallLeft, right: wallRight, doorLow, doorHigh } = twoRoomsWallGeometry(layout);
  const x2 = x1 + ax;
  const y2 = y1 + ay;
  const dx = x2 - x1;
  const dy = y2 - y1;

  // 1. Door frame edges (the ends of the wall pieces), checked first, returned without clamping.
  if (dy > 0 && y2 > doorHigh && y1 < doorHigh) {
    const x = x1 + (dx * (doorHigh - y1)) / dy;
    if (x >= wallLeft && x <= wallRight) {
      const noiseX = sampleNormal(rng, 0, contactNoiseStd);
      const noiseY = sampleNormal(rng, 0, contactNoiseStd);
      return [x + noiseX, doorHigh - Math.abs(noiseY)];
    }
  }
  if (dy < 0 && y2 < doorLow && y1 > doorLow) {
    const x = x1 + (dx * (doorLow - y1)) / dy;
    if (x >= wallLeft && x <= wallRight) {
      const noiseX = sampleNormal(rng, 0, contactNoiseStd);
      const noiseY = sampleNormal(rng, 0, contactNoiseStd);
      return [x + noiseX, doorLow + Math.abs(noiseY)];
    }
  }

  // 2. Vertical barriers, chosen by p1.x against wallX only (the reference's rule).
  let left: number = borderLow;
  let right: number = borderHigh;
  let leftHasDoor = false;
  let rightHasDoor = false;
  if (layout.wallX > x1) {
    right = wallLeft;
    rightHasDoor = true;
  } else {
    left = wallRight;
    leftHasDoor = true;
  }
  const crossingY = (barrierX: number, hasDoor: boolean): number | undefined => {
    if (Math.sign(x1 - barrierX) * Math.sign(x2 - barrierX) > 0) return undefined;
    const y = dx !== 0 ? y1 + (dy * (barrierX - x1)) / dx : y1;
    return hasDoor && y >= doorLow && y <= doorHigh ? undefined : y;
  };
  let verticalX = left;
  let verticalY = crossingY(left, leftHasDoor);
  if (verticalY === undefined) {
    verticalX = right;
    verticalY = crossingY(right, rightHasDoor);
  }

  // 3. Horizontal barriers: the top and bottom borders, no doors.
  const crossingX = (barrierY: number): number | undefined => {
    if (Math.sign(y1 - barrierY) * Math.sign(y2 - barrierY) > 0) return undefined;
    return dy !== 0 ? x1 + (dx * (barrierY - y1)) / dy : x1;
  };
  let horizontalY: number = borderLow;
  let horizontalX = crossingX(borderLow);
  if (horizontalX === undefined) {
    horizontalY = borderHigh;
    horizontalX = crossingX(borderHigh);
  }

  // 4. The contact that happens first, and its noise pushed back towards p1's side.
  let useVertical: boolean;
  if (verticalY !== undefined && horizontalX !== undefined) {
    useVertical = Math.hypot(x1 - verticalX, y1 - verticalY) < Math.hypot(x1 - horizontalX, y1 - horizontalY);
  } else if (verticalY !== undefined) {
    useVertical = true;
  } else if (horizontalX !== undefined) {
    useVertical = false;
  } else {
    return [x2, y2]; // 6. no contact
  }
  const noiseX = sampleNormal(rng, 0, contactNoiseStd);
  const noiseY = sampleNormal(rng, 0, contactNoiseStd);
  let x: number;
  let y: number;
  if (useVertical) {
    x = verticalX + Math.abs(noiseX) * Math.sign(x1 - verticalX);
    y = verticalY! + noiseY;
  } else {
    x = horizontalX! + noiseX;
    y = horizontalY + Math.abs(noiseY) * Math.sign(y1 - horizontalY);
  }

  // 5. Clamp to the barriers, then keep a margin inside them.
  x = Math.min(right, Math.max(left, x));
  y = Math.min(borderHigh, Math.max(borderLow, y));
  if (x <= left) x = left + contactMargin;
  if (x >= right) x = right - contactMargin;
  if (y <= borderLow) y = borderLow + contactMargin;
  if (y >= borderHigh) y = borderHigh - contactMargin;
  return [x, y];
}
