import type { FourRoomsLayout } from './layout.js';
import { FOUR_ROOMS_WORLD, type FourRoomsRoom } from './world.js';

/**
 * The band `[29, 35]` around a wall line (`wallCentre -+ (wallHalfWidth + agentRadius)`) where the
 * agent's centre would make its disc touch the wall: the reference's `effective_left` / `effective_right`.
 */
export function fourRoomsWallBand(): [low: number, high: number] {
  const { wallCentre, wallHalfWidth, agentRadius } = FOUR_ROOMS_WORLD;
  return [wallCentre - wallHalfWidth - agentRadius, wallCentre + wallHalfWidth + agentRadius];
}

/**
 * Whether a `y` lies in an open door of the vertical wall (`top` or `bottom`), with the collision
 * model's margin: `|y - p| <= halfSize + margin` (reference `_in_vertical_door`).
 */
export function isInFourRoomsVerticalDoor(layout: FourRoomsLayout, y: number, margin: number = FOUR_ROOMS_WORLD.doorMargin): boolean {
  const reach = layout.doors.halfSize + margin;
  const { top, bottom } = layout.doors.positions;
  return (layout.closedDoor !== 'top' && Math.abs(y - top) <= reach) || (layout.closedDoor !== 'bottom' && Math.abs(y - bottom) <= reach);
}

/** Whether an `x` lies in an open door of the horizontal wall (`left` or `right`); see {@link isInFourRoomsVerticalDoor}. */
export function isInFourRoomsHorizontalDoor(layout: FourRoomsLayout, x: number, margin: number = FOUR_ROOMS_WORLD.doorMargin): boolean {
  const reach = layout.doors.halfSize + margin;
  const { left, right } = layout.doors.positions;
  return (layout.closedDoor !== 'left' && Math.abs(x - left) <= reach) || (layout.closedDoor !== 'right' && Math.abs(x - right) <= reach);
}

/**
 * Whether the agent centred at `(x, y)` keeps its disc off both walls (reference
 * `_position_is_free`: neither coordinate in the band `[29, 35]`). Borders are not checked; see
 * {@link isInFourRoomsInterior}.
 */
export function isClearOfFourRoomsWalls(x: number, y: number): boolean {
  const [low, high] = fourRoomsWallBand();
  return !((x >= low && x <= high) || (y >= low && y <= high));
}

/** Whether `(x, y)` is inside the borders with the agent's radius: `[6, 58]^2`. */
export function isInFourRoomsInterior(x: number, y: number): boolean {
  const { borderLow, borderHigh, agentRadius } = FOUR_ROOMS_WORLD;
  return x >= borderLow + agentRadius && x <= borderHigh - agentRadius && y >= borderLow + agentRadius && y <= borderHigh - agentRadius;
}

/**
 * Whether `(x, y)` is in the doorway of an open door: in a wall's band and within that wall's
 * open door (with the collision margin), as the reference's `_position_in_doorway`.
 */
export function isInFourRoomsDoorway(layout: FourRoomsLayout, x: number, y: number): boolean {
  const [low, high] = fourRoomsWallBand();
  return (x >= low && x <= high && isInFourRoomsVerticalDoor(layout, y)) || (y >= low && y <= high && isInFourRoomsHorizontalDoor(layout, x));
}

/**
 * The room the agent centred at `(x, y)` is in, or `null` inside a wall (reference `_room_of`): a
 * position clear of the walls, or in a doorway, belongs to the room its side of each wall centre
 * names (`x < 32` left, `y < 32` top; a doorway position counts for the side of the centre it is on).
 */
export function fourRoomsRoomOf(layout: FourRoomsLayout, x: number, y: number): FourRoomsRoom | null {
  if (!isClearOfFourRoomsWalls(x, y) && !isInFourRoomsDoorway(layout, x, y)) return null;
  const c = FOUR_ROOMS_WORLD.wallCentre;
  if (y < c) return x < c ? 'topLeft' : 'topRight';
  return x < c ? 'bottomLeft' : 'bottomRight';
}
