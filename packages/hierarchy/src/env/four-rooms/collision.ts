import { readVector2 } from '../two-rooms/vector-args.js';
import type { FourRoomsLayout } from './layout.js';
import { fourRoomsWallBand, isInFourRoomsHorizontalDoor, isInFourRoomsVerticalDoor } from './rooms.js';
import { FOUR_ROOMS_WORLD, type FourRoomsVector } from './world.js';

/**
 * The reference's collision model (`FourRoomEnv._apply_collisions`), scaled: where the agent ends
 * up when it tries to move from `from` to `to`. Deterministic, no noise. World pixels:
 *
 * 1. `to` is clamped to the borders less the agent's radius, `[6, 58]` per coordinate (a move into
 *    a border slides along it);
 * 2. the vertical wall: coming from `from.x < 32`, a target `x > 29` (the disc would touch the
 *    wall) is allowed only when its `y` is in an open `top` / `bottom` door (`|y - p| <= 4 + 0.5`);
 *    otherwise `x` is set to `29 - 1/7` and `y` kept (the agent slides along the wall). Coming from
 *    `from.x >= 32`, symmetrically with `x < 35` and `35 + 1/7`;
 * 3. the horizontal wall, the same on `y` with the `left` / `right` doors, on the result of 2.
 *
 * A closed door is wall. Quirk kept from the reference: the side is read from `from` alone, so an
 * agent in a doorway that leaves the door's span sideways is put on the side of the wall centre
 * it was on (never through the wall into a room it could not reach). Because the side comes from
 * `from`, even a long unclipped move cannot jump a wall.
 *
 * @returns the position after the move.
 */
export function resolveFourRoomsMove(layout: FourRoomsLayout, from: FourRoomsVector, to: FourRoomsVector): FourRoomsVector {
  const { borderLow, borderHigh, agentRadius, wallCentre, contactGap } = FOUR_ROOMS_WORLD;
  const low = borderLow + agentRadius;
  const high = borderHigh - agentRadius;
  let x = Math.min(high, Math.max(low, to[0]));
  let y = Math.min(high, Math.max(low, to[1]));
  const [bandLow, bandHigh] = fourRoomsWallBand();
  if (from[0] < wallCentre) {
    if (x > bandLow && !isInFourRoomsVerticalDoor(layout, y)) x = bandLow - contactGap;
  } else if (x < bandHigh && !isInFourRoomsVerticalDoor(layout, y)) {
    x = bandHigh + contactGap;
  }
  if (from[1] < wallCentre) {
    if (y > bandLow && !isInFourRoomsHorizontalDoor(layout, x)) y = bandLow - contactGap;
  } else if (y < bandHigh && !isInFourRoomsHorizontalDoor(layout, x)) {
    y = bandHigh + contactGap;
  }
  return [x, y];
}

/**
 * An action clipped as the reference clips it: each coordinate to `[-1.75, 1.75]` world pixels
 * (its `[-1, 1]^2` times the agent speed; see `FOUR_ROOMS_WORLD.agentSpeed`).
 */
export function clipFourRoomsAction(action: FourRoomsVector): FourRoomsVector {
  const speed = FOUR_ROOMS_WORLD.agentSpeed;
  return [Math.min(speed, Math.max(-speed, action[0])), Math.min(speed, Math.max(-speed, action[1]))];
}

/**
 * One environment step (reference `FourRoomEnv.step` without the goal test): the action, a
 * displacement in world pixels, is clipped to `[-1.75, 1.75]` per coordinate (unlike Two Rooms,
 * whose environment never clips), added to `position`, and the move resolved by
 * {@link resolveFourRoomsMove}.
 *
 * @param layout the closed door and door geometry.
 * @param position the agent's position `[x, y]`, world pixels.
 * @param action the intended displacement `[dx, dy]`, world pixels.
 * @returns the next position.
 */
export function stepFourRooms(layout: FourRoomsLayout, position: ArrayLike<number>, action: ArrayLike<number>): FourRoomsVector {
  const from = readVector2(position, 'stepFourRooms', 'position');
  const [dx, dy] = clipFourRoomsAction(readVector2(action, 'stepFourRooms', 'action'));
  return resolveFourRoomsMove(layout, from, [from[0] + dx, from[1] + dy]);
}
