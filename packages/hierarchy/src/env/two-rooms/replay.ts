import { Rng, type UniformSource } from '@jepa/core/random';
import { isMoveRejectedByDataCollision } from './data-collision.js';
import { stepWithEvalCollision } from './eval-collision.js';
import { flattenActions } from './flat-actions.js';
import { checkTwoRoomsLayout, type TwoRoomsLayout } from './layout.js';
import { readVector2 } from './vector-args.js';
import type { TwoRoomsVector } from './world.js';

/** Which collision model a replay uses: `'data'` (reject the move, stay put) or `'eval'` (stop at the contact plus noise). */
export type TwoRoomsCollisionModel = 'data' | 'eval';

/** What {@link replayTwoRooms} replays. */
export interface TwoRoomsReplayRequest {
  /** The wall and door. */
  readonly layout: TwoRoomsLayout;
  /** Start position `[x, y]`, world pixels. */
  readonly start: ArrayLike<number>;
  /** Displacements, world pixels: `[T, 2]` flat (`[dx0, dy0, dx1, ...]`, e.g. a `Float32Array`) or a list of `[dx, dy]` pairs. */
  readonly actions: ArrayLike<number> | ReadonlyArray<ArrayLike<number>>;
  /** Collision model (default `'data'`, the one the data generator uses). */
  readonly collision?: TwoRoomsCollisionModel;
  /** Seed of the `Rng` that draws the eval model's contact noise (default 0); unused by `'data'`. */
  readonly seed?: number;
}

/**
 * Replays actions from a start position with either collision model and returns every position
 * the agent visits. Deterministic: the data model has no randomness, and the eval model's contact
 * noise comes from `new Rng(seed)`, so the same request gives the same positions.
 *
 * @returns positions `[T + 1, 2]`, world pixels (the start first), as a `Float64Array`.
 */
export function replayTwoRooms(request: TwoRoomsReplayRequest): Float64Array {
  const where = 'replayTwoRooms';
  const { layout, collision = 'data', seed = 0 } = request;
  checkTwoRoomsLayout(layout, where);
  if (collision !== 'data' && collision !== 'eval') {
    throw new RangeError(`${where}: collision must be 'data' (reject the move) or 'eval' (stop at the contact plus noise); got ${String(collision)}.`);
  }
  const start = readVector2(request.start, where, 'start');
  const actions = flattenActions(request.actions, where);
  if (collision === 'data') return simulateDataCollision(layout, start, actions);
  const rng = new Rng(seed);
  return simulateEvalCollision(layout, start, actions, rng);
}

/**
 * Positions `[T + 1, 2]` of actions `[T, 2]` (flat) under collision model A, from `start`
 * (internal: arguments are trusted; the data generator and {@link replayTwoRooms} use it).
 */
export function simulateDataCollision(layout: TwoRoomsLayout, start: TwoRoomsVector, actions: ArrayLike<number>): Float64Array {
  const steps = actions.length / 2;
  const positions = new Float64Array((steps + 1) * 2);
  let x = start[0];
  let y = start[1];
  positions[0] = x;
  positions[1] = y;
  for (let t = 0; t < steps; t++) {
    const nextX = x + actions[2 * t]!;
    const nextY = y + actions[2 * t + 1]!;
    if (!isMoveRejectedByDataCollision(layout, [x, y], [nextX, nextY])) {
      x = nextX;
      y = nextY;
    }
    positions[2 * t + 2] = x;
    positions[2 * t + 3] = y;
  }
  return positions;
}

function simulateEvalCollision(layout: TwoRoomsLayout, start: TwoRoomsVector, actions: ArrayLike<number>, rng: UniformSource): Float64Array {
  const steps = actions.length / 2;
  const positions = new Float64Array((steps + 1) * 2);
  let position: TwoRoomsVector = start;
  positions[0] = start[0];
  positions[1] = start[1];
  for (let t = 0; t < steps; t++) {
    position = stepWithEvalCollision(layout, position, [actions[2 * t]!, actions[2 * t + 1]!], rng);
    positions[2 * t + 2] = position[0];
    positions[2 * t + 3] = position[1];
  }
  return positions;
}
