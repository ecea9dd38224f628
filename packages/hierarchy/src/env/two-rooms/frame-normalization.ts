/**
 * The reference's per-channel image statistics (`Normalizer.state_mean` / `state_std`), applied
 * after a per-frame min-max to `[0, 1]`: channel 0 the dot, channel 1 the walls.
 */
export const TWO_ROOMS_FRAME_MEAN: readonly [dot: number, wall: number] = [0.0026, 0.0989];
/** See {@link TWO_ROOMS_FRAME_MEAN}. */
export const TWO_ROOMS_FRAME_STD: readonly [dot: number, wall: number] = [0.0369, 0.2986];
/** The reference's position statistics, world pixels (`Normalizer.location_mean` / `location_std`); used by position probes. */
export const TWO_ROOMS_POSITION_MEAN: readonly [x: number, y: number] = [31.5863, 32.0618];
/** See {@link TWO_ROOMS_POSITION_MEAN}. */
export const TWO_ROOMS_POSITION_STD: readonly [x: number, y: number] = [16.1025, 16.1353];

/** The epsilon of the reference normaliser, in both the min-max and the standardisation. */
const EPSILON = 1e-6;

/**
 * The reference normalisation (`Normalizer.normalize_state`) of one channel value, given that
 * channel's minimum and maximum over the frame: `((value - min) / (max - min + 1e-6) - mean) / (std + 1e-6)`.
 */
export function normalizeTwoRoomsValue(value: number, min: number, max: number, channel: 0 | 1): number {
  return ((value - min) / (max - min + EPSILON) - TWO_ROOMS_FRAME_MEAN[channel]) / (TWO_ROOMS_FRAME_STD[channel] + EPSILON);
}

/**
 * Normalises raw frames in place as the reference does before encoding: per frame and per
 * channel, min-max to `[0, 1]` (`(x - min) / (max - min + 1e-6)`), then standardise with
 * {@link TWO_ROOMS_FRAME_MEAN} and {@link TWO_ROOMS_FRAME_STD}.
 *
 * @param frames raw frames `[F, imageSize, imageSize, 2]` channels-last (values 0..255 as rendered
 *   by `renderTwoRoomsFrames` with `normalize: false`).
 * @param imageSize the image side.
 * @returns `frames`.
 */
export function normalizeTwoRoomsFrames(frames: Float32Array, imageSize: number): Float32Array {
  const frameLength = imageSize * imageSize * 2;
  if (!Number.isInteger(imageSize) || imageSize < 1 || frames.length % frameLength !== 0) {
    throw new RangeError(
      `normalizeTwoRoomsFrames: frames must be [F, ${imageSize}, ${imageSize}, 2] (a multiple of ${frameLength} values); got ${frames.length} values.`,
    );
  }
  for (let offset = 0; offset < frames.length; offset += frameLength) {
    for (const channel of [0, 1] as const) {
      let min = Infinity;
      let max = -Infinity;
      for (let i = offset + channel; i < offset + frameLength; i += 2) {
        const value = frames[i]!;
        if (value < min) min = value;
        if (value > max) max = value;
      }
      for (let i = offset + channel; i < offset + frameLength; i += 2) frames[i] = normalizeTwoRoomsValue(frames[i]!, min, max, channel);
    }
  }
  return frames;
}

/**
 * Positions `[P, 2]` (world pixels) standardised with the reference's position statistics, as its
 * position probe sees them: `(position - mean) / (std + 1e-6)`.
 *
 * @returns a new `Float32Array` `[P, 2]`.
 */
export function normalizeTwoRoomsPositions(positions: ArrayLike<number>): Float32Array {
  if (positions.length % 2 !== 0) {
    throw new RangeError(`normalizeTwoRoomsPositions: positions must be [P, 2] (x, y pairs); got ${positions.length} values.`);
  }
  const out = new Float32Array(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const axis = i % 2;
    out[i] = (positions[i]! - TWO_ROOMS_POSITION_MEAN[axis]!) / (TWO_ROOMS_POSITION_STD[axis]! + EPSILON);
  }
  return out;
}
