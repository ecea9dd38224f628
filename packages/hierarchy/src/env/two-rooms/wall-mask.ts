import { checkTwoRoomsLayout, type TwoRoomsLayout } from './layout.js';
import { checkTwoRoomsImageSize, coveredPixelRange } from './image-grid.js';
import { TWO_ROOMS_WORLD } from './world.js';

/**
 * The wall channel of a Two Rooms frame as a 0/1 mask, row-major `[imageSize, imageSize]` (row =
 * y, column = x): the 3-px wall band minus the 9-px door, plus the four 1-px border lines. At 65
 * pixels it is the reference's `render_walls` exactly (wall columns `wallX-1..wallX+1` where
 * `|y - doorY| > 4`, and rows/columns 4 and 60); on other grids each structure covers the pixels
 * that its world interval covers at least half (see {@link coveredPixelRange}), so lines and the
 * wall stay at least one pixel wide and the door stays open.
 *
 * @returns a new `Uint8Array` of `imageSize * imageSize` zeros and ones.
 */
export function renderTwoRoomsWallMask(layout: TwoRoomsLayout, imageSize: number): Uint8Array {
  return cachedWallMask(layout, imageSize, 'renderTwoRoomsWallMask').slice();
}

const cache = new Map<string, Uint8Array>();
const CACHE_LIMIT = 4096;

/** The mask of {@link renderTwoRoomsWallMask}, cached per (size, layout); callers must not write to it (internal). */
export function cachedWallMask(layout: TwoRoomsLayout, imageSize: number, where: string): Uint8Array {
  const key = `${imageSize}/${layout?.wallX}/${layout?.doorY}`;
  let mask = cache.get(key);
  if (mask === undefined) {
    checkTwoRoomsLayout(layout, where);
    checkTwoRoomsImageSize(imageSize, where);
    mask = computeWallMask(layout, imageSize);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, mask);
  }
  return mask;
}

function computeWallMask(layout: TwoRoomsLayout, size: number): Uint8Array {
  const { borderLow, borderHigh, wallHalfWidth, doorHalfHeight } = TWO_ROOMS_WORLD;
  const mask = new Uint8Array(size * size);
  // World pixel c covers [c - 0.5, c + 0.5]: the wall's 3 columns span [wallX - 1.5, wallX + 1.5].
  const wallColumns = coveredPixelRange(layout.wallX - wallHalfWidth - 0.5, layout.wallX + wallHalfWidth + 0.5, size);
  const doorRows = coveredPixelRange(layout.doorY - doorHalfHeight - 0.5, layout.doorY + doorHalfHeight + 0.5, size);
  const lines = [borderLow, borderHigh].map((c) => coveredPixelRange(c - 0.5, c + 0.5, size));
  if (wallColumns) {
    for (let row = 0; row < size; row++) {
      if (doorRows && row >= doorRows[0] && row <= doorRows[1]) continue;
      for (let column = wallColumns[0]; column <= wallColumns[1]; column++) mask[row * size + column] = 1;
    }
  }
  for (const line of lines) {
    if (!line) continue;
    for (let a = line[0]; a <= line[1]; a++) {
      for (let b = 0; b < size; b++) {
        mask[a * size + b] = 1; // a row
        mask[b * size + a] = 1; // a column
      }
    }
  }
  return mask;
}
