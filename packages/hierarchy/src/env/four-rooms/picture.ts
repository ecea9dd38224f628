import { readVector2 } from '../two-rooms/vector-args.js';
import {
  checkPicturePath,
  checkPictureSettings,
  drawWorldPicture,
  WORLD_PICTURE_COLORS,
  type PictureColor,
  type WorldPicture,
  type WorldPictureOptions,
} from '../two-rooms/world-picture.js';
import type { FourRoomsLayout } from './layout.js';
import { cachedFourRoomsWallMap, FOUR_ROOMS_CLOSED_DOOR, FOUR_ROOMS_WALL } from './wall-mask.js';
import { FOUR_ROOMS_WORLD } from './world.js';

/** What {@link drawFourRoomsPicture} draws. */
export interface FourRoomsPictureRequest extends WorldPictureOptions {
  /** The closed door and door geometry. */
  readonly layout: FourRoomsLayout;
}

/** A picture in memory: row-major `[height, width, channels]` bytes, ready for a PNG encoder. */
export interface FourRoomsPicture extends WorldPicture {}

// The shared colours with the closed door's between the cells' and the marks', the order these keys have always had.
const { free, wall, ...marks } = WORLD_PICTURE_COLORS;
/** Colours of the picture (the Two Rooms picture's, plus the closed door's). */
export const FOUR_ROOMS_PICTURE_COLORS = {
  /** Free cells. */
  free,
  /** Walls and borders. */
  wall,
  /** The closed door. */
  closedDoor: [196, 120, 34] as PictureColor,
  ...marks,
} as const;

/**
 * A top-down picture of a Four Rooms layout, with an optional start, goal and path, as
 * `drawTwoRoomsPicture` draws Two Rooms: each world pixel of the 65 x 65 grid becomes a
 * `scale x scale` block (walls and border lines dark, the closed door orange, the rest light), then
 * the path, the goal ring, and the start, goal and end dots on top. Pure: no TensorFlow.js, no
 * encoder; the caller writes PNG or anything else from `data`.
 *
 * @returns the picture, `65 * scale` pixels square.
 */
export function drawFourRoomsPicture(request: FourRoomsPictureRequest): FourRoomsPicture {
  const where = 'drawFourRoomsPicture';
  const { layout, scale = 4, channels = 4, goalRadius = FOUR_ROOMS_WORLD.successDistance } = request;
  checkPictureSettings(scale, channels, goalRadius, where);
  const colors = FOUR_ROOMS_PICTURE_COLORS;
  const worldSize = FOUR_ROOMS_WORLD.size;
  const map = cachedFourRoomsWallMap(layout, worldSize, where);
  const goal = request.goal === undefined ? undefined : readVector2(request.goal, where, 'goal');
  const start = request.start === undefined ? undefined : readVector2(request.start, where, 'start');
  if (request.path !== undefined) checkPicturePath(request.path, where, true);
  return drawWorldPicture({
    worldSize,
    scale,
    channels,
    cellColor: (index) => (map[index] === FOUR_ROOMS_CLOSED_DOOR ? colors.closedDoor : map[index] === FOUR_ROOMS_WALL ? colors.wall : colors.free),
    goalRadius,
    dotSigma: FOUR_ROOMS_WORLD.dotSigma,
    goal,
    start,
    path: request.path,
  });
}
