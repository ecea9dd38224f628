import { uniformInt, type UniformSource } from '@jepa/core/random';
import { fourRoomsExpertSteps } from './expert.js';
import { FOUR_ROOMS_DEFAULT_DOORS, sampleFourRoomsLayout, type FourRoomsDoorGeometry, type FourRoomsLayout } from './layout.js';
import { sampleFourRoomsPositionInRoom } from './positions.js';
import { fourRoomsDoorCount, fourRoomsShortestPath, type FourRoomsPath } from './shortest-path.js';
import { FOUR_ROOMS_ROOMS, FOUR_ROOMS_WORLD, type FourRoomsRoom, type FourRoomsVector } from './world.js';

/** One evaluation task: a layout, a start and a goal, and the step budget. */
export interface FourRoomsEpisodeTask {
  /** The closed door and door geometry of the task. */
  readonly layout: FourRoomsLayout;
  /** Start position, world pixels. */
  readonly start: FourRoomsVector;
  /** Goal position, world pixels. */
  readonly goal: FourRoomsVector;
  /** The room of the start. */
  readonly startRoom: FourRoomsRoom;
  /** The room of the goal. */
  readonly goalRoom: FourRoomsRoom;
  /** The shortest route from start to goal; it goes through exactly `doorCrossings` doors. */
  readonly path: FourRoomsPath;
  /** Steps the noiseless expert takes from start to within the success distance of the goal. */
  readonly expertSteps: number;
  /** Steps allowed: `round(budgetFactor * expertSteps)`. */
  readonly budget: number;
}

/** Settings of {@link sampleFourRoomsEpisodeTask}. */
export interface FourRoomsEpisodeTaskOptions {
  /** Doors on the shortest route, 0..3 (default 2, H-JEPA's `cross2` tasks). */
  readonly doorCrossings?: number;
  /** Probability of a closed door (default 0.5). */
  readonly closeDoorProb?: number;
  /** Budget per expert step (default 2.8). */
  readonly budgetFactor?: number;
  /** Success radius, world pixels (default 4.5). */
  readonly successDistance?: number;
  /** Door geometry (default the reference's). */
  readonly doors?: FourRoomsDoorGeometry;
  /** The expert must arrive within this many steps, else the task is redrawn (default 400, H-JEPA's `max_episode_steps`). */
  readonly maxExpertSteps?: number;
}

/**
 * An evaluation task as H-JEPA's `generate_fourroom_eval_tasks.py` draws one: a layout (a closed
 * door with probability `closeDoorProb`); a (start room, goal room) pair drawn uniformly from those
 * whose fewest-doors route crosses exactly `doorCrossings` doors (`fourRoomsDoorCount`; redraw the
 * layout when there is none, e.g. 3 crossings with every door open); start and goal uniform in
 * their rooms (`fourRoomsRoomBounds`); then the noiseless expert is run from start to goal and
 * the task kept when it arrives within `maxExpertSteps` steps; its step count sets the budget,
 * `round(2.8 * expertSteps)`. A task whose position-based shortest route has another door count,
 * or whose start already succeeds, is redrawn too.
 *
 * With 2 crossings (the default) start and goal are in diagonal rooms, whatever the layout: the
 * rooms form a ring, so neighbours whose shared door is closed are 3 doors apart.
 *
 * H-JEPA cuts a fixed 75-step window out of each expert rollout and takes its end as the goal
 * (budget 210 = 2.8 x 75); here the drawn goal is kept and the budget follows the expert's own step
 * count, so budgets vary per task.
 */
export function sampleFourRoomsEpisodeTask(rng: UniformSource, options: FourRoomsEpisodeTaskOptions = {}): FourRoomsEpisodeTask {
  const where = 'sampleFourRoomsEpisodeTask';
  const {
    doorCrossings = 2,
    closeDoorProb = FOUR_ROOMS_WORLD.closeDoorProb,
    budgetFactor = FOUR_ROOMS_WORLD.budgetFactor,
    successDistance = FOUR_ROOMS_WORLD.successDistance,
    doors = FOUR_ROOMS_DEFAULT_DOORS,
    maxExpertSteps = 400,
  } = options;
  if (!Number.isInteger(doorCrossings) || doorCrossings < 0 || doorCrossings > 3) {
    throw new RangeError(`${where}: doorCrossings must be an integer in 0..3 (doors on the shortest route); got ${doorCrossings}.`);
  }
  if (doorCrossings === 3 && !(closeDoorProb > 0)) {
    throw new RangeError(`${where}: doorCrossings 3 needs a closed door (neighbours whose shared door is closed); set closeDoorProb above 0, got ${closeDoorProb}.`);
  }
  if (!(budgetFactor > 0) || !Number.isFinite(budgetFactor)) throw new RangeError(`${where}: budgetFactor must be a finite number > 0 (H-JEPA uses 2.8); got ${budgetFactor}.`);
  if (!(successDistance > 0) || !Number.isFinite(successDistance)) throw new RangeError(`${where}: successDistance must be a finite number > 0 (world pixels); got ${successDistance}.`);
  if (!Number.isInteger(maxExpertSteps) || maxExpertSteps < 1) throw new RangeError(`${where}: maxExpertSteps must be a positive integer; got ${maxExpertSteps}.`);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const layout = sampleFourRoomsLayout(rng, closeDoorProb, doors);
    const pairs: Array<[FourRoomsRoom, FourRoomsRoom]> = [];
    for (const a of FOUR_ROOMS_ROOMS) for (const b of FOUR_ROOMS_ROOMS) if (fourRoomsDoorCount(layout, a, b) === doorCrossings) pairs.push([a, b]);
    if (pairs.length === 0) continue;
    const [startRoom, goalRoom] = pairs[uniformInt(rng, 0, pairs.length)]!;
    const start = sampleFourRoomsPositionInRoom(rng, startRoom);
    const goal = sampleFourRoomsPositionInRoom(rng, goalRoom);
    if (Math.hypot(start[0] - goal[0], start[1] - goal[1]) < successDistance) continue;
    const path = fourRoomsShortestPath(layout, start, goal);
    if (path.doors.length !== doorCrossings || !Number.isFinite(path.length)) continue;
    const expertSteps = fourRoomsExpertSteps(layout, start, goal, { successDistance, maxSteps: maxExpertSteps });
    if (!Number.isFinite(expertSteps)) continue;
    return { layout, start, goal, startRoom, goalRoom, path, expertSteps, budget: Math.round(budgetFactor * expertSteps) };
  }
  throw new Error(`${where}: no task with ${doorCrossings} door crossings in 1000 tries; check closeDoorProb and the door geometry.`);
}
