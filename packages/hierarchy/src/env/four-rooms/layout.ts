import { uniformInt, type UniformSource } from '@jepa/core/random';
import { FOUR_ROOMS_DOORS, FOUR_ROOMS_WORLD, type FourRoomsDoor } from './world.js';

/**
 * Where the four doors are: each door's centre along its wall (`top` / `bottom`: a `y` on the
 * vertical wall `x = 32`; `left` / `right`: an `x` on the horizontal wall `y = 32`) and the half
 * size of every opening, world pixels.
 */
export interface FourRoomsDoorGeometry {
  /** Each door's centre along its wall, world pixels. */
  readonly positions: Readonly<Record<FourRoomsDoor, number>>;
  /** A door centred at `p` is open on `[p - halfSize, p + halfSize]` along its wall. */
  readonly halfSize: number;
}

/** The reference's default doors, scaled: top 16, bottom 48, left 16, right 48 (reference 56 / 168), half size 4. */
export const FOUR_ROOMS_DEFAULT_DOORS: FourRoomsDoorGeometry = {
  positions: { top: 16, bottom: 48, left: 16, right: 48 },
  halfSize: FOUR_ROOMS_WORLD.doorHalfSize,
};

/**
 * One Four Rooms layout: which door is closed (`null`: all four open) and where the doors are. A
 * closed door is wall, in the collision model and in the frames. The reference fixes the doors per
 * environment and draws the closed door per episode; so does {@link sampleFourRoomsLayout}.
 */
export interface FourRoomsLayout {
  /** The closed door, or null when all four are open. */
  readonly closedDoor: FourRoomsDoor | null;
  /** Where the doors are and how wide they open. */
  readonly doors: FourRoomsDoorGeometry;
}

/**
 * A layout as the reference's `reset` draws it (`_sample_closed_door`): with probability
 * `closeDoorProb` one of the four doors, uniformly, is closed, else none. Consumes one uniform
 * (none when `closeDoorProb` is 0), plus one more when a door is closed.
 *
 * @param rng the uniform source.
 * @param closeDoorProb probability of a closed door (default 0.5, H-JEPA's setting).
 * @param doors door geometry (default {@link FOUR_ROOMS_DEFAULT_DOORS}).
 */
export function sampleFourRoomsLayout(
  rng: UniformSource,
  closeDoorProb: number = FOUR_ROOMS_WORLD.closeDoorProb,
  doors: FourRoomsDoorGeometry = FOUR_ROOMS_DEFAULT_DOORS,
): FourRoomsLayout {
  if (!(closeDoorProb >= 0 && closeDoorProb <= 1)) {
    throw new RangeError(`sampleFourRoomsLayout: closeDoorProb must be a probability in [0, 1]; got ${closeDoorProb}.`);
  }
  if (closeDoorProb <= 0 || rng.uniform() >= closeDoorProb) return { closedDoor: null, doors };
  return { closedDoor: FOUR_ROOMS_DOORS[uniformInt(rng, 0, FOUR_ROOMS_DOORS.length)]!, doors };
}

/**
 * The layout code the datasets and the batch renderer use: -1 for no closed door, else the closed
 * door's index in {@link FOUR_ROOMS_DOORS} (0 top, 1 bottom, 2 left, 3 right; the reference's
 * `closed_door_idx`).
 */
export function fourRoomsLayoutCode(layout: FourRoomsLayout): number {
  if (layout.closedDoor === null) return -1;
  const code = FOUR_ROOMS_DOORS.indexOf(layout.closedDoor);
  if (code < 0) {
    throw new RangeError(`fourRoomsLayoutCode: layout.closedDoor must be null or one of ${FOUR_ROOMS_DOORS.join(', ')}; got ${String(layout.closedDoor)}.`);
  }
  return code;
}

/** The layout of a code from {@link fourRoomsLayoutCode}, with `doors` (default the reference's). */
export function fourRoomsLayoutFromCode(code: number, doors: FourRoomsDoorGeometry = FOUR_ROOMS_DEFAULT_DOORS, where = 'fourRoomsLayoutFromCode'): FourRoomsLayout {
  if (!Number.isInteger(code) || code < -1 || code > 3) {
    throw new RangeError(`${where}: a layout code must be an integer in -1..3 (-1 no closed door, 0 top, 1 bottom, 2 left, 3 right); got ${code}.`);
  }
  return { closedDoor: code === -1 ? null : FOUR_ROOMS_DOORS[code]!, doors };
}

