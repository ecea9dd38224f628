import type { UniformSource } from '@jepa/core/random';
import { TWO_ROOMS_DATA_DEFAULTS, type TwoRoomsDataConfig } from './data-config.js';
import { sampleDoorCrossing } from './door-crossing.js';
import { sampleTwoRoomsLayout, type TwoRoomsLayout } from './layout.js';
import { sampleHeldActions, sampleRandomWalkActions } from './random-walk.js';
import { simulateDataCollision } from './replay.js';
import { sampleTwoRoomsStart } from './start-state.js';

/** One generated Two Rooms trajectory. */
export interface TwoRoomsTrajectory {
  /** The wall and door the trajectory was simulated in. */
  readonly layout: TwoRoomsLayout;
  /** Positions `[T + 1, 2]`, world pixels, simulated with the data collision model. */
  readonly positions: Float32Array;
  /** Intended actions `[T, 2]`, world pixels: stored as drawn even where the move was rejected. */
  readonly actions: Float32Array;
  /** Whether the trajectory was built to cross the door (see `sampleDoorCrossing`). */
  readonly doorCrossing: boolean;
}

/**
 * One training trajectory as the reference generates it (`WallDataset.generate_multistep_sample`,
 * before rendering): a uniform layout; with probability `crossWallRate` a door-crossing start and
 * actions (`sampleDoorCrossing`), else a random start (`sampleTwoRoomsStart`) and a random walk
 * from a uniform heading (`sampleRandomWalkActions`); then `T` moves with the data collision
 * model (rejected moves leave the agent in place). With `heldActionRate > 0`, that share of the
 * non-crossing trajectories holds each action for `heldActionSteps` steps instead (not in the reference).
 *
 * Start and actions are rounded to float32 before simulating, so replaying the stored float32
 * start and actions with `replayTwoRooms` gives the stored positions exactly.
 *
 * @param rng the uniform source to draw from (one trajectory's stream).
 * @param config the generator settings (the reference's by default; `steps` is `T`).
 */
export function sampleTwoRoomsTrajectory(rng: UniformSource, config: TwoRoomsDataConfig = TWO_ROOMS_DATA_DEFAULTS): TwoRoomsTrajectory {
  const layout = sampleTwoRoomsLayout(rng);
  const doorCrossing = rng.uniform() < config.crossWallRate;
  let start: readonly [number, number];
  let actions64: Float64Array;
  if (doorCrossing) {
    const crossing = sampleDoorCrossing(rng, layout, config);
    start = crossing.start;
    actions64 = crossing.actions;
  } else {
    start = sampleTwoRoomsStart(rng, layout);
    // Drawn only when held walks are asked for, so the reference's settings keep the reference's stream.
    const held = config.heldActionRate > 0 && rng.uniform() < config.heldActionRate;
    actions64 = held ? sampleHeldActions(rng, config.steps, config) : sampleRandomWalkActions(rng, config.steps, 2 * Math.PI * rng.uniform(), config);
  }
  const actions = Float32Array.from(actions64);
  const positions = Float32Array.from(simulateDataCollision(layout, [Math.fround(start[0]), Math.fround(start[1])], actions));
  return { layout, positions, actions, doorCrossing };
}
