import { uniformInt, type UniformSource } from '@jepa/core/random';
import { TWO_ROOMS_WORLD } from './world.js';

/**
 * One Two Rooms layout: the vertical wall's centre column and the door's centre row, integers in
 * world pixels (`wallX` in 20..44, `doorY` in 10..54). The wall is the band
 * `x in [wallX - 1, wallX + 1]`, open for `y in [doorY - 4, doorY + 4]`.
 */
export interface TwoRoomsLayout {
  /** Centre column of the wall, 20..44. */
  readonly wallX: number;
  /** Centre row of the door, 10..54. */
  readonly doorY: number;
}

/** The wall's faces and the door's edges of a layout, world pixels. */
export interface TwoRoomsWallGeometry {
  /** `wallX - 1`: the left face of the wall. */
  readonly left: number;
  /** `wallX + 1`: the right face. */
  readonly right: number;
  /** `doorY - 4`: the door edge with the smaller y (upper in pictures). */
  readonly doorLow: number;
  /** `doorY + 4`: the door edge with the larger y. */
  readonly doorHigh: number;
}

/** Number of distinct layouts (25 wall positions x 45 door positions). */
export const TWO_ROOMS_LAYOUT_COUNT =
  (TWO_ROOMS_WORLD.wallXMax - TWO_ROOMS_WORLD.wallXMin + 1) * (TWO_ROOMS_WORLD.doorYMax - TWO_ROOMS_WORLD.doorYMin + 1);

/**
 * A layout drawn uniformly over the 1125 `(wallX, doorY)` pairs, as the reference draws one per
 * trajectory and per evaluation episode (its `"v_"`/`"h_"` codes duplicate every pair; walls are
 * always vertical). Consumes two uniforms: `wallX` first.
 */
export function sampleTwoRoomsLayout(rng: UniformSource): TwoRoomsLayout {
  const wallX = uniformInt(rng, TWO_ROOMS_WORLD.wallXMin, TWO_ROOMS_WORLD.wallXMax + 1);
  const doorY = uniformInt(rng, TWO_ROOMS_WORLD.doorYMin, TWO_ROOMS_WORLD.doorYMax + 1);
  return { wallX, doorY };
}

/**
 * Throws unless `layout` is a valid layout: integers `wallX` in 20..44 and `doorY` in 10..54.
 * `where` names the caller in the message.
 */
export function checkTwoRoomsLayout(layout: TwoRoomsLayout, where: string): void {
  const { wallXMin, wallXMax, doorYMin, doorYMax } = TWO_ROOMS_WORLD;
  if (layout === null || typeof layout !== 'object') {
    throw new TypeError(`${where}: layout must be an object { wallX, doorY }; got ${String(layout)}.`);
  }
  const { wallX, doorY } = layout;
  if (!Number.isInteger(wallX) || wallX < wallXMin || wallX > wallXMax) {
    throw new RangeError(`${where}: layout.wallX must be an integer in ${wallXMin}..${wallXMax} (world pixels); got ${wallX}.`);
  }
  if (!Number.isInteger(doorY) || doorY < doorYMin || doorY > doorYMax) {
    throw new RangeError(`${where}: layout.doorY must be an integer in ${doorYMin}..${doorYMax} (world pixels); got ${doorY}.`);
  }
}

/** The faces of the wall and the edges of the door of `layout`, world pixels. */
export function twoRoomsWallGeometry(layout: TwoRoomsLayout): TwoRoomsWallGeometry {
  const { wallHalfWidth, doorHalfHeight } = TWO_ROOMS_WORLD;
  return {
    left: layout.wallX - wallHalfWidth,
    right: layout.wallX + wallHalfWidth,
    doorLow: layout.doorY - doorHalfHeight,
    doorHigh: layout.doorY + doorHalfHeight,
  };
}

/**
 * Whether `(x, y)` lies in the solid part of the wall: the closed band `[wallX - 1, wallX + 1]`
 * outside the door `[doorY - 4, doorY + 4]` (the pixels the wall mask draws, and where the data
 * generator never starts the agent).
 */
export function isInsideTwoRoomsWall(layout: TwoRoomsLayout, x: number, y: number): boolean {
  const { left, right, doorLow, doorHigh } = twoRoomsWallGeometry(layout);
  return x >= left && x <= right && (y < doorLow || y > doorHigh);
}

/** Whether `(x, y)` lies strictly inside the borders `(4, 60)^2` and outside the solid wall. */
export function isInTwoRoomsFreeSpace(layout: TwoRoomsLayout, x: number, y: number): boolean {
  const { borderLow, borderHigh } = TWO_ROOMS_WORLD;
  return x > borderLow && x < borderHigh && y > borderLow && y < borderHigh && !isInsideTwoRoomsWall(layout, x, y);
}

/**
 * Which room `(x, y)` is in: `'left'` for `x < wallX - 1`, `'right'` for `x > wallX + 1`, `'wall'`
 * inside the band (the doorway included).
 */
export function twoRoomsSide(layout: TwoRoomsLayout, x: number): 'left' | 'right' | 'wall' {
  const { left, right } = twoRoomsWallGeometry(layout);
  return x < left ? 'left' : x > right ? 'right' : 'wall';
}
