import { flattenActions } from '../two-rooms/flat-actions.js';
import { readVector2 } from '../two-rooms/vector-args.js';
import { clipFourRoomsAction, resolveFourRoomsMove } from './collision.js';
import { checkFourRoomsLayout, type FourRoomsLayout } from './layout.js';
import type { FourRoomsVector } from './world.js';

/** What {@link replayFourRooms} replays. */
export interface FourRoomsReplayRequest {
  /** The closed door and door geometry. */
  readonly layout: FourRoomsLayout;
  /** Start position `[x, y]`, world pixels. */
  readonly start: ArrayLike<number>;
  /** Displacements `[T, 2]`, world pixels: flat (`[dx0, dy0, dx1, ...]`, e.g. a `Float32Array`) or a list of `[dx, dy]` pairs. */
  readonly actions: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;
}

/**
 * Replays actions from a start position with the Four Rooms collision model (`stepFourRooms`:
 * clip, move, resolve) and returns every position visited. Deterministic.
 *
 * @returns positions `[T + 1, 2]`, world pixels (the start first), as a `Float64Array`.
 */
export function replayFourRooms(request: FourRoomsReplayRequest): Float64Array {
  const where = 'replayFourRooms';
  checkFourRoomsLayout(request.layout, where);
  const start = readVector2(request.start, where, 'start');
  return simulateFourRooms(request.layout, start, flattenActions(request.actions, where));
}

/**
 * Positions `[T + 1, 2]` of flat actions `[T, 2]` from `start` (internal: arguments are trusted; the
 * data generator and {@link replayFourRooms} use it).
 */
export function simulateFourRooms(layout: FourRoomsLayout, start: FourRoomsVector, actions: ArrayLike<number>): Float64Array {
  const steps = actions.length / 2;
  const positions = new Float64Array((steps + 1) * 2);
  let position = start;
  positions[0] = start[0];
  positions[1] = start[1];
  for (let t = 0; t < steps; t++) {
    const [dx, dy] = clipFourRoomsAction([actions[2 * t]!, actions[2 * t + 1]!]);
    position = resolveFourRoomsMove(layout, position, [position[0] + dx, position[1] + dy]);
    positions[2 * t + 2] = position[0];
    positions[2 * t + 3] = position[1];
  }
  return positions;
}
