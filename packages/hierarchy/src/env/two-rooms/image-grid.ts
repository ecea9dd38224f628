import { TWO_ROOMS_WORLD } from './world.js';

/** Smallest image side the renderer accepts (below it the dot can fall between pixel centres). */
export const TWO_ROOMS_MIN_IMAGE_SIZE = 16;

/**
 * Throws unless `imageSize` is an integer image side the renderer supports (16..1024; 65 is the
 * reference, 64 and 32 are the usual smaller grids). `where` names the caller in the message.
 */
export function checkTwoRoomsImageSize(imageSize: number, where: string): void {
  if (!Number.isInteger(imageSize) || imageSize < TWO_ROOMS_MIN_IMAGE_SIZE || imageSize > 1024) {
    throw new RangeError(
      `${where}: imageSize must be an integer in ${TWO_ROOMS_MIN_IMAGE_SIZE}..1024 pixels (65 is the reference grid; 64 and 32 are common); got ${imageSize}.`,
    );
  }
}

/**
 * World pixels per image pixel for an `imageSize`-pixel image: `65 / imageSize`. Every image
 * pixel covers the same square of the 65 x 65 world (pixel `i` covers world
 * `[i * scale - 0.5, (i + 1) * scale - 0.5]`), so at 65 the image grid is the reference's grid.
 */
export function twoRoomsPixelScale(imageSize: number): number {
  return TWO_ROOMS_WORLD.size / imageSize;
}

/**
 * A world coordinate (world pixels) as an image coordinate (pixels of an `imageSize` image, pixel
 * centres at integers): `(value + 0.5) / scale - 0.5`. The identity at 65.
 */
export function worldToImageCoordinate(value: number, imageSize: number): number {
  return (value + 0.5) / twoRoomsPixelScale(imageSize) - 0.5;
}

/**
 * The image pixels (rows or columns) that draw the world interval `[low, high]` (world pixels) on
 * an `imageSize` grid: those at least half covered by it, or, if none is (a structure thinner than
 * half a pixel), the one that is covered most. So a 1-px border line or the 3-px wall is never
 * lost at 32 pixels, and at 65 a world pixel's interval `[c - 0.5, c + 0.5]` draws exactly pixel `c`.
 *
 * @returns `[first, last]`, inclusive pixel indices, clipped to the image; `undefined` when the
 *   interval lies outside the image.
 */
export function coveredPixelRange(low: number, high: number, imageSize: number): [first: number, last: number] | undefined {
  const scale = twoRoomsPixelScale(imageSize);
  // Pixel i covers [i * scale - 0.5, (i + 1) * scale - 0.5].
  const firstTouched = Math.max(0, Math.floor((low + 0.5) / scale));
  const lastTouched = Math.min(imageSize - 1, Math.ceil((high + 0.5) / scale) - 1);
  if (firstTouched > lastTouched) return undefined;
  let first = -1;
  let last = -1;
  let best = firstTouched;
  let bestOverlap = -1;
  for (let i = firstTouched; i <= lastTouched; i++) {
    const overlap = Math.min(high, (i + 1) * scale - 0.5) - Math.max(low, i * scale - 0.5);
    if (overlap > bestOverlap) {
      bestOverlap = overlap;
      best = i;
    }
    if (overlap >= 0.5 * scale - 1e-9) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (bestOverlap <= 0) return undefined;
  return first >= 0 ? [first, last] : [best, best];
}
