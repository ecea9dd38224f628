import { checkTwoRoomsImageSize } from '../two-rooms/image-grid.js';
import { drawDotAndWallFrames } from '../two-rooms/render-frames.js';
import { FOUR_ROOMS_DEFAULT_DOORS, fourRoomsLayoutFromCode, fourRoomsLayoutCode, type FourRoomsDoorGeometry, type FourRoomsLayout } from './layout.js';
import { cachedFourRoomsWallMap } from './wall-mask.js';
import { FOUR_ROOMS_WORLD } from './world.js';

/** What {@link renderFourRoomsFrames} draws. */
export interface FourRoomsFramesRequest {
  /** Dot positions `[F, 2]` (x, y), world pixels; one frame per position. */
  readonly positions: ArrayLike<number>;
  /**
   * Layout codes `[G]` (`fourRoomsLayoutCode`: -1 no closed door, 0 top, 1 bottom, 2 left,
   * 3 right), with `G` dividing `F`: frame `f` uses code `floor(f / (F / G))`. So pass one code for
   * all frames, one per window of a batch of equal-length windows, or one per frame.
   */
  readonly layouts: ArrayLike<number>;
  /** Door geometry shared by all frames (default the reference's, `FOUR_ROOMS_DEFAULT_DOORS`). */
  readonly doors?: FourRoomsDoorGeometry;
  /** Image side in pixels (default 65, the world grid; 64 and 32 work, any in 16..1024). */
  readonly imageSize?: number;
  /** Apply the Two Rooms normalisation (default true); false gives raw values 0..255. */
  readonly normalize?: boolean;
  /** Where to write, `[F, imageSize, imageSize, 2]`; a new array when absent. A subarray works. */
  readonly out?: Float32Array;
}

/** Options of {@link renderFourRoomsFrame}. */
export interface FourRoomsFrameOptions {
  /** Image side in pixels (default 65). */
  readonly imageSize?: number;
  /** Apply the Two Rooms normalisation (default true). */
  readonly normalize?: boolean;
  /** Where to write, `[imageSize, imageSize, 2]`; a new array when absent. */
  readonly out?: Float32Array;
}

/**
 * Renders Four Rooms observations in the Two Rooms frame format, channels-last, into one
 * `Float32Array` `[F, S, S, 2]` (`S = imageSize`), with the same code as `renderTwoRoomsFrames`:
 *
 * - channel 0, the dot: `floor(255 * exp(-|c - p|^2 / (2 sigma^2)))` at every pixel centre `c`,
 *   `sigma = 1.3` world pixels, positions and sigma scaled by `S / 65` on an `S`-pixel grid;
 * - channel 1, the walls: 255 on the walls, the closed door and the border lines
 *   (`renderFourRoomsWallMap`), 0 elsewhere (open doors included);
 * - then, unless `normalize` is false, per frame and channel `(x - min) / (max - min + 1e-6)`
 *   followed by `(x - mean) / (std + 1e-6)` with the Two Rooms constants (`TWO_ROOMS_FRAME_MEAN`,
 *   `TWO_ROOMS_FRAME_STD`), so an encoder sees both environments on one scale.
 *
 * The reference renders RGB at 224 px with a dot of std `agent_radius`; here only the layout
 * geometry is the reference's. Pure TypeScript; wall maps are cached per layout and size.
 *
 * @returns `request.out` (or a new array) holding the frames.
 */
export function renderFourRoomsFrames(request: FourRoomsFramesRequest): Float32Array {
  const { positions, layouts, doors = FOUR_ROOMS_DEFAULT_DOORS, imageSize = FOUR_ROOMS_WORLD.size, normalize = true } = request;
  const where = 'renderFourRoomsFrames';
  checkTwoRoomsImageSize(imageSize, where);
  if (positions === null || typeof positions !== 'object' || positions.length % 2 !== 0) {
    throw new RangeError(`${where}: positions must be [F, 2] (x, y pairs, world pixels); got ${positions?.length} values.`);
  }
  const frameCount = positions.length / 2;
  const layoutCount = layouts?.length ?? 0;
  if (layoutCount < 1 || frameCount % layoutCount !== 0) {
    throw new RangeError(
      `${where}: layouts must be [G] layout codes (-1..3) with G dividing the ${frameCount} frames (one code, one per window or one per frame); got ${layoutCount} codes.`,
    );
  }
  const maskOf = (index: number) => {
    const at = `${where} (layout ${index})`;
    return cachedFourRoomsWallMap(fourRoomsLayoutFromCode(layouts[index]!, doors, at), imageSize, at);
  };
  return drawDotAndWallFrames({ positions, layoutCount, maskOf, imageSize, normalize, out: request.out, where });
}

/**
 * One observation `[S, S, 2]` of the dot at `position` (world pixels) in `layout`; see
 * {@link renderFourRoomsFrames} for what is drawn and how it is normalised.
 */
export function renderFourRoomsFrame(layout: FourRoomsLayout, position: ArrayLike<number>, options: FourRoomsFrameOptions = {}): Float32Array {
  if (position === null || typeof position !== 'object' || position.length !== 2) {
    throw new TypeError('renderFourRoomsFrame: position must be [x, y] in world pixels.');
  }
  if (layout === null || typeof layout !== 'object') {
    throw new TypeError(`renderFourRoomsFrame: layout must be an object { closedDoor, doors }; got ${String(layout)}.`);
  }
  return renderFourRoomsFrames({ ...options, positions: position, layouts: [fourRoomsLayoutCode(layout)], doors: layout.doors });
}
