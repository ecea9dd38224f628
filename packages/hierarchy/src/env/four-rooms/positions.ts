import { uniformRange, type UniformSource } from '@jepa/core/random';
import { isClearOfFourRoomsWalls } from './rooms.js';
import { FOUR_ROOMS_WORLD, type FourRoomsRoom, type FourRoomsVector } from './world.js';

/**
 * A position drawn uniformly from the free space: uniform on `[6, 58]^2` (inside the borders by
 * the agent's radius), redrawn while either coordinate is in a wall band `[29, 35]` (reference
 * `_position_is_free` as the constraint of its agent and target positions). The reference draws
 * on `[14, 209]` reference pixels and lets the first step clamp a start that overlaps the border;
 * here such starts are not drawn. Two uniforms per try (x first); 78 % of tries are accepted.
 */
export function sampleFourRoomsFreePosition(rng: UniformSource): FourRoomsVector {
  const { borderLow, borderHigh, agentRadius } = FOUR_ROOMS_WORLD;
  const low = borderLow + agentRadius;
  const high = borderHigh - agentRadius;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const x = uniformRange(rng, low, high);
    const y = uniformRange(rng, low, high);
    if (isClearOfFourRoomsWalls(x, y)) return [x, y];
  }
  throw new Error('sampleFourRoomsFreePosition: no free position in 10000 tries; is the rng returning a constant?');
}

/**
 * The rectangle a task position of `room` is drawn from (H-JEPA's `_room_bounds`): inside the
 * borders by the agent's radius and `wallHalfWidth + agentRadius + 0.5 = 3.5` from the wall
 * centre: x in `[6, 28.5]` or `[35.5, 58]`, y likewise.
 */
export function fourRoomsRoomBounds(room: FourRoomsRoom): {
  /** `[low, high]` of x, world pixels. */
  x: [number, number];
  /** `[low, high]` of y, world pixels. */
  y: [number, number];
} {
  const { borderLow, borderHigh, agentRadius, wallCentre, wallHalfWidth } = FOUR_ROOMS_WORLD;
  const low = borderLow + agentRadius;
  const high = borderHigh - agentRadius;
  const gap = wallHalfWidth + agentRadius + 0.5;
  const near: [number, number] = [low, wallCentre - gap];
  const far: [number, number] = [wallCentre + gap, high];
  return { x: room.endsWith('Left') ? near : far, y: room.startsWith('top') ? near : far };
}

/** A position drawn uniformly from {@link fourRoomsRoomBounds} of `room` (two uniforms, x first). */
export function sampleFourRoomsPositionInRoom(rng: UniformSource, room: FourRoomsRoom): FourRoomsVector {
  const bounds = fourRoomsRoomBounds(room);
  return [uniformRange(rng, bounds.x[0], bounds.x[1]), uniformRange(rng, bounds.y[0], bounds.y[1])];
}
