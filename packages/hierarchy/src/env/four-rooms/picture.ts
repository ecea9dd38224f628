import { readVector2 } from '../two-rooms/vector-args.js';
import type { FourRoomsLayout } from './layout.js';
import { cachedFourRoomsWallMap, FOUR_ROOMS_CLOSED_DOOR, FOUR_ROOMS_WALL } from './wall-mask.js';
import { FOUR_ROOMS_WORLD } from './world.js';

/** What {@link drawFourRoomsPicture} draws. */
export interface FourRoomsPictureRequest {
  /** The closed door and door geometry. */
  readonly layout: FourRoomsLayout;
  /** Start position `[x, y]`, world pixels: a green dot. */
  readonly start?: ArrayLike<number>;
  /** Goal position `[x, y]`, world pixels: a red dot inside a ring of the success radius. */
  readonly goal?: ArrayLike<number>;
  /** Positions `[P, 2]` (flat x, y pairs), world pixels: a blue polyline, its last point a dark blue dot. */
  readonly path?: ArrayLike<number>;
  /** Picture pixels per world pixel, an integer 1..32 (default 4: a 260 x 260 picture). */
  readonly scale?: number;
  /** 4 for RGBA (default), 3 for RGB. */
  readonly channels?: 3 | 4;
  /** Radius of the ring around the goal, world pixels (default 4.5, the success distance; 0 hides it). */
  readonly goalRadius?: number;
}

/** A picture in memory: row-major `[height, width, channels]` bytes, ready for a PNG encoder. */
export interface FourRoomsPicture {
  readonly width: number;
  readonly height: number;
  readonly channels: 3 | 4;
  readonly data: Uint8Array;
}

type Color = readonly [number, number, number];
/** Colours of the picture (the Two Rooms picture's, plus the closed door's). */
export const FOUR_ROOMS_PICTURE_COLORS = {
  free: [244, 243, 238] as Color,
  wall: [46, 52, 64] as Color,
  closedDoor: [196, 120, 34] as Color,
  path: [52, 120, 220] as Color,
  end: [20, 50, 120] as Color,
  start: [38, 166, 91] as Color,
  goal: [214, 58, 48] as Color,
  ring: [236, 150, 140] as Color,
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
  if (!Number.isInteger(scale) || scale < 1 || scale > 32) throw new RangeError(`${where}: scale must be an integer in 1..32 (picture pixels per world pixel); got ${scale}.`);
  if (channels !== 3 && channels !== 4) throw new RangeError(`${where}: channels must be 3 (RGB) or 4 (RGBA); got ${String(channels)}.`);
  if (!(goalRadius >= 0) || !Number.isFinite(goalRadius)) throw new RangeError(`${where}: goalRadius must be a finite number >= 0 (world pixels); got ${goalRadius}.`);
  const colors = FOUR_ROOMS_PICTURE_COLORS;
  const worldSize = FOUR_ROOMS_WORLD.size;
  const map = cachedFourRoomsWallMap(layout, worldSize, where);
  const size = worldSize * scale;
  const data = new Uint8Array(size * size * channels);
  const put = (px: number, py: number, color: Color) => {
    if (px < 0 || py < 0 || px >= size || py >= size) return;
    const o = (py * size + px) * channels;
    data[o] = color[0];
    data[o + 1] = color[1];
    data[o + 2] = color[2];
    if (channels === 4) data[o + 3] = 255;
  };
  // World pixel c spans picture pixels [c * scale, (c + 1) * scale).
  const toPicture = (value: number) => (value + 0.5) * scale;
  const disc = (cx: number, cy: number, radius: number, color: Color) => {
    for (let py = Math.floor(cy - radius); py <= Math.ceil(cy + radius); py++) {
      for (let px = Math.floor(cx - radius); px <= Math.ceil(cx + radius); px++) {
        if ((px + 0.5 - cx) ** 2 + (py + 0.5 - cy) ** 2 <= radius * radius) put(px, py, color);
      }
    }
  };

  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const value = map[Math.floor(py / scale) * worldSize + Math.floor(px / scale)];
      put(px, py, value === FOUR_ROOMS_CLOSED_DOOR ? colors.closedDoor : value === FOUR_ROOMS_WALL ? colors.wall : colors.free);
    }
  }

  const goal = request.goal === undefined ? undefined : readVector2(request.goal, where, 'goal');
  const start = request.start === undefined ? undefined : readVector2(request.start, where, 'start');
  if (goal && goalRadius > 0) {
    const cx = toPicture(goal[0]);
    const cy = toPicture(goal[1]);
    const outer = goalRadius * scale;
    const inner = Math.max(0, outer - Math.max(1, scale / 3));
    for (let py = Math.floor(cy - outer); py <= Math.ceil(cy + outer); py++) {
      for (let px = Math.floor(cx - outer); px <= Math.ceil(cx + outer); px++) {
        const d2 = (px + 0.5 - cx) ** 2 + (py + 0.5 - cy) ** 2;
        if (d2 <= outer * outer && d2 >= inner * inner) put(px, py, colors.ring);
      }
    }
  }

  const dotRadius = Math.max(1, FOUR_ROOMS_WORLD.dotSigma * scale);
  if (request.path !== undefined) {
    const path = request.path;
    if (path === null || typeof path !== 'object' || path.length % 2 !== 0) {
      throw new RangeError(`${where}: path must be [P, 2] (flat x, y pairs, world pixels); got ${path?.length} values.`);
    }
    for (let i = 0; i < path.length; i++) {
      if (!Number.isFinite(path[i])) throw new RangeError(`${where}: path point ${Math.floor(i / 2)} must be finite world pixels; got ${path[i]}.`);
    }
    const lineRadius = Math.max(0.5, scale / 4);
    for (let i = 2; i < path.length; i += 2) {
      const x0 = toPicture(path[i - 2]!);
      const y0 = toPicture(path[i - 1]!);
      const x1 = toPicture(path[i]!);
      const y1 = toPicture(path[i + 1]!);
      const samples = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 0.5));
      for (let s = 0; s <= samples; s++) disc(x0 + ((x1 - x0) * s) / samples, y0 + ((y1 - y0) * s) / samples, lineRadius, colors.path);
    }
    if (path.length >= 2) disc(toPicture(path[path.length - 2]!), toPicture(path[path.length - 1]!), dotRadius * 0.8, colors.end);
  }
  if (goal) disc(toPicture(goal[0]), toPicture(goal[1]), dotRadius, colors.goal);
  if (start) disc(toPicture(start[0]), toPicture(start[1]), dotRadius, colors.start);
  return { width: size, height: size, channels, data };
}
