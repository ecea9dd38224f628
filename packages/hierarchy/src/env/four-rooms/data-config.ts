import { FOUR_ROOMS_EXPLORE_DEFAULTS, resolveFourRoomsExploreConfig, type FourRoomsExploreConfig } from './explore.js';
import { FOUR_ROOMS_WORLD } from './world.js';

/**
 * Settings of the Four Rooms data generator: H-JEPA's collection config
 * (`scripts/data/config/fourroom_tp35_d1.yaml`) without distractors; the defaults,
 * {@link FOUR_ROOMS_DATA_DEFAULTS}, are its values.
 */
export interface FourRoomsDataConfig {
  /**
   * Actions per trajectory `T`; `T + 1` positions. Default 90, as Two Rooms: about 150 px of travel
   * at 1.75 px per step, several rooms' worth (H-JEPA records fixed 400-step episodes at 0.71 px per
   * scaled step and trains on short windows of them).
   */
  readonly steps: number;
  /** Share of expert trajectories, the rest exploration (the collection mixture's 0.5 / 0.5). */
  readonly expertShare: number;
  /** Probability that a trajectory's layout has a closed door (`close_door_prob = 0.5`). */
  readonly closeDoorProb: number;
  /** The expert's per-coordinate action noise, in agent speeds (`action_noise = 1.0`). */
  readonly expertActionNoise: number;
  /** The expert's probability of repeating its previous action (`action_repeat_prob = 0.05`). */
  readonly expertRepeatProb: number;
  /** The exploration controller's settings (H-JEPA's `explore` params by default). */
  readonly explore: FourRoomsExploreConfig;
}

/** H-JEPA's collection settings, scaled. */
export const FOUR_ROOMS_DATA_DEFAULTS: FourRoomsDataConfig = {
  steps: 90,
  expertShare: 0.5,
  closeDoorProb: FOUR_ROOMS_WORLD.closeDoorProb,
  expertActionNoise: 1,
  expertRepeatProb: 0.05,
  explore: FOUR_ROOMS_EXPLORE_DEFAULTS,
};

/** Overrides of {@link FourRoomsDataConfig}: any field, `explore` field by field. */
export type FourRoomsDataOverrides = Partial<Omit<FourRoomsDataConfig, 'explore'>> & {
  /** Exploration settings to override, field by field. */
  readonly explore?: Partial<FourRoomsExploreConfig>;
};

/**
 * {@link FOUR_ROOMS_DATA_DEFAULTS} overridden by the defined fields of `overrides`, checked; the
 * message names `where` and the field to fix.
 */
export function resolveFourRoomsDataConfig(overrides: FourRoomsDataOverrides, where: string): FourRoomsDataConfig {
  const pick = <K extends keyof FourRoomsDataConfig>(key: K): FourRoomsDataConfig[K] =>
    (overrides[key as keyof FourRoomsDataOverrides] as FourRoomsDataConfig[K] | undefined) ?? FOUR_ROOMS_DATA_DEFAULTS[key];
  const config: FourRoomsDataConfig = {
    steps: pick('steps'),
    expertShare: pick('expertShare'),
    closeDoorProb: pick('closeDoorProb'),
    expertActionNoise: pick('expertActionNoise'),
    expertRepeatProb: pick('expertRepeatProb'),
    explore: resolveFourRoomsExploreConfig(overrides.explore ?? {}, where),
  };
  const fail = (message: string): never => {
    throw new RangeError(`${where}: ${message}`);
  };
  if (!Number.isInteger(config.steps) || config.steps < 1) fail(`steps must be a positive integer (actions per trajectory; default 90); got ${config.steps}.`);
  for (const key of ['expertShare', 'closeDoorProb', 'expertRepeatProb'] as const) {
    if (!(config[key] >= 0 && config[key] <= 1)) fail(`${key} must be a probability in [0, 1]; got ${config[key]}.`);
  }
  if (!(config.expertActionNoise >= 0) || !Number.isFinite(config.expertActionNoise)) {
    fail(`expertActionNoise must be a finite number >= 0 (in agent speeds; H-JEPA uses 1.0); got ${config.expertActionNoise}.`);
  }
  return config;
}
