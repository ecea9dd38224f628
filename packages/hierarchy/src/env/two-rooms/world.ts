/**
 * The Two Rooms world of eb_jepa (`eb_jepa/datasets/two_rooms`), in world pixels: the reference's
 * 65 x 65 image grid, pixel centres at integer coordinates 0..64, `x` the column, `y` the row
 * (so `y` grows downwards in pictures). The agent is a point; a vertical 3-px wall with a door
 * splits the square inside the borders into a left and a right room.
 */
export const TWO_ROOMS_WORLD = {
  /** Side of the reference image, world pixels (`img_size = 65`). */
  size: 65,
  /** The border lines `x = 4`, `y = 4` (the free interior is `(4, 60)^2`). */
  borderLow: 4,
  /** The border lines `x = 60`, `y = 60`. */
  borderHigh: 60,
  /** The wall is the band `x in [wallX - 1, wallX + 1]` (`wall_width = 3`, drawn as 3 columns). */
  wallHalfWidth: 1,
  /** The door is the opening `y in [doorY - 4, doorY + 4]` of the wall (`door_space = 4`, 9 rows). */
  doorHalfHeight: 4,
  /** Smallest wall position `wallX` (integers, `range(20, 45)`: 25 values). */
  wallXMin: 20,
  /** Largest wall position `wallX`. */
  wallXMax: 44,
  /** Smallest door centre `doorY` (integers, `range(10, 55)`: 45 values). */
  doorYMin: 10,
  /** Largest door centre `doorY`. */
  doorYMax: 54,
  /** Standard deviation of the rendered Gaussian dot, world pixels (`dot_std`). */
  dotSigma: 1.3,
  /**
   * Largest action norm the planners allow (`max_step_norm`, the CEM clipping radius). The
   * environment itself never clips an action, as in the reference.
   */
  maxActionNorm: 2.45,
  /** An episode succeeds when the final distance to the goal is below this, world pixels. */
  successDistance: 4.5,
  /** Standard deviation of the contact noise of the evaluation collision model, world pixels. */
  contactNoiseStd: 0.5,
  /** Distance the evaluation collision model keeps from a barrier after clamping, world pixels. */
  contactMargin: 0.3,
} as const;

/**
 * A point or a displacement in world pixels: `[x, y]` (x the column, y the row). Positions and
 * actions both use it; an action is the displacement added to the position.
 */
export type TwoRoomsVector = readonly [x: number, y: number];
