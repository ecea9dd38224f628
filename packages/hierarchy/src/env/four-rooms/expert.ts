import { sampleNormal, type UniformSource } from '@jepa/core/random';
import { readVector2 } from '../two-rooms/vector-args.js';
import { stepFourRooms } from './collision.js';
import { checkFourRoomsLayout, fourRoomsDoorCentre, type FourRoomsLayout } from './layout.js';
import { fourRoomsRoomOf } from './rooms.js';
import { fourRoomsShortestPath } from './shortest-path.js';
import { FOUR_ROOMS_DOOR_ROOMS, FOUR_ROOMS_WORLD, type FourRoomsDoor, type FourRoomsRoom, type FourRoomsVector } from './world.js';

/**
 * The point just through `door` as seen from `room` (reference `_door_passage_point`): the door's
 * centre moved across its wall to the far side, `wallHalfWidth + agentRadius + passageClearance = 4`
 * world pixels from the wall centre (e.g. the `top` door seen from the top-left room: `(36, 16)`).
 * A room the door does not touch gets the centre itself.
 */
export function fourRoomsPassagePoint(layout: FourRoomsLayout, door: FourRoomsDoor, room: FourRoomsRoom): FourRoomsVector {
  const [x, y] = fourRoomsDoorCentre(layout, door);
  if (!FOUR_ROOMS_DOOR_ROOMS[door].includes(room)) return [x, y];
  const { wallCentre, wallHalfWidth, agentRadius, passageClearance } = FOUR_ROOMS_WORLD;
  const offset = wallHalfWidth + agentRadius + passageClearance;
  if (door === 'top' || door === 'bottom') return [room.endsWith('Left') ? wallCentre + offset : wallCentre - offset, y];
  return [x, room.startsWith('top') ? wallCentre + offset : wallCentre - offset];
}

/**
 * Where the door-waypoint expert heads from `position` (reference `FourRoomEnv.expert_waypoint`):
 * the shortest route to `goal` (`fourRoomsShortestPath`, recomputed from the current position);
 * with no door on it, the goal; otherwise the passage point just through its first door
 * ({@link fourRoomsPassagePoint}) until within `tolerance` of it, then that door's centre until
 * within `tolerance`, then the goal. In practice the agent is in the next room once near the
 * passage point, and the route from there starts with the next door.
 *
 * @param tolerance the "reached" radius, world pixels (default 3, the reference's 10.5 scaled).
 */
export function fourRoomsExpertWaypoint(
  layout: FourRoomsLayout,
  position: FourRoomsVector,
  goal: FourRoomsVector,
  tolerance: number = FOUR_ROOMS_WORLD.doorReachTolerance,
): FourRoomsVector {
  const { doors } = fourRoomsShortestPath(layout, position, goal);
  if (doors.length === 0) return goal;
  const door = doors[0]!;
  const room = fourRoomsRoomOf(layout, position[0], position[1]);
  if (room !== null) {
    const passage = fourRoomsPassagePoint(layout, door, room);
    if (Math.hypot(passage[0] - position[0], passage[1] - position[1]) > tolerance) return passage;
  }
  const centre = fourRoomsDoorCentre(layout, door);
  if (Math.hypot(centre[0] - position[0], centre[1] - position[1]) > tolerance) return centre;
  return goal;
}

/** Settings of a {@link FourRoomsExpert}; the defaults make it noiseless. */
export interface FourRoomsExpertOptions {
  /**
   * Standard deviation of the Gaussian noise added to each coordinate of the unit direction before
   * clipping to `[-1, 1]` (in units of the agent speed; reference `action_noise`, 1.0 in H-JEPA's
   * data, 0 for evaluation). Default 0.
   */
  readonly actionNoise?: number;
  /** Probability of repeating the previous action instead (reference `action_repeat_prob`, 0.05 in H-JEPA's data). Default 0. */
  readonly repeatProb?: number;
  /** Waypoint "reached" radius, world pixels (default 3). */
  readonly reachTolerance?: number;
}

/**
 * The door-waypoint expert (stable_worldmodel's four-room `ExpertPolicy`): each step, the unit
 * direction to {@link fourRoomsExpertWaypoint} (zero at the waypoint), plus `N(0, actionNoise^2)`
 * per coordinate, replaced by the previous action with probability `repeatProb`, clipped to
 * `[-1, 1]^2` and scaled by the agent speed: a displacement of at most 1.75 px per coordinate.
 * Noiseless, it moves 1.75 px straight at its waypoint every step and slides along walls.
 *
 * The noise and repeats draw from `rng` in the reference's order (two normals, then one uniform
 * once there is a previous action), so a seeded source replays exactly.
 */
