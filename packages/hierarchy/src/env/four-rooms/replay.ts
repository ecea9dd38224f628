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

/** Actions as a flat `[T * 2]` array of finite numbers, from either accepted form. */
function flattenActions(actions: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>, where: string): ArrayLike<number> {
  if (actions === null || typeof actions !== 'object' || typeof actions.length !== 'number') {
    throw new TypeError(`${where}: actions must be [T, 2] displacements (flat numbers or [dx, dy] pairs); got ${String(actions)}.`);
  }
  if (actions.length > 0 && typeof actions[0] === 'object') {
    const rows = actions as ReadonlyArray<ArrayLike<number>>;
    const out = new Float64Array(rows.length * 2);
    rows.forEach((row, t) => {
      const [dx, dy] = readVector2(row, where, `actions[${t}]`);
      out[2 * t] = dx;
      out[2 * t + 1] = dy;
    });
    return out;
  }
  const flat = actions as ArrayLike<number>;
  if (flat.length % 2 !== 0) throw new RangeError(`${where}: flat actions must hold [T, 2] values (dx, dy pairs); got ${flat.length} values.`);
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i])) throw new RangeError(`${where}: action ${Math.floor(i / 2)} must hold finite numbers (world pixels); got ${flat[i]}.`);
  }
  return flat;
}
