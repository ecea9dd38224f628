import { sampleNormal, uniformRange, type UniformSource } from '@jepa/core/random';
import { FOUR_ROOMS_WORLD, type FourRoomsVector } from './world.js';

/**
 * Settings of the smooth exploration controller (stable_worldmodel's `ExploreControllerConfig`).
 * Speeds are in units of the agent speed (1 = 1.75 px per step), angles in radians per step.
 */
export interface FourRoomsExploreConfig {
  /** Mean speed the speed reverts to. */
  readonly speedMean: number;
  /** Standard deviation of the speed noise per step. */
  readonly speedNoiseStd: number;
  /** Speed autocorrelation per step: `speed <- mean + a * (speed - mean) + noise`. */
  readonly speedAutocorr: number;
  /** Lowest speed; the speed is clamped to `[speedMin, speedMax]`. */
  readonly speedMin: number;
  /** Highest speed. */
  readonly speedMax: number;
  /** Turn-rate autocorrelation per step. */
  readonly turnAutocorr: number;
  /** Standard deviation of the turn-rate noise per step, radians. */
  readonly turnNoiseStd: number;
  /** Gain pulling the heading towards the target heading. */
  readonly targetHeadingGain: number;
  /**
   * Mean steps between new target headings (a new one with probability `1 - exp(-1 / tau)` per
   * step, the reference's `'poisson'` mode); `null` never switches.
   */
  readonly switchTau: number | null;
  /** Largest turn per step, radians. */
  readonly maxTurnRate: number;
  /** Largest action norm, in agent speeds. */
  readonly maxActionNorm: number;
  /** Standard deviation of the initial turn rate, radians per step. */
  readonly initialTurnRateStd: number;
}

/**
 * H-JEPA's ego exploration settings (`scripts/data/config/fourroom_tp35_d1.yaml`), the rest the
 * controller's defaults. They are per step and kept as they are; one of our steps covers about
 * 2.45x more of the world than one of H-JEPA's (1.75 px here, 2.5 ref px x 2/7 = 0.71 px there),
 * so paths curve 2.45x less per world pixel and reach walls sooner: an exploring agent, which
 * ignores walls, stands in a corner about a quarter of its steps while it turns away. Scale
 * `maxTurnRate`, `turnNoiseStd`, `targetHeadingGain` up and `switchTau` down by 2.45 to keep the
 * reference's path shapes instead.
 */
export const FOUR_ROOMS_EXPLORE_DEFAULTS: FourRoomsExploreConfig = {
  speedMean: 0.75,
  speedNoiseStd: 0.005,
  speedAutocorr: 0.95,
  speedMin: 0.05,
  speedMax: 1,
  turnAutocorr: 0.995,
  turnNoiseStd: 0.002,
  targetHeadingGain: 0.015,
  switchTau: 50,
  maxTurnRate: 0.08,
  maxActionNorm: 1,
  initialTurnRateStd: 0,
};

/**
 * {@link FOUR_ROOMS_EXPLORE_DEFAULTS} overridden by the defined fields of `overrides`, checked; the
 * message names `where` and the field to fix.
 */