export class FourRoomsExpert {
  /** The layout it navigates. */
  readonly layout: FourRoomsLayout;
  /** {@inheritDoc FourRoomsExpertOptions.actionNoise} */
  readonly actionNoise: number;
  /** {@inheritDoc FourRoomsExpertOptions.repeatProb} */
  readonly repeatProb: number;
  /** {@inheritDoc FourRoomsExpertOptions.reachTolerance} */
  readonly reachTolerance: number;
  private readonly rng: UniformSource | undefined;
  private last: FourRoomsVector | undefined;

  /**
   * @param layout the layout it navigates.
   * @param options noise, repeats and tolerance (noiseless by default).
   * @param rng source of the noise and repeats; required when either is on.
   */
  constructor(layout: FourRoomsLayout, options: FourRoomsExpertOptions = {}, rng?: UniformSource) {
    const where = 'FourRoomsExpert';
    checkFourRoomsLayout(layout, where);
    const { actionNoise = 0, repeatProb = 0, reachTolerance = FOUR_ROOMS_WORLD.doorReachTolerance } = options;
    if (!(actionNoise >= 0) || !Number.isFinite(actionNoise)) throw new RangeError(`${where}: actionNoise must be a finite number >= 0 (H-JEPA's data uses 1.0); got ${actionNoise}.`);
    if (!(repeatProb >= 0 && repeatProb <= 1)) throw new RangeError(`${where}: repeatProb must be a probability in [0, 1]; got ${repeatProb}.`);
    if (!(reachTolerance > 0) || !Number.isFinite(reachTolerance)) throw new RangeError(`${where}: reachTolerance must be a finite number > 0 (world pixels); got ${reachTolerance}.`);
    if ((actionNoise > 0 || repeatProb > 0) && (rng === undefined || rng === null || typeof rng.uniform !== 'function')) {
      throw new TypeError(`${where}: an rng (e.g. new Rng(seed) from @jepa/core/random) is required when actionNoise or repeatProb is above 0.`);
    }
    this.layout = layout;
    this.actionNoise = actionNoise;
    this.repeatProb = repeatProb;
    this.reachTolerance = reachTolerance;
    this.rng = rng;
  }

  /** Forgets the previous action (call between episodes). */
  reset(): void {
    this.last = undefined;
  }

  /**
   * The next action from `position` towards `goal`: a displacement in world pixels, each
   * coordinate in `[-1.75, 1.75]`.
   */
  act(position: ArrayLike<number>, goal: ArrayLike<number>): FourRoomsVector {
    const here = readVector2(position, 'FourRoomsExpert.act', 'position');
    const target = readVector2(goal, 'FourRoomsExpert.act', 'goal');
    const waypoint = fourRoomsExpertWaypoint(this.layout, here, target, this.reachTolerance);
    let dx = waypoint[0] - here[0];
    let dy = waypoint[1] - here[1];
    const norm = Math.hypot(dx, dy);
    if (norm > 1e-8) {
      dx /= norm;
      dy /= norm;
    } else {
      dx = 0;
      dy = 0;
    }
    if (this.actionNoise > 0) {
      dx += sampleNormal(this.rng!, 0, this.actionNoise);
      dy += sampleNormal(this.rng!, 0, this.actionNoise);
    }
    const speed = FOUR_ROOMS_WORLD.agentSpeed;
    let action: FourRoomsVector = [Math.min(1, Math.max(-1, dx)) * speed, Math.min(1, Math.max(-1, dy)) * speed];
    if (this.last !== undefined && this.repeatProb > 0 && this.rng!.uniform() < this.repeatProb) action = this.last;
    this.last = action;
    return action;
  }
}

/**
 * Number of steps the noiseless expert takes from `start` until its distance to `goal` is below
 * `successDistance` (the environment's collision model, 1.75 px steps): 0 when `start` already
 * succeeds, `Infinity` when `maxSteps` steps do not get there.
 */
export function fourRoomsExpertSteps(
  layout: FourRoomsLayout,
  start: FourRoomsVector,
  goal: FourRoomsVector,
  options: { readonly successDistance?: number; readonly maxSteps?: number } = {},
): number {
  const { successDistance = FOUR_ROOMS_WORLD.successDistance, maxSteps = 400 } = options;
  const expert = new FourRoomsExpert(layout);
  let position = start;
  for (let step = 0; step <= maxSteps; step++) {
    if (Math.hypot(position[0] - goal[0], position[1] - goal[1]) < successDistance) return step;
    if (step === maxSteps) break;
    position = stepFourRooms(layout, position, expert.act(position, goal));
  }
  return Infinity;
}