/**
 * The range a door centre may take so that its opening (with the collision margin) stays between
 * the border and the crossing wall, clear of the agent's radius on both sides: `top` / `left` in
 * `[10.5, 24.5]`, `bottom` / `right` in `[39.5, 53.5]` for the default half size 4 (the reference
 * checks the same kind of clearance in `_check_door_position`).
 */
export function fourRoomsDoorRange(door: FourRoomsDoor, halfSize: number): [low: number, high: number] {
  const { borderLow, borderHigh, wallCentre, wallHalfWidth, agentRadius, doorMargin } = FOUR_ROOMS_WORLD;
  const reach = halfSize + doorMargin;
  return door === 'top' || door === 'left'
    ? [borderLow + agentRadius + reach, wallCentre - wallHalfWidth - agentRadius - reach]
    : [wallCentre + wallHalfWidth + agentRadius + reach, borderHigh - agentRadius - reach];
}

/**
 * Throws unless `layout` is a valid layout: `closedDoor` null or a door name, `doors.halfSize` at
 * least `1.1 * agentRadius` = 2.2 (the reference's `_check_door_sizes`: the agent must fit), every
 * door centre in its {@link fourRoomsDoorRange}. `where` names the caller in the message.
 */
export function checkFourRoomsLayout(layout: FourRoomsLayout, where: string): void {
  if (layout === null || typeof layout !== 'object') {
    throw new TypeError(`${where}: layout must be an object { closedDoor, doors }; got ${String(layout)}.`);
  }
  const { closedDoor, doors } = layout;
  if (closedDoor !== null && !FOUR_ROOMS_DOORS.includes(closedDoor)) {
    throw new RangeError(`${where}: layout.closedDoor must be null or one of ${FOUR_ROOMS_DOORS.join(', ')}; got ${String(closedDoor)}.`);
  }
  checkFourRoomsDoors(doors, where);
}

/** Throws unless `doors` is a valid door geometry (see {@link checkFourRoomsLayout}). */
export function checkFourRoomsDoors(doors: FourRoomsDoorGeometry, where: string): void {
  if (doors === null || typeof doors !== 'object' || doors.positions === null || typeof doors.positions !== 'object') {
    throw new TypeError(`${where}: layout.doors must be { positions: { top, bottom, left, right }, halfSize } (FOUR_ROOMS_DEFAULT_DOORS is the reference's); got ${String(doors)}.`);
  }
  const minHalf = 1.1 * FOUR_ROOMS_WORLD.agentRadius;
  if (!(doors.halfSize >= minHalf) || !Number.isFinite(doors.halfSize)) {
    throw new RangeError(`${where}: doors.halfSize must be a finite number >= ${minHalf} world pixels (1.1 x the agent radius, so the agent fits); got ${doors.halfSize}.`);
  }
  for (const door of FOUR_ROOMS_DOORS) {
    const position = doors.positions[door];
    const [low, high] = fourRoomsDoorRange(door, doors.halfSize);
    if (!(position >= low && position <= high)) {
      throw new RangeError(
        `${where}: doors.positions.${door} must lie in [${low}, ${high}] world pixels for half size ${doors.halfSize} (so the door stays clear of the border and the other wall); got ${position}.`,
      );
    }
  }
}

/** Whether `door` is open in `layout`. */
export function isFourRoomsDoorOpen(layout: FourRoomsLayout, door: FourRoomsDoor): boolean {
  return layout.closedDoor !== door;
}

/** The centre of `door`: `(32, p)` for top / bottom, `(p, 32)` for left / right, world pixels. */
export function fourRoomsDoorCentre(layout: FourRoomsLayout, door: FourRoomsDoor): readonly [x: number, y: number] {
  const position = layout.doors.positions[door];
  const c = FOUR_ROOMS_WORLD.wallCentre;
  return door === 'top' || door === 'bottom' ? [c, position] : [position, c];
}