export function resolveFourRoomsExploreConfig(overrides: Partial<FourRoomsExploreConfig> = {}, where = 'resolveFourRoomsExploreConfig'): FourRoomsExploreConfig {
  const config = { ...FOUR_ROOMS_EXPLORE_DEFAULTS } as Record<keyof FourRoomsExploreConfig, number | null>;
  for (const key of Object.keys(FOUR_ROOMS_EXPLORE_DEFAULTS) as Array<keyof FourRoomsExploreConfig>) {
    if (overrides[key] !== undefined) config[key] = overrides[key];
  }
  const resolved = config as unknown as FourRoomsExploreConfig;
  for (const key of Object.keys(FOUR_ROOMS_EXPLORE_DEFAULTS) as Array<keyof FourRoomsExploreConfig>) {
    const value = resolved[key];
    if (key === 'switchTau' && value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${where}: explore.${key} must be a finite number >= 0${key === 'switchTau' ? ' or null (never switch)' : ''}; got ${String(value)}.`);
    }
  }
  if (!(resolved.speedMin <= resolved.speedMax)) throw new RangeError(`${where}: explore.speedMin must not exceed explore.speedMax; got ${resolved.speedMin} and ${resolved.speedMax}.`);
  return resolved;
}

/** `angle` wrapped to `[-pi, pi)`, as the reference's `(angle + pi) % (2 pi) - pi` with a non-negative modulo. */
function wrapAngle(angle: number): number {
  const turn = 2 * Math.PI;
  const shifted = angle + Math.PI;
  return shifted - turn * Math.floor(shifted / turn) - Math.PI;
}

/**
 * The environment-unaware smooth stochastic exploration of the reference
 * (`ExploreActionController`, one actor, `'poisson'` switching): a heading that turns with an
 * autocorrelated, clipped turn rate pulled towards a target heading which is redrawn uniformly
 * every `switchTau` steps on average, and an autocorrelated speed. Each {@link next} returns
 * `speed * (cos heading, sin heading)`, norm-clipped to `maxActionNorm`, clipped to `[-1, 1]^2` and
 * scaled by the agent speed (1.75 px), as a displacement in world pixels.
 *
 * Draws (in order) at construction: heading, target heading (uniforms), turn rate and speed
 * (normals); per step: a uniform for the switch (when `switchTau` is set), a new target heading when
 * switching, then a normal each for turn and speed noise.
 */
export class FourRoomsExploreController {
  /** The resolved settings. */
  readonly config: FourRoomsExploreConfig;
  private readonly rng: UniformSource;
  private heading: number;
  private targetHeading: number;
  private turnRate: number;
  private speed: number;

  constructor(rng: UniformSource, config: Partial<FourRoomsExploreConfig> = {}) {
    if (rng === null || typeof rng !== 'object' || typeof rng.uniform !== 'function') {
      throw new TypeError('FourRoomsExploreController: rng must be a UniformSource (e.g. new Rng(seed) from @jepa/core/random).');
    }
    this.config = resolveFourRoomsExploreConfig(config, 'FourRoomsExploreController');
    this.rng = rng;
    const { initialTurnRateStd, speedMean, speedNoiseStd, speedMin, speedMax } = this.config;
    this.heading = uniformRange(rng, 0, 2 * Math.PI);
    this.targetHeading = uniformRange(rng, 0, 2 * Math.PI);
    this.turnRate = sampleNormal(rng, 0, initialTurnRateStd);
    this.speed = Math.min(speedMax, Math.max(speedMin, sampleNormal(rng, speedMean, speedNoiseStd)));
  }

  /** The next action: a displacement in world pixels, each coordinate in `[-1.75, 1.75]`. */
  next(): FourRoomsVector {
    const c = this.config;
    const rng = this.rng;
    if (c.switchTau !== null && c.switchTau > 0 && rng.uniform() < 1 - Math.exp(-1 / c.switchTau)) {
      this.targetHeading = uniformRange(rng, 0, 2 * Math.PI);
    }
    const error = wrapAngle(this.targetHeading - this.heading);
    const turn = c.turnAutocorr * this.turnRate + c.targetHeadingGain * error + sampleNormal(rng, 0, c.turnNoiseStd);
    this.turnRate = Math.min(c.maxTurnRate, Math.max(-c.maxTurnRate, turn));
    this.heading = wrapAngle(this.heading + this.turnRate);
    const speed = c.speedMean + c.speedAutocorr * (this.speed - c.speedMean) + sampleNormal(rng, 0, c.speedNoiseStd);
    this.speed = Math.min(c.speedMax, Math.max(c.speedMin, speed));
    let ax = Math.cos(this.heading) * this.speed;
    let ay = Math.sin(this.heading) * this.speed;
    const norm = Math.hypot(ax, ay);
    const scale = Math.min(1, Math.max(c.maxActionNorm, 1e-6) / Math.max(norm, 1e-6));
    ax = Math.min(1, Math.max(-1, ax * scale));
    ay = Math.min(1, Math.max(-1, ay * scale));
    return [ax * FOUR_ROOMS_WORLD.agentSpeed, ay * FOUR_ROOMS_WORLD.agentSpeed];
  }
}
