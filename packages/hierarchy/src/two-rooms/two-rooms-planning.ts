import type { Planner, PlanCost, WorldModel } from '@jepa/core';
import { Rng } from '@jepa/core';
import { TwoRoomsEpisode } from '../env/two-rooms/episode.js';
import type { TwoRoomsLayout } from '../env/two-rooms/layout.js';
import type { TwoRoomsVector } from '../env/two-rooms/world.js';
import { runMpcEpisode, type MpcEnvironment } from '../planning/run-mpc-episode.js';
import { simulatorWorldModel } from '../planning/simulator-world-model.js';
import type { LatentDistanceReduction } from '../planning/latent-distance-cost.js';
import type { FrameObservation } from '../model/action-conditioned-world-model.js';
import { encoderScoredCost } from './encoder-scored-cost.js';
import { twoRoomsOracleStep } from './two-rooms-oracle.js';
import { wilsonInterval } from './wilson-interval.js';

/** How Two Rooms episodes are planned and scored (the reference's protocol by default). */
export interface TwoRoomsPlanningOptions {
  readonly episodes: number;
  /** Seed of the episodes (tasks and contact noise) and of the planner's sampling. */
  readonly seed: number;
  /** Frame side the world model takes (ignored by the oracle). */
  readonly imageSize: number;
  /**
   * The planner, or a function that builds one per episode from its index and layout (e.g. a
   * hierarchical oracle, whose upper levels simulate that layout; see {@link twoRoomsOracleLevel}).
   */
  readonly planner: Planner | ((episode: TwoRoomsEpisodeSetup) => Planner);
  /** Actions per plan, or a function of the steps left (the reference: `min(90, stepsLeft)`). */
  readonly horizon: number | ((stepsLeft: number) => number);
  /** Actions executed from each plan before replanning. Default 1 (the reference). */
  readonly replanEvery?: number;
  /** Actions per episode. Default 200. */
  readonly plannedSteps?: number;
  /** Success radius around the goal, world pixels. Default 4.5. */
  readonly successDistance?: number;
  readonly cost?: PlanCost;
  /**
   * How the oracle (`model: 'oracle'`) scores simulated states: by squared distance between positions
   * (`cost`, default), or with `{ scoredBy }` as a learned model would: positions drawn as frames and
   * encoded by `scoredBy`'s encoder (see {@link encoderScoredCost}; `cost` is then not used).
   */
  readonly oracleCost?: 'position' | { readonly scoredBy: WorldModel<FrameObservation>; readonly reduction?: LatentDistanceReduction };
  /** The first episode's index (episodes are `first .. first + episodes - 1`). Default 0. */
  readonly firstEpisode?: number;
  /** Called after each episode (progress). */
  readonly onEpisode?: (result: TwoRoomsEpisodeResult, done: number, total: number) => void;
}

/** What a per-episode planner is built from. */
export interface TwoRoomsEpisodeSetup {
  readonly index: number;
  readonly layout: TwoRoomsLayout;
}

/** One planned episode. */
export interface TwoRoomsEpisodeResult {
  readonly index: number;
  readonly success: boolean;
  readonly finalDistance: number;
  readonly startDistance: number;
  readonly layout: TwoRoomsLayout;
  readonly start: TwoRoomsVector;
  readonly goal: TwoRoomsVector;
  /** `[steps + 1, 2]` positions after the zero-action step and after each executed action, world pixels. */
  readonly path: Float64Array;
  readonly plans: number;
  readonly rolloutCalls: number;
  readonly predictedSteps: number;
  readonly planningSeconds: number;
  readonly seconds: number;
}

/** What a set of episodes adds up to: success rate with its 95 % Wilson interval, distances, time and planning compute per episode. */
export interface TwoRoomsEpisodeSummary {
  readonly episodes: number;
  readonly successes: number;
  readonly successRate: number;
  readonly ci95: readonly [number, number];
  readonly meanFinalDistance: number;
  readonly meanStartDistance: number;
  readonly secondsPerEpisode: number;
  readonly planningSecondsPerEpisode: number;
  readonly plansPerEpisode: number;
  readonly predictedStepsPerEpisode: number;
  readonly rolloutCallsPerEpisode: number;
}

