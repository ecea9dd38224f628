/**
 * The Four Rooms world: the continuous four-room navigation task of `stable_worldmodel`
 * (`envs/four_room/env.py`, `FourRoomEnv`, used by H-JEPA), scaled onto the 65 x 65 world of Two
 * Rooms. World pixels throughout: pixel centres at integer coordinates 0..64, `x` the column, `y`
 * the row (so `y` grows downwards in pictures).
 *
 * Scale. The reference's free square `[14, 210]` (224-px image, `BORDER_SIZE = 14`) is mapped onto
 * Two Rooms' `[4, 60]`: `x' = 4 + (x - 14) * 2/7`. The factor `56 / 196 = 2/7 ~ 0.286` (close to
 * `65 / 224 ~ 0.290`) sends the wall centre 112 to 32 and the default doors 56 / 168 to 16 / 48
 * exactly, so every length below is the reference's times 2/7, rounded where a whole pixel reads
 * better (said per constant).
 *
 * A vertical and a horizontal wall cross at `(32, 32)` and split the square into four rooms; each
 * of the four walls between two rooms has one door (see `FOUR_ROOMS_DOORS`). The agent is a disc:
 * its centre stays `agentRadius` away from borders and walls, except in a doorway.
 */
export const FOUR_ROOMS_WORLD = {
  /** Side of the world and of the reference-resolution image, world pixels (as Two Rooms). */
  size: 65,
  /** World pixels per reference pixel (`2/7`, see above). */
  referenceScale: 2 / 7,
  /** The border lines `x = 4`, `y = 4` (reference `BORDER_SIZE = 14`); drawn 1 px wide as in Two Rooms. */
  borderLow: 4,
  /** The border lines `x = 60`, `y = 60` (reference `224 - 14 = 210`). */
  borderHigh: 60,
  /** Centre line of both walls, `x = 32` and `y = 32` (reference `WALL_CENTER = 112`). */
  wallCentre: 32,
  /**
   * Each wall is the band `[31, 33]` (`wallCentre -+ 1`). The reference's `wall_thickness = 10`
   * (half `10 // 2 = 5`) scales to a half width of 1.43; 1 keeps Two Rooms' 3-px wall.
   */
  wallHalfWidth: 1,
  /** Radius of the agent's disc for collisions, world pixels (reference `agent_radius = 7`, times 2/7). */
  agentRadius: 2,
  /**
   * Half the opening of a door along its wall: a door centred at `p` is open on `[p - 4, p + 4]`
   * (reference `door_size = 14`, used as a half size, times 2/7; also Two Rooms' door half height).
   */
  doorHalfSize: 4,
  /** Extra tolerance of the door test in the collision model (reference `door_margin = 1.75`, times 2/7). */
  doorMargin: 0.5,
  /** Distance a blocked agent is put back beyond its collision line (reference 0.5 px, times 2/7). */
  contactGap: 1 / 7,
  /**
   * Largest displacement per coordinate and per step, world pixels: an action is clipped to
   * `[-1.75, 1.75]^2` (the reference clips to `[-1, 1]^2` and multiplies by `agent_speed`). The
   * reference speed 5 would scale to 1.43; 1.75 is chosen so that the largest step, a diagonal one,
   * is `1.75 * sqrt(2) = 2.47` px, the planners' Two Rooms action bound (2.45). The expert moves
   * 1.75 px per step.
   */
  agentSpeed: 1.75,
  /** Standard deviation of the rendered Gaussian dot, world pixels: Two Rooms' 1.3, so frames look alike. */
  dotSigma: 1.3,
  /** An episode succeeds once the distance to the goal is below this (reference 16 px, times 2/7 = 4.57; Two Rooms' 4.5). */
  successDistance: 4.5,
  /** Probability that one door, drawn uniformly, is closed in a layout (H-JEPA's `close_door_prob = 0.5`). */
  closeDoorProb: 0.5,
  /** The expert's "reached" radius around a waypoint (reference `door_reach_tol = 10.5`, times 2/7). */
  doorReachTolerance: 3,
  /**
   * How far beyond the wall the expert's passage point lies: `wallHalfWidth + agentRadius + 1` = 4
   * from the wall centre (reference `wall_thickness // 2 + radius + 3`; the 3 px scale to 0.86, rounded to 1).
   */
  passageClearance: 1,
  /** The evaluation budget is `round(2.8 * expert steps)` (H-JEPA: 210 steps for 75-step expert segments). */
  budgetFactor: 2.8,
} as const;

/** A point or a displacement in world pixels: `[x, y]` (x the column, y the row). */
export type FourRoomsVector = readonly [x: number, y: number];

/**
 * The four doors, in the reference's order (`DOOR_ORDER`; a layout code is an index into it):
 * `top` and `bottom` are in the vertical wall (`x = 32`), between the two top rooms and between the
 * two bottom rooms; `left` and `right` are in the horizontal wall (`y = 32`), between the two left
 * rooms and between the two right rooms.
 */
export const FOUR_ROOMS_DOORS = ['top', 'bottom', 'left', 'right'] as const;
/** One of {@link FOUR_ROOMS_DOORS}. */
export type FourRoomsDoor = (typeof FOUR_ROOMS_DOORS)[number];

/** The four rooms (reference `ROOMS`): top-left is `x < 32, y < 32`, and so on. */
export const FOUR_ROOMS_ROOMS = ['topLeft', 'topRight', 'bottomLeft', 'bottomRight'] as const;
/** One of {@link FOUR_ROOMS_ROOMS}. */
export type FourRoomsRoom = (typeof FOUR_ROOMS_ROOMS)[number];

/** The two rooms each door connects (reference `DOOR_EDGES`). */
export const FOUR_ROOMS_DOOR_ROOMS: Readonly<Record<FourRoomsDoor, readonly [FourRoomsRoom, FourRoomsRoom]>> = {
  top: ['topLeft', 'topRight'],
  bottom: ['bottomLeft', 'bottomRight'],
  left: ['topLeft', 'bottomLeft'],
  right: ['topRight', 'bottomRight'],
};
