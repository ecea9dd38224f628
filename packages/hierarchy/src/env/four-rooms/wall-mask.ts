import { checkTwoRoomsImageSize, coveredPixelRange } from '../two-rooms/image-grid.js';
import { checkFourRoomsLayout, type FourRoomsLayout } from './layout.js';
import { FOUR_ROOMS_DOORS, FOUR_ROOMS_WORLD } from './world.js';

/** Value of a wall pixel in {@link renderFourRoomsWallMap}. */
export const FOUR_ROOMS_WALL = 1;
/** Value of a pixel of the closed door in {@link renderFourRoomsWallMap} (wall in the frames; pictures colour it apart). */
export const FOUR_ROOMS_CLOSED_DOOR = 2;

/**
 * The walls of a Four Rooms layout as a map, row-major `[imageSize, imageSize]` (row = y, column
 * = x): 0 free, {@link FOUR_ROOMS_WALL} on the two 3-px walls (`x` or `y` in `[31, 33]`) outside the
 * open doors and on the four 1-px border lines (rows / columns 4 and 60), and
 * {@link FOUR_ROOMS_CLOSED_DOOR} where the closed door fills its wall. An open door is a gap of 9
 * pixels (`p - 4 .. p + 4`) at 65 px. On other grids each structure covers the pixels its world
 * interval covers at least half (`coveredPixelRange`, as the Two Rooms mask), so walls and lines
 * stay at least one pixel wide and open doors stay open.
 *
 * The reference draws its border 4 px wide and its doors in the background colour; the closed
 * door is wall there too.
 *
 * @returns a new `Uint8Array` of `imageSize * imageSize` values 0, 1 or 2.
 */
export function renderFourRoomsWallMap(layout: FourRoomsLayout, imageSize: number): Uint8Array {
  return cachedFourRoomsWallMap(layout, imageSize, 'renderFourRoomsWallMap').slice();
}

/** The wall channel as a 0/1 mask (`renderFourRoomsWallMap` with the closed door as plain wall). */
export function renderFourRoomsWallMask(layout: FourRoomsLayout, imageSize: number): Uint8Array {
  return cachedFourRoomsWallMap(layout, imageSize, 'renderFourRoomsWallMask').map((value) => (value ? 1 : 0));
}

const cache = new Map<string, Uint8Array>();
const CACHE_LIMIT = 1024;

/** The map of {@link renderFourRoomsWallMap}, cached per (size, layout); callers must not write to it (internal). */
export function cachedFourRoomsWallMap(layout: FourRoomsLayout, imageSize: number, where: string): Uint8Array {
  const positions = layout?.doors?.positions;
  const key = `${imageSize}/${layout?.closedDoor}/${positions?.top}/${positions?.bottom}/${positions?.left}/${positions?.right}/${layout?.doors?.halfSize}`;
  let map = cache.get(key);
  if (map === undefined) {
    checkFourRoomsLayout(layout, where);
    checkTwoRoomsImageSize(imageSize, where);
    map = computeWallMap(layout, imageSize);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, map);
  }
  return map;
}

function computeWallMap(layout: FourRoomsLayout, size: number): Uint8Array {
  const { borderLow, borderHigh, wallCentre, wallHalfWidth } = FOUR_ROOMS_WORLD;
  const map = new Uint8Array(size * size);
  // World pixel c covers [c - 0.5, c + 0.5]: the walls' 3 pixels span [wallCentre - 1.5, wallCentre + 1.5].
  const band = coveredPixelRange(wallCentre - wallHalfWidth - 0.5, wallCentre + wallHalfWidth + 0.5, size);
  if (band) {
    // Along each wall (index `a` runs along it), which pixels are door: open (skip) or closed (mark).
    const along = new Uint8Array(size); // per wall: 0 wall, 1 open door, 2 closed door
    for (const vertical of [true, false]) {
      along.fill(0);
      for (const door of FOUR_ROOMS_DOORS) {
        if ((door === 'top' || door === 'bottom') !== vertical) continue;
        const p = layout.doors.positions[door];
        const range = coveredPixelRange(p - layout.doors.halfSize - 0.5, p + layout.doors.halfSize + 0.5, size);
        if (!range) continue;
        for (let a = range[0]; a <= range[1]; a++) along[a] = layout.closedDoor === door ? 2 : 1;
      }
      for (let a = 0; a < size; a++) {
        if (along[a] === 1) continue;
        const value = along[a] === 2 ? FOUR_ROOMS_CLOSED_DOOR : FOUR_ROOMS_WALL;
        for (let b = band[0]; b <= band[1]; b++) {
          const index = vertical ? a * size + b : b * size + a; // vertical: row a, column b
          if (map[index] === 0) map[index] = value;
        }
      }
    }
  }
  for (const c of [borderLow, borderHigh]) {
    const line = coveredPixelRange(c - 0.5, c + 0.5, size);
    if (!line) continue;
    for (let a = line[0]; a <= line[1]; a++) {
      for (let b = 0; b < size; b++) {
        map[a * size + b] = FOUR_ROOMS_WALL; // a row
        map[b * size + a] = FOUR_ROOMS_WALL; // a column
      }
    }
  }
  return map;
}
