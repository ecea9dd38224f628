import type { UniformSource } from '@jepa/core/random';
import { resolveFourRoomsMove, clipFourRoomsAction } from './collision.js';
import { FOUR_ROOMS_DATA_DEFAULTS, type FourRoomsDataConfig } from './data-config.js';
import { FourRoomsExpert } from './expert.js';
import { FourRoomsExploreController } from './explore.js';
import { FOUR_ROOMS_DEFAULT_DOORS, sampleFourRoomsLayout, type FourRoomsDoorGeometry, type FourRoomsLayout } from './layout.js';
import { sampleFourRoomsFreePosition } from './positions.js';
import { FOUR_ROOMS_WORLD, type FourRoomsVector } from './world.js';

/** One generated Four Rooms trajectory. */
export interface FourRoomsTrajectory {
  /** The closed door and door geometry the trajectory was simulated in. */
  readonly layout: FourRoomsLayout;
  /** Positions `[T + 1, 2]`, world pixels, simulated with the collision model. */
  readonly positions: Float32Array;
  /** Actions `[T, 2]`, world pixels, as the policy gave them (already within `[-1.75, 1.75]`), also where a wall stopped the move. */
  readonly actions: Float32Array;
  /** Whether the door-waypoint expert made it (else the exploration controller). */
  readonly expert: boolean;
}

/**
 * One training trajectory as H-JEPA collects its Four Rooms data (stable_worldmodel's
 * `EpisodicPolicyMixture` over `FourRoomEnv` with `retarget_on_goal`), distractors left out:
 *
 * 1. a layout (`sampleFourRoomsLayout`: one door closed with probability `closeDoorProb`);
 * 2. with probability `expertShare` the noisy door-waypoint expert (`FourRoomsExpert` with
 *    `expertActionNoise`, `expertRepeatProb`), else the smooth exploration
 *    (`FourRoomsExploreController`): chosen per trajectory, where the reference shuffles a fixed
 *    schedule of the whole collection, so that trajectory `i` depends only on its own stream;
 * 3. a start and, for the expert, a target (`sampleFourRoomsFreePosition`); once the expert comes
 *    within the success distance (4.5 px) of its target a new target is drawn at least that far
 *    away, as the reference retargets;
 * 4. `T` steps of the collision model.
 *
 * The start and every action are rounded to float32 before they are simulated, so replaying the
 * stored float32 start and actions (`replayFourRooms`) gives the stored positions exactly.
 *
 * @param rng one trajectory's uniform source.
 * @param config the generator settings (H-JEPA's by default).
 * @param doors the door geometry (the reference's by default).
 */
export function sampleFourRoomsTrajectory(
  rng: UniformSource,
  config: FourRoomsDataConfig = FOUR_ROOMS_DATA_DEFAULTS,
  doors: FourRoomsDoorGeometry = FOUR_ROOMS_DEFAULT_DOORS,
): FourRoomsTrajectory {
  const steps = config.steps;
  const layout = sampleFourRoomsLayout(rng, config.closeDoorProb, doors);
  const expert = rng.uniform() < config.expertShare;
  const drawn = sampleFourRoomsFreePosition(rng);
  let position: FourRoomsVector = [Math.fround(drawn[0]), Math.fround(drawn[1])];
  let target: FourRoomsVector = position;
  let policy: FourRoomsExpert | undefined;
  let explore: FourRoomsExploreController | undefined;
  if (expert) {
    target = sampleTarget(rng, position);
    policy = new FourRoomsExpert(layout, { actionNoise: config.expertActionNoise, repeatProb: config.expertRepeatProb }, rng);
  } else {
    explore = new FourRoomsExploreController(rng, config.explore);
  }
  const positions = new Float32Array((steps + 1) * 2);
  const actions = new Float32Array(steps * 2);
  positions[0] = position[0];
  positions[1] = position[1];
  for (let t = 0; t < steps; t++) {
    const proposed = policy ? policy.act(position, target) : explore!.next();
    const [dx, dy] = clipFourRoomsAction([Math.fround(proposed[0]), Math.fround(proposed[1])]);
    actions[2 * t] = dx;
    actions[2 * t + 1] = dy;
    position = resolveFourRoomsMove(layout, position, [position[0] + dx, position[1] + dy]);
    positions[2 * t + 2] = position[0];
    positions[2 * t + 3] = position[1];
    if (policy && distance(position, target) < FOUR_ROOMS_WORLD.successDistance) target = sampleTarget(rng, position);
  }
  return { layout, positions, actions, expert };
}

/** A free position at least the success distance from `position` (the reference's `_sample_new_target`). */
function sampleTarget(rng: UniformSource, position: FourRoomsVector): FourRoomsVector {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const target = sampleFourRoomsFreePosition(rng);
    if (distance(target, position) >= FOUR_ROOMS_WORLD.successDistance) return target;
  }
  throw new Error('sampleFourRoomsTrajectory: no target outside the goal radius in 1000 tries; is the rng returning a constant?');
}

function distance(a: FourRoomsVector, b: FourRoomsVector): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}