/** Adds up episode results (at least one). */
export function summarizeTwoRoomsEpisodes(results: readonly TwoRoomsEpisodeResult[]): TwoRoomsEpisodeSummary {
  if (results.length === 0) throw new RangeError('summarizeTwoRoomsEpisodes: no episode results to summarise.');
  const successes = results.filter((r) => r.success).length;
  const mean = (f: (r: TwoRoomsEpisodeResult) => number) => results.reduce((total, r) => total + f(r), 0) / results.length;
  return {
    episodes: results.length,
    successes,
    successRate: successes / results.length,
    ci95: wilsonInterval(successes, results.length),
    meanFinalDistance: mean((r) => r.finalDistance),
    meanStartDistance: mean((r) => r.startDistance),
    secondsPerEpisode: mean((r) => r.seconds),
    planningSecondsPerEpisode: mean((r) => r.planningSeconds),
    plansPerEpisode: mean((r) => r.plans),
    predictedStepsPerEpisode: mean((r) => r.predictedSteps),
    rolloutCallsPerEpisode: mean((r) => r.rolloutCalls),
  };
}

/** The result of {@link evaluateTwoRoomsPlanning}: the summary, the planner's name and every episode. */
export interface TwoRoomsPlanningReport extends TwoRoomsEpisodeSummary {
  readonly planner: string;
  readonly results: readonly TwoRoomsEpisodeResult[];
}

/**
 * Plans Two Rooms episodes as the reference evaluates them (`main_eval`): each episode draws a new
 * layout, a start in one room and a goal in the other, takes one zero-action step, then executes
 * `plannedSteps` planned actions under the evaluation collision model; it succeeds when the final
 * distance to the goal is below `successDistance`. With `model: 'oracle'` the planner plans through
 * the true simulator (positions as latents, contact noise off), so planner failures and model
 * failures can be told apart; with `oracleCost: { scoredBy }` it scores the simulated states with a
 * learned encoder, which tells the encoder's failures (the cost's shape) from the predictor's.
 */
export function evaluateTwoRoomsPlanning(model: WorldModel<FrameObservation> | 'oracle', options: TwoRoomsPlanningOptions): TwoRoomsPlanningReport {
  const { episodes, seed, imageSize } = options;
  if (!Number.isInteger(episodes) || episodes < 1) throw new RangeError(`evaluateTwoRoomsPlanning: episodes must be a positive integer, got ${episodes}.`);
  const plannedSteps = options.plannedSteps ?? 200;
  const results: TwoRoomsEpisodeResult[] = [];
  const first = options.firstEpisode ?? 0;
  let plannerName = '';
  for (let i = 0; i < episodes; i++) {
    const index = first + i;
    const started = performance.now();
    const episode = new TwoRoomsEpisode({ seed, imageSize, plannedSteps, successDistance: options.successDistance ?? 4.5 }).reset(index);
    const startDistance = episode.distanceToGoal;
    const layout = episode.layout;
    const planner = typeof options.planner === 'function' ? options.planner({ index, layout }) : options.planner;
    plannerName = planner.name;
    const rng = new Rng(seed).derive(`planner-${planner.name}`).derive(`episode-${index}`);
    const scoredBy = model === 'oracle' && typeof options.oracleCost === 'object' ? options.oracleCost : undefined;
    const cost = scoredBy ? encoderScoredCost({ model: scoredBy.scoredBy, layout, imageSize, ...(scoredBy.reduction ? { reduction: scoredBy.reduction } : {}) }) : options.cost;
    const common = { maxSteps: plannedSteps, horizon: options.horizon, replanEvery: options.replanEvery ?? 1, rng, planner, ...(cost ? { cost } : {}) };
    const step = (action: Float32Array) => void episode.step([action[0]!, action[1]!]);
    const run =
      model === 'oracle'
        ? runMpcEpisode<Float32Array>({
            ...common,
            model: simulatorWorldModel({
              stateDim: 2,
              actionDim: 2,
              step: twoRoomsOracleStep(layout),
            }),
            environment: { observe: () => Float32Array.from(episode.position), goalObservation: () => Float32Array.from(episode.goal), step, get done() { return episode.done; } } satisfies MpcEnvironment<Float32Array>,
          })
        : runMpcEpisode<FrameObservation>({
            ...common,
            model,
            environment: { observe: () => episode.observe(), goalObservation: () => episode.goalFrame(), step, get done() { return episode.done; } } satisfies MpcEnvironment<FrameObservation>,
          });
    const result: TwoRoomsEpisodeResult = {
      index,
      success: episode.success,
      finalDistance: episode.distanceToGoal,
      startDistance,
      layout,
      start: episode.start,
      goal: episode.goal,
      path: episode.path,
      plans: run.plans,
      rolloutCalls: run.rolloutCalls,
      predictedSteps: run.predictedSteps,
      planningSeconds: run.planningSeconds,
      seconds: (performance.now() - started) / 1000,
    };
    results.push(result);
    options.onEpisode?.(result, i + 1, episodes);
  }
  return {
    planner: model !== 'oracle' ? plannerName : typeof options.oracleCost === 'object' ? `${plannerName} (oracle, encoder cost)` : `${plannerName} (oracle)`,
    ...summarizeTwoRoomsEpisodes(results),
    results,
  };
}
