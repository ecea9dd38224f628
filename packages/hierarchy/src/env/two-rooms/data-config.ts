/**
 * Settings of the Two Rooms data generator (eb_jepa `WallDataset` with `data_config.yaml`); the
 * defaults, {@link TWO_ROOMS_DATA_DEFAULTS}, are the reference's.
 */
export interface TwoRoomsDataConfig {
  /** Actions per trajectory `T`; `T + 1` positions (reference: `n_steps = 91` positions, 90 actions). */
  readonly steps: number;
  /** Probability that a trajectory is built to cross the door (`cross_wall_rate = 0.35`). */
  readonly crossWallRate: number;
  /** Von Mises concentration of the heading change per step (`1 / action_angle_noise = 1 / 0.2 = 5`). */
  readonly headingConcentration: number;
  /** Step lengths are a normal truncated to `[stepLengthMin, stepLengthMax]`, world pixels: mean 1.0. */
  readonly stepLengthMean: number;
  /** Standard deviation of the untruncated step-length normal (0.4), world pixels. */
  readonly stepLengthStd: number;
  /** Shortest step (0.2), world pixels. */
  readonly stepLengthMin: number;
  /** Longest step (1.8), world pixels. */
  readonly stepLengthMax: number;
  /** Standard deviation of the door point's y around `doorY`, truncated to the door (1.4), world pixels. */
  readonly doorPointStd: number;
  /**
   * Not in the reference (0 there, and by default): the probability that a trajectory that does not
   * cross the door is a held-action walk instead of a random walk (`sampleHeldActions`): segments of
   * `heldActionSteps` equal actions, each with a uniform heading and a length uniform in
   * `[stepLengthMin, heldActionMaxLength]`. Such walks press against walls for many steps, as a
   * planner that holds its actions does, which random walks rarely do.
   */
  readonly heldActionRate: number;
  /** Actions per held segment (default 15). */
  readonly heldActionSteps: number;
  /** Longest held action (default 2.45, the planners' action bound), world pixels. */
  readonly heldActionMaxLength: number;
}

/** The reference's data-generation settings. */
export const TWO_ROOMS_DATA_DEFAULTS: TwoRoomsDataConfig = {
  steps: 90,
  crossWallRate: 0.35,
  headingConcentration: 5,
  stepLengthMean: 1,
  stepLengthStd: 0.4,
  stepLengthMin: 0.2,
  stepLengthMax: 1.8,
  doorPointStd: 1.4,
  heldActionRate: 0,
  heldActionSteps: 15,
  heldActionMaxLength: 2.45,
};

/**
 * {@link TWO_ROOMS_DATA_DEFAULTS} overridden by the defined fields of `overrides`, checked; the
 * message names `where` and the field to fix.
 */
export function resolveTwoRoomsDataConfig(overrides: Partial<TwoRoomsDataConfig>, where: string): TwoRoomsDataConfig {
  const config: TwoRoomsDataConfig = { ...TWO_ROOMS_DATA_DEFAULTS };
  for (const key of Object.keys(TWO_ROOMS_DATA_DEFAULTS) as Array<keyof TwoRoomsDataConfig>) {
    const value = overrides[key];
    if (value !== undefined) (config as Record<keyof TwoRoomsDataConfig, number>)[key] = value;
  }
  const fail = (message: string): never => {
    throw new RangeError(`${where}: ${message}`);
  };
  if (!Number.isInteger(config.steps) || config.steps < 1) fail(`steps must be a positive integer (actions per trajectory; the reference uses 90); got ${config.steps}.`);
  if (!(config.crossWallRate >= 0 && config.crossWallRate <= 1)) fail(`crossWallRate must be a probability in [0, 1]; got ${config.crossWallRate}.`);
  if (!(config.headingConcentration >= 0) || !Number.isFinite(config.headingConcentration)) {
    fail(`headingConcentration must be a finite number >= 0 (0 is a uniformly random heading each step); got ${config.headingConcentration}.`);
  }
  if (!(config.stepLengthStd > 0) || !Number.isFinite(config.stepLengthStd)) fail(`stepLengthStd must be a finite number > 0; got ${config.stepLengthStd}.`);
  if (!(config.stepLengthMin >= 0 && config.stepLengthMin < config.stepLengthMax && Number.isFinite(config.stepLengthMax))) {
    fail(`need 0 <= stepLengthMin < stepLengthMax (finite, world pixels); got ${config.stepLengthMin} and ${config.stepLengthMax}.`);
  }
  if (!Number.isFinite(config.stepLengthMean)) fail(`stepLengthMean must be finite; got ${config.stepLengthMean}.`);
  if (!(config.doorPointStd > 0) || !Number.isFinite(config.doorPointStd)) fail(`doorPointStd must be a finite number > 0; got ${config.doorPointStd}.`);
  if (!(config.heldActionRate >= 0 && config.heldActionRate <= 1)) fail(`heldActionRate must be a probability in [0, 1]; got ${config.heldActionRate}.`);
  if (!Number.isInteger(config.heldActionSteps) || config.heldActionSteps < 1) fail(`heldActionSteps must be a positive integer; got ${config.heldActionSteps}.`);
  if (!(config.heldActionMaxLength >= config.stepLengthMin) || !Number.isFinite(config.heldActionMaxLength)) {
    fail(`heldActionMaxLength must be finite and at least stepLengthMin (${config.stepLengthMin}); got ${config.heldActionMaxLength}.`);
  }
  return config;
}
