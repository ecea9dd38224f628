import { sampleTruncatedNormal, uniformInt, uniformRange, type UniformSource } from '@jepa/core/random';
import { TWO_ROOMS_DATA_DEFAULTS, type TwoRoomsDataConfig } from './data-config.js';
import { twoRoomsWallGeometry, type TwoRoomsLayout } from './layout.js';
import { sampleRandomWalkActions } from './random-walk.js';
import { TWO_ROOMS_WORLD, type TwoRoomsVector } from './world.js';

/** A door-crossing start and actions, as {@link sampleDoorCrossing} builds them. */
export interface DoorCrossing {
  /** Start position, world pixels, clamped to `[4.01, 59.99]^2`. */
  readonly start: TwoRoomsVector;
  /** `[T, 2]` intended displacements, world pixels. */
  readonly actions: Float64Array;
  /** The point in the doorway the walk is built through, world pixels. */
  readonly doorPoint: TwoRoomsVector;
  /** Index of the position that lands on `doorPoint` when nothing intervenes (unclamped start, no rejected move). */
  readonly doorIndex: number;
  /** Whether the walk goes from the right room to the left one (the reversed construction). */
  readonly leftward: boolean;
}

/**
 * The reference's door-crossing trajectory (`WallDataset.generate_cross_wall_state_and_actions`):
 *
 * 1. a door point: x uniform in the band `[wallX - 1, wallX + 1]`, y from a normal around `doorY`
 *    (std 1.4) truncated to the door `[doorY - 4, doorY + 4]`;
 * 2. a crossing index `k` uniform in `1..T`, a heading `phi = pi + (u - 1/2) pi / 2` (leftwards
 *    within 45 degrees), and two `T`-action random walks, A starting along `phi` and B along
 *    `phi + pi`;
 * 3. actions `concat(-reverse(A[0:k]), B[1:T+1-k])`: leftwards backwards in time, then on to the
 *    right, passing the door point after `k` actions; with probability 1/2 the whole sequence is
 *    reversed and negated (`-reverse`), the door then reached after `T + 1 - k` actions;
 * 4. start = door point minus the actions before it, clamped to `[4.01, 59.99]^2`.
 *
 * The data collision model still applies when the actions are replayed, so a clamped or unlucky
 * walk may not cross after all, as in the reference. World pixels throughout.
 */
export function sampleDoorCrossing(
  rng: UniformSource,
  layout: TwoRoomsLayout,
  config: TwoRoomsDataConfig = TWO_ROOMS_DATA_DEFAULTS,
): DoorCrossing {
  const steps = config.steps;
  const { left, right, doorLow, doorHigh } = twoRoomsWallGeometry(layout);
  const doorPoint: TwoRoomsVector = [uniformRange(rng, left, right), sampleTruncatedNormal(rng, layout.doorY, config.doorPointStd, doorLow, doorHigh)];
  const crossingIndex = uniformInt(rng, 1, steps + 1);
  const heading = Math.PI + ((rng.uniform() - 0.5) * Math.PI) / 2;
  const walkLeft = sampleRandomWalkActions(rng, steps, heading, config);
  const walkRight = sampleRandomWalkActions(rng, steps, heading + Math.PI, config);

  let actions = new Float64Array(steps * 2);
  for (let i = 0; i < crossingIndex; i++) {
    const source = crossingIndex - 1 - i;
    actions[2 * i] = -walkLeft[2 * source]!;
    actions[2 * i + 1] = -walkLeft[2 * source + 1]!;
  }
  for (let i = crossingIndex; i < steps; i++) {
    const source = 1 + i - crossingIndex;
    actions[2 * i] = walkRight[2 * source]!;
    actions[2 * i + 1] = walkRight[2 * source + 1]!;
  }
  let doorIndex = crossingIndex;
  const leftward = rng.uniform() < 0.5;
  if (leftward) {
    const reversed = new Float64Array(steps * 2);
    for (let i = 0; i < steps; i++) {
      reversed[2 * i] = -actions[2 * (steps - 1 - i)]!;
      reversed[2 * i + 1] = -actions[2 * (steps - 1 - i) + 1]!;
    }
    actions = reversed;
    doorIndex = steps + 1 - crossingIndex;
  }
  let sumX = 0;
  let sumY = 0;
  for (let i = 0; i < doorIndex; i++) {
    sumX += actions[2 * i]!;
    sumY += actions[2 * i + 1]!;
  }
  const low = TWO_ROOMS_WORLD.borderLow + 0.01;
  const high = TWO_ROOMS_WORLD.borderHigh - 0.01;
  const clamp = (value: number) => Math.min(high, Math.max(low, value));
  return { start: [clamp(doorPoint[0] - sumX), clamp(doorPoint[1] - sumY)], actions, doorPoint, doorIndex, leftward };
}
