import { checkTwoRoomsLayout, type TwoRoomsLayout } from './layout.js';
import { readVector2 } from './vector-args.js';
import { cachedWallMask } from './wall-mask.js';
import { checkPicturePath, checkPictureSettings, drawWorldPicture, WORLD_PICTURE_COLORS, type WorldPicture, type WorldPictureOptions } from './world-picture.js';
import { TWO_ROOMS_WORLD } from './world.js';

/** What {@link drawTwoRoomsPicture} draws. */
export interface TwoRoomsPictureRequest extends WorldPictureOptions {
  /** The wall and door. */
  readonly layout: TwoRoomsLayout;
}

/** A picture in memory: row-major `[height, width, channels]` bytes, ready for a PNG encoder. */
export interface TwoRoomsPicture extends WorldPicture {}

/**
 * A top-down picture of a Two Rooms layout, with an optional start, goal and path: each world
 * pixel of the 65 x 65 grid becomes a `scale x scale` block (walls and border lines dark, the rest
 * light), then the path, the goal ring, and the start, goal and end dots on top. Pure: no
 * TensorFlow.js, no encoder; the caller writes PNG or anything else from `data`.
 *
 * @returns the picture, `65 * scale` pixels square.
 */
export function drawTwoRoomsPicture(request: TwoRoomsPictureRequest): TwoRoomsPicture {
  const where = 'drawTwoRoomsPicture';
  const { layout, scale = 4, channels = 4, goalRadius = TWO_ROOMS_WORLD.successDistance } = request;
  checkTwoRoomsLayout(layout, where);
  checkPictureSettings(scale, channels, goalRadius, where);
  const worldSize = TWO_ROOMS_WORLD.size;
  const mask = cachedWallMask(layout, worldSize, where);
  // Checked in this order: the goal when its ring is drawn, the path, the goal, the start.
  const ringGoal = request.goal !== undefined && goalRadius > 0 ? readVector2(request.goal, where, 'goal') : undefined;
  if (request.path !== undefined) checkPicturePath(request.path, where);
  const goal = ringGoal ?? (request.goal === undefined ? undefined : readVector2(request.goal, where, 'goal'));
  const start = request.start === undefined ? undefined : readVector2(request.start, where, 'start');
  const { free, wall } = WORLD_PICTURE_COLORS;
  return drawWorldPicture({
    worldSize,
    scale,
    channels,
    cellColor: (index) => (mask[index] ? wall : free),
    goalRadius,
    dotSigma: TWO_ROOMS_WORLD.dotSigma,
    goal,
    start,
    path: request.path,
  });
}
