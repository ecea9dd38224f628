import type { TwoRoomsVector } from './world.js';

/** An RGB colour, 0..255 per channel. */
export type PictureColor = readonly [number, number, number];

/** What a top-down picture of the 65-px world draws besides its layout (Two Rooms and Four Rooms pictures take these). */
export interface WorldPictureOptions {
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
export interface WorldPicture {
  /** Columns, in picture pixels. */
  readonly width: number;
  /** Rows, in picture pixels. */
  readonly height: number;
  /** Bytes per pixel: 3 (RGB) or 4 (RGBA). */
  readonly channels: 3 | 4;
  /** `height * width * channels` bytes, row-major. */
  readonly data: Uint8Array;
}

/** Colours of a world picture: free and wall cells, and the marks drawn over them. */
export const WORLD_PICTURE_COLORS = {
  /** Free cells. */
  free: [244, 243, 238] as PictureColor,
  /** Walls and borders. */
  wall: [46, 52, 64] as PictureColor,
  /** The path's line. */
  path: [52, 120, 220] as PictureColor,
  /** The dot at the path's last position. */
  end: [20, 50, 120] as PictureColor,
  /** The start dot. */
  start: [38, 166, 91] as PictureColor,
  /** The goal dot. */
  goal: [214, 58, 48] as PictureColor,
  /** The ring of the success distance around the goal. */
  ring: [236, 150, 140] as PictureColor,
} as const;

/** What {@link drawWorldPicture} draws: checked arguments (see {@link checkPictureSettings} and {@link checkPicturePath}). */
export interface WorldPictureSpec {
  /** Side of the world grid, world pixels (65). */
  readonly worldSize: number;
  /** Picture pixels per world pixel, an integer 1..32. */
  readonly scale: number;
  readonly channels: 3 | 4;
  /** Colour of world pixel `index` (row-major, `y * worldSize + x`). */
  readonly cellColor: (index: number) => PictureColor;
  /** Radius of the ring around the goal, world pixels (0: no ring). */
  readonly goalRadius: number;
  /** Standard deviation of the world's dot, world pixels: the dots are `max(1, dotSigma * scale)` picture pixels wide. */
  readonly dotSigma: number;
  readonly start?: TwoRoomsVector;
  readonly goal?: TwoRoomsVector;
  /** Flat x, y pairs, world pixels, finite and of even length. */
  readonly path?: ArrayLike<number>;
}

/**
 * Throws unless `scale` is an integer 1..32, `channels` 3 or 4 and `goalRadius` a finite number
 * >= 0, in that order, naming `where` (internal: the picture functions check their options with it).
 */
export function checkPictureSettings(scale: number, channels: number, goalRadius: number, where: string): void {
  if (!Number.isInteger(scale) || scale < 1 || scale > 32) throw new RangeError(`${where}: scale must be an integer in 1..32 (picture pixels per world pixel); got ${scale}.`);
  if (channels !== 3 && channels !== 4) throw new RangeError(`${where}: channels must be 3 (RGB) or 4 (RGBA); got ${String(channels)}.`);
  if (!(goalRadius >= 0) || !Number.isFinite(goalRadius)) throw new RangeError(`${where}: goalRadius must be a finite number >= 0 (world pixels); got ${goalRadius}.`);
}

/**
 * Throws unless `path` holds `[P, 2]` finite world coordinates (flat x, y pairs), naming `where`
 * (internal). With `objectsOnly`, a value that is not an object (null, a number, a string) is
 * refused with the same message as an odd length, as `drawFourRoomsPicture` does; without it the
 * value is read as it is, as `drawTwoRoomsPicture` always has.
 */
export function checkPicturePath(path: ArrayLike<number>, where: string, objectsOnly = false): void {
  if ((objectsOnly && (path === null || typeof path !== 'object')) || path.length % 2 !== 0) {
    throw new RangeError(`${where}: path must be [P, 2] (flat x, y pairs, world pixels); got ${path?.length} values.`);
  }
  for (let i = 0; i < path.length; i++) {
    if (!Number.isFinite(path[i])) throw new RangeError(`${where}: path point ${Math.floor(i / 2)} must be finite world pixels; got ${path[i]}.`);
  }
}

/**
 * A top-down picture of the world grid (internal: `drawTwoRoomsPicture` and `drawFourRoomsPicture`
 * draw with it): each world pixel becomes a `scale x scale` block of its `cellColor`, then the
 * path (a line of discs, its last point a dark dot), the goal ring, and the goal and start dots on
 * top. Arguments are trusted.
 *
 * @returns the picture, `worldSize * scale` pixels square.
 */
export function drawWorldPicture(spec: WorldPictureSpec): WorldPicture {
  const { worldSize, scale, channels, cellColor, goalRadius, goal, start, path } = spec;
  const colors = WORLD_PICTURE_COLORS;
  const size = worldSize * scale;
  const data = new Uint8Array(size * size * channels);
  const put = (px: number, py: number, color: PictureColor) => {
    if (px < 0 || py < 0 || px >= size || py >= size) return;
    const o = (py * size + px) * channels;
    data[o] = color[0];
    data[o + 1] = color[1];
    data[o + 2] = color[2];
    if (channels === 4) data[o + 3] = 255;
  };
  // Picture coordinates of a world point: world pixel c spans picture pixels [c * scale, (c + 1) * scale).
  const toPicture = (value: number) => (value + 0.5) * scale;
  const disc = (cx: number, cy: number, radius: number, color: PictureColor) => {
    for (let py = Math.floor(cy - radius); py <= Math.ceil(cy + radius); py++) {
      for (let px = Math.floor(cx - radius); px <= Math.ceil(cx + radius); px++) {
        if ((px + 0.5 - cx) ** 2 + (py + 0.5 - cy) ** 2 <= radius * radius) put(px, py, color);
      }
    }
  };

  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) put(px, py, cellColor(Math.floor(py / scale) * worldSize + Math.floor(px / scale)));
  }

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

  const dotRadius = Math.max(1, spec.dotSigma * scale);
  if (path !== undefined) {
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
