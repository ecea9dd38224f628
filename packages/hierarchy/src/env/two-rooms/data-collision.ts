import { twoRoomsWallGeometry, type TwoRoomsLayout } from './layout.js';
import { readVector2 } from './vector-args.js';
import { TWO_ROOMS_WORLD, type TwoRoomsVector } from './world.js';

/**
 * Collision model A of the reference, the one its data generator uses
 * (`WallDataset.generate_transitions`): a move `from -> to` is either taken whole or rejected, and
 * a rejected move leaves the agent where it was. This says whether the move is rejected:
 *
 * 1. it crosses or touches a border line (`x = 4`, `x = 60`, `y = 4`, `y = 60`):
 *    `sign(from - L) * sign(to - L) <= 0`, so landing exactly on a line is rejected too;
 * 2. moving towards larger y it strictly crosses the door frame edge `y = doorY + 4` between the
 *    faces (`x in [wallX - 1, wallX + 1]`), or moving towards smaller y the edge `y = doorY - 4`
 *    (strict segment intersection, as `segments_intersect`);
 * 3. it enters, leaves or jumps over the wall band `[wallX - 1, wallX + 1]` and, at a face it
 *    strictly crosses, passes outside the door `[doorY - 4, doorY + 4]`.
 *
 * All in world pixels. A purely vertical move (dx = 0) never strictly crosses a face, so the
 * reference's slope `dy / dx` is never needed then; intercepts here are computed parametrically.
 */
export function isMoveRejectedByDataCollision(layout: TwoRoomsLayout, from: TwoRoomsVector, to: TwoRoomsVector): boolean {
  const { borderLow, borderHigh } = TWO_ROOMS_WORLD;
  const [x0, y0] = from;
  const [x1, y1] = to;
  if (
    touchesOrCrosses(x0, x1, borderLow) ||
    touchesOrCrosses(x0, x1, borderHigh) ||
    touchesOrCrosses(y0, y1, borderLow) ||
    touchesOrCrosses(y0, y1, borderHigh)
  ) {
    return true;
  }
  const { left, right, doorLow, doorHigh } = twoRoomsWallGeometry(layout);
  const dy = y1 - y0;
  if (dy > 0 && segmentsCrossStrictly(x0, y0, x1, y1, left, doorHigh, right, doorHigh)) return true;
  if (dy < 0 && segmentsCrossStrictly(x0, y0, x1, y1, left, doorLow, right, doorLow)) return true;

  const fromInside = x0 >= left && x0 <= right;
  const toInside = x1 >= left && x1 <= right;
  const entersOrLeaves = fromInside !== toInside;
  const jumpsOver = (x0 <= right) !== (x1 <= right) && (x0 >= left) !== (x1 >= left);
  if (!entersOrLeaves && !jumpsOver) return false;
  // check_pass_through_door: each face crossed strictly must be crossed inside the door.
  for (const face of [left, right]) {
    if (Math.sign(face - x0) * Math.sign(face - x1) < 0) {
      const y = y0 + ((face - x0) * dy) / (x1 - x0);
      if (!(y >= doorLow && y <= doorHigh)) return true;
    }
  }
  return false;
}

/**
 * One step of collision model A (see {@link isMoveRejectedByDataCollision}): `position + action`,
 * or `position` unchanged when that move is rejected. World pixels; the action is not clipped.
 *
 * @param layout the wall and door.
 * @param position the agent's position `[x, y]`.
 * @param action the intended displacement `[dx, dy]`.
 * @returns the next position.
 */
export function stepWithDataCollision(layout: TwoRoomsLayout, position: ArrayLike<number>, action: ArrayLike<number>): TwoRoomsVector {
  const from = readVector2(position, 'stepWithDataCollision', 'position');
  const [dx, dy] = readVector2(action, 'stepWithDataCollision', 'action');
  const to: TwoRoomsVector = [from[0] + dx, from[1] + dy];
  return isMoveRejectedByDataCollision(layout, from, to) ? from : to;
}

/** `sign(a - line) * sign(b - line) <= 0`: the segment crosses or touches the line. */
function touchesOrCrosses(a: number, b: number, line: number): boolean {
  return Math.sign(a - line) * Math.sign(b - line) <= 0;
}

/** Strict intersection of segments (a0, a1) and (b0, b1): each one's ends on opposite sides of the other. */
function segmentsCrossStrictly(
  ax0: number, ay0: number, ax1: number, ay1: number,
  bx0: number, by0: number, bx1: number, by1: number,
): boolean {
  const dax = ax1 - ax0;
  const day = ay1 - ay0;
  const dbx = bx1 - bx0;
  const dby = by1 - by0;
  const crossAB0 = dax * (by0 - ay0) - day * (bx0 - ax0);
  const crossAB1 = dax * (by1 - ay0) - day * (bx1 - ax0);
  const crossBA0 = dbx * (ay0 - by0) - dby * (ax0 - bx0);
  const crossBA1 = dbx * (ay1 - by0) - dby * (ax1 - bx0);
  return crossAB0 * crossAB1 < 0 && crossBA0 * crossBA1 < 0;
}
